/**
 * The TypeScript/JavaScript counterpart of python-taint.ts: module bindings (imports and
 * `require`), per-function assignments, and USER/LLM/BUILT labels to a fixpoint. Same design and
 * same reason for being hand-written; see there.
 */
import type { Node } from 'web-tree-sitter';
import { FORMAT_METHODS, SANITIZERS } from './llm-patterns.js';
import { type Collected, MODULE_SCOPE, TaintCore, type TaintSyntax } from './taint-core.js';
import { USER } from './types.js';

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

export interface JsCollected extends Collected {
  /** Local name → module (or module.member) it was imported or required from. */
  readonly bindings: Map<string, string>;
}

const MAX_NODES = 2_000_000;

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
      // Summaries are looked up by name, so an anonymous function's returns have no reader.
      const name = functionName(node);
      if (name) out.functions.set(inner, { name, returns });
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

const JS_SYNTAX: TaintSyntax = {
  call: 'call_expression',
  member: 'member_expression',
  memberField: 'property',
  binary: 'binary_expression',
  template: 'template_string',
  substitution: 'template_substitution',
  names: new Set(['identifier', 'shorthand_property_identifier']),
  members: new Set(['member_expression', 'subscript_expression']),
  valued: new Set(['pair']),
  inert: new Set([
    'number',
    'true',
    'false',
    'null',
    'undefined',
    'string',
    'arrow_function',
    'function_expression',
    'property_identifier',
  ]),
  strings: new Set(['string', 'template_string']),
  concatOps: new Set(['+']),
  formatMethods: new Set([...FORMAT_METHODS, 'concat']),
  userExpr: JS_USER_EXPR,
  receiver: /([A-Za-z_$][A-Za-z0-9_$]*)\s*\)?\s*$/,
};

export class JsTaint extends TaintCore<JsCollected> {
  constructor(c: JsCollected) {
    super(c, JS_SYNTAX);
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

  protected calleeName(_call: Node, fn: Node): string | undefined {
    return this.qualified(fn);
  }

  protected callSource(call: Node, fn: Node | null): number | undefined {
    if (JS_USER_EXPR.test(call.text.slice(0, 200))) return USER;
    const text = fn && fn.text.length <= 200 ? fn.text : '';
    if (SANITIZERS.has(text) || SANITIZERS.has(this.qualified(fn) ?? '')) return 0;
    return undefined;
  }
}
