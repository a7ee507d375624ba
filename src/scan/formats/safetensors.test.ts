import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contiguousF32, safetensorsBytes } from '../../../test/builders/safetensors.js';
import { MemorySource } from '../../core/byte-source.js';
import { DEFAULT_LIMITS } from '../../core/limits.js';
import type { ScanContext } from '../types.js';
import { safetensorsScanner as scanner, sniffSafetensors } from './safetensors.js';

const corpus = (p: string) => new Uint8Array(readFileSync(resolve(process.cwd(), '../shared/corpus/files', p)));
const ctx = (limits = DEFAULT_LIMITS): ScanContext => ({
  path: 'm.safetensors',
  limits,
  depth: 0,
  signal: new AbortController().signal,
  siblings: [],
});
const scan = (b: Uint8Array, limits = DEFAULT_LIMITS) => scanner.scan(new MemorySource(b), ctx(limits));
const sniff = (b: Uint8Array) => sniffSafetensors({ head: b.subarray(0, 4096), size: b.length, name: 'x' });
const rules = async (b: Uint8Array) => (await scan(b)).findings.map((f) => `${f.ruleId}:${f.severity}`);

describe('safetensors: real files', () => {
  for (const p of ['safetensors/benign.safetensors', 'hf_benign/model.safetensors'])
    it(`${p} (written by the corpus generator) is clean and described`, async () => {
      const b = corpus(p);
      expect(sniff(b)).toBe(true);
      const out = await scan(b);
      expect(out.findings).toEqual([]);
      expect(out.error).toBeUndefined();
      expect(out.metadata).toMatchObject({ format: 'safetensors', dtypes: { F32: expect.any(Number) } });
      expect(out.metadata?.metadata).toEqual({ format: 'pt' });
    });
  it('benign.safetensors metadata counts tensors and parameters', async () => {
    const out = await scan(corpus('safetensors/benign.safetensors'));
    expect(out.metadata).toMatchObject({ tensorCount: 2, parameters: 20 });
  });
  it('huge_header_len.safetensors: header length 2^50 beyond the file is high, read costs only the prefix', async () => {
    const b = corpus('safetensors/huge_header_len.safetensors');
    expect(sniff(b)).toBe(true);
    const src = new MemorySource(b);
    const out = await scanner.scan(src, ctx());
    expect(out.findings.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['safetensors/header-out-of-bounds:high']);
    expect(src.bytesRead).toBe(8);
  });
});

