import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callGlobal, pk, str } from '../../../test/builders/pickle.js';
import { MemorySource } from '../../core/byte-source.js';
import { DEFAULT_LIMITS } from '../../core/limits.js';
import type { ScanOutcome } from '../types.js';
import { numpyScanner } from './numpy.js';
import { dtypeLayout, parsePyLiteral } from './numpy-header.js';

/** A .npy v1 file: magic, version, header padded to 64 bytes, then data. */
function npy(header: string, data: Uint8Array = new Uint8Array(0), version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  let h = header;
  while ((pre + h.length + 1) % 64 !== 0) h += ' ';
  h += '\n';
  const len = version === 1 ? [h.length & 0xff, h.length >> 8] : [h.length & 0xff, h.length >> 8, 0, 0];
  return pk([0x93], 'NUMPY', [version, 0], len, h, data);
}

const scan = (b: Uint8Array): Promise<ScanOutcome> =>
  numpyScanner.scan(new MemorySource(b), {
    path: 'a.npy',
    limits: DEFAULT_LIMITS,
    depth: 0,
    signal: new AbortController().signal,
    siblings: [],
  });

describe('numpy scanner', () => {
  it('a float32 array whose data matches its shape has no findings', async () => {
    const out = await scan(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", new Uint8Array(24)));
    expect(out.findings).toEqual([]);
    expect(out.metadata).toMatchObject({ descr: '<f4', shape: [2, 3] });
  });

  it('object array: the pickle after the header is analysed and the payload named', async () => {
    const out = await scan(
      npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", callGlobal('os', 'system', str('id'))),
    );
    expect(out.findings.map((f) => f.ruleId)).toEqual(['numpy/object-array', 'pickle/dangerous-global']);
    expect(out.findings[1]?.message).toContain('os.system');
    expect(out.findings[1]?.scanner).toBe('numpy');
  });

  it('structured dtype with an object field is an object array', async () => {
    const out = await scan(
      npy(
        "{'descr': [('a', '<i4'), ('b', '|O')], 'fortran_order': False, 'shape': (1,), }",
        callGlobal('os', 'system', str('id')),
      ),
    );
    expect(out.findings.some((f) => f.ruleId === 'pickle/dangerous-global')).toBe(true);
  });

  it('declared size beyond the file is malformed (truncated), data is never read', async () => {
    const src = new MemorySource(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }"));
    const out = await numpyScanner.scan(src, {
      path: 'a.npy',
      limits: DEFAULT_LIMITS,
      depth: 0,
      signal: new AbortController().signal,
      siblings: [],
    });
    expect(out.findings.map((f) => [f.ruleId, f.severity])).toEqual([['numpy/malformed', 'medium']]);
    expect(out.error?.code).toBe('truncated');
    expect(src.bytesRead).toBeLessThan(200);
  });

  it('bytes after the array are reported and handed back for scanning', async () => {
    const out = await scan(
      npy(
        "{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }",
        pk([1, 2, 3, 4], callGlobal('os', 'system', str('id'))),
      ),
    );
    expect(out.findings.map((f) => [f.ruleId, f.severity])).toEqual([['numpy/malformed', 'low']]);
    expect(out.members).toHaveLength(1);
    expect(out.members?.[0]?.source.size).toBe(callGlobal('os', 'system', str('id')).length);
  });

  it('version 2 headers, and hostile headers: huge length, bad literal, unknown descr', async () => {
    expect(
      (await scan(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8), 2))).findings,
    ).toEqual([]);
    const huge = pk([0x93], 'NUMPY', [2, 0], [0xff, 0xff, 0xff, 0x7f]);
    expect((await scan(huge)).error).toBeDefined();
    expect((await scan(npy("{'descr': __import__('os'), 'shape': (1,)}"))).findings[0]?.ruleId).toBe('numpy/malformed');
    expect((await scan(npy("{'descr': '<q9', 'fortran_order': False, 'shape': (1,), }"))).error?.code).toBe(
      'invalid_structure',
    );
  });

  it('sniffs the magic only', () => {
    expect(numpyScanner.sniff({ head: npy("{'descr': '<f4', 'shape': ()}"), size: 80, name: 'x.bin' })).toBe(true);
    expect(numpyScanner.sniff({ head: callGlobal('os', 'system'), size: 20, name: 'x.npy' })).toBe(false);
  });
});

describe('npy header literal parser', () => {
  it('parses the header forms numpy writes', () => {
    expect(parsePyLiteral("{'descr': '<f4', 'fortran_order': False, 'shape': (10, 100), }")).toEqual({
      ok: true,
      value: { descr: '<f4', fortran_order: false, shape: [10, 100] },
    });
    expect(dtypeLayout('<U10')).toEqual({ itemsize: 40, hasObject: false });
    expect(dtypeLayout('<M8[ns]')).toEqual({ itemsize: 8, hasObject: false });
    expect(
      dtypeLayout([
        ['x', '<f4', [3]],
        ['y', '|b1'],
      ]),
    ).toEqual({ itemsize: 13, hasObject: false });
  });

  it('never throws on arbitrary text, and deep nesting is refused', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        parsePyLiteral(s);
      }),
      { numRuns: 500 },
    );
    expect(parsePyLiteral(`${'('.repeat(10_000)}${')'.repeat(10_000)}`).ok).toBe(false);
  });
});
