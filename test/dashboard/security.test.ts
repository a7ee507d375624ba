import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_ROUTES, PUBLIC_ROUTES, type RouteSpec } from '../../src/dashboard/routes.js';
import type { UserRole } from '../../src/store/auth-repo.js';
import type { Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite-db.js';
import {
  type Client,
  cookiesOf,
  type Harness,
  hiddenCsrf,
  login,
  makeApi,
  PASSWORDS,
  type Seeded,
  seed,
} from './harness.js';

const BASE = 'http://127.0.0.1';
const RANK: Record<string, number> = { viewer: 1, triager: 2, admin: 3 };
const ROLES: UserRole[] = ['viewer', 'triager', 'admin'];

let db: Db;
let h: Harness;
let s: Seeded;

beforeAll(async () => {
  db = await openPglite({ schema: 'dash_security' });
  await migrate(db);
  s = await seed(db);
  h = makeApi(db);
});
afterAll(() => db.close());

/** A concrete URL and a form body that the route would accept from a role that reaches it. */
function requestFor(r: RouteSpec): { url: string; form: Record<string, string> } {
  const url = r.path
    .replace(':name', encodeURIComponent(s.model))
    .replace(':model', encodeURIComponent(s.model))
    .replace(':id/triage', `${s.findingIds[1]}/triage`)
    .replace('/tokens/:id/', '/tokens/999999/')
    .replace(':id', String(s.findingIds[0]));
  const forms: Record<string, Record<string, string>> = {
    '/ui/findings/:id/triage': { action: 'assign', assignee: 'alice' },
    '/ui/admin/users': { name: `u${Date.now()}`, role: 'viewer', password: 'a-long-enough-password' },
    '/ui/admin/tokens': { name: 'ci', role: 'ingest', days: '30' },
  };
  return { url: `${BASE}${url}`, form: forms[r.path] ?? {} };
}

async function call(r: RouteSpec, headers: Record<string, string>, csrf?: string): Promise<Response> {
  const { url, form } = requestFor(r);
  if (r.method === 'GET') return h.api.app.request(url, { headers });
  return h.api.app.request(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form, ...(csrf === undefined ? {} : { _csrf: csrf }) }).toString(),
  });
}

const clients: Partial<Record<UserRole, Client>> = {};
async function session(role: UserRole): Promise<Client> {
  const existing = clients[role];
  if (existing) return existing;
  const { client } = await login(h.api, role, PASSWORDS[role]);
  if (!client) throw new Error(`login as ${role} failed`);
  clients[role] = client;
  return client;
}

