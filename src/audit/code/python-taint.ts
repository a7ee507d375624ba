/**
 * A small, intra-file taint analysis over the tree-sitter Python tree: which names may hold request
 * or user input (USER), a model completion (LLM), or a string assembled from user input (BUILT).
 * Flow-insensitive per function (every assignment in a function counts), iterated to a fixpoint,
 * with one level of inter-procedural summary (a function that returns a completion is an LLM
 * source). Hand-written because no maintained JS library does taint tracking over tree-sitter
 * trees; it favours precision (names resolved through imports, receivers that look like LLM
 * clients) over recall, since every hit is shown to a person.
 */
import type { Node } from 'web-tree-sitter';
import type { CallFact } from '../../scan/python/extract.js';
import {
  FORMAT_METHODS,
  GENERATE_RECEIVER,
  LLM_CALL_SUFFIX,
  LLM_FACTORIES,
  LLM_FUNCTIONS,
  LLM_METHODS,
  LLM_RECEIVER,
  PROMPT_NAME,
  PY_USER_CALLS,
  PY_USER_EXPR,
  ROUTE_DECORATOR,
  SANITIZERS,
} from './llm-patterns.js';
import { BUILT, LLM, USER } from './types.js';

export interface PyFunction {
  readonly id: number;
  readonly name: string;
  readonly params: ReadonlySet<string>;
  /** A web route or tool handler: its parameters are untrusted input. */
  readonly userParams: boolean;
  readonly returns: Node[];
}

export interface PyAssign {
  readonly targets: readonly string[];
  readonly value: Node;
  readonly scope: number;
}

export interface PyCall {
  readonly node: Node;
  readonly scope: number;
}

/** What one walk of the tree collects for the analysis and the checks. */
export interface PyCollected {
  readonly calls: PyCall[];
  readonly assigns: PyAssign[];
  readonly functions: Map<number, PyFunction>;
  readonly scopeParent: Map<number, number>;
  readonly strings: Node[];
  truncated: boolean;
}

const MAX_DEPTH = 60;
export const MODULE_SCOPE = 0;

function paramNames(params: Node | null): Set<string> {
  const out = new Set<string>();
  for (const p of params?.namedChildren ?? []) {
    if (!p) continue;
    if (p.type === 'identifier') out.add(p.text);
    else {
      const name = p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier') ?? null;
      if (name?.type === 'identifier') out.add(name.text);
    }
  }
  out.delete('self');
  out.delete('cls');
  return out;
}

/** A decorated function is a web route or tool when a decorator says so (`@app.post(...)`, `@tool`). */
function routeDefinition(decorated: Node): number | undefined {
  const kids = decorated.namedChildren;
  const isRoute = kids.some((d) => d?.type === 'decorator' && ROUTE_DECORATOR.test(d.text.slice(0, 200)));
  const def = decorated.childForFieldName('definition');
  return isRoute && def ? def.id : undefined;
}

/** Names an assignment target binds: identifiers, tuple members, `self.x`, and `x` for `x[i] = …`. */
export function targetNames(left: Node | null): string[] {
  if (!left) return [];
  switch (left.type) {
    case 'identifier':
      return [left.text];
    case 'attribute':
      return left.text.length <= 120 ? [left.text] : [];
    case 'subscript':
      return targetNames(left.childForFieldName('value'));
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'tuple':
    case 'list':
      return left.namedChildren.flatMap((c) => (c ? targetNames(c) : []));
    default:
      return [];
  }
}

const INTERESTING = [
  'decorated_definition',
  'function_definition',
  'call',
  'assignment',
  'augmented_assignment',
  'named_expression',
  'for_statement',
  'return_statement',
  'string',
];

/** Nodes collected per file; past this the file is reported as partly checked. */
const MAX_COLLECTED = 500_000;

