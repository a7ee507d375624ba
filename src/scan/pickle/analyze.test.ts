import { describe, expect, it } from 'vitest';
import {
  binget,
  binput,
  callGlobal,
  callStackGlobal,
  EMPTY_DICT,
  ext2,
  frameHeader,
  get0,
  global,
  inst,
  MARK,
  NEWOBJ,
  NEWOBJ_EX,
  OBJ,
  POP,
  pk,
  proto,
  put0,
  REDUCE,
  STACK_GLOBAL,
  STOP,
  shortUnicode,
  str,
  string0,
  TUPLE,
  TUPLE1,
} from '../../../test/builders/pickle.js';
import { DEFAULT_LIMITS } from '../../core/limits.js';
import { atLeast } from '../../core/severity.js';
import { analyzePickle, type PickleAnalysis } from './analyze.js';

const CMD = 'echo warden-test';
const run = (b: Uint8Array, extra: Partial<Parameters<typeof analyzePickle>[1]> = {}) =>
  analyzePickle(b, { limits: DEFAULT_LIMITS, path: 't.pkl', ...extra });
const severe = (a: PickleAnalysis) => a.findings.filter((f) => atLeast(f.severity, 'high'));
const rules = (a: PickleAnalysis) => a.findings.map((f) => f.ruleId);

function expectCallable(a: PickleAnalysis, name: string, rule = 'pickle/dangerous-global') {
  const hit = a.findings.find((f) => f.ruleId === rule && f.message.includes(name));
  expect(hit, `${rule} naming ${name} in ${JSON.stringify(a.findings.map((f) => f.message))}`).toBeDefined();
  expect(atLeast(hit?.severity ?? 'info', 'high')).toBe(true);
  return hit;
}

describe('classic payloads', () => {
  it('GLOBAL os.system with REDUCE, protocol 2', () => {
    const a = run(callGlobal('os', 'system', str(CMD)));
    const f = expectCallable(a, 'os.system');
    expect(f?.severity).toBe('critical');
    expect(f?.evidence).toBe(`os.system('${CMD}')`);
    expect(a.globals).toEqual(['os.system']);
    expect(a.streams).toEqual([{ start: 0, end: a.streams[0]?.end }]);
  });

  it('CVE-2025-1716 pip.main installs a package', () => {
    const a = run(callGlobal('pip', 'main', MARK, str('install'), str('evil'), [0x6c]));
    expectCallable(a, 'pip.main');
  });

  it('posix.system via STACK_GLOBAL in a FRAME (what pickle.dumps writes on Linux)', () => {
    expectCallable(run(callStackGlobal('posix', 'system', str(CMD))), 'posix.system');
  });

  it('INST opcode instantiates subprocess.Popen', () => {
    const a = run(pk(MARK, string0('id'), inst('subprocess', 'Popen'), STOP));
    expectCallable(a, 'subprocess.Popen');
  });

  it('OBJ, NEWOBJ and NEWOBJ_EX calls are recorded with their arguments', () => {
    const obj = run(pk(proto(1), MARK, global('subprocess', 'getoutput'), string0('id'), OBJ, STOP));
    expect(expectCallable(obj, 'subprocess.getoutput')?.evidence).toBe("subprocess.getoutput('id')");
    const newobj = run(pk(proto(2), global('subprocess', 'Popen'), str('id'), TUPLE1, NEWOBJ, STOP));
    expect(expectCallable(newobj, 'subprocess.Popen')?.evidence).toBe("subprocess.Popen('id')");
    const ex = run(pk(proto(4), global('subprocess', 'Popen'), str('id'), TUPLE1, EMPTY_DICT, NEWOBJ_EX, STOP));
    expectCallable(ex, 'subprocess.Popen');
  });

  it('Python 2 names are fixed the way fix_imports does (__builtin__.eval, commands.getoutput)', () => {
    expectCallable(run(callGlobal('__builtin__', 'eval', str('1'))), 'builtins.eval');
    expectCallable(run(callGlobal('commands', 'getoutput', str('id'))), 'subprocess.getoutput');
  });

  it('protocol 0 text pickle with PUT/GET of the callable', () => {
    const b = pk(global('os', 'system'), put0(7), POP, get0(7), MARK, string0(CMD), TUPLE, REDUCE, STOP);
    expectCallable(run(b), 'os.system');
  });
});

