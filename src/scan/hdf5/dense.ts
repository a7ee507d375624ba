import { fail } from '../../core/result.js';
import { asciiAt, Cursor, UNDEFINED_ADDRESS } from './cursor.js';
import type { Hdf5Io } from './io.js';
import { type HeaderMessage, MSG_ATTRIBUTE } from './object-header.js';
import type { Superblock } from './superblock.js';

/**
 * Dense attribute storage (HDF5 1.8+): attribute messages live in a fractal heap, indexed by name
 * in a version 2 B-tree. h5py switches to it with `libver='latest'` once an object has more than
 * eight attributes, so a model config can sit there. We read the B-tree's leaf records for heap
 * IDs and resolve managed objects through the root direct block or a root indirect block of direct
 * blocks; deeper trees, huge objects and filtered heaps are refused with an error, never skipped.
 */
interface AttributeInfo {
  readonly heap: number;
  readonly nameIndex: number;
}

export function decodeAttributeInfo(body: Uint8Array, offset: number, sb: Superblock): AttributeInfo | undefined {
  const c = new Cursor(body, offset);
  c.u8('attribute info version');
  const flags = c.u8('attribute info flags');
  if (flags & 0x01) c.u16('max creation index');
  const heap = c.uint(sb.sizeOfOffsets, 'fractal heap address');
  const nameIndex = c.uint(sb.sizeOfOffsets, 'name index address');
  if (heap === UNDEFINED_ADDRESS || nameIndex === UNDEFINED_ADDRESS) return undefined;
  return { heap: sb.baseAddress + heap, nameIndex: sb.baseAddress + nameIndex };
}

interface Heap {
  readonly idLength: number;
  readonly offsetSize: number;
  readonly width: number;
  readonly startBlock: number;
  readonly maxDirect: number;
  readonly root: number;
  readonly rows: number;
  readonly checksummed: boolean;
}

function le(bytes: Uint8Array): number {
  let v = 0;
  for (let i = bytes.length - 1; i >= 0; i--) v = v * 256 + bytes[i]!;
  return v;
}

async function readHeap(io: Hdf5Io, sb: Superblock, address: number): Promise<Heap> {
  const O = sb.sizeOfOffsets;
  const L = sb.sizeOfLengths;
  const c = await io.block(
    address,
    Math.min(4 + 1 + 2 + 2 + 1 + 4 + 12 * 8 + 2 + 16 + 4 + 8 + 2, io.src.size - address),
    'fractal heap',
  );
  if (!asciiAt(c.buf, 0, 'FRHP')) fail('invalid_structure', 'HDF5 fractal heap lacks FRHP', address);
  c.skip(5);
  const idLength = c.u16('heap ID length');
  const filters = c.u16('heap filter length');
  const flags = c.u8('heap flags');
  if (filters > 0) fail('unsupported_version', 'HDF5 filtered fractal heaps are not read', address);
  c.u32('max managed object size');
  c.skip(L + O + L + O + 8 * L, 'heap statistics');
  const width = c.u16('table width');
  const startBlock = c.uint(L, 'starting block size');
  const maxDirect = c.uint(L, 'max direct block size');
  const maxHeapBits = c.u16('max heap size');
  c.u16('starting rows');
  const root = c.uint(O, 'root block address');
  const rows = c.u16('current rows');
  if (width === 0 || width > 1024 || rows > 64 || maxHeapBits > 64 || idLength > 64 || idLength < 2) {
    fail('invalid_structure', 'HDF5 fractal heap has implausible geometry', address);
  }
  return {
    idLength,
    offsetSize: Math.ceil(maxHeapBits / 8),
    width,
    startBlock,
    maxDirect,
    root: root === UNDEFINED_ADDRESS ? root : sb.baseAddress + root,
    rows,
    checksummed: (flags & 0x02) !== 0,
  };
}

interface DirectBlock {
  readonly address: number;
  readonly heapOffset: number;
  readonly size: number;
}

