import { type Handler, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { bearerResolver, type Need, type PrincipalResolver } from '../server/auth.js';
import { type Logger, silentLogger } from '../server/logger.js';
import { checkLogin } from '../store/auth-repo.js';
import type { Db } from '../store/db.js';
import { TriageError, triageFinding } from '../store/findings-repo.js';
import { adminCreateToken, adminCreateUser, adminRevokeToken } from './admin-actions.js';
import type { Safe } from './html.js';
import { errorPage, loginPage, type PageContext } from './layout.js';
import { type DashContext, type DashEnv, isHttps, requirePage, securityHeaders } from './middleware.js';
import { adminPage } from './pages/admin.js';
import { driftIndexPage, driftModelPage } from './pages/drift.js';
import { findingPage, findingsPage, triageChangeOf } from './pages/findings.js';
import { guardPage } from './pages/guard.js';
import { modelPage, modelsPage } from './pages/models.js';
import { overviewPage } from './pages/overview.js';
import { getFinding } from './queries.js';
import { LOGIN_COOKIE, LoginCsrf, LoginThrottle, randomToken, SESSION_COOKIE, SessionStore } from './session.js';

export interface DashboardDeps {
  readonly db: Db;
  readonly logger?: Logger;
  /** Other ways to authenticate a page (default: the API's bearer tokens); sessions always work. */
  readonly resolvers?: readonly PrincipalResolver[];
  readonly sessions?: SessionStore;
  readonly now?: () => Date;
  /** Mark cookies Secure even on plain-http requests (TLS ends at a proxy in front of the server). */
  readonly secureCookies?: boolean;
}

export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly need: Exclude<Need, 'public' | 'ingest'>;
}

/**
 * Every guarded dashboard route and the role it needs — one table, so the guard cannot be forgotten
 * on a new page and the security tests walk the same list the server registers.
 */
export const DASHBOARD_ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/ui/', need: 'viewer' },
  { method: 'GET', path: '/ui/models', need: 'viewer' },
  { method: 'GET', path: '/ui/models/:name', need: 'viewer' },
  { method: 'GET', path: '/ui/findings', need: 'viewer' },
  { method: 'GET', path: '/ui/findings/:id', need: 'viewer' },
  { method: 'POST', path: '/ui/findings/:id/triage', need: 'triager' },
  { method: 'GET', path: '/ui/guard', need: 'viewer' },
  { method: 'GET', path: '/ui/drift', need: 'viewer' },
  { method: 'GET', path: '/ui/drift/:model', need: 'viewer' },
  { method: 'GET', path: '/ui/admin', need: 'admin' },
  { method: 'POST', path: '/ui/admin/users', need: 'admin' },
  { method: 'POST', path: '/ui/admin/tokens', need: 'admin' },
  { method: 'POST', path: '/ui/admin/tokens/:id/revoke', need: 'admin' },
  { method: 'POST', path: '/ui/logout', need: 'viewer' },
];

/** Routes anyone may call: the sign-in form and redirects into the dashboard. */
export const PUBLIC_ROUTES: readonly { method: string; path: string }[] = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/ui' },
  { method: 'GET', path: '/ui/login' },
  { method: 'POST', path: '/ui/login' },
];

