/**
 * A tiny pickle assembler for attack samples built in code: each helper returns the bytes of one
 * opcode (with its operand), `pk()` concatenates. Nothing here ever unpickles anything.
 */
export type Part = Uint8Array | number[] | string;

const enc = new TextEncoder();

function bytesOf(p: Part): Uint8Array {
  if (typeof p === 'string') return enc.encode(p);
  return p instanceof Uint8Array ? p : Uint8Array.from(p);
}

export function pk(...parts: Part[]): Uint8Array {
  const bs = parts.map(bytesOf);
  const out = new Uint8Array(bs.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of bs) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const u64 = (n: number) => [...u32(n >>> 0), ...u32(Math.floor(n / 0x100000000))];

export const MARK = [0x28];
export const STOP = [0x2e];
export const POP = [0x30];
export const POP_MARK = [0x31];
export const DUP = [0x32];
export const NONE = [0x4e];
export const TUPLE = [0x74];
export const TUPLE1 = [0x85];
export const TUPLE2 = [0x86];
export const TUPLE3 = [0x87];
export const EMPTY_TUPLE = [0x29];
export const EMPTY_DICT = [0x7d];
export const EMPTY_LIST = [0x5d];
export const EMPTY_SET = [0x8f];
export const LIST = [0x6c];
export const DICT = [0x64];
export const APPEND = [0x61];
export const APPENDS = [0x65];
export const SETITEM = [0x73];
export const SETITEMS = [0x75];
export const ADDITEMS = [0x90];
export const FROZENSET = [0x91];
export const REDUCE = [0x52];
export const BUILD = [0x62];
export const NEWOBJ = [0x81];
export const NEWOBJ_EX = [0x92];
export const OBJ = [0x6f];
export const STACK_GLOBAL = [0x93];
export const MEMOIZE = [0x94];
export const BINPERSID = [0x51];
export const NEWTRUE = [0x88];
export const NEWFALSE = [0x89];
export const NEXT_BUFFER = [0x97];
export const READONLY_BUFFER = [0x98];

export const proto = (n: number) => [0x80, n];
export const frame = (body: Uint8Array) => pk([0x95, ...u64(body.length)], body);
/** A FRAME header that claims `len` bytes, whatever follows (for boundary tricks). */
export const frameHeader = (len: number) => [0x95, ...u64(len)];
export const global = (mod: string, name: string) => pk('c', mod, '\n', name, '\n');
export const inst = (mod: string, name: string) => pk('i', mod, '\n', name, '\n');
export const shortUnicode = (s: string) => {
  const b = enc.encode(s);
  return pk([0x8c, b.length], b);
};
export const unicode = (s: string) => {
  const b = enc.encode(s);
  return pk([0x58, ...u32(b.length)], b);
};
export const str = (s: string) => (enc.encode(s).length < 256 ? shortUnicode(s) : unicode(s));
/** Protocol 0 STRING: repr-quoted. */
export const string0 = (s: string) => pk('S', `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`, '\n');
export const unicode0 = (s: string) => pk('V', s, '\n');
export const bytes = (b: Uint8Array) => (b.length < 256 ? pk([0x43, b.length], b) : pk([0x42, ...u32(b.length)], b));
export const binint1 = (n: number) => [0x4b, n & 0xff];
export const binint = (n: number) => [0x4a, ...u32(n)];
export const int0 = (n: number) => pk('I', String(n), '\n');
export const binfloat = (x: number) => {
  const b = new Uint8Array(9);
  b[0] = 0x47;
  new DataView(b.buffer).setFloat64(1, x, false);
  return b;
};
export const binput = (i: number) => [0x71, i];
export const binget = (i: number) => [0x68, i];
export const longBinput = (i: number) => [0x72, ...u32(i)];
export const longBinget = (i: number) => [0x6a, ...u32(i)];
export const put0 = (i: number) => pk('p', String(i), '\n');
export const get0 = (i: number) => pk('g', String(i), '\n');
export const persid0 = (s: string) => pk('P', s, '\n');
export const ext1 = (code: number) => [0x82, code];
export const ext2 = (code: number) => [0x83, code & 0xff, code >> 8];
export const ext4 = (code: number) => [0x84, ...u32(code)];

/** `mod.name(*args)` via GLOBAL + TUPLE + REDUCE (protocol 2). */
export function callGlobal(mod: string, name: string, ...args: Part[]): Uint8Array {
  return pk(proto(2), global(mod, name), MARK, ...args, TUPLE, REDUCE, STOP);
}

/** `mod.name(*args)` via STACK_GLOBAL inside a FRAME (protocol 4, as the real pickler writes). */
export function callStackGlobal(mod: string, name: string, ...args: Part[]): Uint8Array {
  const body = pk(
    shortUnicode(mod),
    MEMOIZE,
    shortUnicode(name),
    MEMOIZE,
    STACK_GLOBAL,
    MEMOIZE,
    MARK,
    ...args,
    TUPLE,
    MEMOIZE,
    REDUCE,
    MEMOIZE,
    STOP,
  );
  return pk(proto(4), frame(body));
}