describe('every dashboard route is guarded', () => {
  it('the route table covers every /ui route the server registers', () => {
    const registered = h.api.app.routes
      .filter((r) => r.method !== 'ALL' && (r.path === '/' || r.path.startsWith('/ui')))
      .map((r) => `${r.method} ${r.path}`);
    const known = new Set([...DASHBOARD_ROUTES, ...PUBLIC_ROUTES].map((r) => `${r.method} ${r.path}`));
    expect(registered.filter((r) => !known.has(r))).toEqual([]);
    expect(new Set(registered).size).toBe(known.size);
  });

  describe.each(DASHBOARD_ROUTES.map((r) => [`${r.method} ${r.path} (needs ${r.need})`, r] as const))('%s', (_, r) => {
    it('rejects a request without credentials', async () => {
      const res = await call(r, {});
      const body = await res.text();
      if (r.method === 'GET') {
        expect(res.status).toBe(303);
        expect(res.headers.get('location')).toMatch(/^\/ui\/login\?next=/);
      } else expect(res.status).toBe(401);
      expect(body).not.toContain('pickle/unsafe-global');
      expect(body).not.toContain(s.model);
    });

    it('rejects a forged or expired session cookie', async () => {
      const res = await call(r, { cookie: 'warden_session=forged-session-value-0123456789abcdef' });
      expect([303, 401]).toContain(res.status);
      expect(await res.text()).not.toContain('pickle/unsafe-global');
    });

    it('rejects an ingest-only API token', async () => {
      const res = await call(r, { authorization: `Bearer ${s.tokens.ingest}` });
      expect(res.status).toBe(403);
    });

    it.each(ROLES)('session role %s: allowed only when it reaches the route', async (role) => {
      // Logout ends the session it is called with, so it gets a session of its own.
      const c = r.path === '/ui/logout' ? (await login(h.api, role, PASSWORDS[role])).client! : await session(role);
      const res = await call(r, { cookie: c.cookie }, c.csrf);
      if (RANK[role]! < RANK[r.need]!) {
        expect(res.status).toBe(403);
        expect(await res.text()).toContain(`needs the ${r.need} role`);
      } else {
        expect([200, 303, 404]).toContain(res.status);
        if (r.method === 'GET') expect(res.status).toBe(200);
      }
    });

    it.each(ROLES)('API token role %s: allowed only when it reaches the route', async (role) => {
      const res = await call(r, { authorization: `Bearer ${s.tokens[role]}` });
      if (RANK[role]! < RANK[r.need]!) expect(res.status).toBe(403);
      else expect([200, 303, 404]).toContain(res.status);
    });
  });
  describe.each(DASHBOARD_ROUTES.filter((r) => r.method === 'POST').map((r) => [`${r.method} ${r.path}`, r] as const))(
    'CSRF on %s',
    (_, r) => {
      it('rejects a session request without or with a wrong CSRF token', async () => {
        const role = ROLES.find((x) => RANK[x]! >= RANK[r.need]!)!;
        const c = (await login(h.api, role, PASSWORDS[role])).client!;
        expect((await call(r, { cookie: c.cookie })).status).toBe(403);
        expect((await call(r, { cookie: c.cookie }, `${c.csrf.slice(1)}A`)).status).toBe(403);
      });
    },
  );
});

