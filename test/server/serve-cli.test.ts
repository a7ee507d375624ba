import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../../src/cli/commands/serve.js';
import { run } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/types.js';

function io(cwd: string, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIO = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), cwd, env, isTTY: false };
  return { cli, out, err };
}

describe('warden serve (embedded store)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warden-serve-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('refuses bad arguments before touching any store (exit 2)', async () => {
    for (const args of [
      ['serve', '--listen', 'nowhere'],
      ['serve', '--analyze-every', 'often'],
      ['serve', '--policy', 'missing.yaml'],
    ]) {
      const t = io(dir);
      expect(await run(args, t.cli)).toBe(2);
      expect(t.err.join('')).toMatch(/warden serve:/);
    }
    await writeFile(join(dir, 'bad.yaml'), 'alerts:\n  rules:\n    - id: x\n      metric: cpu\n');
    const t = io(dir);
    expect(await run(['serve', '--policy', 'bad.yaml'], t.cli)).toBe(2);
    expect(t.err.join('')).toContain('/alerts/rules/0/metric');
    await expect(stat(join(dir, '.warden'))).rejects.toThrow();
  });

  it('starts on 127.0.0.1, writes a bootstrap admin token, tails a JSONL file, and persists across restarts', async () => {
    await writeFile(join(dir, 'events.jsonl'), '');
    await writeFile(
      join(dir, 'warden.yaml'),
      'alerts:\n  routes:\n    hook: { type: webhook, url: "http://127.0.0.1:9/x" }\n  rules:\n    - { id: blocks, metric: guard.blocked, threshold: 100, route: hook }\n',
    );
    const args = [
      '--listen',
      '127.0.0.1:0',
      '--tail',
      'events.jsonl',
      '--token-file',
      'admin.token',
      '--analyze-every',
      '0',
    ];
    const t = io(dir);
    let s = await startServe(args, t.cli);
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.backend).toBe('pglite');
    const token = (await readFile(join(dir, 'admin.token'), 'utf8')).trim();
    expect((await stat(join(dir, 'admin.token'))).mode & 0o777).toBe(0o600);
    const auth = { authorization: `Bearer ${token}` };
    await appendFile(
      join(dir, 'events.jsonl'),
      `${JSON.stringify({ id: 'cli-1', ts: Date.now(), kind: 'gateway', action: 'block' })}\n`,
    );
    let guard = 0;
    for (let i = 0; i < 100 && guard === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      guard = ((await (await fetch(`${s.url}/v1/events/stats`, { headers: auth })).json()) as { guard: number }).guard;
    }
    expect(guard).toBe(1);
    await s.stop();
    expect(t.err.join('')).not.toContain(token);

    const again = io(dir);
    s = await startServe(args, again.cli);
    const stats = (await (await fetch(`${s.url}/v1/events/stats`, { headers: auth })).json()) as { guard: number };
    expect(stats.guard).toBe(1);
    await s.stop();
  });
});
