import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildHdf5 } from '../../../test/builders/hdf5.js';
import { MemorySource } from '../../core/byte-source.js';
import { type ParseError, ParseFailure } from '../../core/result.js';
import { readRootAttributes, sniffHdf5 } from './reader.js';

const CONFIG = '{"class_name": "Sequential", "config": {"name": "s", "layers": []}}';

async function read(bytes: Uint8Array) {
  return readRootAttributes(new MemorySource(bytes));
}

/** The error a read ends with: thrown before the root header, or returned next to partial results. */
async function failure(bytes: Uint8Array): Promise<ParseError> {
  try {
    const r = await read(bytes);
    if (r.error) return r.error;
  } catch (e) {
    if (e instanceof ParseFailure) return e.error;
    throw e;
  }
  throw new Error('expected a parse error');
}

describe('HDF5 root attribute reader', () => {
  it('reads variable-length string attributes from the global heap (h5py 3 shape)', async () => {
    const r = await read(
      buildHdf5([
        { name: 'keras_version', value: '2.12.0' },
        { name: 'model_config', value: CONFIG },
      ]),
    );
    expect(r.attributes.map((a) => [a.name, a.value])).toEqual([
      ['keras_version', '2.12.0'],
      ['model_config', CONFIG],
    ]);
    expect(r.superblock.version).toBe(0);
  });

  it('reads fixed-length string attributes (h5py 2 shape)', async () => {
    const r = await read(buildHdf5([{ name: 'model_config', value: CONFIG, encoding: 'fixed' }]));
    expect(r.attributes[0]?.value).toBe(CONFIG);
  });

  it('follows a continuation block and a user block', async () => {
    const r = await read(
      buildHdf5([{ name: 'backend', value: 'tensorflow' }], { continuation: 'split', userBlock: 512 }),
    );
    expect(r.superblock.offset).toBe(512);
    expect(r.attributes[0]?.value).toBe('tensorflow');
  });

  it('sniffs the signature at 0 and 512 only at allowed offsets', () => {
    expect(sniffHdf5(buildHdf5([], { userBlock: 512 }).subarray(0, 4096))).toBe(true);
    const shifted = new Uint8Array(4096);
    shifted.set(buildHdf5([]).subarray(0, 8), 100);
    expect(sniffHdf5(shifted)).toBe(false);
  });

  it('rejects a continuation block that points back at the header (cycle)', async () => {
    const bytes = buildHdf5([{ name: 'a', value: 'b' }], { continuation: 'cycle' });
    expect((await failure(bytes)).code).toBe('invalid_structure');
    // What the block held before the bad continuation is still returned.
    expect((await read(bytes)).attributes.map((a) => a.value)).toEqual(['b']);
  });

  it('rejects a continuation block that points at itself', async () => {
    const e = await failure(buildHdf5([{ name: 'a', value: 'b' }], { continuation: 'self' }));
    expect(e.message).toMatch(/loops/);
  });

  it('refuses a huge declared header size without reading it', async () => {
    const src = new MemorySource(buildHdf5([{ name: 'a', value: 'b' }], { headerSize: 0xfffffff0 }));
    await expect(readRootAttributes(src)).rejects.toBeInstanceOf(ParseFailure);
    expect(src.bytesRead).toBeLessThan(10_000);
  });

  it('refuses a huge global heap size and a huge string length', async () => {
    expect((await failure(buildHdf5([{ name: 'a', value: 'b' }], { heapSize: 2 ** 50 }))).code).toMatch(
      /limit_exceeded|truncated/,
    );
    const r = await read(buildHdf5([{ name: 'a', value: 'bcd' }], { vlenLength: 0xffffffff }));
    expect(r.attributes[0]?.value).toBe('bcd');
  });

  it('reports truncation at every cut point instead of crashing', async () => {
    const full = buildHdf5([{ name: 'model_config', value: CONFIG }], { continuation: 'split' });
    for (let cut = 0; cut < full.length; cut += 97) {
      await read(full.subarray(0, cut)).catch((e) => expect(e).toBeInstanceOf(ParseFailure));
    }
  });

  it('property: random bytes after a signature never throw anything but ParseFailure', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (tail) => {
        const bytes = new Uint8Array(8 + tail.length);
        bytes.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
        bytes.set(tail, 8);
        await read(bytes).catch((e) => expect(e).toBeInstanceOf(ParseFailure));
      }),
      { numRuns: 300 },
    );
  });

  it('property: mutated valid files never throw anything but ParseFailure', async () => {
    const base = buildHdf5(
      [
        { name: 'model_config', value: CONFIG },
        { name: 'backend', value: 'tensorflow', encoding: 'fixed' },
      ],
      { continuation: 'split' },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        async (edits) => {
          const bytes = base.slice();
          for (const [at, v] of edits) bytes[at] = v;
          const src = new MemorySource(bytes);
          await readRootAttributes(src).catch((e) => expect(e).toBeInstanceOf(ParseFailure));
          expect(src.bytesRead).toBeLessThan(200 * 1024 * 1024);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('property: mutated h5py files (v0 and v3 superblocks, dense attributes) never throw anything but ParseFailure', async () => {
    const files = ['dense_attributes.h5', 'latest_bidirectional_os.h5', 'nested_lambda_fixed.h5'].map(
      (f) => new Uint8Array(readFileSync(resolve(process.cwd(), 'test/fixtures/keras', f))),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat(files.length - 1),
        fc.array(fc.tuple(fc.nat(4095), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        async (which, edits) => {
          const bytes = files[which]!.slice();
          for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
          await read(bytes).catch((e) => expect(e).toBeInstanceOf(ParseFailure));
        },
      ),
      { numRuns: 400 },
    );
  });
});
