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
import { joblibDict, type LayoutPart, loadsOf, numpyDict, writeLayout } from '../../../test/builders/large-pickle.js';
import { global, MARK, pk, REDUCE, str, TUPLE } from '../../../test/builders/pickle.js';
import { FileSource } from '../../io/file-source.js';
import type { ScanOutcome } from '../types.js';
import { pickleScanner } from './pickle.js';

const GIB = 1024 ** 3;
const dir = mkdtempSync(path.join(tmpdir(), 'warden-pickle-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hook = (mod: string, name: string) => pk(str('hook'), global(mod, name), MARK, str('id'), TUPLE, REDUCE);

async function scanLayout(
  name: string,
  parts: LayoutPart[],
): Promise<{ out: ScanOutcome; size: number; read: number }> {
  const file = path.join(dir, name);
  const size = writeLayout(file, parts);
  const src = await FileSource.open(file);
  try {
    const out = await pickleScanner.scan(src, testContext({}, file));
    return { out, size, read: src.bytesRead };
  } finally {
    await src.close();
    rmSync(file, { force: true });
  }
}

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
});