describe('CSRF', () => {
  const triage = (c: Client, body: Record<string, string>, headers: Record<string, string> = {}) =>
    h.api.app.request(`${BASE}/ui/findings/${s.findingIds[2]}/triage`, {
      method: 'POST',
      headers: { cookie: c.cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(body).toString(),
    });
  const history = async () =>
    (await db.query('SELECT * FROM finding_history WHERE finding_id = $1', [s.findingIds[2]])).rows.length;

  it('rejects a triage form without a token, with a wrong token, or with another session’s token', async () => {
    const c = await session('triager');
    const other = (await login(h.api, 'admin', PASSWORDS.admin)).client!;
    const form = { action: 'false_positive', reason: 'test data' };
    const before = await history();
    for (const res of [
      await triage(c, form),
      await triage(c, { ...form, _csrf: 'x'.repeat(c.csrf.length) }),
      await triage(c, { ...form, _csrf: '' }),
      await triage(c, { ...form, _csrf: other.csrf }),
    ]) {
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('did not come from this site');
    }
    expect(await history()).toBe(before);
  });

  it('rejects a cross-site request even with the right token (Sec-Fetch-Site, Origin)', async () => {
    const c = await session('triager');
    const form = { action: 'false_positive', reason: 'test data', _csrf: c.csrf };
    expect((await triage(c, form, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await triage(c, form, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await triage(c, form, { origin: 'null' })).status).toBe(403);
  });

  it('rejects a JSON body posted with the session cookie', async () => {
    const c = await session('triager');
    const res = await h.api.app.request(`${BASE}/ui/findings/${s.findingIds[2]}/triage`, {
      method: 'POST',
      headers: { cookie: c.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'fixed', _csrf: c.csrf }),
    });
    expect(res.status).toBe(403);
  });

  it('accepts the same form with the session’s token from the same origin', async () => {
    const c = await session('triager');
    const before = await history();
    const res = await triage(
      c,
      { action: 'false_positive', reason: 'test data', _csrf: c.csrf },
      { origin: BASE, 'sec-fetch-site': 'same-origin' },
    );
    expect(res.status).toBe(303);
    expect(await history()).toBe(before + 1);
  });

  it('rejects a sign-in without the login form’s cookie and token (login CSRF)', async () => {
    const body = new URLSearchParams({ username: 'admin', password: PASSWORDS.admin }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const bare = await h.api.app.request(`${BASE}/ui/login`, { method: 'POST', headers, body });
    expect(bare.status).toBe(403);
    expect(cookiesOf(bare).has('warden_session')).toBe(false);
    const wrong = await h.api.app.request(`${BASE}/ui/login`, {
      method: 'POST',
      headers: { ...headers, cookie: 'warden_login=abc' },
      body: `${body}&_csrf=abc`,
    });
    expect(wrong.status).toBe(403);
    expect(cookiesOf(wrong).has('warden_session')).toBe(false);
  });
});

describe('sessions', () => {
  it('mints a new session id at login and ignores a planted one (session fixation)', async () => {
    const planted = 'attacker-chosen-session-id-AAAAAAAAAAAAAAAA';
    const { client } = await login(h.api, 'viewer', PASSWORDS.viewer, `warden_session=${planted}`);
    expect(client).toBeDefined();
    expect(client!.sessionId).not.toBe(planted);
    const withPlanted = await h.api.app.request(`${BASE}/ui/`, { headers: { cookie: `warden_session=${planted}` } });
    expect(withPlanted.status).toBe(303);
  });

  it('replaces an existing session at a new login, and the old id stops working', async () => {
    const first = (await login(h.api, 'viewer', PASSWORDS.viewer)).client!;
    const second = (await login(h.api, 'triager', PASSWORDS.triager, first.cookie)).client!;
    expect(second.sessionId).not.toBe(first.sessionId);
    expect((await h.api.app.request(`${BASE}/ui/`, { headers: { cookie: first.cookie } })).status).toBe(303);
    expect((await h.api.app.request(`${BASE}/ui/`, { headers: { cookie: second.cookie } })).status).toBe(200);
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/ui, and Secure over https only', async () => {
    const { res } = await login(h.api, 'viewer', PASSWORDS.viewer);
    const attrs = cookiesOf(res).get('warden_session')!.attrs;
    expect(attrs).toMatch(/HttpOnly/);
    expect(attrs).toMatch(/SameSite=Strict/);
    expect(attrs).toMatch(/Path=\/ui(;|$)/);
    expect(attrs).not.toMatch(/Secure/);
    const form = await h.api.app.request('https://127.0.0.1/ui/login');
    const nonce = cookiesOf(form).get('warden_login')!;
    expect(nonce.attrs).toMatch(/Secure/);
    const res2 = await h.api.app.request('https://127.0.0.1/ui/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `warden_login=${nonce.value}` },
      body: new URLSearchParams({
        _csrf: hiddenCsrf(await form.text()),
        username: 'viewer',
        password: PASSWORDS.viewer,
      }).toString(),
    });
    expect(res2.status).toBe(303);
    expect(cookiesOf(res2).get('warden_session')!.attrs).toMatch(/Secure/);
    expect(res2.headers.get('strict-transport-security')).toMatch(/max-age=/);
  });

  it('logout ends the session server-side', async () => {
    const c = (await login(h.api, 'viewer', PASSWORDS.viewer)).client!;
    const out = await h.api.app.request(`${BASE}/ui/logout`, {
      method: 'POST',
      headers: { cookie: c.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `_csrf=${encodeURIComponent(c.csrf)}`,
    });
    expect(out.status).toBe(303);
    expect((await h.api.app.request(`${BASE}/ui/`, { headers: { cookie: c.cookie } })).status).toBe(303);
  });

  it('a disabled account loses its session at once', async () => {
    await db.query(
      "INSERT INTO users (name, role, password_hash) SELECT 'temp', 'viewer', password_hash FROM users WHERE name = 'viewer'",
    );
    const c = (await login(h.api, 'temp', PASSWORDS.viewer)).client!;
    expect((await h.api.app.request(`${BASE}/ui/`, { headers: { cookie: c.cookie } })).status).toBe(200);
    await db.query("UPDATE users SET disabled = true WHERE name = 'temp'");
    expect((await h.api.app.request(`${BASE}/ui/`, { headers: { cookie: c.cookie } })).status).toBe(303);
  });

  it('refuses wrong passwords and throttles guessing per user name', async () => {
    expect((await login(h.api, 'admin', 'wrong-password')).res.status).toBe(401);
    expect((await login(h.api, 'nobody', 'wrong-password')).res.status).toBe(401);
    for (let i = 0; i < 10; i++) await login(h.api, 'triager', `guess-${i}`);
    const locked = await login(h.api, 'triager', PASSWORDS.triager);
    expect(locked.res.status).toBe(429);
    expect(locked.client).toBeUndefined();
  });

  it('redirects only inside the dashboard after sign-in (no open redirect)', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example', '/ui/\\evil', '/v1/findings']) {
      const form = await h.api.app.request(`${BASE}/ui/login?next=${encodeURIComponent(next)}`);
      const html = await form.text();
      expect(html).toContain('name="next" value="/ui/"');
      const res = await h.api.app.request(`${BASE}/ui/login`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `warden_login=${cookiesOf(form).get('warden_login')!.value}`,
        },
        body: new URLSearchParams({
          _csrf: hiddenCsrf(html),
          username: 'admin',
          password: PASSWORDS.admin,
          next,
        }).toString(),
      });
      expect(res.headers.get('location')).toBe('/ui/');
    }
  });
});

