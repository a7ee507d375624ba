/**
 * joblib's NumpyArrayWrapper (joblib/numpy_pickle.py): after BUILD of the wrapper the loader reads
 * the array straight from the file, between two opcodes. This reads the wrapper's state into the
 * layout of those inline bytes; the machine skips them (or runs the nested pickle of an object
 * array) without reading them.
 */

import { CallResult, GlobalRef, Seq, type Value } from './values.js';
import { VmStop } from './vm-stop.js';

const JOBLIB_WRAPPERS = new Set([
  'joblib.numpy_pickle.NumpyArrayWrapper',
  'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper',
]);

export function isJoblibWrapper(v: Value): boolean {
  return v instanceof CallResult && v.callee instanceof GlobalRef && JOBLIB_WRAPPERS.has(v.callee.path);
}

export interface JoblibLayout {
  /** An object array: a whole nested pickle follows instead of raw bytes. */
  readonly object: boolean;
  /** joblib ≥ 1.2: a padding-length byte and padding come first. */
  readonly aligned: boolean;
  /** prod(shape)·itemsize raw bytes (may be unsafe: the machine checks it against the file). */
  readonly bytes: number;
}

/** What follows a wrapper's BUILD, from its state dict; throws on a state joblib would refuse. */
export function joblibLayout(state: Value, at: number): JoblibLayout {
  if (!(state instanceof Seq) || state.kind !== 'dict')
    throw new VmStop('invalid_structure', 'joblib array wrapper without a state dict', at);
  const shape = state.get('shape');
  const dims = shape instanceof Seq ? shape.items : [];
  let count = 1;
  for (const d of dims) {
    if (typeof d !== 'number' || d < 0) throw new VmStop('invalid_structure', 'joblib array with a bad shape', at);
    count *= d;
  }
  if (shape instanceof Seq && dims.length !== shape.count)
    throw new VmStop('invalid_structure', 'joblib array with too many dimensions', at);
  const dtype = dtypeInfo(state.get('dtype'));
  if (!dtype) throw new VmStop('invalid_structure', 'joblib array with an unknown dtype', at);
  const align = state.get('numpy_array_alignment_bytes');
  return { object: dtype.object, aligned: align !== undefined && align !== null, bytes: count * dtype.itemsize };
}

interface DtypeInfo {
  itemsize: number;
  object: boolean;
}

const KIND_SIZES: Readonly<Record<string, number>> = { b: 1, '?': 1 };

/** Nesting of structured dtypes followed before giving up (and assuming an object field). */
const MAX_FIELD_DEPTH = 16;

/** The itemsize of a `numpy.dtype(...)` call value, from its BUILD state or its type string. */
export function dtypeInfo(v: Value | undefined, depth = 0): DtypeInfo | undefined {
  if (!(v instanceof CallResult)) return undefined;
  const args = v.args instanceof Seq ? v.args.items : [];
  const spec = args[0];
  if (typeof spec !== 'string') return undefined;
  const m = /^[<>|=]?([a-zA-Z?])(\d*)/.exec(spec);
  if (!m) return undefined;
  const kind = m[1] as string;
  if (kind === 'O') return { itemsize: 8, object: true };
  const st = v.state instanceof Seq ? v.state.items : [];
  const elsize = st[5];
  if (typeof elsize === 'number' && elsize > 0) {
    const fields = st[4];
    return { itemsize: elsize, object: fields instanceof Seq && hasObjectField(fields, depth + 1) };
  }
  const digits = m[2] ? Number(m[2]) : (KIND_SIZES[kind] ?? 0);
  if (!digits) return undefined;
  return { itemsize: kind === 'U' ? digits * 4 : digits, object: false };
}

/**
 * Whether a structured dtype's fields hold an object dtype anywhere (numpy's `dtype.hasobject`,
 * which makes joblib pickle the array instead of writing raw bytes). Walks the fields dict
 * (name → (dtype, offset[, title])) and nested structured dtypes; too deep, or too many fields to
 * keep, counts as objects, so a crafted dtype can never make the machine skip a nested pickle as
 * raw bytes.
 */
function hasObjectField(v: Value, depth: number): boolean {
  if (depth > MAX_FIELD_DEPTH) return true;
  if (v instanceof CallResult) return dtypeInfo(v, depth)?.object ?? false;
  if (!(v instanceof Seq)) return false;
  // Entries dropped by the machine's keep caps could be the object field: assume they are.
  if ((v.kind === 'dict' ? v.items.length / 2 : v.items.length) < v.count) return true;
  for (const item of v.items) if (hasObjectField(item, depth + 1)) return true;
  return false;
}
