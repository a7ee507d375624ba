/**
 * Facts about a Python module from its syntax tree: imports (with aliases) and calls, each call's
 * callee resolved to a qualified name through the module's imports and simple aliases
 * (`import os as o; o.system` → `os.system`, `from subprocess import Popen as P` → `subprocess.Popen`,
 * `s = os.system`, `getattr(os, 'system')`, `__import__('os').system`). Reused by the audit.
 */
import type { Node } from 'web-tree-sitter';

export type Scope = 'module' | 'class' | 'function';

export interface ImportFact {
  /** Fully qualified target (`os.path`, `subprocess.Popen`). */
  readonly target: string;
  /** Local name it is bound to. */
  readonly alias: string;
  readonly line: number;
  readonly scope: Scope;
}

export interface ArgFact {
  readonly kind: 'string' | 'bool' | 'none' | 'number' | 'name' | 'other';
  readonly text: string;
  /** Literal value for strings and booleans; the resolved qualified name for names/attributes. */
  readonly value?: string | boolean;
}

export interface CallFact {
  /** Qualified name when resolved (`os.system`, `eval`), else the callee's source text. */
  readonly callee: string;
  readonly resolved: boolean;
  readonly line: number;
  readonly column: number;
  readonly scope: Scope;
  /** Innermost enclosing function or class, when not at module level. */
  readonly within?: string;
  /** Positional and keyword arguments; filled only when the callee resolved. */
  readonly args: readonly ArgFact[];
  readonly keywords: Readonly<Record<string, ArgFact>>;
  /** True when `*args`/`**kwargs` are passed (values unknown). */
  readonly splat: boolean;
  /** The call's first source line, trimmed. */
  readonly snippet: string;
}

export interface PythonFacts {
  readonly imports: readonly ImportFact[];
  readonly calls: readonly CallFact[];
  readonly hasSyntaxErrors: boolean;
  readonly truncated: boolean;
}

export interface ExtractLimits {
  readonly maxNodes: number;
  readonly maxCalls: number;
}

/** Names a bare identifier brought in by `from m import *`, when the caller cares about it. */
export type StarResolver = (modules: readonly string[], name: string) => string | undefined;

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = { maxNodes: 5_000_000, maxCalls: 100_000 };

/** Builtins that matter to security checks, resolved even without an import. */
const BUILTINS = new Set([
  'eval',
  'exec',
  'compile',
  '__import__',
  'getattr',
  'open',
  'breakpoint',
  'input',
  'globals',
  'locals',
  'vars',
  'setattr',
]);

const INTERESTING = new Set([
  'import_statement',
  'import_from_statement',
  'assignment',
  'call',
  'function_definition',
  'class_definition',
]);

interface Frame {
  readonly depth: number;
  readonly scope: Scope;
  readonly name: string;
}

interface Located {
  readonly node: Node;
  readonly scope: Scope;
  readonly within?: string;
}

function stringValue(node: Node): string | undefined {
  if (node.type === 'concatenated_string') {
    const parts = node.namedChildren.map((c) => (c ? stringValue(c) : undefined));
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  if (node.type !== 'string') return undefined;
  let out = '';
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === 'interpolation') return undefined;
    if (c.type === 'string_content' || c.type === 'escape_sequence') out += c.text;
  }
  return out;
}

class Resolver {
  readonly bindings = new Map<string, string>();
  readonly starModules: string[] = [];
  constructor(private readonly star?: StarResolver) {}

