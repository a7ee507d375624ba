/**
 * joblib's NumpyArrayWrapper layout (joblib/numpy_pickle.py): the wrapper is pickled, the frame
 * is committed, then the array is written straight to the file — a padding-length byte and
 * 0xff padding (joblib ≥ 1.2), then raw data; object arrays are a nested pickle instead.
 */
import {
  BUILD,
  binint,
  binint1,
  EMPTY_TUPLE,
  frame,
  MARK,
  NEWFALSE,
  NEWOBJ,
  NEWTRUE,
  NONE,
  type Part,
  pk,
  REDUCE,
  SETITEMS,
  STACK_GLOBAL,
  shortUnicode,
  TUPLE,
  TUPLE1,
  TUPLE3,
} from './pickle.js';

const sg = (mod: string, name: string) => pk(shortUnicode(mod), shortUnicode(name), STACK_GLOBAL);

export interface InlineArray {
  /** numpy dtype string as pickled: 'f8', 'i4', 'O8' … */
  readonly dtype: string;
  readonly count: number;
  /** Raw data (numeric) or a nested pickle (object arrays). */
  readonly data: Uint8Array;
  /** Write joblib ≥ 1.2 alignment padding. */
  readonly aligned?: boolean;
}

/** Opcodes that push a NumpyArrayWrapper and BUILD it (the inline bytes follow separately). */
export function wrapperOpcodes(a: InlineArray): Uint8Array {
  const dtype = pk(
    sg('numpy', 'dtype'),
    shortUnicode(a.dtype),
    NEWFALSE,
    NEWTRUE,
    TUPLE3,
    REDUCE,
    MARK,
    binint1(3),
    shortUnicode('<'),
    NONE,
    NONE,
    NONE,
    binint(-1),
    binint(-1),
    binint1(0),
    TUPLE,
    BUILD,
  );
  const state: Part[] = [
    MARK,
    shortUnicode('subclass'),
    sg('numpy', 'ndarray'),
    shortUnicode('shape'),
    binint(a.count),
    TUPLE1,
    shortUnicode('order'),
    shortUnicode('C'),
    shortUnicode('dtype'),
    dtype,
    shortUnicode('allow_mmap'),
    NEWTRUE,
  ];
  if (a.aligned) state.push(shortUnicode('numpy_array_alignment_bytes'), binint1(16));
  return pk(sg('joblib.numpy_pickle', 'NumpyArrayWrapper'), EMPTY_TUPLE, NEWOBJ, [0x7d], ...state, SETITEMS, BUILD);
}

/**
 * A protocol-4 joblib stream: `before` opcodes and the wrapper in one frame, the inline array,
 * then `after` opcodes in a second frame. `pos` is where the stream starts in the file.
 */
export function joblibStream(before: Uint8Array, a: InlineArray, after: Uint8Array): Uint8Array {
  const head = pk([0x80, 4], frame(pk(before, wrapperOpcodes(a))));
  let inline = a.data;
  if (a.aligned && !a.dtype.startsWith('O')) {
    const pad = 16 - ((head.length + 1) % 16);
    inline = pk([pad], new Uint8Array(pad).fill(0xff), a.data);
  }
  return pk(head, inline, frame(after));
}