async function directBlocks(io: Hdf5Io, sb: Superblock, heap: Heap): Promise<DirectBlock[]> {
  if (heap.root === UNDEFINED_ADDRESS) return [];
  if (heap.rows === 0) return [{ address: heap.root, heapOffset: 0, size: heap.startBlock }];
  const entries = heap.rows * heap.width;
  const size = 4 + 1 + sb.sizeOfOffsets + heap.offsetSize + entries * sb.sizeOfOffsets + 4;
  const c = await io.block(heap.root, size, 'fractal heap indirect block');
  if (!asciiAt(c.buf, 0, 'FHIB')) fail('invalid_structure', 'HDF5 fractal heap root lacks FHIB', heap.root);
  c.skip(5 + sb.sizeOfOffsets + heap.offsetSize);
  const out: DirectBlock[] = [];
  let heapOffset = 0;
  for (let row = 0; row < heap.rows; row++) {
    const rowSize = row < 2 ? heap.startBlock : heap.startBlock * 2 ** (row - 1);
    for (let col = 0; col < heap.width; col++) {
      const address = c.uint(sb.sizeOfOffsets, 'child block address');
      // Rows beyond the direct-block size hold indirect blocks; objects there are refused below.
      if (rowSize <= heap.maxDirect && address !== UNDEFINED_ADDRESS) {
        out.push({ address: sb.baseAddress + address, heapOffset, size: rowSize });
      }
      heapOffset += rowSize;
    }
  }
  return out;
}

async function heapIds(io: Hdf5Io, sb: Superblock, address: number, idLength: number): Promise<Uint8Array[]> {
  const h = await io.block(address, Math.min(64, io.src.size - address), 'attribute name index');
  if (!asciiAt(h.buf, 0, 'BTHD')) fail('invalid_structure', 'HDF5 attribute index lacks BTHD', address);
  h.skip(5);
  const type = h.u8('B-tree type');
  h.u32('node size');
  const recordSize = h.u16('record size');
  const depth = h.u16('B-tree depth');
  h.skip(2);
  const root = h.uint(sb.sizeOfOffsets, 'B-tree root');
  const count = h.u16('root record count');
  if (type !== 8 || recordSize < idLength)
    fail('invalid_structure', 'HDF5 attribute index has the wrong record type', address);
  if (depth > 0) fail('unsupported_version', 'HDF5 attribute index deeper than one node is not read', address);
  if (count > io.limits.maxMessages) fail('limit_exceeded', `HDF5 attribute index holds ${count} records`, address);
  if (root === UNDEFINED_ADDRESS || count === 0) return [];
  const leaf = await io.block(sb.baseAddress + root, 6 + count * recordSize, 'attribute index leaf');
  if (!asciiAt(leaf.buf, 0, 'BTLF')) fail('invalid_structure', 'HDF5 attribute index leaf lacks BTLF', root);
  leaf.skip(6);
  const ids: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const record = leaf.bytes(recordSize, 'attribute index record');
    ids.push(record.subarray(0, Math.min(8, idLength)));
  }
  return ids;
}

/** Reads the attribute messages kept in dense storage, as header messages. */
export async function readDenseAttributes(io: Hdf5Io, sb: Superblock, info: AttributeInfo): Promise<HeaderMessage[]> {
  const heap = await readHeap(io, sb, info.heap);
  const ids = await heapIds(io, sb, info.nameIndex, heap.idLength);
  const blocks = ids.length > 0 ? await directBlocks(io, sb, heap) : [];
  const out: HeaderMessage[] = [];
  for (const id of ids) {
    const kind = (id[0]! >> 4) & 0x03;
    if (kind === 2) {
      const length = (id[0]! & 0x0f) + 1;
      out.push({ type: MSG_ATTRIBUTE, flags: 0, data: id.subarray(1, 1 + length), offset: info.nameIndex });
      continue;
    }
    if (kind !== 0) fail('unsupported_version', 'HDF5 huge attribute objects are not read', info.heap);
    const offset = le(id.subarray(1, 1 + heap.offsetSize));
    const length = le(id.subarray(1 + heap.offsetSize, heap.idLength));
    const block = blocks.find((b) => offset >= b.heapOffset && offset < b.heapOffset + b.size);
    if (!block || offset + length > block.heapOffset + block.size) {
      fail('invalid_structure', `HDF5 heap object at ${offset} (+${length}) lies outside the heap's blocks`, info.heap);
    }
    const at = block.address + (offset - block.heapOffset);
    const c = await io.block(at, length, 'dense attribute');
    out.push({ type: MSG_ATTRIBUTE, flags: 0, data: c.buf, offset: at });
  }
  return out;
}
