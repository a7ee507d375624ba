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
