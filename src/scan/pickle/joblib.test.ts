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
import { dtypeInfo } from './joblib-array.js';
import { CallResult, GlobalRef, KeepBudget, Seq, type Value } from './values.js';

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

describe('joblib dtype of structured arrays', () => {
  const budget = () => new KeepBudget(1_000_000);
  const seq = (kind: 'tuple' | 'dict', ...items: Value[]) => {
    const s = new Seq(kind, budget());
    if (kind === 'dict')
      for (let i = 0; i + 1 < items.length; i += 2) s.pushPair(items[i] as Value, items[i + 1] as Value);
    else for (const v of items) s.push(v);
    return s;
  };
  const dtypeGlobal = new GlobalRef('numpy dtype', 'numpy.dtype', 'numpy', 'dtype', false, false, 0, false);
  /** `numpy.dtype(spec)` with numpy's BUILD state (3, '<', subarray, names, fields, elsize, alignment, flags). */
  const dtype = (spec: string, fields: Value = null, elsize = -1) => {
    const c = new CallResult(dtypeGlobal, seq('tuple', spec, false, true), 'reduce', 0);
    c.state = seq('tuple', 3, '|', null, null, fields, elsize, 1, 0);
    return c;
  };
  /** Fields dict of a structured dtype: name → (dtype, offset). */
  const fields = (...f: [string, Value][]) =>
    seq('dict', ...f.flatMap(([name, d], i) => [name, seq('tuple', d, i * 8)]));

  it('a numeric record (sklearn tree nodes) is raw bytes', () => {
    const nodes = fields(['left', dtype('i8')], ['threshold', dtype('f8')], ['impurity', dtype('f8')]);
    expect(dtypeInfo(dtype('V24', nodes, 24))).toEqual({ itemsize: 24, object: false });
  });

  it('an object field makes the array a nested pickle, however many fields come before it', () => {
    const rec = fields(['a', dtype('f8')], ['b', dtype('i4')], ['payload', dtype('O8')]);
    expect(dtypeInfo(dtype('V24', rec, 24))?.object).toBe(true);
    // More fields than the machine keeps: the unseen ones may hold objects.
    const many = Array.from({ length: 400 }, (_, i): [string, Value] => [`f${i}`, dtype('f8')]);
    expect(dtypeInfo(dtype('V3200', fields(...many), 3200))?.object).toBe(true);
  });

  it('an object field inside a nested record counts, and absurd nesting is assumed to hide one', () => {
    const inner = dtype('V8', fields(['o', dtype('O8')]), 8);
    expect(dtypeInfo(dtype('V16', fields(['x', dtype('f8')], ['inner', inner]), 16))?.object).toBe(true);
    let deep: Value = dtype('f8');
    for (let i = 0; i < 40; i++) deep = dtype('V8', fields(['n', deep]), 8);
    expect(dtypeInfo(deep)?.object).toBe(true);
  });
});
