import type { Logger } from '../server/logger.js';
import { createToken, createUser, revokeToken, type TokenRole, USER_ROLES, type UserRole } from '../store/auth-repo.js';
import type { Db } from '../store/db.js';
import { type AdminNotice, MIN_PASSWORD, TOKEN_ROLES } from './pages/admin.js';

type Form = Record<string, unknown>;
const text = (form: Form, k: string, max: number): string => {
  const v = form[k];
  return typeof v === 'string' ? v.slice(0, max) : '';
};
export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

export async function adminCreateUser(db: Db, form: Form, actor: string, logger: Logger): Promise<AdminNotice> {
  const name = text(form, 'name', 200).trim();
  const role = text(form, 'role', 20);
  const password = text(form, 'password', 1024);
  if (!USER_NAME.test(name)) return { ok: false, text: 'User names are letters, digits and . _ @ - (up to 128).' };
  if (!(USER_ROLES as readonly string[]).includes(role)) return { ok: false, text: 'Unknown role.' };
  if (password.length < MIN_PASSWORD) return { ok: false, text: `Passwords need at least ${MIN_PASSWORD} characters.` };
  const exists = await db.query('SELECT 1 FROM users WHERE name = $1', [name]);
  if (exists.rows.length) return { ok: false, text: `A user named ${name} already exists.` };
  const user = await createUser(db, name, role as UserRole, password);
  logger.info('dashboard: user created', { actor, user: name, role, userId: user.id });
  return { ok: true, text: `User ${name} (${role}) added.` };
}

export async function adminCreateToken(
  db: Db,
  form: Form,
  actor: string,
  logger: Logger,
  now: Date,
): Promise<AdminNotice> {
  const name = text(form, 'name', 200).trim();
  const role = text(form, 'role', 20);
  const days = Number(text(form, 'days', 10) || '90');
  if (!name || name.length > 128) return { ok: false, text: 'Give the token a name (up to 128 characters).' };
  if (!(TOKEN_ROLES as readonly string[]).includes(role)) return { ok: false, text: 'Unknown role.' };
  if (!Number.isInteger(days) || days < 1 || days > 3650) return { ok: false, text: 'Expiry is 1 to 3650 days.' };
  const expiresAt = new Date(now.getTime() + days * 86400_000);
  const { id, token } = await createToken(db, { name, role: role as TokenRole, expiresAt });
  // The token itself goes to the response only; the log gets its id.
  logger.info('dashboard: token created', { actor, tokenId: id, role, name });
  return { ok: true, text: `Token #${id} (${role}) created.`, token };
}

export async function adminRevokeToken(
  db: Db,
  id: number | undefined,
  actor: string,
  logger: Logger,
): Promise<AdminNotice> {
  if (id === undefined || !(await revokeToken(db, id))) return { ok: false, text: 'No such active token.' };
  logger.info('dashboard: token revoked', { actor, tokenId: id });
  return { ok: true, text: `Token #${id} revoked.` };
}