describe('security headers and output encoding', () => {
  it('sends a nonce CSP without unsafe-inline, anti-framing, nosniff, referrer policy and no-store', async () => {
    const c = await session('viewer');
    for (const path of ['/ui/', '/ui/drift/credit-scorer', '/ui/login']) {
      const res = await h.api.app.request(`${BASE}${path}`, { headers: { cookie: c.cookie } });
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toBeTruthy();
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/default-src 'none'/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      // Every executable script and style element carries this response's nonce.
      for (const m of html.matchAll(/<(script|style)(?![^>]*type="application\/json")([^>]*)>/g)) {
        expect(m[2]).toContain(`nonce="${nonce}"`);
      }
      expect(html).not.toMatch(/\son[a-z]+=/i);
    }
  });

  it('escapes hostile finding text', async () => {
    const c = await session('viewer');
    const html = await (await h.api.app.request(`${BASE}/ui/findings`, { headers: { cookie: c.cookie } })).text();
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
  });
});

describe('secrets never reach the logs', () => {
  it('logs neither passwords, API tokens, session ids nor CSRF tokens', async () => {
    const admin = (await login(h.api, 'admin', PASSWORDS.admin)).client!;
    await login(h.api, 'viewer', 'a-wrong-password-guess');
    const created = await h.api.app.request(`${BASE}/ui/admin/tokens`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: admin.csrf, name: 'ci-ingest', role: 'ingest', days: '7' }).toString(),
    });
    const html = await created.text();
    const fresh = /<code id="new-token">([^<]+)<\/code>/.exec(html)?.[1];
    expect(fresh).toMatch(/^wdn_/);
    await h.api.app.request(`${BASE}/ui/findings`, { headers: { authorization: `Bearer ${s.tokens.viewer}` } });
    await h.api.app.request(`${BASE}/v1/whoami`, { headers: { authorization: `Bearer ${s.tokens.admin}` } });
    await h.api.app.request(`${BASE}/ui/`, { headers: { authorization: `Bearer ${fresh}` } });
    const text = h.logs.join('');
    expect(text).toContain('dashboard: login');
    expect(text).toContain('dashboard: token created');
    const secrets = [
      ...Object.values(PASSWORDS),
      'a-wrong-password-guess',
      ...Object.values(s.tokens),
      fresh!,
      admin.sessionId,
      admin.csrf,
      ...Object.values(clients).flatMap((c) => [c.sessionId, c.csrf]),
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