/**
 * Collects calls, assignments, functions and string literals. `descendantsOfType` runs the
 * traversal inside wasm and marshals only the nodes asked for; a JS-side cursor walk cost as much
 * as parsing. The enclosing function of each node is found with one sweep over start offsets.
 */
export function collect(root: Node): PyCollected {
  const out: PyCollected = {
    calls: [],
    assigns: [],
    functions: new Map(),
    scopeParent: new Map(),
    strings: [],
    truncated: false,
  };
  let nodes = root.descendantsOfType(INTERESTING).filter((n): n is Node => n !== null);
  if (nodes.length > MAX_COLLECTED) {
    nodes = nodes.slice(0, MAX_COLLECTED);
    out.truncated = true;
  }
  nodes.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  const open: { id: number; end: number }[] = [];
  const routes = new Set<number>();
  for (const node of nodes) {
    const start = node.startIndex;
    while (open.length > 0 && open[open.length - 1]!.end <= start) open.pop();
    const scope = open[open.length - 1]?.id ?? MODULE_SCOPE;
    switch (node.type) {
      case 'decorated_definition': {
        const id = routeDefinition(node);
        if (id !== undefined) routes.add(id);
        break;
      }
      case 'function_definition': {
        const id = node.id;
        out.scopeParent.set(id, scope);
        out.functions.set(id, {
          id,
          name: node.childForFieldName('name')?.text ?? '?',
          params: paramNames(node.childForFieldName('parameters')),
          userParams: routes.has(id),
          returns: [],
        });
        open.push({ id, end: node.endIndex });
        break;
      }
      case 'call':
        out.calls.push({ node, scope });
        break;
      case 'assignment':
      case 'augmented_assignment':
      case 'for_statement': {
        const value = node.childForFieldName('right');
        if (value) out.assigns.push({ targets: targetNames(node.childForFieldName('left')), value, scope });
        break;
      }
      case 'named_expression': {
        const value = node.childForFieldName('value');
        if (value) out.assigns.push({ targets: targetNames(node.childForFieldName('name')), value, scope });
        break;
      }
      case 'return_statement': {
        const value = node.namedChildren[0];
        if (value) out.functions.get(scope)?.returns.push(value);
        break;
      }
      case 'string':
        out.strings.push(node);
        break;
    }
  }
  return out;
}

/** The literal text of a plain string (no interpolation), or undefined. */
export function pyString(node: Node): string | undefined {
  if (node.type !== 'string') return undefined;
  let out = '';
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === 'interpolation') return undefined;
    if (c.type === 'string_content' || c.type === 'escape_sequence') out += c.text;
  }
  return out;
}

function hasInterpolation(node: Node): boolean {
  return node.type === 'string' && node.namedChildren.some((c) => c?.type === 'interpolation');
}

/** The last plain identifier of a receiver expression (`self.llm` → `llm`, `(p | llm)` → the text). */
function receiverName(obj: Node): string {
  const text = obj.text.slice(0, 120);
  const m = /([A-Za-z_][A-Za-z0-9_]*)\s*\)?\s*$/.exec(text);
  return m?.[1] ?? text;
}

export class PyTaint {
  private readonly vars = new Map<number, Map<string, number>>();
  private readonly summaries = new Map<string, number>();
  private readonly llmCallables = new Set<string>();
  readonly assignsByName = new Map<string, PyAssign[]>();

  constructor(
    private readonly c: PyCollected,
    private readonly facts: ReadonlyMap<string, CallFact>,
  ) {
    for (const a of c.assigns) {
      for (const t of a.targets) {
        const key = t.includes('.') ? t : `${a.scope}:${t}`;
        const list = this.assignsByName.get(key);
        if (list) list.push(a);
        else this.assignsByName.set(key, [a]);
      }
    }
  }