/** Only local paths inside the dashboard: `next` must not become an open redirect. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 500) return '/ui/';
  if (!next.startsWith('/ui/') || next.includes('\\') || /[\u0000-\u001f]/.test(next)) return '/ui/';
  return next;
}

export function dashboardRoutes(deps: DashboardDeps): Hono<DashEnv> {
  const { db } = deps;
  const logger = deps.logger ?? silentLogger;
  const sessions = deps.sessions ?? new SessionStore();
  const resolvers = deps.resolvers ?? [bearerResolver(db)];
  const now = deps.now ?? (() => new Date());
  const loginCsrf = new LoginCsrf();
  const throttle = new LoginThrottle();
  const app = new Hono<DashEnv>();

  app.use('/ui/*', securityHeaders());
  app.use('/ui/*', bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text('request body too large', 413) }));

  const ctxOf = (c: DashContext): PageContext => {
    const principal = c.get('principal');
    const session = c.get('session');
    return { nonce: c.get('nonce'), principal, ...(session ? { csrf: session.csrf } : {}) };
  };
  const send = (c: DashContext, body: Safe, status: 200 | 400 | 401 | 403 | 404 | 429 = 200) =>
    c.html(body.value, status);
  const notFound = (c: DashContext) => send(c, errorPage(ctxOf(c), 404, 'Not found.'), 404);
  const cookieBase = (c: DashContext) => ({
    httpOnly: true,
    sameSite: 'Strict' as const,
    secure: deps.secureCookies === true || isHttps(c),
  });

  app.get('/', (c) => c.redirect('/ui/', 303));
  app.get('/ui', (c) => c.redirect('/ui/', 303));

  const showLogin = (c: DashContext, status: 200 | 401 | 403 | 429, next: string, error?: string) => {
    const nonceCookie = randomToken(18);
    setCookie(c, LOGIN_COOKIE, nonceCookie, { ...cookieBase(c), path: '/ui/login', maxAge: 3600 });
    return send(c, loginPage(c.get('nonce'), loginCsrf.tokenFor(nonceCookie), next, error), status);
  };

  app.get('/ui/login', (c) => showLogin(c, 200, safeNext(c.req.query('next'))));

  app.post('/ui/login', async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(form.next);
    if (!loginCsrf.check(getCookie(c, LOGIN_COOKIE), typeof form._csrf === 'string' ? form._csrf : undefined)) {
      logger.warn('dashboard: login csrf rejected', { path: c.req.path });
      return showLogin(c, 403, next, 'The sign-in form expired; please try again.');
    }
    const name = typeof form.username === 'string' ? form.username.slice(0, 128) : '';
    const password = typeof form.password === 'string' ? form.password.slice(0, 1024) : '';
    if (!throttle.allow(name, now().getTime())) {
      logger.warn('dashboard: login throttled', { user: name });
      return showLogin(c, 429, next, 'Too many failed attempts; wait a few minutes.');
    }
    const user = name && password ? await checkLogin(db, name, password) : undefined;
    if (!user) {
      throttle.fail(name, now().getTime());
      logger.warn('dashboard: login failed', { user: name });
      return showLogin(c, 401, next, 'Wrong user name or password.');
    }
    throttle.reset(name);
    // Session fixation: whatever session id the browser presented is dropped, and a fresh one minted.
    sessions.destroy(getCookie(c, SESSION_COOKIE));
    const { id } = sessions.create(user);
    setCookie(c, SESSION_COOKIE, id, { ...cookieBase(c), path: '/ui' });
    deleteCookie(c, LOGIN_COOKIE, { ...cookieBase(c), path: '/ui/login' });
    logger.info('dashboard: login', { user: user.name, role: user.role });
    return c.redirect(next, 303);
  });

  const handlers: Record<string, Handler<DashEnv>> = {
    'GET /ui/': async (c) => send(c, await overviewPage(ctxOf(c), db, now())),
    'GET /ui/models': async (c) => send(c, await modelsPage(ctxOf(c), db)),
    'GET /ui/models/:name': async (c) => {
      const body = await modelPage(ctxOf(c), db, c.req.param('name') ?? '');
      return body ? send(c, body) : notFound(c);
    },
    'GET /ui/findings': async (c) => send(c, await findingsPage(ctxOf(c), db, c.req.query())),
    'GET /ui/findings/:id': async (c) => {
      const id = idParam(c.req.param('id'));
      const f = id === undefined ? undefined : await getFinding(db, id);
      if (!f) return notFound(c);
      const done = c.req.query('done');
      return send(c, await findingPage(ctxOf(c), db, f, done ? { ok: true, text: `Saved (${done}).` } : undefined));
    },
    'POST /ui/findings/:id/triage': async (c) => {
      const id = idParam(c.req.param('id'));
      const f = id === undefined ? undefined : await getFinding(db, id);
      if (!f || id === undefined) return notFound(c);
      const form = await c.req.parseBody();
      const parsed = triageChangeOf(form, f, now());
      const actor = c.get('principal').actor;
      if ('error' in parsed) return send(c, await findingPage(ctxOf(c), db, f, { ok: false, text: parsed.error }), 400);
      try {
        await triageFinding(db, id, parsed.change, actor, now());
      } catch (e) {
        if (!(e instanceof TriageError)) throw e;
        return send(c, await findingPage(ctxOf(c), db, f, { ok: false, text: e.message }), 400);
      }
      logger.info('dashboard: triage', { actor, finding: id, state: parsed.change.state });
      return c.redirect(`/ui/findings/${id}?done=${encodeURIComponent(String(form.action))}`, 303);
    },
    'GET /ui/guard': async (c) => send(c, await guardPage(ctxOf(c), db, now(), c.req.query('range'))),
    'GET /ui/drift': async (c) => send(c, await driftIndexPage(ctxOf(c), db)),
    'GET /ui/drift/:model': async (c) =>
      send(c, await driftModelPage(ctxOf(c), db, c.req.param('model') ?? '', c.req.query('feature')?.slice(0, 200))),
    'GET /ui/admin': async (c) => send(c, await adminPage(ctxOf(c), db)),
    'POST /ui/admin/users': async (c) => {
      const notice = await adminCreateUser(db, await c.req.parseBody(), c.get('principal').actor, logger);
      return send(c, await adminPage(ctxOf(c), db, notice), notice.ok ? 200 : 400);
    },
    'POST /ui/admin/tokens': async (c) => {
      const notice = await adminCreateToken(db, await c.req.parseBody(), c.get('principal').actor, logger, now());
      return send(c, await adminPage(ctxOf(c), db, notice), notice.ok ? 200 : 400);
    },
    'POST /ui/admin/tokens/:id/revoke': async (c) => {
      const notice = await adminRevokeToken(db, idParam(c.req.param('id')), c.get('principal').actor, logger);
      return send(c, await adminPage(ctxOf(c), db, notice), notice.ok ? 200 : 404);
    },
    'POST /ui/logout': (c) => {
      sessions.destroy(getCookie(c, SESSION_COOKIE));
      deleteCookie(c, SESSION_COOKIE, { ...cookieBase(c), path: '/ui' });
      logger.info('dashboard: logout', { actor: c.get('principal').actor });
      return c.redirect('/ui/login', 303);
    },
  };

  const guardDeps = { db, sessions, resolvers, logger };
  for (const r of DASHBOARD_ROUTES) {
    const handler = handlers[`${r.method} ${r.path}`];
    if (!handler) throw new Error(`dashboard route without a handler: ${r.method} ${r.path}`);
    app.on(r.method, r.path, requirePage(r.need, guardDeps), handler);
  }
  app.onError((err, c) => {
    logger.error('dashboard: error', { path: c.req.path, error: err });
    return c.html(errorPage({ nonce: c.get('nonce') ?? '' }, 500, 'Something went wrong.').value, 500);
  });
  return app;
}

function idParam(v: string | undefined): number | undefined {
  return v && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
}
