import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OS_SYSTEM_PICKLE, testContext } from '../../../test/archive/context.js';
import {
  BIG_PICKLE_637,
  BIG_PICKLE_SIZE,
  BIG_PICKLE_TEXT,
  buildSevenZip,
  LZMA_HEADER_SEVENZIP,
  LZMA1_SEVENZIP,
  LZMA1_SEVENZIP_PACKED,
  LZMA1_SEVENZIP_PROPS,
  LZMA2_BIG_PICKLE,
  sevenNum,
} from '../../../test/builders/sevenzip.js';
import { MemorySource } from '../../core/byte-source.js';
import { unlzma1Bytes } from '../archive/decoders.js';
import { sevenZipScanner } from './sevenzip.js';

const scan = (b: Uint8Array, name = 'x.7z') => sevenZipScanner.scan(new MemorySource(b), testContext({}, name));
const text = async (o: Awaited<ReturnType<typeof scan>>, i = 0) => {
  const m = o.members?.[i];
  return m ? Buffer.from(await m.source.read(0, m.source.size)).toString('latin1') : '';
};

describe('7z', () => {
  it('nullifAI: a .pth that is a 7z archive gets a high finding and its pickle is decoded (corpus sevenzip_model.pth)', async () => {
    const b = new Uint8Array(
      readFileSync(path.resolve(process.cwd(), '../shared/corpus/files/torch/sevenzip_model.pth')),
    );
    expect(sevenZipScanner.sniff({ head: b, size: b.length, name: 'sevenzip_model.pth' })).toBe(true);
    const o = await scan(b, 'sevenzip_model.pth');
    expect(o.findings.map((f) => [f.ruleId, f.severity, f.evidence])).toEqual([
      ['archive/unexpected-container', 'high', 'data.pkl'],
    ]);
    expect(o.members?.map((m) => m.name)).toEqual(['data.pkl']);
    expect(await text(o)).toContain('cos\nsystem\n');
  });

  it('decodes copy and LZMA2 (compressed chunk) members', async () => {
    const b = buildSevenZip([
      { name: 'a.pkl', packed: OS_SYSTEM_PICKLE, unpackSize: OS_SYSTEM_PICKLE.length, coder: '00' },
      {
        name: 'dir/b.pkl',
        packed: LZMA2_BIG_PICKLE,
        unpackSize: BIG_PICKLE_SIZE,
        coder: '21',
        props: new Uint8Array([8]),
      },
    ]);
    const o = await scan(b);
    expect(o.error).toBeUndefined();
    expect(o.findings).toEqual([]);
    expect(o.members?.map((m) => [m.name, m.source.size])).toEqual([
      ['a.pkl', OS_SYSTEM_PICKLE.length],
      ['dir/b.pkl', BIG_PICKLE_SIZE],
    ]);
    expect(await text(o, 1)).toContain(BIG_PICKLE_TEXT);
  });

  it('reads an encoded (packed) header', async () => {
    const o = await scan(
      buildSevenZip([{ name: 'm.pkl', packed: OS_SYSTEM_PICKLE, unpackSize: OS_SYSTEM_PICKLE.length, coder: '00' }], {
        encodeHeader: true,
      }),
    );
    expect(o.members?.map((m) => m.name)).toEqual(['m.pkl']);
  });

  it('decodes LZMA1 members (real 7-Zip output, `7z a -m0=LZMA`)', async () => {
    const o = await scan(LZMA1_SEVENZIP);
    expect(o.findings).toEqual([]);
    expect(o.members?.map((m) => [m.name, m.source.size])).toEqual([['big.pkl', BIG_PICKLE_637]]);
    expect(await text(o)).toContain(BIG_PICKLE_TEXT);
  });

  it('reads a header 7-Zip compressed with LZMA1: every member is named and decoded', async () => {
    const o = await scan(LZMA_HEADER_SEVENZIP);
    expect(o.findings).toEqual([]);
    expect(o.members).toHaveLength(60);
    expect(o.members?.[59]?.name).toMatch(/^many\/f\d+\.pkl$/);
    for (let i = 0; i < 60; i += 17) expect(await text(o, i)).toContain(BIG_PICKLE_TEXT);
  });

  it('LZMA1 with a hostile 4 GiB dictionary size decodes with a window no larger than the output', async () => {
    const b = LZMA1_SEVENZIP.slice();
    expect(b[LZMA1_SEVENZIP_PROPS]).toBe(0x5d);
    b.set([0xff, 0xff, 0xff, 0xff], LZMA1_SEVENZIP_PROPS + 1);
    const o = await scan(b);
    expect(await text(o)).toContain(BIG_PICKLE_TEXT);
  });

  it('LZMA1 output past the caps stops at the cap and says so; a cut stream never throws', async () => {
    const packed = LZMA1_SEVENZIP.subarray(32, 32 + LZMA1_SEVENZIP_PACKED);
    const props = LZMA1_SEVENZIP.subarray(LZMA1_SEVENZIP_PROPS, LZMA1_SEVENZIP_PROPS + 5);
    const capped = await unlzma1Bytes(packed, props, BIG_PICKLE_637, { maxBytes: 100, maxRatio: 1000 });
    expect(capped.stopped).toBe('size-cap');
    expect(capped.data.length).toBe(100);
    const whole = await unlzma1Bytes(packed, props, BIG_PICKLE_637, { maxBytes: 1 << 20, maxRatio: 1000 });
    expect(Buffer.from(whole.data).toString('latin1')).toContain(BIG_PICKLE_TEXT);
    for (let cut = 0; cut < packed.length; cut += 7) {
      const r = await unlzma1Bytes(packed.subarray(0, cut), props, BIG_PICKLE_637, {
        maxBytes: 1 << 20,
        maxRatio: 1000,
      });
      expect(r.data.length).toBeLessThanOrEqual(BIG_PICKLE_637);
    }
    const noProps = await unlzma1Bytes(packed, props.subarray(0, 2), BIG_PICKLE_637, {
      maxBytes: 1 << 20,
      maxRatio: 1000,
    });
    expect(noProps.error).toContain('properties');
  });

  it('encodes 7z numbers the way the reader decodes them', () => {
    expect(sevenNum(5)).toEqual([5]);
    expect(sevenNum(0x1234)).toEqual([0x92, 0x34]);
  });

  it('never throws on truncated, mutated or random 7z bytes', async () => {
    const base = buildSevenZip([
      { name: 'a.pkl', packed: OS_SYSTEM_PICKLE, unpackSize: OS_SYSTEM_PICKLE.length, coder: '00' },
      { name: 'b.pkl', packed: LZMA2_BIG_PICKLE, unpackSize: BIG_PICKLE_SIZE, coder: '21', props: new Uint8Array([8]) },
    ]);
    const bases = [base, LZMA1_SEVENZIP, LZMA_HEADER_SEVENZIP];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        fc.nat({ max: bases.length - 1 }),
        async (edits, cut, which) => {
          const b = (bases[which] as Uint8Array).slice();
          for (const [at, v] of edits) b[at % b.length] = v;
          const o = await scan(b.subarray(0, Math.max(1, cut % (b.length + 1))));
          expect(Array.isArray(o.findings)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (tail) => {
        const b = new Uint8Array([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, ...tail]);
        const o = await scan(b);
        expect(Array.isArray(o.findings)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
