import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { captureIO } from '../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-audit-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function audit(cwd: string, ...args: string[]) {
  const c = captureIO(cwd);
  const code = await run(['audit', ...args], c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('warden audit (CLI)', () => {
  it('audits the current folder by default; an empty project is clean (exit 0, posture 100)', async () => {
    const r = await audit(dir, '--no-progress');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Posture 100/100 (grade A)');
    expect(r.out).toContain('Project: no files');
  });

  it('exits 2 on usage errors and on a missing folder', async () => {
    expect((await audit(dir, 'a', 'b')).code).toBe(2);
    expect((await audit(dir, '--format', 'pdf')).code).toBe(2);
    expect((await audit(dir, '--as-of', 'yesterday')).code).toBe(2);
    expect((await audit(dir, '--policy', 'p.yaml', '--no-policy')).code).toBe(2);
    const missing = await audit(dir, 'nope', '--no-progress');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such file or folder');
  });

  it('exits 2 with file:line:column on an invalid warden.yaml, before auditing', async () => {
    const p = mkdtempSync(join(dir, 'bad-policy-'));
    writeFileSync(join(p, 'warden.yaml'), 'version: 1\nfail_on: sometimes\n');
    const r = await audit(p, '--no-progress');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/warden\.yaml:2:\d+: /);
  });

  it('applies --fail-on: a medium-only project fails at medium and passes at high', async () => {
    const p = mkdtempSync(join(dir, 'medium-'));
    writeFileSync(
      join(p, 'app.py'),
      'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/model")\n',
    );
    expect((await audit(p, '--no-progress', '--fail-on', 'medium')).code).toBe(1);
    expect((await audit(p, '--no-progress')).code).toBe(0);
    const md = await audit(p, '--no-progress', '--format', 'markdown');
    expect(md.out).toContain('code/unpinned-model-download');
  });

  it('is listed in warden --help', async () => {
    const c = captureIO(dir);
    await run(['--help'], c.io);
    expect(c.out()).toMatch(/\n {2}audit +audit a whole ML project/);
  });
});
