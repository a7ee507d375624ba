import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { checkLogin } from '../../src/store/auth-repo.js';
import { openStore } from '../../src/store/open.js';
import { captureIO } from '../cli/helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-users-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const io = (stdin?: string) => {
  const c = captureIO(dir);
  return { ...c, io: { ...c.io, ...(stdin === undefined ? {} : { readStdin: async () => stdin }) } };
};

describe('warden users', () => {
  it('adds a user whose password comes from standard input, stored as an scrypt hash', async () => {
    const c = io('a-long-admin-password\n');
    expect(await run(['users', 'add', 'ann', '--role', 'admin', '--data-dir', 'db'], c.io)).toBe(0);
    expect(c.out()).toBe('added ann (admin)\n');
    expect(c.out() + c.err()).not.toContain('a-long-admin-password');
    const l = io();
    expect(await run(['users', 'list', '--data-dir', 'db'], l.io)).toBe(0);
    expect(l.out()).toBe('ann\tadmin\n');
    const db = await openStore({ dataDir: join(dir, 'db') });
    try {
      const row = (await db.query<{ password_hash: string }>("SELECT password_hash FROM users WHERE name = 'ann'"))
        .rows[0];
      expect(row?.password_hash).toMatch(/^scrypt\$/);
      expect(await checkLogin(db, 'ann', 'a-long-admin-password')).toMatchObject({ name: 'ann', role: 'admin' });
    } finally {
      await db.close();
    }
    const again = io('another-long-password\n');
    expect(await run(['users', 'add', 'ann', '--data-dir', 'db'], again.io)).toBe(2);
    expect(again.err()).toContain('already exists');
  });

  it.each([
    [['users'], undefined, "give 'add' or 'list'"],
    [['users', 'add'], 'a-long-password-here', 'a user name'],
    [['users', 'add', 'bob', '--role', 'root'], 'a-long-password-here', '--role: one of viewer, triager, admin'],
    [['users', 'add', 'bob'], 'short', 'at least 12 characters'],
    [['users', 'add', 'bob'], undefined, 'at least 12 characters'],
    [['users', 'add', '../bob'], 'a-long-password-here', 'a user name'],
  ])('%j exits 2 with a usage message', async (argv, stdin, message) => {
    const c = io(stdin);
    expect(await run(argv, c.io)).toBe(2);
    expect(c.err()).toContain(message);
  });
});
