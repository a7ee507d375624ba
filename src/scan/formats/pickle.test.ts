import { describe, expect, it } from 'vitest';
import { callGlobal, EMPTY_DICT, pk, proto, STOP, str } from '../../../test/builders/pickle.js';
import { MemorySource } from '../../core/byte-source.js';
import { DEFAULT_LIMITS, type Limits } from '../../core/limits.js';
import { pickleScanner } from './pickle.js';

const ctx = (limits: Limits = DEFAULT_LIMITS) => ({
  path: 'm.bin',
  limits,
  depth: 0,
  signal: new AbortController().signal,
  siblings: [],
});

describe('pickle format scanner', () => {
  it('claims pickles by opcode structure whatever the name', () => {
    const b = callGlobal('os', 'system', str('id'));
    expect(pickleScanner.sniff({ head: b, size: b.length, name: 'weights.bin' })).toBe(true);
    expect(pickleScanner.sniff({ head: new TextEncoder().encode('{"a":1}'), size: 7, name: 'x.pkl' })).toBe(false);
  });

  it('reports the payload and stamps scanner and member', async () => {
    const out = await pickleScanner.scan(new MemorySource(callGlobal('os', 'system', str('id'))), {
      ...ctx(),
      member: 'outer.zip!data.pkl',
    });
    expect(out.findings[0]).toMatchObject({
      ruleId: 'pickle/dangerous-global',
      severity: 'critical',
      scanner: 'pickle',
      member: 'outer.zip!data.pkl',
    });
    expect(out.metadata).toMatchObject({ streams: 1, globals: ['os.system'] });
  });

  it('reads at most maxPickleBytes and reports the cap instead of a truncation', async () => {
    const big = pk(proto(2), EMPTY_DICT, str('x'.repeat(5000)), [0x30], STOP);
    const src = new MemorySource(big);
    const out = await pickleScanner.scan(src, ctx({ ...DEFAULT_LIMITS, maxPickleBytes: 100 }));
    expect(out.findings.map((f) => f.ruleId)).toEqual(['pickle/limit-exceeded']);
    expect(src.bytesRead).toBe(100);
  });
});
