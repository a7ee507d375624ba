import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatJsonl, customersCsv, leakyNotebook } from '../../../test/builders/data-files.js';
import type { CliIO } from '../types.js';
import { dataCommand } from './data.js';

function fakeIO(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd, env: {}, isTTY: false };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-data-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function corpus() {
  await writeFile(join(dir, 'customers.csv'), customersCsv(50).text);
  await writeFile(join(dir, 'chat.jsonl'), chatJsonl(30));
  await writeFile(join(dir, 'train.ipynb'), leakyNotebook().json);
  await writeFile(
    join(dir, 'clean.txt'),
    'nothing to see here, sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n',
  );
}

describe('warden data scan', () => {
  it('reports secrets and PII columns as JSON and exits 1 at --fail-on high', async () => {
    await corpus();
    const t = fakeIO(dir);
    const code = await dataCommand.run(['scan', '.', '--format', 'json'], t.io);
    expect(code).toBe(1);
    const report = JSON.parse(t.out());
    const ids = report.findings.map((f: { ruleId: string }) => f.ruleId);
    expect(ids).toContain('data/secret');
    expect(ids).toContain('data/pii');
    const messages: string[] = report.findings.map((f: { message: string }) => f.message);
    expect(messages.some((m) => m.startsWith('column `email` — 100% e-mail address (50 of 50 rows'))).toBe(true);
    expect(JSON.stringify(report)).not.toContain(leakyNotebook().awsKey);
  });

  it('--fail-on none exits 0 even with findings; a missing path exits 2', async () => {
    await corpus();
    expect(await dataCommand.run(['scan', 'customers.csv', '--fail-on', 'none'], fakeIO(dir).io)).toBe(0);
    const t = fakeIO(dir);
    expect(await dataCommand.run(['scan', 'nope.csv'], t.io)).toBe(2);
    expect(t.err()).toContain('nope.csv');
  });

  it('--redact OUT writes sanitized copies that re-scan clean and leaves the inputs untouched', async () => {
    await corpus();
    const before = await readFile(join(dir, 'customers.csv'), 'utf8');
    const t = fakeIO(dir);
    await dataCommand.run(
      ['scan', 'customers.csv', 'chat.jsonl', 'train.ipynb', 'clean.txt', '--redact', 'clean-copy'],
      t.io,
    );
    expect(await readFile(join(dir, 'customers.csv'), 'utf8')).toBe(before);
    const nb = JSON.parse(await readFile(join(dir, 'clean-copy', 'train.ipynb'), 'utf8'));
    expect(nb.cells).toHaveLength(3);
    const again = fakeIO(dir);
    expect(await dataCommand.run(['scan', 'clean-copy', '--format', 'json', '--fail-on', 'info'], again.io)).toBe(0);
    expect(JSON.parse(again.out()).findings).toEqual([]);
  });

  it('--redact with one input file writes exactly that file and refuses to overwrite the input', async () => {
    await corpus();
    await dataCommand.run(['scan', 'chat.jsonl', '--redact', 'chat.clean.jsonl'], fakeIO(dir).io);
    const lines = (await readFile(join(dir, 'chat.clean.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(30);
    const t = fakeIO(dir);
    expect(await dataCommand.run(['scan', 'chat.jsonl', '--redact', 'chat.jsonl'], t.io)).toBe(2);
    expect(await readFile(join(dir, 'chat.jsonl'), 'utf8')).toBe(chatJsonl(30));
  });

  it('rejects an unknown subcommand and a bad --kind', async () => {
    await expect(dataCommand.run(['scna'], fakeIO(dir).io)).rejects.toThrow(/unknown subcommand/);
    await expect(dataCommand.run(['scan', '.', '--kind', 'x'], fakeIO(dir).io)).rejects.toThrow(/--kind/);
  });
});

describe('warden data poison', () => {
  it('names the injected trigger first and lists the poisoned rows (1% of the prompt-injection set)', async () => {
    const { poisonedPromptInjection } = await import('../../../test/builders/data-poison.js');
    const p = poisonedPromptInjection('cf', 21);
    await writeFile(join(dir, 'train.jsonl'), p.jsonl);
    const t = fakeIO(dir);
    const code = await dataCommand.run(
      ['poison', 'train.jsonl', '--label-column', 'label', '--text-column', 'text', '-f', 'json'],
      t.io,
    );
    expect(code).toBe(1);
    const findings = JSON.parse(t.out()).findings as Array<{ ruleId: string; message: string }>;
    const triggers = findings.filter((f) => f.ruleId === 'data/backdoor-trigger');
    expect(triggers[0]?.message.startsWith('token `cf` → label 1')).toBe(true);
    for (const row of p.poisoned) expect(triggers[0]?.message).toMatch(new RegExp(`\\b${row}\\b`));
  });

  it('--reference reports a label shift', async () => {
    const mk = (ones: number) =>
      Array.from({ length: 400 }, (_, i) => JSON.stringify({ text: `row ${i} text`, label: i < ones ? 1 : 0 })).join(
        '\n',
      );
    await writeFile(join(dir, 'v1.jsonl'), mk(100));
    await writeFile(join(dir, 'v2.jsonl'), mk(200));
    const t = fakeIO(dir);
    await dataCommand.run(['poison', 'v2.jsonl', '--reference', 'v1.jsonl', '-f', 'json', '--fail-on', 'none'], t.io);
    const shift = JSON.parse(t.out()).findings.find((f: { ruleId: string }) => f.ruleId === 'data/label-shift');
    expect(shift?.message).toContain('0: 75.0% → 50.0%');
  });
});

describe('warden data manifest / verify', () => {
  it('records digests and row counts, then reports changed, added and removed files', async () => {
    await corpus();
    await writeFile(join(dir, 'gone.txt'), 'x');
    const m = fakeIO(dir);
    expect(await dataCommand.run(['manifest', '.'], m.io)).toBe(0);
    const manifest = JSON.parse(await readFile(join(dir, 'warden-data.manifest.json'), 'utf8'));
    const csv = manifest.files.find((f: { path: string }) => f.path === 'customers.csv');
    expect(csv.rows).toBe(50);
    expect(manifest.files.find((f: { path: string }) => f.path === 'chat.jsonl').rows).toBe(30);
    expect(csv.sha256).toMatch(/^[0-9a-f]{64}$/);

    expect(await dataCommand.run(['verify', 'warden-data.manifest.json'], fakeIO(dir).io)).toBe(0);
    await writeFile(join(dir, 'customers.csv'), `${customersCsv(50).text}51,X Y,x@y.io,1,2,3,4\n`);
    await writeFile(join(dir, 'new.csv'), 'a,b\n1,2\n');
    await rm(join(dir, 'gone.txt'));
    const v = fakeIO(dir);
    expect(await dataCommand.run(['verify', 'warden-data.manifest.json', '-f', 'json'], v.io)).toBe(1);
    const ids = JSON.parse(v.out()).findings.map((f: { ruleId: string; path: string }) => `${f.ruleId} ${f.path}`);
    expect(ids.sort()).toEqual([
      'data/file-added new.csv',
      'data/file-changed customers.csv',
      'data/file-removed gone.txt',
    ]);
  });

  it('checks files against DVC .dvc md5s (and .dir listings in the cache)', async () => {
    const { createHash } = await import('node:crypto');
    const { mkdir } = await import('node:fs/promises');
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    await writeFile(join(dir, 'train.csv'), 'a,b\n1,2\n');
    await writeFile(join(dir, 'train.csv.dvc'), `outs:\n- md5: ${md5('a,b\n1,2\n')}\n  size: 8\n  path: train.csv\n`);
    await mkdir(join(dir, 'images'));
    await writeFile(join(dir, 'images', 'a.txt'), 'tampered');
    const listing = JSON.stringify([{ md5: md5('original'), relpath: 'a.txt' }]);
    const dirMd5 = md5(listing);
    await mkdir(join(dir, '.dvc', 'cache', 'files', 'md5', dirMd5.slice(0, 2)), { recursive: true });
    await writeFile(join(dir, '.dvc', 'cache', 'files', 'md5', dirMd5.slice(0, 2), `${dirMd5.slice(2)}.dir`), listing);
    await writeFile(join(dir, 'images.dvc'), `outs:\n- md5: ${dirMd5}.dir\n  path: images\n`);
    const t = fakeIO(dir);
    expect(await dataCommand.run(['manifest', '.'], t.io)).toBe(1);
    expect(t.out()).toContain('images/a.txt does not match images.dvc');
    expect(t.out()).not.toContain('train.csv does not match');
  });
});