  resolve(node: Node | null, depth = 0): string | undefined {
    if (!node || depth > 50) return undefined;
    switch (node.type) {
      case 'identifier': {
        const bound = this.bindings.get(node.text);
        if (bound !== undefined) return bound;
        if (BUILTINS.has(node.text)) return node.text;
        return this.starModules.length > 0 ? this.star?.(this.starModules, node.text) : undefined;
      }
      case 'attribute': {
        const base = this.resolve(node.childForFieldName('object'), depth + 1);
        const attr = node.childForFieldName('attribute')?.text;
        return base !== undefined && attr ? normalize(`${base}.${attr}`) : undefined;
      }
      case 'parenthesized_expression':
        return this.resolve(node.namedChild(0), depth + 1);
      case 'call': {
        const fn = this.resolve(node.childForFieldName('function'), depth + 1);
        const args = node.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
        const first = args[0];
        if ((fn === '__import__' || fn === 'importlib.import_module') && first) return stringValue(first);
        if (fn === 'getattr' && first && args[1]) {
          const base = this.resolve(first, depth + 1);
          const name = stringValue(args[1]);
          return base !== undefined && name !== undefined ? normalize(`${base}.${name}`) : undefined;
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }
}

/** `builtins.eval` and `__builtin__.eval` are the bare builtin. */
function normalize(name: string): string {
  return name.replace(/^(?:builtins|__builtin__)\./, '');
}

function argFact(node: Node, r: Resolver): ArgFact {
  const text = node.text.length > 200 ? `${node.text.slice(0, 199)}…` : node.text;
  const s = stringValue(node);
  if (s !== undefined) return { kind: 'string', text, value: s };
  if (node.type === 'true' || node.type === 'false') return { kind: 'bool', text, value: node.type === 'true' };
  if (node.type === 'none') return { kind: 'none', text };
  if (node.type === 'integer' || node.type === 'float') return { kind: 'number', text };
  if (node.type === 'identifier' || node.type === 'attribute') {
    const q = r.resolve(node);
    return q === undefined ? { kind: 'name', text } : { kind: 'name', text, value: q };
  }
  return { kind: 'other', text };
}

function line(node: Node): number {
  return node.startPosition.row + 1;
}

function recordImports(node: Node, loc: Located, r: Resolver, out: ImportFact[]): void {
  const bind = (target: string, alias: string) => {
    r.bindings.set(alias, normalize(target));
    out.push({ target, alias, line: line(node), scope: loc.scope });
  };
  if (node.type === 'import_statement') {
    for (const n of node.childrenForFieldName('name')) {
      if (!n) continue;
      if (n.type === 'aliased_import') {
        const target = n.childForFieldName('name')?.text;
        const alias = n.childForFieldName('alias')?.text;
        if (target && alias) bind(target, alias);
      } else {
        // `import a.b` binds `a`; attribute access then spells the rest.
        const root = n.text.split('.')[0] ?? n.text;
        bind(root, root);
      }
    }
    return;
  }
  const module = node.childForFieldName('module_name')?.text ?? '';
  if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) {
    r.starModules.push(module);
    out.push({ target: `${module}.*`, alias: '*', line: line(node), scope: loc.scope });
    return;
  }
  for (const n of node.childrenForFieldName('name')) {
    if (!n) continue;
    const name = n.type === 'aliased_import' ? n.childForFieldName('name')?.text : n.text;
    const alias = n.type === 'aliased_import' ? n.childForFieldName('alias')?.text : n.text;
    if (name && alias) bind(`${module}.${name}`, alias);
  }
}

const ALIASABLE = new Set(['identifier', 'attribute', 'call', 'parenthesized_expression']);

function recordAssignment(node: Node, r: Resolver): void {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (left?.type !== 'identifier' || !right || !ALIASABLE.has(right.type)) return;
  const q = r.resolve(right);
  if (q !== undefined) r.bindings.set(left.text, q);
}

function callFact(loc: Located, r: Resolver, source: readonly string[]): CallFact {
  const node = loc.node;
  const fnNode = node.childForFieldName('function');
  const resolvedName = r.resolve(fnNode);
  const args: ArgFact[] = [];
  const keywords: Record<string, ArgFact> = {};
  let splat = false;
  // Arguments are only read for resolved callees: nothing judges calls on unknown objects, and
  // reading every argument of every call dominates the cost on large files.
  const argNodes = resolvedName === undefined ? [] : (node.childForFieldName('arguments')?.namedChildren ?? []);
  for (const a of argNodes) {
    if (!a) continue;
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      if (name && value) keywords[name] = argFact(value, r);
    } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') splat = true;
    else if (a.type !== 'comment') args.push(argFact(a, r));
  }
  const raw = fnNode && (fnNode.type === 'identifier' || fnNode.type === 'attribute') ? fnNode.text : '<expression>';
  const row = node.startPosition.row;
  const fact: CallFact = {
    callee: resolvedName ?? (raw.length > 120 ? `${raw.slice(0, 119)}…` : raw),
    resolved: resolvedName !== undefined,
    line: row + 1,
    column: node.startPosition.column + 1,
    scope: loc.scope,
    args,
    keywords,
    splat,
    snippet: (source[row] ?? '').trim().slice(0, 240),
  };
  return loc.within === undefined ? fact : { ...fact, within: loc.within };
}

/** Walks the tree once (iteratively, capped) and resolves every call. */
export function extractPython(
  root: Node,
  source: string,
  opts: { limits?: ExtractLimits; star?: StarResolver } = {},
): PythonFacts {
  const limits = opts.limits ?? DEFAULT_EXTRACT_LIMITS;
  const imports: Located[] = [];
  const assignments: Located[] = [];
  const calls: Located[] = [];
  const frames: Frame[] = [];
  const cursor = root.walk();
  let depth = 0;
  let visited = 0;
  let truncated = false;
  try {
    for (;;) {
      if (++visited > limits.maxNodes || calls.length >= limits.maxCalls) {
        truncated = true;
        break;
      }
      // Only materialise nodes we keep: `currentNode` allocates, `nodeType` does not.
      const type = cursor.nodeType;
      if (INTERESTING.has(type)) {
        const node = cursor.currentNode;
        const top = frames[frames.length - 1];
        const loc: Located = top ? { node, scope: top.scope, within: top.name } : { node, scope: 'module' };
        if (type === 'import_statement' || type === 'import_from_statement') imports.push(loc);
        else if (type === 'assignment') assignments.push(loc);
        else if (type === 'call') calls.push(loc);
        else {
          frames.push({
            depth,
            scope: type === 'class_definition' ? 'class' : 'function',
            name: node.childForFieldName('name')?.text ?? '?',
          });
        }
      }
      if (cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      let done = false;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          done = true;
          break;
        }
        depth--;
      }
      if (done) break;
      while (frames.length > 0 && frames[frames.length - 1]!.depth >= depth) frames.pop();
    }
  } finally {
    cursor.delete();
  }

  const r = new Resolver(opts.star);
  const importFacts: ImportFact[] = [];
  for (const loc of imports) recordImports(loc.node, loc, r, importFacts);
  // Two passes let `a = os; b = a.system` resolve regardless of order.
  for (let pass = 0; pass < 2; pass++) for (const loc of assignments) recordAssignment(loc.node, r);
  const lines = source.split('\n');
  const callFacts = calls.map((loc) => callFact(loc, r, lines));
  return { imports: importFacts, calls: callFacts, hasSyntaxErrors: root.hasError, truncated };
}