  /** Runs assignments and return summaries to a fixpoint (few passes; labels only grow). */
  solve(maxPasses = 6): void {
    for (let pass = 0; pass < maxPasses; pass++) {
      let changed = false;
      for (const a of this.c.assigns) {
        if (a.value.type === 'call' && this.isFactory(a.value)) for (const t of a.targets) this.llmCallables.add(t);
        const t = this.of(a.value, a.scope);
        if (t === 0) continue;
        for (const name of a.targets) changed = this.bind(name, a.scope, t) || changed;
      }
      for (const fn of this.c.functions.values()) {
        let t = 0;
        for (const r of fn.returns) t |= this.of(r, fn.id);
        const before = this.summaries.get(fn.name) ?? 0;
        if ((before | t) !== before) {
          this.summaries.set(fn.name, before | t);
          changed = true;
        }
      }
      if (!changed) break;
    }
  }

  private bind(name: string, scope: number, t: number): boolean {
    const s = name.includes('.') ? MODULE_SCOPE : scope;
    let m = this.vars.get(s);
    if (!m) {
      m = new Map();
      this.vars.set(s, m);
    }
    const before = m.get(name) ?? 0;
    if ((before | t) === before) return false;
    m.set(name, before | t);
    return true;
  }

  lookup(name: string, scope: number): number {
    let t = 0;
    let s: number | undefined = scope;
    for (let hops = 0; s !== undefined && hops < 50; hops++) {
      t |= this.vars.get(s)?.get(name) ?? 0;
      const fn = this.c.functions.get(s);
      if (fn?.userParams && fn.params.has(name)) t |= USER;
      if (s === MODULE_SCOPE) break;
      s = this.c.scopeParent.get(s);
    }
    return t;
  }

  /** The resolved name of a call, when the shared extractor resolved it through imports. */
  resolved(call: Node): string | undefined {
    const f = this.facts.get(`${call.startPosition.row + 1}:${call.startPosition.column + 1}`);
    return f?.resolved ? f.callee : undefined;
  }

  private isFactory(call: Node): boolean {
    const name = this.resolved(call) ?? call.childForFieldName('function')?.text;
    return name !== undefined && LLM_FACTORIES.has(name);
  }

  /** True when the call returns a model completion. */
  isLlmCall(call: Node): boolean {
    const fn = call.childForFieldName('function');
    if (!fn) return false;
    const resolved = this.resolved(call);
    if (resolved !== undefined && LLM_FUNCTIONS.has(resolved)) return true;
    const text = fn.text.length <= 200 ? fn.text : '';
    if (LLM_CALL_SUFFIX.test(text)) return true;
    if (fn.type === 'identifier') return this.llmCallables.has(fn.text);
    if (fn.type === 'call') return this.isFactory(fn);
    if (fn.type !== 'attribute') return false;
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const obj = fn.childForFieldName('object');
    if (!obj) return false;
    const recv = receiverName(obj);
    if (method === 'generate' && GENERATE_RECEIVER.test(recv)) return true;
    return LLM_METHODS.has(method) && LLM_RECEIVER.test(recv);
  }

