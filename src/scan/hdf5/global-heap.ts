import { fail } from '../../core/result.js';
import { asciiAt, type Cursor } from './cursor.js';
import type { Hdf5Io } from './io.js';
import type { Superblock } from './superblock.js';

/**
 * Global heap collections ("GCOL") hold variable-length data such as the strings h5py writes for
 * `attrs[name] = str`. A collection is fetched once (bounded by the I/O caps) and cached.
 */
export class GlobalHeap {
  private readonly cache = new Map<number, Map<number, Uint8Array>>();
  constructor(
    private readonly io: Hdf5Io,
    private readonly sb: Superblock,
  ) {}

  async object(collectionAddress: number, index: number): Promise<Uint8Array> {
    const address = this.sb.baseAddress + collectionAddress;
    let objects = this.cache.get(address);
    if (!objects) {
      objects = await this.load(address);
      this.cache.set(address, objects);
    }
    const obj = objects.get(index);
    if (!obj) fail('invalid_structure', `HDF5 global heap object ${index} not found`, address);
    return obj;
  }

  private async load(address: number): Promise<Map<number, Uint8Array>> {
    const L = this.sb.sizeOfLengths;
    const head = await this.io.block(address, 8 + L, 'global heap header');
    if (!asciiAt(head.buf, 0, 'GCOL')) fail('invalid_structure', 'HDF5 global heap lacks GCOL', address);
    head.skip(8);
    const size = head.uint(L, 'global heap size');
    if (size < 8 + L) fail('invalid_structure', 'HDF5 global heap collection is too small', address);
    const c = await this.io.block(address, size, 'global heap collection');
    c.skip(8 + L);
    return this.objects(c);
  }

  private objects(c: Cursor): Map<number, Uint8Array> {
    const out = new Map<number, Uint8Array>();
    const L = this.sb.sizeOfLengths;
    while (c.remaining >= 8 + L) {
      const index = c.u16('heap object index');
      c.skip(6); // reference count, reserved
      const size = c.uint(L, 'heap object size');
      if (index === 0) break; // free space runs to the end of the collection
      if (size > c.remaining) fail('truncated', 'HDF5 global heap object runs past its collection', c.fileOffset);
      out.set(index, c.bytes(size));
      c.alignFrom(0, 8);
    }
    return out;
  }
}
