import { describe, expect, it } from 'vitest';
import { joblibStream } from '../../../test/builders/joblib.js';
import {
  callGlobal,
  EMPTY_DICT,
  global,
  MARK,
  pk,
  REDUCE,
  SETITEMS,
  STOP,
  str,
  TUPLE,
} from '../../../test/builders/pickle.js';
import { DEFAULT_LIMITS } from '../../core/limits.js';
import { analyzePickle } from './analyze.js';

const run = (b: Uint8Array) => analyzePickle(b, { limits: DEFAULT_LIMITS, path: 'm.joblib' });
const hook = pk(str('hook'), global('subprocess', 'Popen'), MARK, str('id'), TUPLE, REDUCE, SETITEMS, STOP);
const before = pk(EMPTY_DICT, MARK, str('arr'));
/** Array bytes that look like a payload to a reader that does not skip them. */
const decoy = (n: number) => {
  const d = new Uint8Array(n);
  d.set(callGlobal('os', 'system', str('decoy')).subarray(0, n));
  return d;
};

describe('joblib inline arrays', () => {
  it('joblib: payload after an inline float array is found, array bytes are not executed', () => {
    const b = joblibStream(before, { dtype: 'f8', count: 8, data: decoy(64), aligned: true }, hook);
    const a = run(b);
    expect(a.error).toBeUndefined();
    expect(a.streams).toEqual([{ start: 0, end: b.length }]);
    expect(a.findings.find((f) => f.ruleId === 'pickle/dangerous-global')?.message).toContain('subprocess.Popen');
    expect(a.globals).not.toContain('os.system');
  });

  it('joblib < 1.2 wrote no alignment padding', () => {
    const b = joblibStream(before, { dtype: 'i4', count: 16, data: decoy(64) }, hook);
    const a = run(b);
    expect(a.error).toBeUndefined();
    expect(a.globals).toContain('subprocess.Popen');
  });

  it('joblib object array: the nested pickle is analysed, then the outer stream goes on', () => {
    const inner = callGlobal('os', 'system', str('inner'));
    const b = joblibStream(before, { dtype: 'O8', count: 1, data: inner }, hook);
    const a = run(b);
    expect(a.error).toBeUndefined();
    expect(a.globals).toEqual(expect.arrayContaining(['os.system', 'subprocess.Popen']));
  });

  it('an inline array larger than the file is a truncation, with what came before kept', () => {
    const b = joblibStream(
      pk(global('os', 'system'), [0x30], before),
      { dtype: 'f8', count: 1 << 20, data: decoy(8) },
      hook,
    );
    const a = run(b);
    expect(a.error?.code).toBe('truncated');
    expect(a.findings.some((f) => f.ruleId === 'pickle/malformed' && f.severity === 'high')).toBe(true);
  });
});
