import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { USER_NAME } from '../../dashboard/admin-actions.js';
import { MIN_PASSWORD } from '../../dashboard/pages/admin.js';
import { createUser, listUsers, USER_ROLES, type UserRole } from '../../store/auth-repo.js';
import { openStore, storeOptionsFromEnv } from '../../store/open.js';
import { type Command, EXIT, UsageError } from '../types.js';

const usage = `Usage: warden users add NAME --role ROLE [--data-dir DIR] < password
       warden users list [--data-dir DIR]

Manages the dashboard's accounts (sign in at /ui/login of 'warden serve'). Roles: viewer (read
everything), triager (also triage findings), admin (also users and API tokens).

'add' reads the password from standard input (first line; at least ${MIN_PASSWORD} characters), so it
never appears in the process list or shell history:  printf '%s\\n' "$PW" | warden users add ann --role admin
The password is stored as an scrypt hash only.

Storage: as for 'warden serve' — .warden/db by default, WARDEN_DATABASE_URL for PostgreSQL.

Options:
      --role ROLE     viewer, triager or admin (add; default viewer)
      --data-dir DIR  folder of the embedded store (default .warden/db)
  -h, --help          show this help

Exit codes: 0 done, 2 usage error or the user exists.
`;

export const usersCommand: Command = {
  name: 'users',
  summary: 'add and list dashboard users (viewer, triager, admin)',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { role: { type: 'string', default: 'viewer' }, 'data-dir': { type: 'string' } },
    });
    const [action, name, ...rest] = positionals;
    if (action !== 'add' && action !== 'list') throw new UsageError("give 'add' or 'list'");
    if (rest.length) throw new UsageError('too many arguments');
    let password = '';
    if (action === 'add') {
      if (!name || !USER_NAME.test(name)) throw new UsageError('a user name: letters, digits and . _ @ - (up to 128)');
      if (!(USER_ROLES as readonly string[]).includes(values.role))
        throw new UsageError(`--role: one of ${USER_ROLES.join(', ')}`);
      // Read before opening the store: a usage mistake should not create .warden/.
      password = ((await io.readStdin?.()) ?? '').split(/\r?\n/)[0] ?? '';
      if (password.length < MIN_PASSWORD)
        throw new UsageError(`pipe a password of at least ${MIN_PASSWORD} characters on standard input`);
    } else if (name) throw new UsageError("'list' takes no name");

    const opts = {
      ...storeOptionsFromEnv(io.env, io.cwd),
      ...(values['data-dir'] ? { dataDir: resolve(io.cwd, values['data-dir']) } : {}),
    };
    // PGlite creates only the last folder of its data directory; make the parents (.warden/) first.
    if (!opts.databaseUrl && opts.dataDir !== 'memory') {
      await mkdir(dirname(opts.dataDir ?? join(io.cwd, '.warden', 'db')), { recursive: true });
    }
    const db = await openStore(opts);
    try {
      if (action === 'list') {
        for (const u of await listUsers(db)) io.stdout(`${u.name}\t${u.role}${u.disabled ? '\tdisabled' : ''}\n`);
        return EXIT.clean;
      }
      const exists = await db.query('SELECT 1 FROM users WHERE name = $1', [name]);
      if (exists.rows.length) {
        io.stderr(`warden users: ${name} already exists\n`);
        return EXIT.error;
      }
      await createUser(db, name!, values.role as UserRole, password);
      io.stdout(`added ${name} (${values.role})\n`);
      return EXIT.clean;
    } finally {
      await db.close();
    }
  },
};
