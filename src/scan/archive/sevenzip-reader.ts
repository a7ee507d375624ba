import type { ByteSource } from '../../core/byte-source.js';
import { fail } from '../../core/result.js';
import { readExact, u64 } from './bytes.js';

/*
 * 7z structure only: the signature header, the (possibly encoded) header with its streams and
 * folders, and file names. Decoding is delegated (copy, or LZMA2 through xz-embedded); LZMA
 * itself is never hand-written here.
 */

export const SEVENZIP_MAGIC = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];

export interface Coder {
  readonly id: string; // hex
  readonly props: Uint8Array;
  readonly inStreams: number;
  readonly outStreams: number;
}

export interface Folder {
  readonly coders: Coder[];
  readonly unpackSizes: number[];
  /** Index of this folder's first packed stream. */
  packIndex: number;
  numPacked: number;
  /** Files (substreams) decoded from this folder. */
  substreams: number;
  subSizes: number[];
}

export interface StreamsInfo {
  readonly packPos: number;
  readonly packSizes: number[];
  readonly folders: Folder[];
}

export interface SevenZipFile {
  readonly name: string;
  readonly hasStream: boolean;
  readonly isDir: boolean;
}

export interface SevenZipHeader {
  readonly streams?: StreamsInfo;
  readonly files: SevenZipFile[];
}

/** Byte cursor over a header buffer; every read is bounds-checked and unwinds on overrun. */
export class Cursor {
  p = 0;
  constructor(readonly b: Uint8Array) {}
  byte(): number {
    const v = this.b[this.p];
    if (v === undefined) fail('truncated', '7z header ends early', this.p);
    this.p++;
    return v;
  }
  bytes(n: number): Uint8Array {
    if (n < 0 || this.p + n > this.b.length) fail('truncated', '7z header field runs past its end', this.p);
    const out = this.b.subarray(this.p, this.p + n);
    this.p += n;
    return out;
  }
  /** 7z variable-length number: leading one bits of the first byte count the extra bytes. */
  num(): number {
    const first = this.byte();
    let mask = 0x80;
    let value = 0;
    for (let i = 0; i < 8; i++) {
      if ((first & mask) === 0) return value + (first & (mask - 1)) * 2 ** (8 * i);
      value += this.byte() * 2 ** (8 * i);
      mask >>= 1;
    }
    return value;
  }
  /** A count used to size a loop: capped so a forged header cannot ask for billions of items. */
  count(max: number): number {
    const n = this.num();
    if (n > max) fail('limit_exceeded', `7z header declares ${n} items (cap ${max})`, this.p);
    return n;
  }
}

const ITEM_CAP = 1_000_000;

function bits(c: Cursor, n: number): boolean[] {
  const out: boolean[] = [];
  let mask = 0;
  let cur = 0;
  for (let i = 0; i < n; i++) {
    if (mask === 0) {
      cur = c.byte();
      mask = 0x80;
    }
    out.push((cur & mask) !== 0);
    mask >>= 1;
  }
  return out;
}

function digests(c: Cursor, n: number): void {
  const all = c.byte();
  const defined = all ? new Array<boolean>(n).fill(true) : bits(c, n);
  for (const d of defined) if (d) c.bytes(4);
}

function readFolder(c: Cursor): Folder {
  const numCoders = c.count(64);
  const coders: Coder[] = [];
  for (let i = 0; i < numCoders; i++) {
    const flag = c.byte();
    const id = Buffer.from(c.bytes(flag & 0x0f)).toString('hex');
    const complex = (flag & 0x10) !== 0;
    const inStreams = complex ? c.count(64) : 1;
    const outStreams = complex ? c.count(64) : 1;
    const props = flag & 0x20 ? c.bytes(c.count(1 << 16)) : new Uint8Array(0);
    coders.push({ id, props, inStreams, outStreams });
  }
  const totalOut = coders.reduce((s, x) => s + x.outStreams, 0);
  const totalIn = coders.reduce((s, x) => s + x.inStreams, 0);
  for (let i = 0; i < totalOut - 1; i++) {
    c.num();
    c.num();
  }
  const numPacked = Math.max(0, totalIn - (totalOut - 1));
  if (numPacked > 1) for (let i = 0; i < numPacked; i++) c.num();
  return { coders, unpackSizes: [], packIndex: 0, numPacked, substreams: 1, subSizes: [] };
}

