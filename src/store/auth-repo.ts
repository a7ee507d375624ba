import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Queryable } from './db.js';

export const USER_ROLES = ['viewer', 'triager', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];
/** `ingest` tokens may only write events; the others read (and triage, and administer) the dashboard. */
export type TokenRole = 'ingest' | UserRole;

const TOKEN_PREFIX = 'wdn_';

/**
 * Tokens are 32 random bytes, so a single SHA-256 is the right hash at rest: there is nothing to
 * brute-force, and lookup by hash stays one indexed query. Passwords are human-chosen and get scrypt.
 */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface TokenPrincipal {
  readonly tokenId: number;
  readonly name: string;
  readonly role: TokenRole;
  readonly userId: number | null;
}

export async function createToken(
  q: Queryable,
  opts: { name: string; role: TokenRole; userId?: number; expiresAt?: Date },
): Promise<{ id: number; token: string }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const r = await q.query<{ id: string }>(
    `INSERT INTO api_tokens (name, token_hash, prefix, role, user_id, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      opts.name,
      hashToken(token),
      token.slice(0, 8),
      opts.role,
      opts.userId ?? null,
      opts.expiresAt?.toISOString() ?? null,
    ],
  );
  return { id: Number(r.rows[0]!.id), token };
}

/**
 * Registers a token whose value the operator chose (WARDEN_ADMIN_TOKEN, WARDEN_INGEST_TOKEN), by hash.
 * Idempotent: the same value registers once.
 */
export async function registerToken(q: Queryable, token: string, name: string, role: TokenRole): Promise<void> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length < TOKEN_PREFIX.length + 32) {
    throw new Error(`a preset token must look like ${TOKEN_PREFIX}<at least 32 random characters>`);
  }
  await q.query(
    `INSERT INTO api_tokens (name, token_hash, prefix, role) VALUES ($1, $2, $3, $4) ON CONFLICT (token_hash) DO NOTHING`,
    [name, hashToken(token), token.slice(0, 8), role],
  );
}

/** The principal a presented token stands for, or undefined if it is unknown, revoked or expired. */
export async function findToken(q: Queryable, token: string): Promise<TokenPrincipal | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return undefined;
  const r = await q.query<{ id: string; name: string; role: TokenRole; user_id: string | null }>(
    `SELECT t.id, t.name, t.role, t.user_id FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
       AND (u.id IS NULL OR NOT u.disabled)`,
    [hashToken(token)],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    tokenId: Number(row.id),
    name: row.name,
    role: row.role,
    userId: row.user_id === null ? null : Number(row.user_id),
  };
}

export async function revokeToken(q: Queryable, id: number): Promise<boolean> {
  const r = await q.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
  return r.rowCount > 0;
}

export async function listTokens(q: Queryable): Promise<Record<string, unknown>[]> {
  const r = await q.query(
    `SELECT id, name, prefix, role, user_id, created_at, expires_at, revoked_at FROM api_tokens ORDER BY id`,
  );
  return r.rows;
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash`, so parameters can be raised later without invalidating old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(
      password,
      Buffer.from(salt, 'base64'),
      expected.length,
      { N: Number(n), r: Number(r), p: Number(p) },
      (e, k) => (e ? reject(e) : resolve(k)),
    ),
  );
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export interface User {
  readonly id: number;
  readonly name: string;
  readonly role: UserRole;
  readonly disabled: boolean;
}

export async function createUser(q: Queryable, name: string, role: UserRole, password?: string): Promise<User> {
  const hash = password === undefined ? null : await hashPassword(password);
  const r = await q.query<{ id: string }>(
    'INSERT INTO users (name, role, password_hash) VALUES ($1, $2, $3) RETURNING id',
    [name, role, hash],
  );
  return { id: Number(r.rows[0]!.id), name, role, disabled: false };
}

/** The user if the name and password match an enabled account. Runs scrypt even for unknown names (timing). */
export async function checkLogin(q: Queryable, name: string, password: string): Promise<User | undefined> {
  const r = await q.query<{
    id: string;
    name: string;
    role: UserRole;
    password_hash: string | null;
    disabled: boolean;
  }>('SELECT id, name, role, password_hash, disabled FROM users WHERE name = $1', [name]);
  const row = r.rows[0];
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok || row.disabled || !row.password_hash) return undefined;
  return { id: Number(row.id), name: row.name, role: row.role, disabled: row.disabled };
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export async function listUsers(q: Queryable): Promise<User[]> {
  const r = await q.query<{ id: string; name: string; role: UserRole; disabled: boolean }>(
    'SELECT id, name, role, disabled FROM users ORDER BY id',
  );
  return r.rows.map((x) => ({ id: Number(x.id), name: x.name, role: x.role, disabled: x.disabled }));
}
