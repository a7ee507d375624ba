import { describe, expect, it } from 'vitest';
import {
  APPEND,
  BINPERSID,
  BUILD,
  binget,
  binint1,
  bytes,
  callGlobal,
  DICT,
  EMPTY_DICT,
  EMPTY_LIST,
  EMPTY_TUPLE,
  frame,
  frameHeader,
  global,
  MARK,
  MEMOIZE,
  NEWOBJ,
  NONE,
  POP,
  pk,
  proto,
  REDUCE,
  SETITEM,
  STACK_GLOBAL,
  STOP,
  str,
  string0,
  TUPLE,
  TUPLE1,
  TUPLE2,
} from '../../../test/builders/pickle.js';
import { DEFAULT_LIMITS } from '../../core/limits.js';
import { atLeast } from '../../core/severity.js';
import { analyzePickle, type PickleAnalysis } from './analyze.js';

const CMD = 'echo warden-test';
const run = (b: Uint8Array, extra: Partial<Parameters<typeof analyzePickle>[1]> = {}) =>
  analyzePickle(b, { limits: DEFAULT_LIMITS, path: 't.pkl', ...extra });
const _severe = (a: PickleAnalysis) => a.findings.filter((f) => atLeast(f.severity, 'high'));
const rules = (a: PickleAnalysis) => a.findings.map((f) => f.ruleId);

function expectCallable(a: PickleAnalysis, name: string, rule = 'pickle/dangerous-global') {
  const hit = a.findings.find((f) => f.ruleId === rule && f.message.includes(name));
  expect(hit, `${rule} naming ${name} in ${JSON.stringify(a.findings.map((f) => f.message))}`).toBeDefined();
  expect(atLeast(hit?.severity ?? 'info', 'high')).toBe(true);
  return hit;
}

