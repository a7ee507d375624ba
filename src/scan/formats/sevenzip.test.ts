import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OS_SYSTEM_PICKLE, testContext } from '../../../test/archive/context.js';
import {
  BIG_PICKLE_SIZE,
  BIG_PICKLE_TEXT,
  buildSevenZip,
  LZMA2_BIG_PICKLE,
  sevenNum,
} from '../../../test/builders/sevenzip.js';
import { MemorySource } from '../../core/byte-source.js';
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

  it('LZMA1 members are not decoded: a pickle-named member is a high finding naming it', async () => {
    const b = buildSevenZip([
      {
        name: 'data.pkl',
        packed: new Uint8Array(30),
        unpackSize: 100,
        coder: '030101',
        props: new Uint8Array([0x5d, 0, 0, 1, 0]),
      },
    ]);
    const o = await scan(b);
    expect(o.findings.map((f) => [f.ruleId, f.severity])).toEqual([['archive/unexpected-container', 'high']]);
    expect(o.findings[0]?.message).toContain('LZMA');
    expect(o.findings[0]?.evidence).toBe('data.pkl');
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
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        async (edits, cut) => {
          const b = base.slice();
          for (const [at, v] of edits) b[at % b.length] = v;
          const o = await scan(b.subarray(0, Math.max(1, cut % (b.length + 1))));
          expect(Array.isArray(o.findings)).toBe(true);
        },
      ),
      { numRuns: 150 },
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
