/**
 * The TypeScript/JavaScript counterpart of python-taint.ts: module bindings (imports and
 * `require`), per-function assignments, and USER/LLM/BUILT labels to a fixpoint. Same design and
 * same reason for being hand-written; see there.
 */
import type { Node } from 'web-tree-sitter';
import {
  FORMAT_METHODS,
  GENERATE_RECEIVER,
  LLM_CALL_SUFFIX,
  LLM_FUNCTIONS,
  LLM_METHODS,
  LLM_RECEIVER,
  PROMPT_NAME,
  SANITIZERS,
} from './llm-patterns.js';
import { BUILT, LLM, USER } from './types.js';

/** Expressions that carry request input in Express, Koa, Next.js, Fastify, Hono and CLIs. */
export const JS_USER_EXPR =
  /^(?:req|request|ctx\.request|c\.req|event)\.(?:body|query|params|headers|cookies|json\(\)|text\(\)|formData\(\)|valid\()|^(?:req|request|c\.req)\.(?:json|text|formData|param|query)\b|^process\.argv\b|\.searchParams\.get\(/;

const FUNCTION_TYPES = new Set([
  'function_declaration',
  'function_expression',
  'arrow_function',
  'method_definition',
  'generator_function_declaration',
  'generator_function',
]);

export interface JsAssign {
  readonly targets: readonly string[];
  readonly value: Node;
  readonly scope: number;
}

export interface JsCollected {
  readonly calls: { node: Node; scope: number }[];
  readonly assigns: JsAssign[];
  /** Function scope id → name (when it has one) and returned expressions. */
  readonly functions: Map<number, { name: string; returns: Node[] }>;
  readonly scopeParent: Map<number, number>;
  readonly strings: Node[];
  /** Local name → module (or module.member) it was imported or required from. */
  readonly bindings: Map<string, string>;
  truncated: boolean;
}

const MAX_NODES = 2_000_000;
const MAX_DEPTH = 60;
const MODULE_SCOPE = 0;

/** Names bound by a declarator or assignment target, destructuring included. */
export function jsTargets(node: Node | null): string[] {
  if (!node) return [];
  switch (node.type) {
    case 'identifier':
    case 'shorthand_property_identifier_pattern':
      return [node.text];
    case 'member_expression':
      return node.text.length <= 120 ? [node.text] : [];
    case 'subscript_expression':
      return jsTargets(node.childForFieldName('object'));
    case 'object_pattern':
    case 'array_pattern':
      return node.namedChildren.flatMap((c) => (c ? jsTargets(c) : []));
    case 'pair_pattern':
      return jsTargets(node.childForFieldName('value'));
    case 'assignment_pattern':
    case 'object_assignment_pattern':
      return jsTargets(node.childForFieldName('left'));
    case 'rest_pattern':
      return node.namedChildren.flatMap((c) => (c ? jsTargets(c) : []));
    default:
      return [];
  }
}

function moduleName(source: Node | null): string | undefined {
  const m = source?.text.match(/^['"`](?:node:)?([^'"`]+)['"`]$/);
  return m?.[1];
}

function recordImport(node: Node, bindings: Map<string, string>): void {
  const mod = moduleName(node.childForFieldName('source'));
  if (!mod) return;
  for (const clause of node.namedChildren) {
    if (clause?.type !== 'import_clause') continue;
    for (const part of clause.namedChildren) {
      if (!part) continue;
      if (part.type === 'identifier') bindings.set(part.text, mod);
      else if (part.type === 'namespace_import') {
        const id = part.namedChildren.find((c) => c?.type === 'identifier');
        if (id) bindings.set(id.text, mod);
      } else if (part.type === 'named_imports') {
        for (const spec of part.namedChildren) {
          if (spec?.type !== 'import_specifier') continue;
          const name = spec.childForFieldName('name')?.text;
          const alias = spec.childForFieldName('alias')?.text ?? name;
          if (name && alias) bindings.set(alias, `${mod}.${name}`);
        }
      }
    }
  }
}

/** `const cp = require('child_process')`, `const { exec: run } = require('node:child_process')`. */
function recordRequire(name: Node | null, value: Node, bindings: Map<string, string>): void {
  if (value.type !== 'call_expression' || value.childForFieldName('function')?.text !== 'require') return;
  const mod = moduleName(value.childForFieldName('arguments')?.namedChildren[0] ?? null);
  if (!mod || !name) return;
  if (name.type === 'identifier') bindings.set(name.text, mod);
  else if (name.type === 'object_pattern') {
    for (const p of name.namedChildren) {
      if (p?.type === 'shorthand_property_identifier_pattern') bindings.set(p.text, `${mod}.${p.text}`);
      else if (p?.type === 'pair_pattern') {
        const key = p.childForFieldName('key')?.text;
        const local = p.childForFieldName('value');
        if (key && local?.type === 'identifier') bindings.set(local.text, `${mod}.${key}`);
      }
    }
  }
}

function functionName(fn: Node): string {
  const own = fn.childForFieldName('name')?.text;
  if (own) return own;
  const p = fn.parent;
  if (p?.type === 'variable_declarator') return p.childForFieldName('name')?.text ?? '';
  if (p?.type === 'pair') return p.childForFieldName('key')?.text ?? '';
  return '';
}

export function collectJs(root: Node): JsCollected {
  const out: JsCollected = {
    calls: [],
    assigns: [],
    functions: new Map(),
    scopeParent: new Map(),
    strings: [],
    bindings: new Map(),
    truncated: false,
  };
  const stack: [Node, number][] = [[root, MODULE_SCOPE]];
  let visited = 0;
  while (stack.length > 0) {
    const [node, scope] = stack.pop()!;
    if (++visited > MAX_NODES) {
      out.truncated = true;
      break;
    }
    let inner = scope;
    const t = node.type;
    if (FUNCTION_TYPES.has(t)) {
      inner = node.id;
      out.scopeParent.set(inner, scope);
      const returns: Node[] = [];
      const body = node.childForFieldName('body');
      if (t === 'arrow_function' && body && body.type !== 'statement_block') returns.push(body);
      out.functions.set(inner, { name: functionName(node), returns });
    } else if (t === 'call_expression' || t === 'new_expression') {
      out.calls.push({ node, scope });
    } else if (t === 'variable_declarator') {
      const value = node.childForFieldName('value');
      if (value) {
        out.assigns.push({ targets: jsTargets(node.childForFieldName('name')), value, scope });
        recordRequire(node.childForFieldName('name'), value, out.bindings);
      }
    } else if (t === 'assignment_expression' || t === 'augmented_assignment_expression') {
      const value = node.childForFieldName('right');
      if (value) out.assigns.push({ targets: jsTargets(node.childForFieldName('left')), value, scope });
    } else if (t === 'return_statement') {
      const value = node.namedChildren[0];
      if (value) out.functions.get(scope)?.returns.push(value);
    } else if (t === 'import_statement') {
      recordImport(node, out.bindings);
    } else if (t === 'string' || t === 'template_string') {
      out.strings.push(node);
    }
    const kids = node.namedChildren;
    for (let i = kids.length - 1; i >= 0; i--) {
      const k = kids[i];
      if (k) stack.push([k, inner]);
    }
  }
  return out;
}

/** Literal text of a string or substitution-free template literal. */
export function jsString(node: Node): string | undefined {
  if (node.type === 'string') {
    return node.namedChildren
      .filter((c) => c?.type === 'string_fragment' || c?.type === 'escape_sequence')
      .map((c) => c!.text)
      .join('');
  }
  if (node.type === 'template_string') {
    if (node.namedChildren.some((c) => c?.type === 'template_substitution')) return undefined;
    return node.namedChildren
      .filter((c) => c?.type === 'string_fragment' || c?.type === 'escape_sequence')
      .map((c) => c!.text)
      .join('');
  }
  return undefined;
}

function receiverName(obj: Node): string {
  const text = obj.text.slice(0, 120);
  const m = /([A-Za-z_$][A-Za-z0-9_$]*)\s*\)?\s*$/.exec(text);
  return m?.[1] ?? text;
}

export class JsTaint {
  private readonly vars = new Map<number, Map<string, number>>();
  private readonly summaries = new Map<string, number>();
  private readonly byName = new Map<string, JsAssign[]>();

  constructor(readonly c: JsCollected) {
    for (const a of c.assigns) {
      for (const t of a.targets) {
        const key = t.includes('.') ? t : `${a.scope}:${t}`;
        const list = this.byName.get(key);
        if (list) list.push(a);
        else this.byName.set(key, [a]);
      }
    }
  }

  solve(maxPasses = 6): void {
    for (let pass = 0; pass < maxPasses; pass++) {
      let changed = false;
      for (const a of this.c.assigns) {
        const t = this.of(a.value, a.scope);
        if (t === 0) continue;
        for (const name of a.targets) {
          const s = name.includes('.') ? MODULE_SCOPE : a.scope;
          let m = this.vars.get(s);
          if (!m) {
            m = new Map();
            this.vars.set(s, m);
          }
          const before = m.get(name) ?? 0;
          if ((before | t) !== before) {
            m.set(name, before | t);
            changed = true;
          }
        }
      }
      for (const [id, fn] of this.c.functions) {
        if (!fn.name) continue;
        let t = 0;
        for (const r of fn.returns) t |= this.of(r, id);
        const before = this.summaries.get(fn.name) ?? 0;
        if ((before | t) !== before) {
          this.summaries.set(fn.name, before | t);
          changed = true;
        }
      }
      if (!changed) break;
    }
  }

  lookup(name: string, scope: number): number {
    let t = 0;
    let s: number | undefined = scope;
    for (let hops = 0; s !== undefined && hops < 50; hops++) {
      t |= this.vars.get(s)?.get(name) ?? 0;
      if (s === MODULE_SCOPE) break;
      s = this.c.scopeParent.get(s);
    }
    return t;
  }

  /** The callee as a module-qualified name when its root was imported or required. */
  qualified(fn: Node | null): string | undefined {
    if (!fn) return undefined;
    if (fn.type === 'identifier') return this.c.bindings.get(fn.text);
    if (fn.type === 'member_expression') {
      const base = this.qualified(fn.childForFieldName('object'));
      const prop = fn.childForFieldName('property')?.text;
      return base && prop ? `${base}.${prop}` : undefined;
    }
    return undefined;
  }

  isLlmCall(call: Node): boolean {
    if (call.type !== 'call_expression') return false;
    const fn = call.childForFieldName('function');
    if (!fn) return false;
    const q = this.qualified(fn);
    if (q !== undefined && LLM_FUNCTIONS.has(q)) return true;
    const text = fn.text.length <= 200 ? fn.text : '';
    if (LLM_CALL_SUFFIX.test(text)) return true;
    if (fn.type !== 'member_expression') return false;
    const method = fn.childForFieldName('property')?.text ?? '';
    const obj = fn.childForFieldName('object');
    if (!obj) return false;
    const recv = receiverName(obj);
    if (method === 'generate' && GENERATE_RECEIVER.test(recv)) return true;
    return LLM_METHODS.has(method) && LLM_RECEIVER.test(recv);
  }

  of(node: Node, scope: number, depth = 0): number {
    if (depth > MAX_DEPTH) return 0;
    const text = node.text.length <= 200 ? node.text : '';
    switch (node.type) {
      case 'identifier':
      case 'shorthand_property_identifier':
        return this.lookup(node.text, scope);
      case 'member_expression':
      case 'subscript_expression': {
        if (JS_USER_EXPR.test(text)) return USER;
        const obj = node.childForFieldName('object');
        const own = text && text.length <= 120 ? (this.vars.get(MODULE_SCOPE)?.get(text) ?? 0) : 0;
        return own | (obj ? this.of(obj, scope, depth + 1) : 0);
      }
      case 'call_expression':
        return this.ofCall(node, scope, depth);
      case 'template_string': {
        let t = 0;
        for (const c of node.namedChildren) if (c?.type === 'template_substitution') t |= this.of(c, scope, depth + 1);
        return t & USER ? t | BUILT : t;
      }
      case 'binary_expression': {
        const t = this.children(node, scope, depth);
        const op = node.childForFieldName('operator')?.text;
        return op === '+' && t & USER && this.stringish(node) ? t | BUILT : t;
      }
      case 'pair': {
        const v = node.childForFieldName('value');
        return v ? this.of(v, scope, depth + 1) : 0;
      }
      case 'number':
      case 'true':
      case 'false':
      case 'null':
      case 'undefined':
      case 'string':
      case 'arrow_function':
      case 'function_expression':
      case 'property_identifier':
        return 0;
      default:
        return this.children(node, scope, depth);
    }
  }

  private children(node: Node, scope: number, depth: number): number {
    let t = 0;
    for (const c of node.namedChildren) if (c && c.type !== 'comment') t |= this.of(c, scope, depth + 1);
    return t;
  }

  private stringish(node: Node): boolean {
    for (const side of [node.childForFieldName('left'), node.childForFieldName('right')]) {
      if (!side) continue;
      if (side.type === 'string' || side.type === 'template_string') return true;
      if (side.type === 'identifier' && PROMPT_NAME.test(side.text)) return true;
      if (side.type === 'binary_expression' && this.stringish(side)) return true;
    }
    return false;
  }

  private ofCall(node: Node, scope: number, depth: number): number {
    if (this.isLlmCall(node)) return LLM;
    const fn = node.childForFieldName('function');
    const text = fn && fn.text.length <= 200 ? fn.text : '';
    if (JS_USER_EXPR.test(node.text.slice(0, 200))) return USER;
    if (SANITIZERS.has(text) || SANITIZERS.has(this.qualified(fn) ?? '')) return 0;
    let t = 0;
    if (fn?.type === 'identifier') t |= this.summaries.get(fn.text) ?? 0;
    let argT = 0;
    for (const a of node.childForFieldName('arguments')?.namedChildren ?? [])
      if (a) argT |= this.of(a, scope, depth + 1);
    t |= argT;
    if (fn?.type === 'member_expression') {
      const obj = fn.childForFieldName('object');
      if (obj) t |= this.of(obj, scope, depth + 1);
      const method = fn.childForFieldName('property')?.text ?? '';
      if ((FORMAT_METHODS.has(method) || method === 'concat') && argT & USER) t |= BUILT;
    }
    return t;
  }

  isBuild(node: Node): boolean {
    if (node.type === 'template_string') return node.namedChildren.some((c) => c?.type === 'template_substitution');
    if (node.type === 'binary_expression')
      return node.childForFieldName('operator')?.text === '+' && this.stringish(node);
    if (node.type === 'call_expression') {
      const fn = node.childForFieldName('function');
      const m = fn?.type === 'member_expression' ? (fn.childForFieldName('property')?.text ?? '') : '';
      return FORMAT_METHODS.has(m) || m === 'concat';
    }
    return false;
  }

  buildSites(node: Node, scope: number, seen = new Set<string>(), depth = 0): Node[] {
    if (depth > MAX_DEPTH) return [];
    if (this.isBuild(node) && this.of(node, scope) & USER) return [node];
    if (
      node.type === 'identifier' ||
      node.type === 'shorthand_property_identifier' ||
      node.type === 'member_expression'
    ) {
      if ((this.of(node, scope) & BUILT) === 0) return [];
      const out: Node[] = [];
      for (const a of this.assignsFor(node.text, scope)) {
        const key = `${a.scope}:${node.text}:${a.value.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(...this.buildSites(a.value, a.scope, seen, depth + 1));
      }
      return out;
    }
    if (node.type === 'call_expression' && this.isLlmCall(node)) return [];
    return node.namedChildren.flatMap((c) => (c ? this.buildSites(c, scope, seen, depth + 1) : []));
  }

  private assignsFor(name: string, scope: number): JsAssign[] {
    if (name.includes('.')) return this.byName.get(name) ?? [];
    const out: JsAssign[] = [];
    let s: number | undefined = scope;
    for (let hops = 0; s !== undefined && hops < 50; hops++) {
      out.push(...(this.byName.get(`${s}:${name}`) ?? []));
      if (s === MODULE_SCOPE) break;
      s = this.c.scopeParent.get(s);
    }
    return out;
  }
}
