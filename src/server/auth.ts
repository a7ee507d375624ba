import type { Context, MiddlewareHandler } from 'hono';
import { findToken, type TokenRole } from '../store/auth-repo.js';
import type { Db } from '../store/db.js';

export type Role = TokenRole;

export interface Principal {
  /** What the logs and the triage history call this caller: `token:<id>` or `user:<name>`. */
  readonly actor: string;
  readonly role: Role;
  readonly tokenId?: number;
  readonly userId?: number | null;
}

export type Env = { Variables: { principal: Principal; requestId: string } };

/** Resolves a principal from a request; the dashboard adds a session-cookie resolver next to the bearer one. */
export type PrincipalResolver = (c: Context<Env>) => Promise<Principal | undefined>;

/** What each route needs. `ingest` routes take ingest tokens (and admins); the rest form a ladder. */
export type Need = 'ingest' | 'viewer' | 'triager' | 'admin' | 'public';

const RANK: Record<Role, number> = { ingest: 0, viewer: 1, triager: 2, admin: 3 };

export function allows(role: Role, need: Need): boolean {
  if (need === 'public') return true;
  if (need === 'ingest') return role === 'ingest' || role === 'admin';
  return role !== 'ingest' && RANK[role] >= RANK[need];
}

/**
 * Bearer tokens, looked up by hash. Valid lookups are cached briefly so ingestion does not pay a query
 * per request; a revoked token stops working within `cacheMs`.
 */
export function bearerResolver(db: Db, cacheMs = 5000): PrincipalResolver {
  const cache = new Map<string, { p: Principal; until: number }>();
  return async (c) => {
    const header = c.req.header('authorization');
    if (!header) return undefined;
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) return undefined;
    const token = m[1]!;
    const now = Date.now();
    const hit = cache.get(token);
    if (hit && hit.until > now) return hit.p;
    const found = await findToken(db, token);
    if (!found) {
      cache.delete(token);
      return undefined;
    }
    const p: Principal = {
      actor: `token:${found.tokenId}:${found.name}`,
      role: found.role,
      tokenId: found.tokenId,
      userId: found.userId,
    };
    if (cache.size > 10_000) cache.clear();
    cache.set(token, { p, until: now + cacheMs });
    return p;
  };
}

/** One middleware per route: 401 without a principal, 403 with one whose role does not reach `need`. */
export function requireRole(need: Need, resolvers: readonly PrincipalResolver[]): MiddlewareHandler<Env> {
  return async function requireRoleMiddleware(c, next) {
    if (need === 'public') return next();
    let principal: Principal | undefined;
    for (const r of resolvers) {
      principal = await r(c);
      if (principal) break;
    }
    if (!principal) {
      c.header('WWW-Authenticate', 'Bearer realm="warden"');
      return c.json({ error: { code: 'unauthenticated', message: 'a valid API token is required' } }, 401);
    }
    if (!allows(principal.role, need)) {
      return c.json({ error: { code: 'forbidden', message: `this needs the ${need} role` } }, 403);
    }
    c.set('principal', principal);
    return next();
  };
}
