import { describe, expect, it } from 'vitest';
import { buildZip } from '../../../test/builders/zip.js';
import { MemorySource } from '../../core/byte-source.js';
import { DEFAULT_LIMITS } from '../../core/limits.js';
import { readZip } from './zip-reader.js';

const read = (b: Uint8Array, limits = DEFAULT_LIMITS) => readZip(new MemorySource(b), limits);
const kinds = (d: Awaited<ReturnType<typeof read>>) => d.anomalies.map((a) => a.kind);

describe('zip reader', () => {
  it('reads a plain archive by both headers without anomalies', async () => {
    const d = await read(
      buildZip([
        { name: 'a.txt', data: 'hello' },
        { name: 'b.bin', data: 'x'.repeat(500), method: 'deflate' },
      ]),
    );
    expect(d.error).toBeUndefined();
    expect(d.anomalies).toEqual([]);
    expect(d.entries.map((e) => [e.name, e.localName, e.method])).toEqual([
      ['a.txt', 'a.txt', 0],
      ['b.bin', 'b.bin', 8],
    ]);
  });

  it('CVE-2025-1944: reports a local-header name that differs from the central directory', async () => {
    const d = await read(buildZip([{ name: 'archive/data.pkl', localName: 'archive/data.txt', data: 'x' }]));
    const a = d.anomalies.find((x) => x.kind === 'name-mismatch');
    expect(a?.message).toContain('archive/data.txt');
    expect(a?.entry).toBe('archive/data.pkl');
  });

  it('finds a member present only as a local header (hidden from the central directory)', async () => {
    const d = await read(
      buildZip([
        { name: 'ok.txt', data: 'fine' },
        { name: 'evil.pkl', data: 'payload bytes here', hidden: true },
        { name: 'ok2.txt', data: 'fine' },
      ]),
    );
    expect(kinds(d)).toContain('hidden-entry');
    const h = d.entries.find((e) => e.hidden);
    expect(h?.name).toBe('evil.pkl');
    expect(h?.dataLength).toBe('payload bytes here'.length);
  });

  it('reports overlapping entries (the overlapped zip-bomb construction)', async () => {
    const d = await read(
      buildZip([
        { name: 'a', data: 'A'.repeat(100) },
        { name: 'b', data: '', sameOffsetAs: 'a' },
      ]),
    );
    expect(kinds(d)).toContain('overlap');
  });

  it('reports prepended data and still finds members at shifted offsets', async () => {
    const d = await read(
      buildZip([{ name: 'a.txt', data: 'hi' }], { prepend: new Uint8Array(100).fill(7), relativeOffsets: true }),
    );
    expect(kinds(d)).toContain('prepended-data');
    expect(d.entries[0]?.dataOffset).toBe(100 + 30 + 5);
  });

  it('reports trailing data and several end records', async () => {
    const inner = buildZip([{ name: 'x', data: 'y' }]);
    const d = await read(buildZip([{ name: 'a', data: 'b' }], { comment: Buffer.from(inner).toString('latin1') }));
    expect(kinds(d)).toContain('multiple-eocd');
    const t = await read(buildZip([{ name: 'a', data: 'b' }], { append: new Uint8Array(64) }));
    expect(kinds(t)).toContain('trailing-data');
  });

  it('reads zip64 end records and extra fields', async () => {
    const d = await read(buildZip([{ name: 'big/data.pkl', data: 'abc' }], { zip64: true }));
    expect(d.error).toBeUndefined();
    expect(d.zip64).toBe(true);
    expect(d.entries[0]?.uncompressedSize).toBe(3);
    expect(d.anomalies).toEqual([]);
  });

  it('reports size and method disagreements between the headers', async () => {
    const d = await read(buildZip([{ name: 'a', data: 'abc', declaredSize: 999 }]));
    expect(d.anomalies.find((a) => a.kind === 'header-mismatch')?.message).toContain('size local=3 central=999');
  });

  it('reports duplicate names', async () => {
    const d = await read(
      buildZip([
        { name: 'a', data: '1' },
        { name: 'a', data: '2' },
      ]),
    );
    expect(kinds(d)).toContain('duplicate-name');
  });

  it('stops at the member cap when an archive declares a million entries', async () => {
    const z = buildZip([{ name: 'a', data: '1' }], { declaredEntries: 0xffff });
    const d = await read(z, { ...DEFAULT_LIMITS, maxMembers: 10 });
    expect(kinds(d)).toContain('too-many-entries');
    expect(d.error?.code).toBe('truncated');
    const big = await read(buildZip([{ name: 'a', data: '1' }], { zip64: true, declaredEntries: 1_000_000 }));
    expect(big.error?.code).toBe('truncated');
    expect(big.entries.length).toBe(1);
  });

  it('returns an error, not an exception, for empty, tiny and truncated input', async () => {
    expect((await read(new Uint8Array(0))).error?.code).toBe('truncated');
    expect((await read(new Uint8Array(100))).error?.code).toBe('bad_magic');
    const z = buildZip([{ name: 'a', data: 'x'.repeat(100) }]);
    const cut = await read(z.subarray(0, z.length - 10));
    expect(cut.error).toBeDefined();
  });
});