describe('scanner bypasses', () => {
  it('picklescan bypass: STACK_GLOBAL operands fetched from the memo', () => {
    const b = pk(
      proto(4),
      shortUnicode('os'),
      binput(1),
      shortUnicode('getcwd'),
      binput(2),
      POP,
      POP,
      shortUnicode('system'),
      binput(3),
      POP,
      binget(1),
      binget(3),
      STACK_GLOBAL,
      str(CMD),
      TUPLE1,
      REDUCE,
      STOP,
    );
    const a = run(b);
    expectCallable(a, 'os.system');
    expect(a.globals).toEqual(['os.system']);
  });

  it('nullifAI broken stream: the payload before the garbage is reported, and so is the break', () => {
    const good = callGlobal('os', 'system', str(CMD));
    const b = pk(good.subarray(0, good.length - 1), [0xff, 0xfe], ' garbage');
    const a = run(b);
    expectCallable(a, 'os.system');
    const broken = a.findings.find((f) => f.ruleId === 'pickle/malformed');
    expect(broken?.severity).toBe('high');
    expect(broken?.offset).toBe(good.length - 1);
    expect(a.error?.code).toBe('invalid_structure');
  });

  it('a broken stream with nothing dangerous is only a medium malformation', () => {
    const a = run(pk(proto(2), EMPTY_DICT, [0xff]));
    expect(a.findings.map((f) => [f.ruleId, f.severity])).toEqual([['pickle/malformed', 'medium']]);
  });

  it('FRAME boundary differential: the loader skips what a linear reader executes', () => {
    // Inside the frame: BINBYTES and three of its four length bytes. torch.load (C unpickler on a
    // BytesIO, no peek) drops those three bytes and reads the length from after the frame: 0,
    // then runs os.system. A linear reader takes length 3+|payload| and sees one bytes object.
    const payload = pk(global('os', 'system'), MARK, str(CMD), TUPLE, REDUCE);
    const body = Uint8Array.from([0x42, 3 + payload.length, 0, 0]);
    const b = pk(proto(4), frameHeader(body.length), body, [0, 0, 0, 0], payload, STOP);
    const a = run(b);
    expectCallable(a, 'os.system');
    const overrun = a.findings.find((f) => f.ruleId === 'pickle/frame-overrun');
    expect(overrun?.severity).toBe('high');
    expect(overrun?.offset).toBe(2 + 9 + 1);
  });

  it('FRAME boundary differential, reversed: a payload only the linear reading sees is found too', () => {
    // BININT2 with one operand byte in the frame: pickle.loads takes 0x01 and the next byte, then
    // runs os.system; torch.load takes two bytes after the frame and breaks on the payload.
    const payload = pk(global('os', 'system'), MARK, str(CMD), TUPLE, REDUCE, STOP);
    const body = Uint8Array.from([0x4d, 0x01]);
    const b = pk(proto(4), frameHeader(body.length), body, [0x00], payload);
    const a = run(b);
    expectCallable(a, 'os.system');
    expect(rules(a)).toContain('pickle/frame-overrun');
  });

  it('concatenated pickles: a payload in the second stream is found', () => {
    const benign = pk(proto(2), EMPTY_DICT, STOP);
    const a = run(pk(benign, callGlobal('os', 'system', str(CMD))));
    expect(a.streams).toHaveLength(2);
    expect(a.streams[1]?.start).toBe(benign.length);
    expectCallable(a, 'os.system');
  });

  it('maxStreams stops after the streams a loader reads (PyTorch legacy reads five)', () => {
    const benign = pk(proto(2), EMPTY_DICT, STOP);
    const a = run(pk(benign, callGlobal('os', 'system', str(CMD))), { maxStreams: 1 });
    expect(a.streams).toHaveLength(1);
    expect(severe(a)).toHaveLength(0);
  });
});

describe('name resolution against the module model', () => {
  it('dotted-name torch.serialization.os.system resolves to os.system', () => {
    const a = run(callStackGlobal('torch', 'serialization.os.system', str(CMD)));
    const f = expectCallable(a, 'os.system');
    expect(f?.message).toContain('torch.serialization.os.system');
    expect(a.globals).toEqual(['os.system']);
  });

  it('random._os.system and os.path.os.system both resolve to os.system', () => {
    expect(run(callStackGlobal('random', '_os.system', str(CMD))).globals).toEqual(['os.system']);
    expect(run(callGlobal('os.path', 'os.system', str(CMD))).globals).toEqual(['os.system']);
  });

  it('a benign-looking module with a function named system is not mistaken for os.system', () => {
    const a = run(callGlobal('mylib.audio', 'system', str('x')));
    expect(a.globals).toEqual(['mylib.audio.system']);
    expect(a.findings.map((f) => [f.ruleId, f.severity])).toEqual([['pickle/unknown-global', 'medium']]);
    expect(a.findings[0]?.message).toContain('mylib.audio.system');
  });

  it('builtins.getattr(builtins.__import__("os"), "system") names os.system as the final call', () => {
    const b = pk(
      proto(2),
      global('builtins', 'getattr'),
      MARK,
      global('builtins', '__import__'),
      MARK,
      str('os'),
      TUPLE,
      REDUCE,
      str('system'),
      TUPLE,
      REDUCE,
      MARK,
      str('id'),
      TUPLE,
      REDUCE,
      STOP,
    );
    const a = run(b);
    expect(expectCallable(a, '`os.system`')?.evidence).toBe("os.system('id')");
    expectCallable(a, 'builtins.getattr');
  });

  it('dunder attribute chains are introspection gadgets', () => {
    const a = run(callStackGlobal('collections', 'OrderedDict.__init__.__globals__', str('x')));
    expect(severe(a).length).toBeGreaterThan(0);
  });

  it('allow-listed module prefixes do not cover dotted method chains (pandas DataFrame.eval)', () => {
    const a = run(callStackGlobal('pandas.core.frame', 'DataFrame.eval', str('x')));
    expect(a.findings.some((f) => f.ruleId === 'pickle/unknown-global' && f.message.includes('DataFrame.eval'))).toBe(
      true,
    );
  });

  it('computed import: STACK_GLOBAL module name produced by a REDUCE is high', () => {
    const b = pk(
      proto(4),
      global('codecs', 'decode'),
      MARK,
      str('bf'),
      str('rot13'),
      TUPLE,
      REDUCE,
      str('system'),
      STACK_GLOBAL,
      str(CMD),
      TUPLE1,
      REDUCE,
      STOP,
    );
    const a = run(b);
    const f = a.findings.find((x) => x.ruleId === 'pickle/computed-import');
    expect(f?.severity).toBe('high');
    expect(f?.evidence).toContain("codecs.decode('bf', 'rot13')");
  });

  it('EXT2 registry: an extension code is unknown-and-dangerous', () => {
    const a = run(pk(proto(2), ext2(0x1234), MARK, str(CMD), TUPLE, REDUCE, STOP));
    const f = a.findings.find((x) => x.ruleId === 'pickle/extension-code');
    expect(f?.severity).toBe('high');
    expect(f?.message).toContain(String(0x1234));
  });
});
