import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { allows, type Env, type Need, type Principal, type PrincipalResolver } from '../server/auth.js';
import type { Logger } from '../server/logger.js';
import type { Db } from '../store/db.js';
import { errorPage } from './layout.js';
import { userById } from './queries.js';
import { SESSION_COOKIE, type Session, type SessionStore, sameToken } from './session.js';

export type DashEnv = {
  Variables: Env['Variables'] & { nonce: string; session: Session | undefined };
};
export type DashContext = Context<DashEnv>;

/**
 * Security headers on every dashboard response. The CSP allows scripts and styles only with this
 * response's nonce (no 'unsafe-inline'), nothing from other origins, no framing, and forms that
 * post only back here.
 */
export function securityHeaders(): MiddlewareHandler<DashEnv> {
  return async function dashboardSecurityHeaders(c, next) {
    const nonce = randomBytes(18).toString('base64');
    c.set('nonce', nonce);
    await next();
    const res = c.res;
    res.headers.set(
      'Content-Security-Policy',
      [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        `style-src 'nonce-${nonce}'`,
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ].join('; '),
    );
    res.headers.set('X-Frame-Options', 'DENY');
    res.headers.set('X-Content-Type-Options', 'nosniff');
    // Not 'no-referrer': with it Chromium sends `Origin: null` on same-origin form posts, which the
    // CSRF origin check must refuse. 'same-origin' keeps URLs from leaving the site all the same.
    res.headers.set('Referrer-Policy', 'same-origin');
    res.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    res.headers.set('Cross-Origin-Resource-Policy', 'same-origin');
    res.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    // Pages carry findings, tokens shown once and CSRF tokens: never cache them anywhere.
    res.headers.set('Cache-Control', 'no-store');
    if (isHttps(c)) res.headers.set('Strict-Transport-Security', 'max-age=31536000');
  };
}

export function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:';
}

/** The principal behind the session cookie, checked against the users table on every request. */
export async function sessionPrincipal(
  c: DashContext,
  db: Db,
  sessions: SessionStore,
): Promise<{ principal: Principal; session: Session } | undefined> {
  const id = getCookie(c, SESSION_COOKIE);
  const session = sessions.get(id);
  if (!session) return undefined;
  const user = await userById(db, session.userId);
  // A disabled account or a changed role ends the session: the role a page sees is never stale.
  if (!user || user.disabled || user.role !== session.role || user.name !== session.userName) {
    sessions.destroy(id);
    return undefined;
  }
  return { principal: { actor: `user:${user.name}`, role: user.role, userId: session.userId }, session };
}

export interface GuardDeps {
  readonly db: Db;
  readonly sessions: SessionStore;
  readonly resolvers: readonly PrincipalResolver[];
  readonly logger: Logger;
}

const wantsHtml = (c: Context): boolean => c.req.method === 'GET' || c.req.method === 'HEAD';

/**
 * Guards one dashboard route: a session (or an API token from `resolvers`) whose role reaches `need`,
 * and on state-changing requests from a session, a same-origin request carrying the session's CSRF
 * token. Token callers skip the CSRF check: a browser never attaches an Authorization header on its own.
 */
export function requirePage(need: Need, deps: GuardDeps): MiddlewareHandler<DashEnv> {
  return async function requirePageMiddleware(c, next) {
    const fromSession = await sessionPrincipal(c, deps.db, deps.sessions);
    let principal = fromSession?.principal;
    if (!principal) {
      for (const r of deps.resolvers) {
        principal = await r(c as unknown as Context<Env>);
        if (principal) break;
      }
    }
    const nonce = c.get('nonce');
    if (!principal) {
      if (wantsHtml(c)) {
        const url = new URL(c.req.url);
        return c.redirect(`/ui/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
      }
      return c.html(errorPage({ nonce }, 401, 'Sign in first.').value, 401);
    }
    c.set('principal', principal);
    c.set('session', fromSession?.session);
    const ctx = { nonce, principal, ...(fromSession ? { csrf: fromSession.session.csrf } : {}) };
    if (!allows(principal.role, need)) {
      deps.logger.warn('dashboard: forbidden', {
        actor: principal.actor,
        role: principal.role,
        need,
        path: c.req.path,
      });
      return c.html(errorPage(ctx, 403, `This needs the ${need} role.`).value, 403);
    }
    if (!wantsHtml(c) && fromSession) {
      const problem = await csrfProblem(c, fromSession.session);
      if (problem) {
        deps.logger.warn('dashboard: csrf rejected', { actor: principal.actor, path: c.req.path, problem });
        return c.html(
          errorPage(ctx, 403, 'The form expired or did not come from this site; reload and retry.').value,
          403,
        );
      }
    }
    return next();
  };
}

async function csrfProblem(c: DashContext, session: Session): Promise<string | undefined> {
  // Defence in depth next to the token: browsers say where a request came from.
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return 'cross-site request';
  const origin = c.req.header('origin');
  // Host, not full origin: behind a TLS-terminating proxy the request URL says http while Origin says https.
  if (origin && hostOf(origin) !== new URL(c.req.url).host) return 'foreign origin';
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded|^multipart\/form-data/i.test(type)) return 'not a form';
  const body = await c.req.parseBody();
  const token = body._csrf;
  if (typeof token !== 'string' || !sameToken(token, session.csrf)) return 'missing or wrong token';
  return undefined;
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
