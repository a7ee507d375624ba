/**
 * Gigabyte pickles are analysed end to end from their opcodes: the array bytes are skipped, never
 * read, so a payload placed after a big array is found and a benign one stays clean. The files are
 * sparse (the array is a hole), so the tests cost kilobytes of disk and reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testContext } from '../../../test/archive/context.js';
import {
  bytesHeader,
  joblibDict,
  type LayoutPart,
  loadsOf,
  numpyDict,
  writeLayout,
} from '../../../test/builders/large-pickle.js';
import { frameHeader, global, MARK, pk, proto, REDUCE, STOP, str, TUPLE } from '../../../test/builders/pickle.js';
import { FileSource } from '../../io/file-source.js';
import type { FormatScanner, ScanOutcome } from '../types.js';
import { numpyScanner } from './numpy.js';
import { pickleScanner } from './pickle.js';
import { pytorchLegacyScanner } from './pytorch-legacy.js';

const GIB = 1024 ** 3;
const dir = mkdtempSync(path.join(tmpdir(), 'warden-pickle-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hook = (mod: string, name: string) => pk(str('hook'), global(mod, name), MARK, str('id'), TUPLE, REDUCE);

async function scanLayout(
  name: string,
  parts: LayoutPart[],
  scanner: FormatScanner = pickleScanner,
): Promise<{ out: ScanOutcome; size: number; read: number }> {
  const file = path.join(dir, name);
  const size = writeLayout(file, parts);
  const src = await FileSource.open(file);
  try {
    const out = await scanner.scan(src, testContext({}, file));
    return { out, size, read: src.bytesRead };
  } finally {
    await src.close();
    rmSync(file, { force: true });
  }
}

const u64 = (n: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
};
const severities = (o: ScanOutcome) => o.findings.map((f) => [f.ruleId, f.severity]);

describe('gigabyte pickles (array bytes skipped, never read)', () => {
  it('a 1 GiB pickle.dump of a numpy array dict is clean, reading kilobytes', async () => {
    const { out, size, read } = await scanLayout('benign.pkl', numpyDict(GIB / 8));
    expect(size).toBeGreaterThan(GIB);
    expect(out.findings).toEqual([]);
    expect(out.error).toBeUndefined();
    expect(out.metadata).toMatchObject({ streams: 1 });
    expect(read).toBeLessThan(256 * 1024);
  });

  it('os.system after a 4.5 GiB array (BINBYTES8) is critical: payload-after-big-array evasion', async () => {
    const { out, size, read } = await scanLayout('after.pkl', numpyDict((4.5 * GIB) / 8, hook('os', 'system')));
    expect(size).toBeGreaterThan(4 * GIB);
    expect(severities(out)).toEqual([['pickle/dangerous-global', 'critical']]);
    expect(out.findings[0]?.message).toContain('os.system');
    expect(out.findings[0]?.offset).toBeGreaterThan(4 * GIB);
    expect(read).toBeLessThan(256 * 1024);
  });

  it('joblib.dump with a 1 GiB inline array, then subprocess.Popen: critical', async () => {
    const { out, read } = await scanLayout('model.joblib', joblibDict(GIB / 8, hook('subprocess', 'Popen')));
    expect(severities(out)).toEqual([['pickle/dangerous-global', 'critical']]);
    expect(out.metadata).toMatchObject({ producer: 'joblib' });
    expect(read).toBeLessThan(256 * 1024);
  });

  it('the same joblib dump without the hook is clean', async () => {
    const { out } = await scanLayout('clean.joblib', joblibDict(GIB / 8));
    expect(out.findings).toEqual([]);
    expect(out.error).toBeUndefined();
  });

  it('pickle.loads of a 1 GiB embedded pickle: the payload is analysed from its offset, not held', async () => {
    const { out, read } = await scanLayout('nested.pkl', loadsOf(numpyDict(GIB / 8, hook('os', 'system'))));
    const hit = out.findings.find((f) => f.ruleId === 'pickle/dangerous-global' && f.message.includes('os.system'));
    expect(hit?.severity).toBe('critical');
    expect(hit?.message).toContain('in the payload pickle.loads loads');
    expect(out.findings.map((f) => f.ruleId)).toContain('pickle/nested-pickle');
    expect(read).toBeLessThan(512 * 1024);
  });

  it('FRAME differential after a 1 GiB payload inside the frame: both readings analysed, payload found', async () => {
    // The frame holds a gigabyte BINBYTES8, then a BINBYTES with 3 of its 4 length bytes:
    // torch.load skips to the frame end and runs os.system, a linear reader sees one bytes object.
    const payload = pk(global('os', 'system'), MARK, str('id'), TUPLE, REDUCE);
    const trick = Uint8Array.from([0x42, 3 + payload.length, 0, 0]);
    const big = GIB + 8;
    const frameLen = 9 + big + trick.length;
    const head = pk(proto(4), frameHeader(frameLen), bytesHeader(2 ** 32 + 1).subarray(0, 1), u64(big));
    const { out, read } = await scanLayout('frame.pkl', [head, big, pk(trick, [0, 0, 0, 0], payload, STOP)]);
    expect(severities(out)).toEqual(
      expect.arrayContaining([
        ['pickle/frame-overrun', 'high'],
        ['pickle/dangerous-global', 'critical'],
      ]),
    );
    expect(read).toBeLessThan(512 * 1024);
  });

  it('FRAME overrun by a gigabyte operand: each reader finds the payload only it runs', async () => {
    // A 1 GiB frame whose first opcode is a BINBYTES8 longer than the frame. torch.load reads the
    // operand from the frame end (a gigabyte later) and then runs subprocess.Popen; a linear reader
    // takes it from the frame start and runs os.system. Neither operand is read.
    const F = GIB + 9;
    const L = GIB + 100;
    const linear = pk(global('os', 'system'), MARK, str('id'), TUPLE, REDUCE, STOP);
    const file = pk(global('subprocess', 'Popen'), MARK, str('id'), TUPLE, REDUCE, STOP);
    const head = pk(proto(4), frameHeader(F), [0x8e], u64(L));
    const parts = [head, F - 9, L - F + 9, linear, F - 9 - linear.length, file];
    const { out, read } = await scanLayout('overrun.pkl', parts);
    expect(severities(out)).toEqual(
      expect.arrayContaining([
        ['pickle/frame-overrun', 'high'],
        ['pickle/dangerous-global', 'critical'],
      ]),
    );
    const named = out.findings.filter((f) => f.ruleId === 'pickle/dangerous-global').map((f) => f.evidence);
    expect(named).toEqual(
      expect.arrayContaining([expect.stringContaining('os.system'), expect.stringContaining('subprocess.Popen')]),
    );
    expect(read).toBeLessThan(512 * 1024);
  });

  it('np.save of an object array whose pickle holds 1 GiB of bytes then os.system: critical', async () => {
    const dict = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }";
    const header = `${dict}${' '.repeat(64 - ((10 + dict.length + 1) % 64))}\n`;
    const head = pk([0x93], 'NUMPY', [1, 0, header.length & 0xff, header.length >> 8], header);
    const parts = [head, ...numpyDict(GIB / 8, hook('os', 'system'))];
    const { out, read } = await scanLayout('obj.npy', parts, numpyScanner);
    expect(severities(out)).toEqual(
      expect.arrayContaining([
        ['numpy/object-array', 'low'],
        ['pickle/dangerous-global', 'critical'],
      ]),
    );
    expect(read).toBeLessThan(256 * 1024);
  });

  it('PyTorch legacy: five pickles, then 1 GiB of storages the scanner never reads', async () => {
    const magic = Uint8Array.from(Buffer.from('80028a0a6cfc9c46f9206aa850192e', 'hex'));
    const small = pk(proto(2), [0x7d], STOP);
    const parts = [pk(magic, small, small, small, small), GIB];
    const { out, read } = await scanLayout('legacy.pt', parts, pytorchLegacyScanner);
    expect(out.findings).toEqual([]);
    expect(out.metadata).toMatchObject({ layout: 'pytorch-legacy', storageBytes: GIB });
    expect(read).toBeLessThanOrEqual(128 * 1024);
  });
});
