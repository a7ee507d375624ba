import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyIdOf } from '../../src/gateway/exchange.js';
import { GatewayPolicyError, gatewayPolicy, parseGatewayPolicy } from '../../src/gateway/policy.js';
import { KeyLimiter, TokenBucket } from '../../src/gateway/rate-limit.js';
import { RedactionSession, safeCut } from '../../src/gateway/redact.js';
import { matchRoute } from '../../src/gateway/routes.js';
import { formatSse, SseParser, SseTooLargeError } from '../../src/gateway/sse.js';

const eventArb = fc.record(
  {
    event: fc.stringMatching(/^[a-z.]{1,20}$/),
    data: fc.string({ maxLength: 80 }).map((s) => s.replace(/\r/g, '')),
  },
  { requiredKeys: ['data'] },
);

describe('SseParser', () => {
  it('property: any split of a formatted stream (bytes, LF or CRLF) parses back to the same events', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 12 }),
        fc.array(fc.nat(40), { maxLength: 30 }),
        fc.boolean(),
        (evs, cuts, crlf) => {
          let text = evs.map((e) => formatSse(e)).join('');
          if (crlf) text = text.replace(/\n/g, '\r\n');
          const bytes = Buffer.from(text, 'utf8');
          const p = new SseParser();
          const out = [];
          let pos = 0;
          for (const c of cuts) {
            out.push(...p.push(bytes.subarray(pos, pos + c)));
            pos += c;
          }
          out.push(...p.push(bytes.subarray(pos)), ...p.end());
          expect(out).toEqual(
            evs.map((e) => (e.event !== undefined ? { event: e.event, data: e.data } : { data: e.data })),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: arbitrary bytes never throw except the size cap, and memory stays bounded', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => {
        const p = new SseParser(4096);
        try {
          p.push(Buffer.from(b));
          p.end();
        } catch (e) {
          expect(e).toBeInstanceOf(SseTooLargeError);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an event larger than the cap instead of buffering it', () => {
    const p = new SseParser(1000);
    expect(() => {
      for (let i = 0; i < 20; i++) p.push(`data: ${'x'.repeat(100)}\n`);
    }).toThrow(SseTooLargeError);
  });

  it('skips comments (keep-alive pings) and keeps multi-line data', () => {
    const p = new SseParser();
    expect(p.push(': ping\n\ndata: a\ndata: b\n\n')).toEqual([{ data: 'a\nb' }]);
  });
});

describe('RedactionSession and safeCut', () => {
  it('gives one placeholder per distinct value and restores or masks', () => {
    const s = new RedactionSession();
    const t = 'a@x.io and b@y.io and a@x.io';
    const red = s.redact(t, [
      { start: 0, end: 6, detectorId: 'email' },
      { start: 11, end: 17, detectorId: 'email' },
      { start: 22, end: 28, detectorId: 'email' },
    ]);
    expect(red).toBe('[EMAIL_1] and [EMAIL_2] and [EMAIL_1]');
    expect(s.restore(red, 'restore')).toBe(t);
    expect(s.restore(red, 'mask')).toBe('[REDACTED:email] and [REDACTED:email] and [REDACTED:email]');
    expect(s.restore('[EMAIL_9] stays', 'restore')).toBe('[EMAIL_9] stays');
  });

  it('never cuts inside a possible placeholder or a surrogate pair', () => {
    expect(safeCut('hello [EMAI', 9)).toBe(6);
    expect(safeCut('hello [EMAIL_1] x', 16)).toBe(16);
    expect(safeCut('ab🎉cd', 3)).toBe(2);
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.nat(70), (t, c) => {
        const k = safeCut(t, c);
        expect(k).toBeGreaterThanOrEqual(0);
        expect(k).toBeLessThanOrEqual(Math.min(Math.max(c, 0), t.length));
      }),
    );
  });
});

describe('token buckets', () => {
  it('refills continuously and reports the wait', () => {
    const b = new TokenBucket(60, 2, 0);
    expect(b.tryTake(1, 0)).toBe(0);
    expect(b.tryTake(1, 0)).toBe(0);
    expect(b.tryTake(1, 0)).toBe(1000);
    expect(b.tryTake(1, 1000)).toBe(0);
  });

  it('lets a charged overdraft block later requests until refilled', () => {
    let now = 0;
    const l = new KeyLimiter({ requestsPerMinute: 0, tokensPerMinute: 600, burst: 1 }, () => now);
    expect(l.admit('k', 100).ok).toBe(true);
    l.charge('k', 1000);
    const d = l.admit('k', 1);
    expect(d).toMatchObject({ ok: false, which: 'tokens' });
    now += 60_000;
    expect(l.admit('k', 1).ok).toBe(true);
  });
});

describe('gateway policy files', () => {
  it('parses YAML, merges routes over defaults and keeps built-in route defaults', () => {
    const p = parseGatewayPolicy(`
version: 1
defaults:
  input: { action: log }
  stream: { holdback: 64 }
routes:
  /v1/completions:
    output: { action: redact, allowedHosts: [docs.example.com] }
rate: { requestsPerMinute: 10 }
`);
    expect(p.defaults.input.action).toBe('log');
    expect(p.routes['/v1/completions']!.output).toMatchObject({ action: 'redact', allowedHosts: ['docs.example.com'] });
    expect(p.routes['/v1/completions']!.stream.holdback).toBe(64);
    expect(p.routes['/v1/models']!.output.action).toBe('off');
    expect(p.rate).toMatchObject({ requestsPerMinute: 10, tokensPerMinute: 1_000_000 });
  });

  it('rejects unknown keys and bad values, all at once', () => {
    try {
      parseGatewayPolicy('defaults:\n  input: { acton: block }\n  output: { action: nuke }\nroutes:\n  /v2/x: {}\n');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GatewayPolicyError);
      const m = (e as Error).message;
      expect(m).toContain('defaults.input.acton: unknown key');
      expect(m).toContain('defaults.output.action: one of block, redact, log, off');
      expect(m).toContain('routes./v2/x: unknown key');
    }
    expect(() => gatewayPolicy({ upstreamTimeoutMs: -1 })).toThrow(GatewayPolicyError);
  });
});

describe('routes and key ids', () => {
  it('matches the OpenAI surface and model lookups', () => {
    expect(matchRoute('/v1/chat/completions?x=1')?.kind).toBe('chat');
    expect(matchRoute('/v1/models/gpt-4o')?.kind).toBe('models');
    expect(matchRoute('/v1/models/a/b')).toBeUndefined();
    expect(matchRoute('/v1/chat/completions/x')).toBeUndefined();
  });

  it('hashes API keys to a short id and never echoes them', () => {
    const id = keyIdOf('Bearer sk-abc');
    expect(id).toMatch(/^key_[0-9a-f]{12}$/);
    expect(keyIdOf(undefined, 'sk-abc')).toBe(id);
    expect(keyIdOf(undefined)).toBe('anonymous');
  });
});
