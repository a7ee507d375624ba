import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { UserRole } from '../store/auth-repo.js';

/**
 * Dashboard sessions, kept in the server's memory.
 *
 * Hand-written because session handling is security-critical and small: ids are 32 random bytes,
 * stored only as their SHA-256 (a heap dump does not yield usable cookies), expire after an idle
 * and an absolute limit, and are never reused across a login (a fresh id is minted every time, so a
 * planted cookie cannot be fixed on a victim). Sessions end when the server restarts; that is the
 * safe default for a single-process server and needs no table in the store.
 */
export interface Session {
  readonly userId: number;
  readonly userName: string;
  readonly role: UserRole;
  /** Synchroniser token every state-changing form must echo back. */
  readonly csrf: string;
  readonly createdAt: number;
  lastSeen: number;
}

export interface SessionOptions {
  readonly idleMs?: number;
  readonly absoluteMs?: number;
  readonly maxSessions?: number;
  readonly now?: () => number;
}

export const SESSION_COOKIE = 'warden_session';
export const LOGIN_COOKIE = 'warden_login';

const digest = (id: string): string => createHash('sha256').update(id).digest('hex');
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly idleMs: number;
  private readonly absoluteMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;

  constructor(opts: SessionOptions = {}) {
    this.idleMs = opts.idleMs ?? 30 * 60_000;
    this.absoluteMs = opts.absoluteMs ?? 12 * 3600_000;
    this.maxSessions = opts.maxSessions ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** A new session with a new id; the id is returned once and only its hash is kept. */
  create(user: { id: number; name: string; role: UserRole }): { id: string; session: Session } {
    if (this.sessions.size >= this.maxSessions) this.sweep();
    // Still full after dropping expired ones: evict the oldest (Map keeps insertion order).
    while (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const id = randomToken();
    const t = this.now();
    const session: Session = {
      userId: user.id,
      userName: user.name,
      role: user.role,
      csrf: randomToken(),
      createdAt: t,
      lastSeen: t,
    };
    this.sessions.set(digest(id), session);
    return { id, session };
  }

  /** The live session for a cookie value, touching its idle timer; undefined when unknown or expired. */
  get(id: string | undefined): Session | undefined {
    if (!id || id.length > 100) return undefined;
    const key = digest(id);
    const s = this.sessions.get(key);
    if (!s) return undefined;
    const t = this.now();
    if (t - s.lastSeen > this.idleMs || t - s.createdAt > this.absoluteMs) {
      this.sessions.delete(key);
      return undefined;
    }
    s.lastSeen = t;
    return s;
  }

  destroy(id: string | undefined): void {
    if (id) this.sessions.delete(digest(id));
  }

  /** Ends every session of a user (role change, disabled account). */
  destroyUser(userId: number): void {
    for (const [k, s] of this.sessions) if (s.userId === userId) this.sessions.delete(k);
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, s] of this.sessions) {
      if (t - s.lastSeen > this.idleMs || t - s.createdAt > this.absoluteMs) this.sessions.delete(k);
    }
  }
}

/** Constant-time string comparison for tokens (length leaks nothing useful: tokens are fixed-size). */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length === 0) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The login form has no session yet, so its CSRF token is bound to a short-lived random cookie:
 * token = HMAC(server key, cookie). A cross-site form can neither read nor set that cookie
 * (HttpOnly, SameSite=Strict), so it cannot produce a matching pair.
 */
export class LoginCsrf {
  private readonly key: Buffer;
  constructor(key: Buffer = randomBytes(32)) {
    this.key = key;
  }
  tokenFor(nonce: string): string {
    return createHmac('sha256', this.key).update(`login:${nonce}`).digest('base64url');
  }
  check(nonce: string | undefined, token: string | undefined): boolean {
    if (!nonce || nonce.length > 100) return false;
    return sameToken(this.tokenFor(nonce), token);
  }
}

/**
 * Slows password guessing per user name: after `maxFailures` failures inside `windowMs` the name is
 * refused until the window passes. Per name rather than per address, so a botnet gains nothing;
 * the cost (an attacker can lock a name out for a while) is the usual trade-off and is documented.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();
  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 15 * 60_000,
  ) {}
  allow(name: string, t: number): boolean {
    const f = this.failures.get(name.toLowerCase());
    if (!f || t - f.since > this.windowMs) return true;
    return f.count < this.maxFailures;
  }
  fail(name: string, t: number): void {
    const key = name.toLowerCase();
    const f = this.failures.get(key);
    if (!f || t - f.since > this.windowMs) {
      if (this.failures.size > 50_000) this.failures.clear();
      this.failures.set(key, { count: 1, since: t });
    } else f.count++;
  }
  reset(name: string): void {
    this.failures.delete(name.toLowerCase());
  }
}