describe('safetensors: hostile headers built in code', () => {
  it('offsets past the data section (out-of-bounds read in trusting loaders) are high', async () => {
    const b = safetensorsBytes([{ name: 'w', dtype: 'F32', shape: [4], offsets: [0, 16] }], { dataBytes: 8 });
    expect(await rules(b)).toContain('safetensors/tensor-out-of-bounds:high');
  });
  it('reversed offsets are high', async () => {
    const b = safetensorsBytes([{ name: 'w', dtype: 'F32', shape: [0], offsets: [8, 4] }], { dataBytes: 8 });
    expect(await rules(b)).toContain('safetensors/tensor-out-of-bounds:high');
  });
  it('overlapping tensors (aliasing) are reported', async () => {
    const b = safetensorsBytes([
      { name: 'a', dtype: 'F32', shape: [4], offsets: [0, 16] },
      { name: 'b', dtype: 'F32', shape: [4], offsets: [8, 24] },
    ]);
    const out = await scan(b);
    expect(out.findings.some((f) => f.ruleId === 'safetensors/tensor-layout' && /overlaps/.test(f.message))).toBe(true);
  });
  it('a gap between tensors and data not starting at 0 are reported', async () => {
    const b = safetensorsBytes([{ name: 'a', dtype: 'F32', shape: [1], offsets: [4, 8] }]);
    expect((await scan(b)).findings.some((f) => /unused bytes/.test(f.message))).toBe(true);
  });
  it('trailing bytes after the last tensor (appended payload, polyglot) are reported and handed back', async () => {
    const b = safetensorsBytes(contiguousF32({ w: [2] }), { dataBytes: 64 });
    const out = await scan(b);
    expect(out.findings.map((f) => f.ruleId)).toEqual(['safetensors/tensor-layout']);
    expect(out.members?.[0]?.name).toBe('#trailing-data');
    expect(out.members?.[0]?.source.size).toBe(56);
  });
  it('byte size inconsistent with shape × dtype is reported', async () => {
    const b = safetensorsBytes([{ name: 'w', dtype: 'F16', shape: [4, 4], offsets: [0, 16] }]);
    expect((await scan(b)).findings.some((f) => /needs 32/.test(f.message))).toBe(true);
  });
  it('sub-byte dtypes (F4) are sized in bits', async () => {
    const b = safetensorsBytes([{ name: 'w', dtype: 'F4', shape: [8], offsets: [0, 4] }]);
    expect(await rules(b)).toEqual([]);
  });
  it('unknown dtype is reported', async () => {
    const b = safetensorsBytes([{ name: 'w', dtype: 'F128', shape: [1], offsets: [0, 16] }]);
    expect((await scan(b)).findings.some((f) => /unknown dtype/.test(f.message))).toBe(true);
  });
  it('duplicate tensor names (parser differential) are reported', async () => {
    const text =
      '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    const b = safetensorsBytes([], { headerText: text, dataBytes: 4 });
    expect((await scan(b)).findings.some((f) => /duplicate key "w"/.test(f.message))).toBe(true);
  });
  it('escaped duplicate keys are recognised ("\\u0077" == "w")', async () => {
    const text =
      '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"\\u0077":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    const b = safetensorsBytes([], { headerText: text, dataBytes: 4 });
    expect((await scan(b)).findings.some((f) => /duplicate key/.test(f.message))).toBe(true);
  });
  it('__metadata__ with non-string values is reported', async () => {
    const b = safetensorsBytes(contiguousF32({ w: [1] }), { metadata: { format: 'pt', n: 3 } });
    expect((await scan(b)).findings.some((f) => /__metadata__.n/.test(f.message))).toBe(true);
  });
  it('invalid JSON is reported without throwing', async () => {
    const b = safetensorsBytes([], { headerText: '{"w": {"dtype": ', dataBytes: 0 });
    expect(await rules(b)).toEqual(['safetensors/invalid-header:medium']);
  });
  it('non-UTF-8 header is reported', async () => {
    const b = safetensorsBytes([], { headerText: '{"a":1}', dataBytes: 0 });
    b[10] = 0xff;
    const out = await scan(b);
    expect(out.findings.map((f) => f.ruleId)).toEqual(['safetensors/invalid-header']);
    expect(out.error?.code).toBe('invalid_structure');
  });
  it('a header over maxHeaderBytes is not read', async () => {
    const b = safetensorsBytes(contiguousF32({ w: [1] }));
    const src = new MemorySource(b);
    const out = await scanner.scan(src, ctx({ ...DEFAULT_LIMITS, maxHeaderBytes: 16 }));
    expect(out.findings.map((f) => f.ruleId)).toEqual(['safetensors/header-too-large']);
    expect(src.bytesRead).toBe(8);
  });
  it('a file shorter than 8 bytes is a truncation error', async () => {
    expect((await scan(new Uint8Array(5))).error?.code).toBe('truncated');
  });
  it('deeply nested JSON does not crash', async () => {
    const text = `{"w":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const out = await scan(safetensorsBytes([], { headerText: text, dataBytes: 0 }));
    expect(out.findings.length).toBeGreaterThan(0);
  });
});

describe('safetensors: sniffing', () => {
  it('does not claim JSON, zip, pickle or GGUF heads', () => {
    const heads = [
      '{"a": 1}',
      'PK\u0003\u0004aaaaaaaaaa',
      '\u0080\u0002}q\u0000aaaaaaa',
      // GGUF v3 with 0x227b tensors: bytes 8..9 read `{"`, then binary counts follow.
      'GGUF\u0003\u0000\u0000\u0000{"\u0000\u0000\u0000\u0000\u0000\u0000\u0003\u0000\u0000\u0000\u0000\u0000\u0000\u0000',
    ];
    for (const s of heads) expect(sniff(new Uint8Array(Buffer.from(s, 'latin1')))).toBe(false);
  });
  it('does not claim random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 512 }), (b) => {
        b[8] = 0x7b; // even with the one-byte hint forced, random bytes are refused
        return !sniff(b) || b[9] === 0x22 || b[9] === 0x7d || b[9]! <= 0x20;
      }),
      { numRuns: 300 },
    );
  });
});

describe('safetensors: properties', () => {
  it('arbitrary bytes never throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (b) => {
        const out = await scan(b);
        expect(Array.isArray(out.findings)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
  it('mutated real files never throw and never read beyond the header', async () => {
    const base = corpus('safetensors/benign.safetensors');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        async (edits) => {
          const b = base.slice();
          for (const [i, v] of edits) b[i] = v;
          const src = new MemorySource(b);
          const out = await scanner.scan(src, ctx());
          expect(Array.isArray(out.findings)).toBe(true);
          expect(src.bytesRead).toBeLessThanOrEqual(b.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