  /** Taint labels of an expression. */
  of(node: Node, scope: number, depth = 0): number {
    if (depth > MAX_DEPTH) return 0;
    switch (node.type) {
      case 'identifier':
        return this.lookup(node.text, scope);
      case 'attribute': {
        const text = node.text;
        if (text.length <= 200 && PY_USER_EXPR.test(text)) return USER;
        const obj = node.childForFieldName('object');
        const own = text.length <= 120 ? (this.vars.get(MODULE_SCOPE)?.get(text) ?? 0) : 0;
        return own | (obj ? this.of(obj, scope, depth + 1) : 0);
      }
      case 'subscript': {
        const v = node.childForFieldName('value');
        if (v && v.text.length <= 200 && PY_USER_EXPR.test(v.text)) return USER;
        return v ? this.of(v, scope, depth + 1) : 0;
      }
      case 'call':
        return this.ofCall(node, scope, depth);
      case 'keyword_argument': {
        const v = node.childForFieldName('value');
        return v ? this.of(v, scope, depth + 1) : 0;
      }
      case 'string': {
        let t = 0;
        for (const c of node.namedChildren) if (c?.type === 'interpolation') t |= this.of(c, scope, depth + 1);
        return t & USER ? t | BUILT : t;
      }
      case 'binary_operator': {
        const t = this.children(node, scope, depth);
        const op = node.childForFieldName('operator')?.text;
        if ((op === '+' || op === '%') && t & USER && this.stringish(node, scope)) return t | BUILT;
        return t;
      }
      case 'integer':
      case 'float':
      case 'true':
      case 'false':
      case 'none':
      case 'comparison_operator':
      case 'not_operator':
      case 'lambda':
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

  /** A `+`/`%` chain with a string literal or a prompt-named operand is string building. */
  private stringish(node: Node, scope: number): boolean {
    for (const side of [node.childForFieldName('left'), node.childForFieldName('right')]) {
      if (!side) continue;
      if (side.type === 'string' || side.type === 'concatenated_string') return true;
      if (side.type === 'identifier' && PROMPT_NAME.test(side.text)) return true;
      if (side.type === 'binary_operator' && this.stringish(side, scope)) return true;
    }
    return false;
  }

  private ofCall(node: Node, scope: number, depth: number): number {
    if (this.isLlmCall(node)) return LLM;
    const fn = node.childForFieldName('function');
    const resolved = this.resolved(node);
    const text = fn && fn.text.length <= 200 ? fn.text : '';
    if ((resolved && PY_USER_CALLS.has(resolved)) || PY_USER_EXPR.test(text)) return USER;
    if ((resolved && SANITIZERS.has(resolved)) || SANITIZERS.has(text)) return 0;
    let t = 0;
    if (fn?.type === 'identifier') t |= this.summaries.get(fn.text) ?? 0;
    let argT = 0;
    const args = node.childForFieldName('arguments');
    for (const a of args?.namedChildren ?? []) if (a) argT |= this.of(a, scope, depth + 1);
    t |= argT;
    if (fn?.type === 'attribute') {
      const obj = fn.childForFieldName('object');
      if (obj) t |= this.of(obj, scope, depth + 1);
      const method = fn.childForFieldName('attribute')?.text ?? '';
      if (FORMAT_METHODS.has(method) && argT & USER) t |= BUILT;
    }
    return t;
  }

  /** String-building nodes carrying user input that reach `node` (directly or through variables). */
  buildSites(node: Node, scope: number, seen = new Set<string>(), depth = 0): Node[] {
    if (depth > MAX_DEPTH) return [];
    if (this.isBuild(node) && this.of(node, scope) & USER) return [node];
    if (node.type === 'identifier' || node.type === 'attribute') {
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
    if (node.type === 'call' && this.isLlmCall(node)) return [];
    return node.namedChildren.flatMap((c) => (c ? this.buildSites(c, scope, seen, depth + 1) : []));
  }

  private assignsFor(name: string, scope: number): PyAssign[] {
    if (name.includes('.')) return this.assignsByName.get(name) ?? [];
    const out: PyAssign[] = [];
    let s: number | undefined = scope;
    for (let hops = 0; s !== undefined && hops < 50; hops++) {
      out.push(...(this.assignsByName.get(`${s}:${name}`) ?? []));
      if (s === MODULE_SCOPE) break;
      s = this.c.scopeParent.get(s);
    }
    return out;
  }

  isBuild(node: Node): boolean {
    if (node.type === 'string') return hasInterpolation(node);
    if (node.type === 'binary_operator') {
      const op = node.childForFieldName('operator')?.text;
      return (op === '+' || op === '%') && this.stringish(node, MODULE_SCOPE);
    }
    if (node.type === 'call') {
      const fn = node.childForFieldName('function');
      return fn?.type === 'attribute' && FORMAT_METHODS.has(fn.childForFieldName('attribute')?.text ?? '');
    }
    return false;
  }
}
