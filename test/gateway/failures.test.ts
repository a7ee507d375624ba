/**
 * Upstream errors and timeouts, oversized bodies, rate and volume limits, client disconnects — every
 * failure comes back OpenAI-shaped, and upstream hit counts show nothing was retried or lost.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, chatBody, eventFor, parseStream, type Rig, startRig } from './helpers.js';

function expectOpenAiError(body: unknown, code: string): void {
  expect(body).toMatchObject({ error: { code, message: expect.any(String), type: expect.any(String) } });
  expect(Object.keys((body as { error: object }).error).sort()).toEqual(['code', 'message', 'param', 'type']);
}

describe('gateway failures', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      upstreamTimeoutMs: 300,
      idleTimeoutMs: 300,
      routes: { '/v1/embeddings': { maxBodyBytes: 1024 } },
    });
  });
  afterAll(() => rig.close());

  it('passes an OpenAI-shaped upstream error through with its status (500, 429)', async () => {
    const body = { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } };
    rig.up.plan('up-500', { kind: 'json', status: 500, body });
    const r = await call(rig.base, '/v1/chat/completions', { id: 'up-500', body: chatBody('hi') });
    expect(r.status).toBe(500);
    expect(r.json()).toEqual(body);
    const rl = { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } };
    rig.up.plan('up-429', { kind: 'json', status: 429, body: rl });
    const r2 = await call(rig.base, '/v1/chat/completions', { id: 'up-429', body: chatBody('hi') });
    expect(r2.status).toBe(429);
    expect(r2.json()).toEqual(rl);
    expect(rig.up.hits.get('up-500')).toBe(1);
    expect(rig.up.hits.get('up-429')).toBe(1);
  });

  it('turns a non-OpenAI upstream error page into a 502 OpenAI error', async () => {
    rig.up.plan('up-html', { kind: 'raw', status: 502, contentType: 'text/html', body: '<html>Bad Gateway</html>' });
    const r = await call(rig.base, '/v1/chat/completions', { id: 'up-html', body: chatBody('hi') });
    expect(r.status).toBe(502);
    expectOpenAiError(r.json(), 'upstream_error');
  });

  it('answers 502 when the upstream resets the connection, without retrying', async () => {
    rig.up.plan('up-reset', { kind: 'reset' });
    const r = await call(rig.base, '/v1/chat/completions', { id: 'up-reset', body: chatBody('hi') });
    expect(r.status).toBe(502);
    expectOpenAiError(r.json(), 'upstream_error');
    expect(rig.up.hits.get('up-reset')).toBe(1);
  });

  it('answers 504 when the upstream sends no headers in time, and aborts the upstream request', async () => {
    rig.up.plan('up-hang', { kind: 'hang' });
    const t0 = Date.now();
    const r = await call(rig.base, '/v1/chat/completions', { id: 'up-hang', body: chatBody('hi') });
    expect(r.status).toBe(504);
    expectOpenAiError(r.json(), 'upstream_timeout');
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(rig.up.hits.get('up-hang')).toBe(1);
    await waitFor(() => rig.up.aborted.has('up-hang'));
  });

  it('ends a stalled stream with an SSE upstream_timeout error event', async () => {
    rig.up.plan('up-stall', { kind: 'sse', chunks: 'one two three four five six'.split(' '), stallAfter: 3 });
    const r = await call(rig.base, '/v1/chat/completions', { id: 'up-stall', body: chatBody('x', { stream: true }) });
    expect(r.status).toBe(200);
    const s = parseStream(r.text);
    expect(s.done).toBe(false);
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0].error.code).toBe('upstream_timeout');
    const e = await eventFor(rig, 'up-stall');
    expect(e.error).toBe('upstream_timeout');
  });

  it('does not cut a slow stream whose gaps stay under the idle timeout, however long it runs', async () => {
    // 8 gaps of 120 ms: about 1 s in all, over three idle timeouts, but never 300 ms quiet.
    const chunks = 'one two three four five six seven eight'.split(' ').map((w) => `${w} `);
    rig.up.plan('up-slow', { kind: 'sse', chunks, delayMs: 120 });
    const r = await call(rig.base, '/v1/chat/completions', { id: 'up-slow', body: chatBody('x', { stream: true }) });
    const s = parseStream(r.text);
    expect(s.errors).toHaveLength(0);
    expect(s.done).toBe(true);
    expect(s.content).toBe(chunks.join(''));
    expect((await eventFor(rig, 'up-slow')).error).toBeUndefined();
  });

  it('ends a stream the upstream drops midway with an SSE upstream_error event', async () => {
    rig.up.plan('up-drop', { kind: 'sse', chunks: 'one two three four five six'.split(' '), resetAfter: 2 });
    const r = await call(rig.base, '/v1/chat/completions', { id: 'up-drop', body: chatBody('x', { stream: true }) });
    const s = parseStream(r.text);
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0].error.code).toBe('upstream_error');
  });

  it('refuses oversized bodies with 413 — declared length and chunked — before anything goes upstream', async () => {
    const big = JSON.stringify({ model: 'e', input: 'x'.repeat(5000) });
    const r = await call(rig.base, '/v1/embeddings', { id: 'big-1', raw: big });
    expect(r.status).toBe(413);
    expectOpenAiError(r.json(), 'request_too_large');
    const chunked = await chunkedPost(rig.base, '/v1/embeddings', 'big-2', [big.slice(0, 3000), big.slice(3000)]);
    expect(chunked.status).toBe(413);
    expect(rig.up.hits.get('big-1')).toBeUndefined();
    expect(rig.up.hits.get('big-2')).toBeUndefined();
    // The limit is per route: the same body is fine on chat completions.
    const ok = await call(rig.base, '/v1/chat/completions', { id: 'big-ok', body: chatBody('y'.repeat(5000)) });
    expect(ok.status).toBe(200);
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    rig.up.plan('cl-gone', { kind: 'sse', chunks: Array.from({ length: 200 }, (_, i) => `w${i} `), delayMs: 10 });
    await new Promise<void>((resolve, reject) => {
      const req = http.request(`${rig.base}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'cl-gone' },
      });
      req.on('response', (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (e) => (e.message.includes('socket hang up') ? resolve() : reject(e)));
      req.end(JSON.stringify(chatBody('x', { stream: true })));
    });
    await waitFor(() => rig.up.aborted.has('cl-gone'));
    const e = await eventFor(rig, 'cl-gone');
    expect(e.data.clientAborted).toBe(true);
    expect(rig.up.hits.get('cl-gone')).toBe(1);
  });

  it('answers 502 when the upstream is unreachable', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const dead = await startRig({}, `http://127.0.0.1:${port}`);
    try {
      const r = await call(dead.base, '/v1/chat/completions', { id: 'dead-1', body: chatBody('hi') });
      expect(r.status).toBe(502);
      expectOpenAiError(r.json(), 'upstream_error');
      expect(r.json().error.message).toContain('ECONNREFUSED');
    } finally {
      await dead.close();
    }
  });
});

describe('gateway rate and volume limits per API key', () => {
  it('refuses the 4th request in a minute at 3 rpm with a 429 and retry-after; other keys are unaffected', async () => {
    const rig = await startRig({ rate: { requestsPerMinute: 3, tokensPerMinute: 0 } });
    try {
      const a = { authorization: 'Bearer key-alpha' };
      for (let i = 0; i < 3; i++) {
        const r = await call(rig.base, '/v1/chat/completions', { id: `rl-a${i}`, body: chatBody('hi'), headers: a });
        expect(r.status).toBe(200);
      }
      const r = await call(rig.base, '/v1/chat/completions', { id: 'rl-a3', body: chatBody('hi'), headers: a });
      expect(r.status).toBe(429);
      expectOpenAiError(r.json(), 'rate_limit_exceeded');
      expect(r.json().error.type).toBe('requests');
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(rig.up.hits.get('rl-a3')).toBeUndefined();
      const b = await call(rig.base, '/v1/chat/completions', {
        id: 'rl-b0',
        body: chatBody('hi'),
        headers: { authorization: 'Bearer key-beta' },
      });
      expect(b.status).toBe(200);
      const ev = await eventFor(rig, 'rl-a3');
      expect(ev).toMatchObject({ action: 'block', status: 429, data: { rateLimited: 'requests' } });
    } finally {
      await rig.close();
    }
  });

  it('extraction defence: a key that pulled its token budget out is refused (type tokens) until it refills', async () => {
    const rig = await startRig({ rate: { requestsPerMinute: 0, tokensPerMinute: 300 } });
    try {
      const h = { authorization: 'Bearer key-extract' };
      // ~250 prompt tokens fit the 300-token bucket; the ~250-token echo charged afterwards overdraws it.
      const big = chatBody('z'.repeat(1000));
      expect((await call(rig.base, '/v1/chat/completions', { id: 'tok-0', body: big, headers: h })).status).toBe(200);
      const other = await call(rig.base, '/v1/chat/completions', {
        id: 'tok-o',
        body: big,
        headers: { authorization: 'Bearer other' },
      });
      expect(other.status).toBe(200);
      const r = await call(rig.base, '/v1/chat/completions', { id: 'tok-2', body: chatBody('small'), headers: h });
      expect(r.status).toBe(429);
      expect(r.json().error.type).toBe('tokens');
      expect(rig.up.hits.get('tok-2')).toBeUndefined();
    } finally {
      await rig.close();
    }
  });
});

function chunkedPost(base: string, path: string, id: string, parts: string[]): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id, 'transfer-encoding': 'chunked' },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    for (const p of parts) req.write(p);
    req.end();
  });
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
