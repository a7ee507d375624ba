/**
 * A small, intra-file taint analysis over the tree-sitter Python tree: which names may hold request
 * or user input (USER), a model completion (LLM), or a string assembled from user input (BUILT).
 * Flow-insensitive per function (every assignment in a function counts), iterated to a fixpoint,
 * with one level of inter-procedural summary (a function that returns a completion is an LLM
 * source). Hand-written because no maintained JS library does taint tracking over tree-sitter
 * trees; it favours precision (names resolved through imports, receivers that look like LLM
 * clients) over recall, since every hit is shown to a person. The labelling and the fixpoint are
 * shared with JavaScript in taint-core.ts; this file holds what is Python's own.
 */
import type { Node } from 'web-tree-sitter';
import type { CallFact } from '../../scan/python/extract.js';
import {
  FORMAT_METHODS,
  LLM_FACTORIES,
  PY_USER_CALLS,
  PY_USER_EXPR,
  ROUTE_DECORATOR,
  SANITIZERS,
} from './llm-patterns.js';
import {
  type Assign,
  type Collected,
  MODULE_SCOPE,
  TaintCore,
  type TaintFunction,
  type TaintSyntax,
} from './taint-core.js';
import { USER } from './types.js';

export interface PyFunction extends TaintFunction {
  readonly id: number;
  readonly params: ReadonlySet<string>;
  /** A web route or tool handler: its parameters are untrusted input. */
  readonly userParams: boolean;
}

export type PyCollected = Collected<PyFunction>;

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

const PY_SYNTAX: TaintSyntax = {
  call: 'call',
  member: 'attribute',
  memberField: 'attribute',
  binary: 'binary_operator',
  template: 'string',
  substitution: 'interpolation',
  names: new Set(['identifier']),
  members: new Set(['attribute']),
  valued: new Set(['keyword_argument']),
  inert: new Set(['integer', 'float', 'true', 'false', 'none', 'comparison_operator', 'not_operator', 'lambda']),
  strings: new Set(['string', 'concatenated_string']),
  concatOps: new Set(['+', '%']),
  formatMethods: FORMAT_METHODS,
  userExpr: PY_USER_EXPR,
  receiver: /([A-Za-z_][A-Za-z0-9_]*)\s*\)?\s*$/,
};

export class PyTaint extends TaintCore<PyCollected> {
  private readonly llmCallables = new Set<string>();

  constructor(
    c: PyCollected,
    private readonly facts: ReadonlyMap<string, CallFact>,
  ) {
    super(c, PY_SYNTAX);
  }

  /** `llm = ChatOpenAI()`: later `llm(...)` returns a completion. */
  protected override onAssign(a: Assign): void {
    if (a.value.type === 'call' && this.isFactory(a.value)) for (const t of a.targets) this.llmCallables.add(t);
  }

  protected override paramLabel(name: string, scope: number): number {
    const fn = this.c.functions.get(scope);
    return fn?.userParams && fn.params.has(name) ? USER : 0;
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

  protected calleeName(call: Node): string | undefined {
    return this.resolved(call);
  }

  protected override llmCallee(fn: Node): boolean {
    if (fn.type === 'identifier') return this.llmCallables.has(fn.text);
    return fn.type === 'call' && this.isFactory(fn);
  }

  protected callSource(call: Node, fn: Node | null): number | undefined {
    const resolved = this.resolved(call);
    const text = fn && fn.text.length <= 200 ? fn.text : '';
    if ((resolved && PY_USER_CALLS.has(resolved)) || PY_USER_EXPR.test(text)) return USER;
    if ((resolved && SANITIZERS.has(resolved)) || SANITIZERS.has(text)) return 0;
    return undefined;
  }

  /** `request.args["q"]`: the subscripted value's text says whether it is input. */
  protected override other(node: Node, scope: number, depth: number): number {
    if (node.type !== 'subscript') return this.children(node, scope, depth);
    const v = node.childForFieldName('value');
    if (v && v.text.length <= 200 && PY_USER_EXPR.test(v.text)) return USER;
    return v ? this.of(v, scope, depth + 1) : 0;
  }
}
