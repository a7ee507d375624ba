/**
 * Multi-gigabyte pickle layouts written to disk without holding them in memory: a layout is a
 * list of byte parts and gaps (array data). Tests write the gaps as sparse holes (cheap); the
 * bench fills them with non-zero bytes so the file is real. Nothing here unpickles anything.
 *
 * `numpyDict` follows what `pickle.dump({'w': np.zeros(n), 'lr': .1}, f, protocol=4)` writes
 * (numpy 2: `numpy._core.multiarray._reconstruct`, array bytes as one BINBYTES/BINBYTES8 outside
 * any frame); `joblibDict` what `joblib.dump` writes (NumpyArrayWrapper, then the raw array
 * straight into the file, 16-byte aligned).
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { wrapperOpcodes } from './joblib.js';
import {
  BUILD,
  binfloat,
  binint,
  binint1,
  EMPTY_DICT,
  frame,
  MARK,
  MEMOIZE,
  NEWFALSE,
  NEWTRUE,
  NONE,
  type Part,
  pk,
  REDUCE,
  SETITEMS,
  STACK_GLOBAL,
  STOP,
  shortUnicode,
  TUPLE,
  TUPLE1,
  TUPLE3,
} from './pickle.js';

/** Bytes, or a gap of that many array-data bytes. */
export type LayoutPart = Uint8Array | number;

const u64 = (n: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
};
const sg = (mod: string, name: string) => pk(shortUnicode(mod), MEMOIZE, shortUnicode(name), MEMOIZE, STACK_GLOBAL);

/** BINBYTES (u32 length) below 4 GiB, BINBYTES8 above, as CPython's pickler chooses. */
export function bytesHeader(n: number): Uint8Array {
  if (n <= 0xffffffff) {
    const b = new Uint8Array(5);
    b[0] = 0x42;
    new DataView(b.buffer).setUint32(1, n, true);
    return b;
  }
  return pk([0x8e], u64(n));
}

/** `{'w': np.zeros(count), 'lr': .1}` then `tail` opcodes before the final STOP. */
export function numpyDict(count: number, tail: Part = new Uint8Array(0)): LayoutPart[] {
  const head = pk(
    EMPTY_DICT,
    MEMOIZE,
    MARK,
    shortUnicode('w'),
    MEMOIZE,
    sg('numpy._core.multiarray', '_reconstruct'),
    sg('numpy', 'ndarray'),
    binint1(0),
    TUPLE1,
    [0x43, 1, 0x62], // SHORT_BINBYTES b'b'
    TUPLE3,
    REDUCE,
    MARK,
    binint1(1),
    binint(count),
    TUPLE1,
    sg('numpy', 'dtype'),
    shortUnicode('f8'),
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
    NEWFALSE,
  );
  const after = pk(TUPLE, BUILD, shortUnicode('lr'), binfloat(0.1), tail, SETITEMS, STOP);
  return [pk([0x80, 4], frame(head)), bytesHeader(count * 8), count * 8, frame(after)];
}

/** `joblib.dump({'w': np.zeros(count), 'lr': .1})`, with `tail` opcodes before SETITEMS. */
export function joblibDict(count: number, tail: Part = new Uint8Array(0)): LayoutPart[] {
  const head = pk(
    [0x80, 4],
    frame(
      pk(
        EMPTY_DICT,
        MARK,
        shortUnicode('w'),
        wrapperOpcodes({ dtype: 'f8', count, data: new Uint8Array(0), aligned: true }),
      ),
    ),
  );
  const pad = 16 - ((head.length + 1) % 16);
  const padding = pk([pad], new Uint8Array(pad).fill(0xff));
  return [head, padding, count * 8, frame(pk(shortUnicode('lr'), binfloat(0.1), tail, SETITEMS, STOP))];
}

/** `pickle.loads(<inner>)` where the inner pickle is the given layout, passed as one BINBYTES8. */
export function loadsOf(inner: LayoutPart[]): LayoutPart[] {
  const size = inner.reduce<number>((n, p) => n + (typeof p === 'number' ? p : p.length), 0);
  const head = pk([0x80, 4], shortUnicode('pickle'), shortUnicode('loads'), STACK_GLOBAL, [0x8e], u64(size));
  return [head, ...inner, pk(TUPLE1, REDUCE, STOP)];
}

export function layoutSize(parts: LayoutPart[]): number {
  return parts.reduce<number>((n, p) => n + (typeof p === 'number' ? p : p.length), 0);
}

/**
 * Writes a layout to `file`. Gaps become sparse holes (reading them yields zeros, which are not
 * valid opcodes: a scanner that reads them as a pickle reports a malformation), or, with `fill`,
 * repetitions of that pattern.
 */
export function writeLayout(file: string, parts: LayoutPart[], fill?: Uint8Array): number {
  const fd = openSync(file, 'w');
  let pos = 0;
  try {
    for (const p of parts) {
      if (typeof p !== 'number') {
        writeSync(fd, p, 0, p.length, pos);
        pos += p.length;
      } else if (fill) {
        for (let left = p; left > 0; ) {
          const n = Math.min(left, fill.length);
          writeSync(fd, fill, 0, n, pos);
          pos += n;
          left -= n;
        }
      } else {
        pos += p;
        ftruncateSync(fd, pos);
      }
    }
  } finally {
    closeSync(fd);
  }
  return pos;
}