export function readStreamsInfo(c: Cursor): StreamsInfo {
  let packPos = 0;
  let packSizes: number[] = [];
  let folders: Folder[] = [];
  for (;;) {
    const id = c.byte();
    if (id === 0x00) break;
    if (id === 0x06) {
      packPos = c.num();
      const n = c.count(ITEM_CAP);
      for (;;) {
        const t = c.byte();
        if (t === 0x00) break;
        if (t === 0x09) packSizes = Array.from({ length: n }, () => c.num());
        else if (t === 0x0a) digests(c, n);
        else fail('invalid_structure', `unexpected 7z pack-info property ${t}`, c.p);
      }
    } else if (id === 0x07) {
      if (c.byte() !== 0x0b) fail('invalid_structure', '7z unpack info without folders', c.p);
      const n = c.count(ITEM_CAP);
      if (c.byte() !== 0) fail('unsupported_version', '7z external folder data', c.p);
      folders = Array.from({ length: n }, () => readFolder(c));
      let pack = 0;
      for (const f of folders) {
        f.packIndex = pack;
        pack += f.numPacked;
      }
      if (c.byte() !== 0x0c) fail('invalid_structure', '7z folders without unpack sizes', c.p);
      for (const f of folders) {
        const outs = f.coders.reduce((s, x) => s + x.outStreams, 0);
        for (let i = 0; i < outs; i++) f.unpackSizes.push(c.num());
      }
      for (;;) {
        const t = c.byte();
        if (t === 0x00) break;
        if (t === 0x0a) digests(c, n);
        else fail('invalid_structure', `unexpected 7z unpack-info property ${t}`, c.p);
      }
    } else if (id === 0x08) {
      readSubStreams(c, folders);
    } else fail('invalid_structure', `unexpected 7z streams property ${id}`, c.p);
  }
  // Without a substreams section every folder holds exactly one file of the folder's size.
  for (const f of folders) if (f.subSizes.length === 0 && f.substreams === 1) f.subSizes.push(folderSize(f));
  return { packPos, packSizes, folders };
}

function readSubStreams(c: Cursor, folders: Folder[]): void {
  let t = c.byte();
  if (t === 0x0d) {
    for (const f of folders) f.substreams = c.count(ITEM_CAP);
    t = c.byte();
  }
  if (t === 0x09) {
    for (const f of folders) {
      let sum = 0;
      for (let i = 1; i < f.substreams; i++) {
        const s = c.num();
        f.subSizes.push(s);
        sum += s;
      }
      if (f.substreams > 0) f.subSizes.push(Math.max(0, folderSize(f) - sum));
    }
    t = c.byte();
  } else {
    for (const f of folders) if (f.substreams === 1) f.subSizes.push(folderSize(f));
  }
  while (t !== 0x00) {
    if (t === 0x0a) {
      const n = folders.reduce((s, f) => s + f.substreams, 0);
      digests(c, n);
    } else fail('invalid_structure', `unexpected 7z substreams property ${t}`, c.p);
    t = c.byte();
  }
}

/** The folder's final output size (the main coder's; for single-coder folders its only one). */
export function folderSize(f: Folder): number {
  return f.unpackSizes[f.unpackSizes.length - 1] ?? 0;
}

function readFiles(c: Cursor): SevenZipFile[] {
  const n = c.count(ITEM_CAP);
  let names: string[] = [];
  let empty: boolean[] = new Array<boolean>(n).fill(false);
  let emptyFile: boolean[] = [];
  for (;;) {
    const type = c.byte();
    if (type === 0x00) break;
    const size = c.num();
    const body = new Cursor(c.bytes(size));
    if (type === 0x11) {
      if (body.byte() !== 0) continue; // names stored elsewhere: leave unnamed
      const text = Buffer.from(body.bytes(body.b.length - 1)).toString('utf16le');
      names = text.split('\0').slice(0, n);
    } else if (type === 0x0e) empty = bits(body, n);
    else if (type === 0x0f) emptyFile = bits(body, empty.filter(Boolean).length);
  }
  let k = 0;
  return Array.from({ length: n }, (_, i) => {
    const isEmpty = empty[i] === true;
    const isDir = isEmpty && emptyFile[k++] !== true;
    return { name: names[i] ?? `#${i}`, hasStream: !isEmpty, isDir };
  });
}

export function readHeader(c: Cursor): SevenZipHeader {
  let streams: StreamsInfo | undefined;
  let files: SevenZipFile[] = [];
  for (;;) {
    const id = c.byte();
    if (id === 0x00) break;
    if (id === 0x02) fail('unsupported_version', '7z archive properties are not supported', c.p);
    else if (id === 0x03) readStreamsInfo(c);
    else if (id === 0x04) streams = readStreamsInfo(c);
    else if (id === 0x05) files = readFiles(c);
    else fail('invalid_structure', `unexpected 7z header property ${id}`, c.p);
  }
  return { ...(streams ? { streams } : {}), files };
}

export interface SignatureHeader {
  readonly nextOffset: number;
  readonly nextSize: number;
}

export async function readSignature(src: ByteSource, maxHeader: number): Promise<SignatureHeader> {
  const h = await readExact(src, 0, 32, '7z signature header');
  const nextOffset = 32 + u64(h, 12);
  const nextSize = u64(h, 20);
  if (!Number.isFinite(nextOffset) || nextOffset + nextSize > src.size) {
    fail('truncated', '7z next header lies beyond the end of the file', 12);
  }
  if (nextSize > maxHeader) fail('limit_exceeded', `7z header of ${nextSize} bytes exceeds the cap`, 20);
  return { nextOffset, nextSize };
}
