import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BENIGN_PICKLE, OS_SYSTEM_PICKLE, testContext } from '../../../test/archive/context.js';
import { highOrCritical, scanRecursively } from '../../../test/archive/recursive.js';
import { buildZip, PYTHON_LZMA_ZIP } from '../../../test/builders/zip.js';
import { MemorySource } from '../../core/byte-source.js';
import { zipScanner } from './zip.js';

const scan = (b: Uint8Array, limits = {}) => zipScanner.scan(new MemorySource(b), testContext(limits, 'a.zip'));
const rules = (o: { findings: readonly { ruleId: string }[] }) => o.findings.map((f) => f.ruleId);

describe('zip scanner', () => {
  it('decodes LZMA members (method 14, Python zipfile.ZIP_LZMA) up to the recorded size', async () => {
    const o = await scan(PYTHON_LZMA_ZIP);
    expect(o.findings).toEqual([]);
    const readme = o.members?.find((m) => m.name === 'readme.txt');
    expect(readme && Buffer.from(await readme.source.read(0, readme.source.size)).toString()).toBe(
      'hello '.repeat(100),
    );
    const r = await scanRecursively(PYTHON_LZMA_ZIP, 'model.zip');
    expect(highOrCritical(r.findings).map((f) => [f.member, f.message])).toEqual([
      ['model/data.pkl', expect.stringContaining('system')],
    ]);
  });

  it('a cut or damaged LZMA member is reported, never thrown', async () => {
    for (let cut = 40; cut < PYTHON_LZMA_ZIP.length; cut += 23) {
      const b = PYTHON_LZMA_ZIP.slice();
      b[cut] = (b[cut] ?? 0) ^ 0x5a;
      const o = await scan(b);
      expect(Array.isArray(o.findings)).toBe(true);
    }
  });

  it('hands stored members over as lazy slices and deflated ones decompressed', async () => {
    const o = await scan(
      buildZip([
        { name: 'a.pkl', data: OS_SYSTEM_PICKLE },
        { name: 'b.pkl', data: BENIGN_PICKLE, method: 'deflate' },
      ]),
    );
    expect(o.findings).toEqual([]);
    const got = await Promise.all(
      (o.members ?? []).map(async (m) => Buffer.from(await m.source.read(0, m.source.size))),
    );
    expect(got).toEqual([Buffer.from(OS_SYSTEM_PICKLE), Buffer.from(BENIGN_PICKLE)]);
  });

  it('CVE-2025-1945: encryption flag on plain data is high and the member is still scanned', async () => {
    const r = await scanRecursively(buildZip([{ name: 'm/data.pkl', data: OS_SYSTEM_PICKLE, flags: 1 }]), 'flag.zip');
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual(
      expect.arrayContaining([
        ['zip/encryption-flag', 'high'],
        ['pickle/dangerous-global', 'critical'],
      ]),
    );
  });

  it('really encrypted data (CRC does not match) is reported, not scanned', async () => {
    const z = buildZip([{ name: 'x.pkl', data: OS_SYSTEM_PICKLE, flags: 1 }]);
    const at = z.indexOf(0x80, 30);
    z[at] = (z[at] ?? 0) ^ 0xff; // ciphertext stand-in: the bytes no longer match the CRC
    const o = await scan(z);
    expect(rules(o)).toEqual(['zip/encrypted-member']);
    expect(o.members).toEqual([]);
  });

  it('a member hidden from the central directory is found and its payload judged', async () => {
    const r = await scanRecursively(
      buildZip([
        { name: 'readme.txt', data: 'hello' },
        { name: 'evil.pkl', data: OS_SYSTEM_PICKLE, hidden: true },
        { name: 'w.bin', data: 'zz' },
      ]),
      'hidden.zip',
    );
    expect(r.findings.find((f) => f.ruleId === 'zip/hidden-entry')?.severity).toBe('high');
    expect(r.findings.find((f) => f.ruleId === 'pickle/dangerous-global')?.member).toBe('evil.pkl');
  });

  it('Zip Slip names and symlink members are reported', async () => {
    const o = await scan(
      buildZip([
        { name: '../../.bashrc', data: 'x' },
        { name: '/abs/path', data: 'x' },
        { name: 'link', data: '/etc/passwd', unixMode: 0o120777 },
      ]),
    );
    expect(rules(o)).toEqual(['archive/path-traversal', 'archive/path-traversal', 'archive/link-member']);
  });

  it('decompression bomb: 1 GiB of zeros deflated stops at the cap, reported high', async () => {
    const bomb = zlib.deflateRawSync(Buffer.alloc(1 << 30), { level: 9 });
    const z = buildZip([{ name: 'zeros.bin', data: 'placeholder' }]);
    // Rebuild with the precomputed deflate body: local header + body + central directory.
    const o = await scan(withDeflatedBody(z, bomb), { maxDecompressedBytes: 64 << 20 });
    expect(o.findings.map((f) => [f.ruleId, f.severity])).toContainEqual(['archive/decompression-bomb', 'high']);
    expect(o.members?.[0]?.source.size).toBeLessThanOrEqual(64 << 20);
  }, 60_000);

  it('overlapping entries: the shared-kernel zip bomb is high and costs one member budget', async () => {
    const data = Buffer.alloc(100_000, 0x41);
    const specs = [
      { name: 'k', data, method: 'deflate' as const },
      ...Array.from({ length: 50 }, (_, i) => ({ name: `o${i}`, data: '', sameOffsetAs: 'k' })),
    ];
    const o = await scan(buildZip(specs), { maxDecompressedBytes: 1_000_000 });
    expect(o.findings.find((f) => f.ruleId === 'zip/overlapping-entries')?.severity).toBe('high');
    const total = (o.members ?? []).reduce((s, m) => s + m.source.size, 0);
    expect(total).toBeLessThanOrEqual(1_000_000);
  });

  it('zip in zip in zip: nested payload found with its nested member path', async () => {
    let z = buildZip([{ name: 'p.pkl', data: OS_SYSTEM_PICKLE }]);
    for (let i = 0; i < 3; i++) z = buildZip([{ name: `l${i}.zip`, data: z, method: i % 2 ? 'deflate' : 'stored' }]);
    const r = await scanRecursively(z, 'nest.zip');
    expect(highOrCritical(r.findings).map((f) => f.member)).toEqual(['l2.zip!l1.zip!l0.zip!p.pkl']);
    const deep = await scanRecursively(z, 'nest.zip', { maxNesting: 2 });
    expect(deep.findings.map((f) => f.ruleId)).toContain('scan/limit-exceeded');
  });

  it('a zip declaring a million entries in a tiny file is a bounded error', async () => {
    const o = await scan(buildZip([{ name: 'a', data: 'b' }], { zip64: true, declaredEntries: 1_000_000 }));
    expect(o.error?.code).toBe('truncated');
    expect(rules(o)).toContain('archive/too-many-members');
  });

  it('empty, random and truncated input never throws', async () => {
    for (const b of [new Uint8Array(0), new Uint8Array(22), new Uint8Array(4096).map((_, i) => (i * 31) & 255)]) {
      const o = await scan(b);
      expect(o.error).toBeDefined();
    }
  });

  it('fast-check: mutated and truncated zips never throw and stay bounded', async () => {
    const bases = [
      buildZip([
        { name: 'a/data.pkl', data: OS_SYSTEM_PICKLE },
        { name: 'a/data/0', data: 'x'.repeat(64) },
        { name: 'a/version', data: '3' },
      ]),
      buildZip(
        [
          { name: 'x.pkl', data: BENIGN_PICKLE, method: 'deflate' },
          { name: 'y', data: 'y'.repeat(300), method: 'deflate' },
        ],
        { zip64: true },
      ),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: bases.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 10 }),
        fc.nat(),
        async (which, edits, cut) => {
          const b = bases[which]!.slice();
          for (const [at, v] of edits) b[at % b.length] = v;
          const input = b.subarray(cut % 3 === 0 ? cut % (b.length + 1) : 0);
          const o = await scan(input);
          const total = (o.members ?? []).reduce((s, m) => s + m.source.size, 0);
          expect(total).toBeLessThanOrEqual(input.length * 2 + (64 << 20));
        },
      ),
      { numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (b) => {
        const o = await scan(new Uint8Array([0x50, 0x4b, 3, 4, ...b]));
        expect(Array.isArray(o.findings)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

/** Replaces the single stored member of `z` by a deflated body, fixing both headers. */
function withDeflatedBody(z: Uint8Array, body: Uint8Array): Uint8Array {
  const name = Buffer.from('zeros.bin');
  const le = (n: number, w: number) => {
    const b = Buffer.alloc(w);
    if (w === 4) b.writeUInt32LE(n >>> 0);
    else b.writeUInt16LE(n);
    return b;
  };
  const local = Buffer.concat([
    le(0x04034b50, 4),
    le(20, 2),
    le(0, 2),
    le(8, 2),
    le(0, 4),
    le(0, 4),
    le(body.length, 4),
    le(1 << 30, 4),
    le(name.length, 2),
    le(0, 2),
    name,
  ]);
  const central = Buffer.concat([
    le(0x02014b50, 4),
    le(20, 2),
    le(20, 2),
    le(0, 2),
    le(8, 2),
    le(0, 4),
    le(0, 4),
    le(body.length, 4),
    le(1 << 30, 4),
    le(name.length, 2),
    le(0, 2),
    le(0, 2),
    le(0, 2),
    le(0, 2),
    le(0, 4),
    le(0, 4),
    name,
  ]);
  const eocd = Buffer.concat([
    le(0x06054b50, 4),
    le(0, 2),
    le(0, 2),
    le(1, 2),
    le(1, 2),
    le(central.length, 4),
    le(local.length + body.length, 4),
    le(0, 2),
  ]);
  void z;
  return new Uint8Array(Buffer.concat([local, Buffer.from(body), central, eocd]));
}
