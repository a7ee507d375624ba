import { readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OS_SYSTEM_PICKLE, testContext } from '../../../test/archive/context.js';
import { highOrCritical, scanRecursively } from '../../../test/archive/recursive.js';
import {
  BZ2_PICKLE,
  JOBLIB_LZMA_BENIGN,
  JOBLIB_LZMA_MALICIOUS,
  LZ4_LINKED,
  LZ4_LINKED_TEXT,
  LZ4_PICKLE,
  LZMA_PICKLE,
  XZ_PICKLE,
} from '../../../test/builders/streams.js';
import { MemorySource } from '../../core/byte-source.js';
import type { FormatScanner } from '../types.js';
import { bzip2Scanner, looksLikeZlib, lz4Scanner, lzmaScanner, xzScanner, zlibScanner } from './compressed-stream.js';
import { gzipScanner } from './gzip.js';

const corpus = (p: string) => new Uint8Array(readFileSync(path.resolve(process.cwd(), '../shared/corpus/files', p)));
const sniff = (s: FormatScanner, b: Uint8Array) => s.sniff({ head: b.subarray(0, 4096), size: b.length, name: 'x' });
async function run(s: FormatScanner, b: Uint8Array, limits = {}) {
  return s.scan(new MemorySource(b), testContext(limits, 'model.joblib'));
}
async function memberBytes(s: FormatScanner, b: Uint8Array, limits = {}) {
  const o = await run(s, b, limits);
  const m = o.members?.[0];
  return { o, bytes: m ? await m.source.read(0, m.source.size) : new Uint8Array(0) };
}

