/**
 * A minimal HDF5 reader: superblock, the root group's object header and its attributes — nothing
 * else. Hand-written on purpose: the JavaScript HDF5 libraries (h5wasm, jsfive) load the whole file
 * into memory and were not built for hostile input, while a scanner must judge a multi-gigabyte
 * `.h5` from a few kilobytes of bounded random reads and never touch weight datasets.
 */
import type { ByteSource } from '../../core/byte-source.js';
import { fail, type ParseError, ParseFailure } from '../../core/result.js';
import { decodeAttribute, type RawAttribute } from './attribute.js';
import { Cursor, UNDEFINED_ADDRESS } from './cursor.js';
import { decodeAttributeInfo, readDenseAttributes } from './dense.js';
import { GlobalHeap } from './global-heap.js';
import { DEFAULT_HDF5_LIMITS, Hdf5Io, type Hdf5Limits } from './io.js';
import { MSG_ATTRIBUTE, MSG_ATTRIBUTE_INFO, readObjectHeader } from './object-header.js';
import { readSuperblock, type Superblock } from './superblock.js';

export type AttributeValue = string | readonly string[] | undefined;

export interface Hdf5Attribute {
  readonly name: string;
  /** Decoded text for string attributes (a scalar is a string, an array a string list). */
  readonly value: AttributeValue;
  readonly kind: 'string' | 'other';
  /** File offset of the value bytes (or heap reference). */
  readonly offset: number;
}

export interface RootAttributes {
  readonly superblock: Superblock;
  readonly attributes: readonly Hdf5Attribute[];
  /** True when the root keeps (some) attributes in dense storage (fractal heap + B-tree). */
  readonly denseAttributes: boolean;
  readonly bytesRead: number;
  /** First problem met after the root header was found; the attributes before it are still returned. */
  readonly error?: ParseError;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function trimNul(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return decoder.decode(nul >= 0 ? bytes.subarray(0, nul) : bytes);
}

async function stringElements(raw: RawAttribute, sb: Superblock, heap: GlobalHeap): Promise<string[]> {
  const out: string[] = [];
  const c = new Cursor(raw.data, raw.dataOffset);
  for (let i = 0; i < raw.elements; i++) {
    if (raw.type.kind === 'fixed-string') {
      out.push(trimNul(c.bytes(raw.type.size, 'fixed-length string')));
    } else {
      const length = c.u32('variable-length size');
      const collection = c.uint(sb.sizeOfOffsets, 'global heap address');
      const index = c.u32('global heap index');
      if (length === 0 || collection === UNDEFINED_ADDRESS || collection === 0) out.push('');
      else {
        const obj = await heap.object(collection, index);
        out.push(trimNul(obj.subarray(0, Math.min(length, obj.length))));
      }
    }
  }
  return out;
}

/** Reads every attribute on the root group that is a string (scalar or array); others are listed by name. */
export async function readRootAttributes(
  src: ByteSource,
  limits: Hdf5Limits = DEFAULT_HDF5_LIMITS,
): Promise<RootAttributes> {
  const io = new Hdf5Io(src, limits);
  const start = src.bytesRead;
  const sb = await readSuperblock(io);
  if (sb.rootObjectHeader >= src.size) fail('truncated', 'HDF5 root object header lies beyond the file', sb.offset);
  const header = await readObjectHeader(io, sb, sb.rootObjectHeader);
  const heap = new GlobalHeap(io, sb);
  const attributes: Hdf5Attribute[] = [];
  let denseAttributes = false;
  let error = header.error;
  const messages = [...header.messages];
  for (const msg of header.messages) {
    if (msg.type !== MSG_ATTRIBUTE_INFO) continue;
    try {
      const info = decodeAttributeInfo(msg.data, msg.offset, sb);
      if (!info) continue;
      denseAttributes = true;
      messages.push(...(await readDenseAttributes(io, sb, info)));
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      error ??= e.error;
    }
  }
  for (const msg of messages) {
    try {
      if (msg.type !== MSG_ATTRIBUTE) continue;
      const raw = decodeAttribute(msg.data, msg.offset, sb, limits.maxElements);
      if (raw.type.kind === 'other') {
        attributes.push({ name: raw.name, value: undefined, kind: 'other', offset: raw.dataOffset });
        continue;
      }
      const values = await stringElements(raw, sb, heap);
      const value = raw.elements === 1 ? values[0] : values;
      attributes.push({ name: raw.name, value, kind: 'string', offset: raw.dataOffset });
    } catch (e) {
      // One broken attribute must not hide the others; the first error is reported.
      if (!(e instanceof ParseFailure)) throw e;
      error ??= e.error;
    }
  }
  const out = { superblock: sb, attributes, denseAttributes, bytesRead: src.bytesRead - start };
  return error ? { ...out, error } : out;
}

export { DEFAULT_HDF5_LIMITS, type Hdf5Limits } from './io.js';
export { HDF5_SIGNATURE, sniffHdf5 } from './superblock.js';
