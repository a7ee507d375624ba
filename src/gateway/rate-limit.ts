import type { RateLimit } from './types.js';

/**
 * A token bucket refilled continuously at `perMinute`, holding at most `perMinute * burst`. `take` may
 * drive the level below zero (a response larger than estimated is charged after the fact), so a key that
 * pulled a lot of text out waits proportionally — the point of volume limits as an extraction defence.
 */
export class TokenBucket {
  private level: number;
  private last: number;

  constructor(
    private readonly perMinute: number,
    private readonly capacity: number,
    now: number,
  ) {
    this.level = capacity;
    this.last = now;
  }

  private refill(now: number): void {
    const dt = Math.max(0, now - this.last);
    this.last = now;
    this.level = Math.min(this.capacity, this.level + (dt * this.perMinute) / 60_000);
  }

  /** Milliseconds until `amount` is available, 0 when it is available now (and then taken). */
  tryTake(amount: number, now: number): number {
    this.refill(now);
    if (this.level >= amount || (this.level > 0 && amount > this.capacity)) {
      this.level -= amount;
      return 0;
    }
    return Math.ceil(((Math.min(amount, this.capacity) - this.level) * 60_000) / this.perMinute);
  }

  /** Charges usage found out later (completion tokens); never refuses. */
  charge(amount: number, now: number): void {
    this.refill(now);
    this.level -= amount;
  }

  remaining(now: number): number {
    this.refill(now);
    return Math.max(0, Math.floor(this.level));
  }
}

interface KeyState {
  readonly requests?: TokenBucket;
  readonly tokens?: TokenBucket;
}

export type LimitDecision =
  | { readonly ok: true }
  | { readonly ok: false; readonly which: 'requests' | 'tokens'; readonly retryAfterMs: number };

const MAX_KEYS = 100_000;

/** Per-key request and volume limits. Keys are hashed ids; the map is bounded (oldest key evicted). */
export class KeyLimiter {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly limits: RateLimit,
    private readonly clock: () => number = Date.now,
  ) {}

  private state(key: string): KeyState {
    let s = this.keys.get(key);
    if (!s) {
      const now = this.clock();
      const { requestsPerMinute: rpm, tokensPerMinute: tpm, burst } = this.limits;
      s = {
        ...(rpm > 0 ? { requests: new TokenBucket(rpm, Math.max(1, rpm * burst), now) } : {}),
        ...(tpm > 0 ? { tokens: new TokenBucket(tpm, Math.max(1, tpm * burst), now) } : {}),
      };
      if (this.keys.size >= MAX_KEYS) this.keys.delete(this.keys.keys().next().value!);
      this.keys.set(key, s);
    }
    return s;
  }

  /** Admits one request estimated at `tokens` prompt tokens, or says which limit refused it. */
  admit(key: string, tokens: number): LimitDecision {
    const s = this.state(key);
    const now = this.clock();
    // The volume bucket is checked first without taking, so a request refused for volume costs no request slot.
    if (s.tokens && s.tokens.remaining(now) <= 0) {
      return { ok: false, which: 'tokens', retryAfterMs: s.tokens.tryTake(1, now) || 1000 };
    }
    const wait = s.requests?.tryTake(1, now) ?? 0;
    if (wait > 0) return { ok: false, which: 'requests', retryAfterMs: wait };
    s.tokens?.charge(tokens, now);
    return { ok: true };
  }

  /** Charges completion tokens once the response is known. */
  charge(key: string, tokens: number): void {
    if (tokens > 0) this.state(key).tokens?.charge(tokens, this.clock());
  }

  headers(key: string): Record<string, string> {
    const s = this.state(key);
    const now = this.clock();
    const h: Record<string, string> = {};
    if (s.requests) h['x-ratelimit-remaining-requests'] = String(s.requests.remaining(now));
    if (s.tokens) h['x-ratelimit-remaining-tokens'] = String(s.tokens.remaining(now));
    return h;
  }
}

/** The estimate OpenAI's own docs give for English text: about four characters per token. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}
