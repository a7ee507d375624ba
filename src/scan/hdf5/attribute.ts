import { fail } from '../../core/result.js';
import { Cursor } from './cursor.js';
import type { Superblock } from './superblock.js';

/** What we understand of an attribute's datatype; anything else is kept opaque. */
export type AttributeType =
  | { readonly kind: 'fixed-string'; readonly size: number; readonly utf8: boolean }
  | { readonly kind: 'vlen-string'; readonly utf8: boolean }
  | { readonly kind: 'other'; readonly typeClass: number; readonly size: number };

export interface RawAttribute {
  readonly name: string;
  readonly type: AttributeType;
  /** Number of elements (1 for a scalar, 0 for a null dataspace). */
  readonly elements: number;
  /** The raw value bytes as stored in the header (heap references for variable-length data). */
  readonly data: Uint8Array;
  readonly dataOffset: number;
}

const TYPE_CLASS_STRING = 3;
const TYPE_CLASS_VLEN = 9;

function decodeDatatype(c: Cursor): AttributeType {
  const classAndVersion = c.u8('datatype class');
  const typeClass = classAndVersion & 0x0f;
  const b0 = c.u8('datatype bits');
  const b1 = c.u8('datatype bits');
  c.u8('datatype bits');
  const size = c.u32('datatype size');
  if (typeClass === TYPE_CLASS_STRING) return { kind: 'fixed-string', size, utf8: b0 >> 4 === 1 };
  // Variable-length: low nibble of the first bit-field byte is 1 for strings, 0 for sequences.
  if (typeClass === TYPE_CLASS_VLEN && (b0 & 0x0f) === 1) return { kind: 'vlen-string', utf8: (b1 & 0x0f) === 1 };
  return { kind: 'other', typeClass, size };
}

function decodeDataspace(c: Cursor, sb: Superblock, maxElements: number): number {
  const version = c.u8('dataspace version');
  const rank = c.u8('dataspace rank');
  const flags = c.u8('dataspace flags');
  let isNull = false;
  if (version === 1) c.skip(5, 'dataspace reserved');
  else if (version === 2) isNull = c.u8('dataspace type') === 2;
  else fail('unsupported_version', `HDF5 dataspace version ${version}`, c.fileOffset);
  if (rank > 32) fail('invalid_structure', `HDF5 dataspace rank ${rank}`, c.fileOffset);
  let count = 1;
  for (let i = 0; i < rank; i++) {
    count *= c.uint(sb.sizeOfLengths, 'dimension');
    if (count > maxElements) fail('limit_exceeded', `HDF5 attribute declares more than ${maxElements} elements`);
  }
  void flags;
  return isNull ? 0 : count;
}

/** Decodes an attribute message (versions 1–3) without touching anything outside the message. */
export function decodeAttribute(body: Uint8Array, offset: number, sb: Superblock, maxElements: number): RawAttribute {
  const c = new Cursor(body, offset);
  const version = c.u8('attribute version');
  if (version < 1 || version > 3) fail('unsupported_version', `HDF5 attribute message version ${version}`, offset);
  const flags = c.u8('attribute flags');
  const nameSize = c.u16('attribute name size');
  const typeSize = c.u16('attribute datatype size');
  const spaceSize = c.u16('attribute dataspace size');
  if (version === 3) c.u8('attribute name encoding');
  const pad = (n: number) => (version === 1 ? (n + 7) & ~7 : n);

  const nameBytes = c.bytes(pad(nameSize), 'attribute name');
  const nul = nameBytes.indexOf(0);
  const name = new TextDecoder('utf-8', { fatal: false }).decode(
    nameBytes.subarray(0, nul >= 0 ? nul : Math.min(nameSize, nameBytes.length)),
  );
  const typeBytes = c.bytes(pad(typeSize), 'attribute datatype');
  const spaceBytes = c.bytes(pad(spaceSize), 'attribute dataspace');
  // Shared datatypes/dataspaces (flags 1 and 2) hold a reference we do not follow; keep them opaque.
  const type: AttributeType =
    flags & 0x01 ? { kind: 'other', typeClass: -1, size: 0 } : decodeDatatype(new Cursor(typeBytes, offset));
  const elements = flags & 0x02 ? 1 : decodeDataspace(new Cursor(spaceBytes, offset), sb, maxElements);
  return { name, type, elements, data: body.subarray(c.pos), dataOffset: offset + c.pos };
}