describe('writes, wrappers, code objects and nested payloads', () => {
  it('BUILD attribute injection into a module (os.path.join replaced by os.system)', () => {
    const b = pk(proto(2), global('os', 'path'), EMPTY_DICT, str('join'), global('os', 'system'), SETITEM, BUILD, STOP);
    const a = run(b);
    const f = a.findings.find((x) => x.ruleId === 'pickle/attribute-injection');
    expect(f?.severity).toBe('high');
    expect(f?.message).toContain('posixpath');
    expect(f?.evidence).toContain("'join': os.system");
  });

  it('SETITEM into sys.modules is an injection and a critical import', () => {
    const b = pk(proto(2), global('sys', 'modules'), str('json'), global('os', 'system'), SETITEM, STOP);
    const a = run(b);
    expect(rules(a)).toContain('pickle/attribute-injection');
    expectCallable(a, 'sys.modules');
  });

  it('APPEND onto an imported list (sys.path) is an injection', () => {
    const a = run(pk(proto(2), global('sys', 'path'), str('/tmp/evil'), APPEND, STOP));
    expect(rules(a)).toContain('pickle/attribute-injection');
  });

  it('functools.partial wrapping os.system is critical and names both', () => {
    const b = pk(
      proto(2),
      global('functools', 'partial'),
      MARK,
      global('os', 'system'),
      str(CMD),
      TUPLE,
      REDUCE,
      EMPTY_TUPLE,
      REDUCE,
      STOP,
    );
    const a = run(b);
    expectCallable(a, 'functools.partial');
    expectCallable(a, 'os.system');
  });

  it('operator.attrgetter is a gadget', () => {
    expectCallable(run(callGlobal('operator', 'attrgetter', str('system'))), 'operator.attrgetter');
  });

  it('marshal.loads rebuilds a code object', () => {
    const a = run(callGlobal('marshal', 'loads', bytes(Uint8Array.from([0xe3, 0, 0, 0]))));
    expectCallable(a, 'marshal.loads', 'pickle/code-object');
  });

  it('types.FunctionType and cloudpickle _builtin_type("CodeType") are code objects', () => {
    expectCallable(
      run(callGlobal('types', 'FunctionType', NONE, EMPTY_DICT)),
      'types.FunctionType',
      'pickle/code-object',
    );
    const b = pk(
      proto(4),
      global('cloudpickle.cloudpickle', '_builtin_type'),
      str('CodeType'),
      TUPLE1,
      REDUCE,
      MARK,
      binint1(0),
      bytes(Uint8Array.from([0x97, 0])),
      TUPLE,
      REDUCE,
      STOP,
    );
    const a = run(b);
    expectCallable(a, 'types.CodeType', 'pickle/code-object');
    expect(a.findings.some((f) => f.message.includes('_builtin_type') && atLeast(f.severity, 'high'))).toBe(false);
  });

  it('pickle.loads of an embedded pickle: the inner payload is analysed with its own offset', () => {
    const inner = callGlobal('os', 'system', str(CMD));
    const b = pk(proto(2), global('pickle', 'loads'), bytes(inner), TUPLE1, REDUCE, STOP);
    const a = run(b, { baseOffset: 100 });
    const f = expectCallable(a, '`os.system`');
    const innerStart = 2 + 'cpickle\nloads\n'.length + 2;
    expect(f?.offset).toBeGreaterThanOrEqual(100 + innerStart);
    expect(f?.message).toContain('pickle.loads');
    expect(rules(a)).toContain('pickle/nested-pickle');
  });

  it('torch.load(io.BytesIO(b)) and dill.loads are opened too', () => {
    const inner = callGlobal('subprocess', 'getoutput', str('id'));
    const viaTorch = pk(
      proto(2),
      global('torch', 'load'),
      global('io', 'BytesIO'),
      bytes(inner),
      TUPLE1,
      REDUCE,
      TUPLE1,
      REDUCE,
      STOP,
    );
    expectCallable(run(viaTorch), 'subprocess.getoutput');
    const viaDill = pk(proto(2), global('dill', 'loads'), bytes(inner), TUPLE1, REDUCE, STOP);
    expectCallable(run(viaDill), 'subprocess.getoutput');
  });

  it('nested loads deeper than the cap stop with a limit finding, not a crash', () => {
    let b = callGlobal('os', 'system', str(CMD));
    for (let i = 0; i < 8; i++) b = pk(proto(2), global('pickle', 'loads'), bytes(b), TUPLE1, REDUCE, STOP);
    const a = run(b);
    expect(rules(a)).toContain('pickle/limit-exceeded');
    expectCallable(a, 'pickle.loads');
  });

  it('PERSID/BINPERSID references (PyTorch storages) are benign', () => {
    const b = pk(
      proto(2),
      global('torch._utils', '_rebuild_tensor_v2'),
      MARK,
      MARK,
      str('storage'),
      global('torch', 'FloatStorage'),
      str('0'),
      str('cpu'),
      binint1(3),
      TUPLE,
      BINPERSID,
      binint1(0),
      TUPLE,
      REDUCE,
      STOP,
    );
    const a = run(b);
    expect(a.findings).toEqual([]);
    expect(a.globals).toEqual(['torch._utils._rebuild_tensor_v2', 'torch.FloatStorage']);
  });

  it('an unknown global is medium and named', () => {
    const a = run(pk(proto(2), global('mypkg.models', 'Net'), EMPTY_TUPLE, NEWOBJ, STOP));
    expect(a.findings).toHaveLength(1);
    expect(a.findings[0]).toMatchObject({ ruleId: 'pickle/unknown-global', severity: 'medium' });
    expect(a.findings[0]?.message).toContain('mypkg.models.Net');
  });
});

