import { describe, expect, it } from 'vitest';
import { bytes, callGlobal, EMPTY_DICT, pk, proto, STOP, str } from '../../../test/builders/pickle.js';
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

  it('maxPickleBytes caps the opcode bytes read and reports the cap instead of a truncation', async () => {
    const big = pk(proto(2), EMPTY_DICT, str('x'.repeat(5000)), [0x30], STOP);
    const src = new MemorySource(big);
    const out = await pickleScanner.scan(src, ctx({ ...DEFAULT_LIMITS, maxPickleBytes: 100 }));
    expect(out.findings.map((f) => f.ruleId)).toEqual(['pickle/limit-exceeded']);
    expect(out.error?.code).toBe('limit_exceeded');
    expect(src.bytesRead).toBe(100);
  });

  it('a payload the VM skips does not count against maxPickleBytes: the call after it is found', async () => {
    const b = pk(proto(4), EMPTY_DICT, bytes(new Uint8Array(4 << 20)), [0x30], callGlobal('os', 'system', str('id')));
    const src = new MemorySource(b);
    const out = await pickleScanner.scan(src, ctx({ ...DEFAULT_LIMITS, maxPickleBytes: 1 << 20 }));
    expect(out.findings.map((f) => [f.ruleId, f.severity])).toEqual([['pickle/dangerous-global', 'critical']]);
    // Read-ahead counts (one small window before the payload), the payload does not.
    expect(src.bytesRead).toBeLessThan(1 << 20);
  });
});
