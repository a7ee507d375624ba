/**
 * Symbolic values on the VM stack. Primitives stay JS primitives (no allocation for ints,
 * strings, None, bools); everything else is a small object. Containers keep only their first
 * `CONTAINER_KEEP` entries: enough for evidence and for the few structures the analyzer reads
 * (call arguments, joblib wrapper state), never the whole of a large model.
 */
export const CONTAINER_KEEP = 48;

/** Resolved import: what `find_class(module, name)` returns. */
export class GlobalRef {
  constructor(
    /** As written in the pickle, `module.name` (or `ext:<code>`). */
    readonly literal: string,
    /** Canonical path after the module model (`torch` + `serialization.os.system` → `os.system`). */
    readonly path: string,
    /** Canonical module reached and the attribute chain left on it. */
    readonly module: string,
    readonly qual: string,
    /** The resolution passed through a module attribute the model only assumed. */
    readonly assumed: boolean,
    /** The path names a module object rather than an attribute. */
    readonly isModule: boolean,
    readonly offset: number,
    /** Reached through an attribute chain (a dotted name, or `getattr` on another global). */
    readonly dotted: boolean,
  ) {}
}

export type SeqKind = 'list' | 'tuple' | 'dict' | 'set' | 'frozenset';

/**
 * How many container elements one stream may keep in total: a tree of small containers must not
 * grow memory with the opcode count.
 */
export class KeepBudget {
  constructor(public left: number) {}
}

/** Shared empty item list: most containers in big pickles are never previewed, so allocate lazily. */
const NO_ITEMS: Value[] = [];

export class Seq {
  /** For dicts: key, value, key, value … */
  items: Value[] = NO_ITEMS;
  /** Elements ever added (for dicts: pairs). */
  count = 0;
  constructor(
    readonly kind: SeqKind,
    private readonly budget: KeepBudget,
  ) {}
  push(v: Value): void {
    if (this.items.length < CONTAINER_KEEP && this.budget.left > 0) {
      if (this.items === NO_ITEMS) this.items = [];
      this.items.push(v);
      this.budget.left--;
    }
    this.count++;
  }
  pushPair(k: Value, v: Value): void {
    if (this.items.length < CONTAINER_KEEP * 2 && this.budget.left > 0) {
      if (this.items === NO_ITEMS) this.items = [];
      this.items.push(k, v);
      this.budget.left -= 2;
    }
    this.count++;
  }
  /** Dict lookup by string key among kept entries. */
  get(key: string): Value | undefined {
    for (let i = 0; i + 1 < this.items.length; i += 2) if (this.items[i] === key) return this.items[i + 1];
    return undefined;
  }
}

/**
 * A bytes operand: its first bytes (for evidence) and where it lies in the analysed data. The
 * payload itself is never held: a multi-gigabyte array costs nothing, and a loader call on it
 * (`pickle.loads(b'…')`) is analysed afterwards from its offset (analyze.ts).
 */
export class BytesRef {
  constructor(
    readonly head: Uint8Array,
    /** Absolute offset of the payload in the analysed data. */
    readonly start: number,
    readonly length: number,
    readonly kind: 'bytes' | 'bytearray',
  ) {}
}

/** A string too long to keep whole. */
export class LongStr {
  constructor(
    readonly head: string,
    readonly length: number,
  ) {}
}

/** The result of a call the loader would make (REDUCE, NEWOBJ, INST, OBJ …). */
export class CallResult {
  /** State applied by BUILD. */
  state: Value | undefined;
  /** What the call is known to evaluate to (`__import__('os')` → module os, `getattr` → attr). */
  resolved: GlobalRef | undefined;
  constructor(
    readonly callee: Value,
    readonly args: Value,
    readonly how: CallHow,
    readonly offset: number,
  ) {}
}

export type CallHow = 'reduce' | 'newobj' | 'newobj_ex' | 'inst' | 'obj';