describe('compressed streams', () => {
  it('recognises joblib compress=3 zlib files (0x78 0x5e) and decodes the pickle inside', async () => {
    for (const f of ['sklearn/pipeline_compressed.joblib', 'sklearn/payload_compressed.joblib']) {
      const b = corpus(f);
      expect(b[0]).toBe(0x78);
      expect(sniff(zlibScanner, b)).toBe(true);
      const { o, bytes } = await memberBytes(zlibScanner, b);
      expect(o.findings).toEqual([]);
      expect(bytes[0]).toBe(0x80); // a pickle PROTO opcode
      expect(bytes[bytes.length - 1]).toBe(0x2e); // STOP
    }
  });

  it('recognises every zlib level header (0x78 0x01/0x5e/0x9c/0xda) and rejects random data', () => {
    for (const level of [0, 1, 3, 6, 9]) {
      expect(looksLikeZlib(zlib.deflateSync(Buffer.from('model weights '.repeat(50)), { level }))).toBe(true);
    }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 4096 }), (b) => {
        if (looksLikeZlib(b))
          expect(() => zlib.inflateSync(b, { finishFlush: zlib.constants.Z_SYNC_FLUSH })).not.toThrow();
      }),
      { numRuns: 300 },
    );
    let hits = 0;
    for (let i = 0; i < 2000; i++) {
      const b = new Uint8Array(512).map(() => Math.floor(Math.random() * 256));
      b[0] = 0x78;
      b[1] = 0x9c;
      if (looksLikeZlib(b)) hits++;
    }
    expect(hits).toBeLessThan(20);
  });

  it('decodes gzip, every member of a multi-member file, and reports trailing bytes', async () => {
    const gz = Buffer.concat([
      zlib.gzipSync(Buffer.from('first ')),
      zlib.gzipSync(OS_SYSTEM_PICKLE),
      Buffer.from('TRAILER!'),
    ]);
    const { o, bytes } = await memberBytes(gzipScanner, new Uint8Array(gz));
    expect(Buffer.from(bytes).subarray(0, 6).toString()).toBe('first ');
    expect(Buffer.from(bytes).subarray(6)).toEqual(Buffer.from(OS_SYSTEM_PICKLE));
    expect(o.findings.map((f) => f.ruleId)).toEqual(['archive/trailing-data']);
    expect(o.members?.[0]?.name).toBe('model.joblib[gzip]');
  });

  it('keeps what decoded before a corrupt block (payload then garbage)', async () => {
    const payload = Buffer.from(OS_SYSTEM_PICKLE);
    const stored = Buffer.concat([Buffer.from([0x00, payload.length, 0, ~payload.length & 255, 0xff]), payload]);
    const z = Buffer.concat([Buffer.from([0x78, 0x01]), stored, Buffer.from([0x07, 0xff, 0xff, 0xff])]);
    const { o, bytes } = await memberBytes(zlibScanner, new Uint8Array(z));
    expect(Buffer.from(bytes)).toEqual(payload);
    expect(o.findings.map((f) => f.ruleId)).toContain('archive/corrupt-stream');
  });

  it('decodes bzip2, xz and lz4 (joblib compress=bz2/xz/lz4)', async () => {
    for (const [s, b] of [
      [bzip2Scanner, BZ2_PICKLE],
      [xzScanner, XZ_PICKLE],
      [lz4Scanner, LZ4_PICKLE],
    ] as const) {
      expect(sniff(s, b)).toBe(true);
      const { o, bytes } = await memberBytes(s, b);
      expect(o.findings).toEqual([]);
      expect(Buffer.from(bytes)).toEqual(Buffer.from(OS_SYSTEM_PICKLE));
    }
  });

  it('decodes linked lz4 blocks that reference the previous block', async () => {
    const { o, bytes } = await memberBytes(lz4Scanner, LZ4_LINKED);
    expect(o.findings).toEqual([]);
    expect(Buffer.from(bytes).toString()).toBe(LZ4_LINKED_TEXT);
  });

  it('decodes LZMA-alone streams (xz --format=lzma: unknown length, end marker)', async () => {
    expect(sniff(lzmaScanner, LZMA_PICKLE)).toBe(true);
    const { o, bytes } = await memberBytes(lzmaScanner, LZMA_PICKLE);
    expect(o.findings).toEqual([]);
    expect(Buffer.from(bytes)).toEqual(Buffer.from(OS_SYSTEM_PICKLE));
  });

  it('joblib compress="lzma" (real joblib output): the pickle inside is judged', async () => {
    const bad = await scanRecursively(JOBLIB_LZMA_MALICIOUS, 'model.joblib');
    expect(bad.targets.map((t) => [t.format, t.status])).toEqual([
      ['lzma', 'ok'],
      ['pickle', 'ok'],
    ]);
    expect(highOrCritical(bad.findings).map((f) => f.message)).toEqual([expect.stringContaining('system')]);
    const good = await scanRecursively(JOBLIB_LZMA_BENIGN, 'model.joblib');
    expect(good.findings).toEqual([]);
  });

  it('a truncated or corrupted LZMA-alone stream is reported or decodes garbage, never throws, within the caps', async () => {
    for (let cut = 14; cut < JOBLIB_LZMA_MALICIOUS.length; cut += 41) {
      const o = await run(lzmaScanner, JOBLIB_LZMA_MALICIOUS.subarray(0, cut), { maxDecompressedBytes: 1 << 20 });
      expect(o.members?.[0]?.source.size ?? 0).toBeLessThanOrEqual(1 << 20);
    }
    const hostile = LZMA_PICKLE.slice();
    hostile.set([0xff, 0xff, 0xff, 0xff], 1); // a 4 GiB dictionary: the window is sized to the output instead
    const o = await run(lzmaScanner, hostile);
    expect(o.members).toHaveLength(1);
  });

  it('decompression bomb: 1 GiB of zeros stops at the cap with a high finding', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(1 << 30), { level: 9 });
    const started = Date.now();
    const o = await run(gzipScanner, new Uint8Array(bomb));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(o.findings.map((f) => [f.ruleId, f.severity])).toEqual([['archive/decompression-bomb', 'high']]);
    expect(o.members?.[0]?.source.size).toBeLessThanOrEqual(64 * 1024 * 1024);
  }, 60_000);

  it('size cap without a bomb ratio is a medium finding', async () => {
    const data = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
    const o = await run(gzipScanner, new Uint8Array(zlib.gzipSync(data)), { maxDecompressedBytes: 100_000 });
    expect(o.findings.map((f) => f.ruleId)).toEqual(['archive/decompression-limit']);
    expect(o.members?.[0]?.source.size).toBe(100_000);
  });

  it('never throws on random or mutated compressed input', async () => {
    const samples = [
      new Uint8Array(zlib.gzipSync(OS_SYSTEM_PICKLE)),
      new Uint8Array(zlib.deflateSync(OS_SYSTEM_PICKLE)),
      BZ2_PICKLE,
      XZ_PICKLE,
      LZ4_PICKLE,
      LZ4_LINKED,
    ];
    const scanners = [gzipScanner, zlibScanner, bzip2Scanner, xzScanner, lz4Scanner];
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: samples.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        async (which, edits, cut) => {
          const b = samples[which]!.slice();
          for (const [at, v] of edits) b[at % b.length] = v;
          const input = b.subarray(0, Math.max(1, cut % (b.length + 1)));
          for (const s of scanners) {
            const o = await run(s, input);
            expect(Array.isArray(o.findings)).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);
});
