import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { captureIO } from './helpers.js';

// Protocol 2: GLOBAL os.system, a one-tuple ('id',), REDUCE, STOP — the classic payload.
const OS_SYSTEM = Buffer.from('8002636f730a73797374656d0a71005802000000696471018571025271032e', 'hex');
// Protocol 4 plain data: {'lr': 0.1}
const BENIGN = Buffer.from('80049512000000000000007d948c026c7294473fb999999999999a732e', 'hex');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-cli-'));
  mkdirSync(join(dir, 'models'));
  writeFileSync(join(dir, 'models', 'evil.bin'), OS_SYSTEM);
  writeFileSync(join(dir, 'models', 'weights.pkl'), BENIGN);
  writeFileSync(join(dir, 'models', 'README.md'), '# notes\n');
});

describe('warden CLI', () => {
  it('prints help and exits 2 without arguments', async () => {
    const c = captureIO(dir);
    expect(await run([], c.io)).toBe(2);
    expect(c.out()).toContain('Usage: warden <command>');
  });

  it('prints the version', async () => {
    const c = captureIO(dir);
    expect(await run(['--version'], c.io)).toBe(0);
    expect(c.out()).toMatch(/^warden \d+\.\d+\.\d+/);
  });

  it('rejects an unknown command and an unknown flag with exit 2', async () => {
    const a = captureIO(dir);
    expect(await run(['frobnicate'], a.io)).toBe(2);
    expect(a.err()).toContain("unknown command 'frobnicate'");
    const b = captureIO(dir);
    expect(await run(['scan', '--bogus', 'models'], b.io)).toBe(2);
    expect(b.err()).toContain('--bogus');
  });

  it('rejects a bad --fail-on value with exit 2', async () => {
    const c = captureIO(dir);
    expect(await run(['scan', '--fail-on', 'severe', 'models'], c.io)).toBe(2);
    expect(c.err()).toContain('--fail-on');
  });

  it('exits 2 when a path does not exist', async () => {
    const c = captureIO(dir);
    expect(await run(['scan', 'nope'], c.io)).toBe(2);
    expect(c.err()).toContain('nope');
  });

  it('exits 1 on a malicious pickle whatever its extension, and names the callable', async () => {
    const c = captureIO(dir);
    expect(await run(['scan', 'models', '--format', 'json'], c.io)).toBe(1);
    const report = JSON.parse(c.out());
    const evil = report.findings.filter((f: { path: string }) => f.path === 'models/evil.bin');
    expect(
      evil.some(
        (f: { severity: string; message: string }) => f.severity === 'critical' && f.message.includes('os.system'),
      ),
    ).toBe(true);
    expect(report.findings.filter((f: { path: string }) => f.path === 'models/weights.pkl')).toEqual([]);
  });

  it('honours --fail-on none and --exclude', async () => {
    expect(await run(['scan', 'models', '--fail-on', 'none', '--concurrency', '1'], captureIO(dir).io)).toBe(0);
    expect(await run(['scan', 'models', '--exclude', '**/*.bin', '--concurrency', '1'], captureIO(dir).io)).toBe(0);
  });

  it('writes SARIF to --output', async () => {
    const c = captureIO(dir);
    expect(
      await run(['scan', 'models', '--format', 'sarif', '--output', 'out.sarif', '--concurrency', '1'], c.io),
    ).toBe(1);
    expect(c.out()).toBe('');
    const sarif = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
  });

  it('skips files over --max-file-size with a note', async () => {
    const c = captureIO(dir);
    expect(await run(['scan', 'models/evil.bin', '--max-file-size', '10', '--format', 'json'], c.io)).toBe(0);
    const report = JSON.parse(c.out());
    expect(report.targets[0].status).toBe('skipped');
  });
});