describe('hostile structure and limits', () => {
  it('200k nested MARK/LIST levels run without recursion overflow', () => {
    const n = 200_000;
    const b = new Uint8Array(2 * n + 3);
    b.set(proto(2), 0);
    b.fill(0x28, 2, 2 + n);
    b.fill(0x6c, 2 + n, 2 + 2 * n);
    b[2 + 2 * n] = 0x2e;
    const a = run(b);
    expect(a.error).toBeUndefined();
    expect(a.findings).toEqual([]);
  });

  it('200k nested lists built with APPEND still preview safely', () => {
    const n = 200_000;
    const head = pk(proto(2), global('os', 'system'));
    const b = new Uint8Array(head.length + 2 * n - 1);
    b.set(head, 0);
    b.fill(0x5d, head.length, head.length + n);
    b.fill(0x61, head.length + n);
    const a = run(pk(b, TUPLE1, REDUCE, STOP));
    expect(a.error).toBeUndefined();
    expect(expectCallable(a, 'os.system')?.evidence?.length).toBeLessThanOrEqual(200);
  });

  it('opcode, stack and memo caps produce limit findings', () => {
    const many = pk(proto(2), ...Array.from({ length: 1000 }, () => NONE), STOP);
    const limits = { ...DEFAULT_LIMITS, maxOpcodes: 100 };
    expect(run(many, { limits }).findings.map((f) => f.ruleId)).toEqual(['pickle/limit-exceeded']);
    const deep = { ...DEFAULT_LIMITS, maxStackDepth: 50 };
    expect(run(many, { limits: deep }).error?.code).toBe('limit_exceeded');
    const memo = pk(proto(4), ...Array.from({ length: 100 }, () => pk(NONE, MEMOIZE, POP)), NONE, STOP);
    expect(run(memo, { limits: { ...DEFAULT_LIMITS, maxMemo: 10 } }).error?.code).toBe('limit_exceeded');
  });

  it('a protocol-0 STRING longer than the kept length does not end the analysis: the payload after it is found', () => {
    const a = run(pk(string0('y'.repeat(100_000)), POP, callGlobal('os', 'system', str(CMD))));
    expectCallable(a, 'os.system');
    expect(rules(a)).not.toContain('pickle/malformed');
  });

  it('a FRAME longer than the data is a truncation', () => {
    const a = run(pk(proto(4), frameHeader(1 << 30), EMPTY_DICT, STOP));
    expect(a.error?.code).toBe('truncated');
    expect(rules(a)).toEqual(['pickle/malformed']);
  });

  it('declared string lengths beyond the data are truncations, not allocations', () => {
    const a = run(pk(proto(4), [0x8d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0], STOP));
    expect(a.error).toBeDefined();
  });

  it('an aborted signal stops analysis with a limit finding', () => {
    const ac = new AbortController();
    ac.abort();
    const big = pk(proto(2), ...Array.from({ length: 70_000 }, () => pk(NONE, POP)), NONE, STOP);
    expect(run(big, { signal: ac.signal }).error?.code).toBe('timeout');
  });

  it('memo GET of a missing index and STACK_GLOBAL on non-strings are malformations', () => {
    expect(run(pk(proto(2), binget(9), STOP)).error?.message).toContain('memo');
    expect(run(pk(proto(4), binint1(1), binint1(2), STACK_GLOBAL, STOP)).error?.message).toContain('requires str');
  });

  it('DICT and TUPLE2 keep only a bounded preview of huge containers', () => {
    const items = Array.from({ length: 5000 }, (_, i) => pk(str(`k${i}`), binint1(i & 0xff)));
    const a = run(pk(proto(2), global('os', 'system'), MARK, ...items, DICT, TUPLE1, REDUCE, STOP));
    expect(expectCallable(a, 'os.system')?.evidence?.length).toBeLessThanOrEqual(200);
    const t = run(pk(proto(2), NONE, NONE, TUPLE2, STOP));
    expect(t.findings).toEqual([]);
  });

  it('a framed benign pickle as pickle.dumps writes it has no findings', () => {
    const body = pk(EMPTY_DICT, MEMOIZE, str('lr'), binint1(1), SETITEM, EMPTY_LIST, MEMOIZE, POP, STOP);
    expect(run(pk(proto(4), frame(body))).findings).toEqual([]);
  });
});

describe('loader-exact stack semantics', () => {
  it('SETITEM reaches a dict below an open MARK, as the C loader does (no early stop before the payload)', () => {
    const b = pk(
      proto(2),
      EMPTY_DICT,
      MARK,
      str('k'),
      str('v'),
      SETITEM,
      POP,
      callGlobal('os', 'system', str(CMD)).subarray(2),
    );
    const a = run(b);
    expect(a.error).toBeUndefined();
    expectCallable(a, 'os.system');
  });
});
