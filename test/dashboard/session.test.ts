import { describe, expect, it } from 'vitest';
import { LoginCsrf, LoginThrottle, SessionStore, sameToken } from '../../src/dashboard/session.js';

const user = { id: 1, name: 'ann', role: 'triager' as const };

describe('session store', () => {
  it('returns a session for its id only, and never the same id twice', () => {
    const store = new SessionStore();
    const a = store.create(user);
    const b = store.create(user);
    expect(a.id).not.toBe(b.id);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.get(a.id)?.userName).toBe('ann');
    expect(store.get(`${a.id}x`)).toBeUndefined();
    expect(store.get(undefined)).toBeUndefined();
    expect(a.session.csrf).not.toBe(b.session.csrf);
  });

  it('expires after the idle limit and after the absolute limit despite activity', () => {
    let t = 0;
    const store = new SessionStore({ idleMs: 100, absoluteMs: 1000, now: () => t });
    const idle = store.create(user);
    t = 101;
    expect(store.get(idle.id)).toBeUndefined();
    const busy = store.create(user);
    for (t = 150; t <= 1101; t += 50) {
      if (t - busy.session.createdAt <= 1000) expect(store.get(busy.id)).toBeDefined();
    }
    expect(store.get(busy.id)).toBeUndefined();
  });

  it('stays bounded: the oldest session is evicted when full', () => {
    const store = new SessionStore({ maxSessions: 3 });
    const ids = Array.from({ length: 5 }, () => store.create(user).id);
    expect(store.size).toBe(3);
    expect(store.get(ids[0])).toBeUndefined();
    expect(store.get(ids[4])).toBeDefined();
  });

  it('destroys one session or every session of a user', () => {
    const store = new SessionStore();
    const a = store.create(user);
    const b = store.create(user);
    const c = store.create({ ...user, id: 2 });
    store.destroy(a.id);
    expect(store.get(a.id)).toBeUndefined();
    store.destroyUser(1);
    expect(store.get(b.id)).toBeUndefined();
    expect(store.get(c.id)).toBeDefined();
  });
});

describe('tokens', () => {
  it('compares tokens exactly', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abc', 'abd')).toBe(false);
    expect(sameToken('abc', 'abcd')).toBe(false);
    expect(sameToken('', '')).toBe(false);
    expect(sameToken(undefined, 'x')).toBe(false);
  });

  it('binds the login form token to its cookie and to this server’s key', () => {
    const csrf = new LoginCsrf();
    const other = new LoginCsrf();
    const t = csrf.tokenFor('nonce-1');
    expect(csrf.check('nonce-1', t)).toBe(true);
    expect(csrf.check('nonce-2', t)).toBe(false);
    expect(csrf.check(undefined, t)).toBe(false);
    expect(other.check('nonce-1', t)).toBe(false);
  });

  it('throttles a user name after repeated failures until the window passes', () => {
    const th = new LoginThrottle(3, 1000);
    for (let i = 0; i < 3; i++) th.fail('Ann', i);
    expect(th.allow('ann', 10)).toBe(false);
    expect(th.allow('bob', 10)).toBe(true);
    expect(th.allow('ann', 1001)).toBe(true);
    th.reset('ann');
    expect(th.allow('ann', 20)).toBe(true);
  });
});
