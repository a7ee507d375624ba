import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OS_SYSTEM_PICKLE, testContext } from '../../../test/archive/context.js';
import { buildTar } from '../../../test/builders/tar.js';
import { MemorySource } from '../../core/byte-source.js';
import { tarScanner } from './tar.js';

const scan = (b: Uint8Array, limits = {}) => tarScanner.scan(new MemorySource(b), testContext(limits, 'x.tar'));

describe('tar', () => {
  it('lists ustar and pax members lazily, with long names', async () => {
    const long = `${'d/'.repeat(80)}model.pkl`;
    const b = buildTar([
      { name: 'a.txt', data: 'hello' },
      { name: long, data: OS_SYSTEM_PICKLE, pax: true },
      { name: 'dir/', type: '5' },
    ]);
    expect(tarScanner.sniff({ head: b.subarray(0, 4096), size: b.length, name: 'x' })).toBe(true);
    const o = await scan(b);
    expect(o.error).toBeUndefined();
    expect(o.findings).toEqual([]);
    expect(o.members?.map((m) => [m.name, m.source.size])).toEqual([
      ['a.txt', 5],
      [long, OS_SYSTEM_PICKLE.length],
    ]);
  });

  it('legacy PyTorch tar layout (sys_info, pickle, storages, tensors): members handed on as pickles', async () => {
    const o = await scan(
      buildTar(['sys_info', 'pickle', 'storages', 'tensors'].map((name) => ({ name, data: OS_SYSTEM_PICKLE }))),
    );
    expect(o.metadata?.layout).toBe('pytorch-legacy-tar');
    expect(o.members?.map((m) => m.format)).toEqual(['pickle', 'pickle', 'pickle', 'pickle']);
  });

  it('Zip Slip in tar: traversal names and links out of the archive are reported', async () => {
    const o = await scan(
      buildTar([
        { name: '../../etc/cron.d/x', data: 'x' },
        { name: 'link', type: '2', linkName: '/etc/passwd' },
      ]),
    );
    expect(o.findings.map((f) => [f.ruleId, f.severity])).toEqual([
      ['archive/path-traversal', 'high'],
      ['archive/link-member', 'high'],
    ]);
  });

  it('declared length beyond the file: truncated error, member clipped to the file', async () => {
    const b = buildTar([{ name: 'a', data: 'abc', declaredSize: 10_000_000 }]);
    const o = await scan(b.subarray(0, 1024));
    expect(o.error?.code).toBe('truncated');
    expect(o.members?.[0]?.source.size).toBe(512);
  });

  it('reports data after the end-of-archive marker', async () => {
    const o = await scan(buildTar([{ name: 'a', data: 'b' }], new Uint8Array(Buffer.from('hidden payload'))));
    expect(o.findings.map((f) => f.ruleId)).toEqual(['archive/trailing-data']);
  });

  it('stops at the member cap', async () => {
    const o = await scan(buildTar(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: 'x' }))), {
      maxMembers: 5,
    });
    expect(o.members?.length).toBe(5);
    expect(o.findings.map((f) => f.ruleId)).toEqual(['archive/too-many-members']);
  });

  it('never throws on mutated or truncated tars', async () => {
    const base = buildTar([
      { name: 'a', data: 'hello' },
      { name: 'b'.repeat(150), data: OS_SYSTEM_PICKLE, pax: true },
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        async (edits, cut) => {
          const b = base.slice();
          for (const [at, v] of edits) b[at % b.length] = v;
          const o = await scan(b.subarray(0, cut % (b.length + 1)));
          expect(Array.isArray(o.findings)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