export class PersRef {
  constructor(readonly pid: Value) {}
}

/** Anything the VM does not model (out-of-band buffers, huge ints). */
export class Opaque {
  constructor(readonly what: string) {}
}

export const OPAQUE_INT = new Opaque('int');
export const OPAQUE_BUFFER = new Opaque('buffer');

export type Value =
  | number
  | string
  | boolean
  | null
  | GlobalRef
  | Seq
  | BytesRef
  | LongStr
  | CallResult
  | PersRef
  | Opaque;

/** Unwraps a call result to the global it is known to evaluate to. */
export function asGlobal(v: Value | undefined): GlobalRef | undefined {
  if (v instanceof GlobalRef) return v;
  if (v instanceof CallResult) return v.resolved;
  return undefined;
}

const PREVIEW_DEPTH = 4;
const PREVIEW_ITEMS = 6;
const STR_PREVIEW = 80;

function pyStr(s: string): string {
  const cut = s.length > STR_PREVIEW ? `${s.slice(0, STR_PREVIEW)}…` : s;
  return `'${cut.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function bytesPreview(b: BytesRef): string {
  const n = Math.min(b.length, b.head.length, 24);
  let out = '';
  for (let i = 0; i < n; i++) {
    const c = b.head[i] ?? 0;
    out +=
      c >= 0x20 && c < 0x7f && c !== 0x27 && c !== 0x5c
        ? String.fromCharCode(c)
        : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `b'${out}${b.length > n ? `…' (${b.length} bytes)` : "'"}`;
}

/** A short, Python-like rendering for evidence; depth- and width-capped, so cycles are safe. */
export function preview(v: Value | undefined, depth = 0): string {
  if (v === undefined) return '?';
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return pyStr(v);
  if (depth >= PREVIEW_DEPTH) return '…';
  if (v instanceof GlobalRef) return v.path;
  if (v instanceof BytesRef) return bytesPreview(v);
  if (v instanceof LongStr) return `${pyStr(v.head)} (${v.length} chars)`;
  if (v instanceof PersRef) return `persistent_id(${preview(v.pid, depth + 1)})`;
  if (v instanceof Opaque) return `<${v.what}>`;
  if (v instanceof CallResult) {
    const fn = v.callee instanceof GlobalRef ? v.callee.path : preview(v.callee, depth + 1);
    return `${fn}${argsPreview(v.args, depth + 1)}`;
  }
  const shown: string[] = [];
  if (v.kind === 'dict') {
    for (let i = 0; i + 1 < v.items.length && shown.length < PREVIEW_ITEMS; i += 2)
      shown.push(`${preview(v.items[i], depth + 1)}: ${preview(v.items[i + 1], depth + 1)}`);
  } else {
    for (let i = 0; i < v.items.length && shown.length < PREVIEW_ITEMS; i++) shown.push(preview(v.items[i], depth + 1));
  }
  if (v.count > shown.length) shown.push('…');
  const body = shown.join(', ');
  switch (v.kind) {
    case 'dict':
      return `{${body}}`;
    case 'list':
      return `[${body}]`;
    case 'tuple':
      return v.count === 1 ? `(${body},)` : `(${body})`;
    case 'set':
      return v.count === 0 ? 'set()' : `{${body}}`;
    default:
      return `frozenset({${body}})`;
  }
}

/** Renders call arguments as `(a, b)`; a non-tuple argument (INST/OBJ use lists) is shown as is. */
export function argsPreview(args: Value | undefined, depth = 0): string {
  if (args instanceof Seq && args.kind === 'tuple') {
    const p = preview(args, depth);
    return p.endsWith(',)') ? `${p.slice(0, -2)})` : p;
  }
  return `(*${preview(args, depth)})`;
}

/** Elements of a tuple/list argument (kept ones only). */
export function argList(args: Value | undefined): readonly Value[] {
  return args instanceof Seq && args.kind !== 'dict' ? args.items : [];
}
