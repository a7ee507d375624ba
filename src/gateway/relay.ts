import type { IncomingMessage, ServerResponse } from 'node:http';
import { isOpenAiError } from './errors.js';
import type { Exchange } from './exchange.js';
import { guardSlots, type OutputContext, OutputVerdict } from './output-scan.js';
import { estimateTokens, type KeyLimiter } from './rate-limit.js';
import { describe, sendError } from './respond.js';
import type { RouteKind } from './routes.js';
import { SseParser } from './sse.js';
import { blockedStreamEvent, StreamGuard, streamErrorEvent } from './stream-guard.js';
import { responseSlots } from './texts.js';
import type { GatewayPolicy, RoutePolicy } from './types.js';
import { type Cancel, passHeaders } from './upstream.js';

export interface RelayArgs {
  readonly res: ServerResponse;
  readonly upstreamRes: IncomingMessage;
  readonly x: Exchange;
  readonly kind: RouteKind;
  readonly policy: GatewayPolicy;
  readonly route: RoutePolicy;
  readonly out: OutputContext;
  readonly cancel: Cancel;
  readonly limiter: KeyLimiter;
}

const MAX_ERROR_BODY = 1024 * 1024;

export function relay(a: RelayArgs): Promise<void> {
  const status = a.upstreamRes.statusCode ?? 502;
  if (status >= 400) return relayError(a);
  const ctype = String(a.upstreamRes.headers['content-type'] ?? '');
  const untouched = a.out.policy.action === 'off' && a.out.session.size === 0;
  if (untouched) return pipeRaw(a);
  if (ctype.includes('text/event-stream')) return relayStream(a);
  return relayBody(a);
}

/**
 * Fires when the upstream goes quiet for `ms`. A touch per chunk only records the time; the one timer
 * re-arms itself for the remainder when it finds activity, instead of being moved in the timer list on
 * every chunk.
 */
function idleTimer(ms: number, onIdle: () => void): { touch(): void; stop(): void } {
  let last = performance.now();
  const check = () => {
    const quiet = performance.now() - last;
    if (quiet >= ms) onIdle();
    else t = setTimeout(check, ms - quiet);
  };
  let t: NodeJS.Timeout | undefined = setTimeout(check, ms);
  return {
    touch() {
      last = performance.now();
    },
    stop() {
      clearTimeout(t);
      t = undefined;
    },
  };
}

type ReadResult = { ok: true; body: Buffer } | { ok: false; why: 'too_large' | 'timeout' | 'error'; detail?: string };

function readAll(a: RelayArgs, max: number): Promise<ReadResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (r: ReadResult) => {
      if (settled) return;
      settled = true;
      idle.stop();
      resolve(r);
    };
    const idle = idleTimer(a.policy.idleTimeoutMs, () => {
      a.upstreamRes.destroy();
      settle({ ok: false, why: 'timeout' });
    });
    a.upstreamRes.on('data', (c: Buffer) => {
      idle.touch();
      size += c.length;
      if (size > max) {
        a.upstreamRes.destroy();
        settle({ ok: false, why: 'too_large' });
        return;
      }
      chunks.push(c);
    });
    a.upstreamRes.on('end', () => settle({ ok: true, body: Buffer.concat(chunks) }));
    a.upstreamRes.on('error', (e) => settle({ ok: false, why: 'error', detail: describe(e) }));
    a.upstreamRes.on('close', () => settle({ ok: false, why: 'error', detail: 'upstream closed the connection' }));
  });
}

function failRead(a: RelayArgs, r: Exclude<ReadResult, { ok: true }>): void {
  if (a.x.clientAborted) return;
  if (r.why === 'timeout') {
    sendError(a.res, a.x, 'upstream_timeout', `the upstream sent nothing for ${a.policy.idleTimeoutMs} ms`);
  } else if (r.why === 'too_large') {
    sendError(
      a.res,
      a.x,
      'response_too_large',
      `the upstream response is larger than ${a.route.maxResponseBytes} bytes`,
    );
  } else sendError(a.res, a.x, 'upstream_error', `the upstream response failed: ${r.detail ?? 'unknown error'}`);
}

/** Upstream 4xx/5xx: OpenAI-shaped bodies pass through with their status; anything else becomes a 502. */
async function relayError(a: RelayArgs): Promise<void> {
  const status = a.upstreamRes.statusCode ?? 502;
  const r = await readAll(a, MAX_ERROR_BODY);
  if (!r.ok) return failRead(a, r);
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (isOpenAiError(parsed)) {
    a.x.status = status;
    a.x.error = `upstream_${status}`;
    a.x.bytesOut += r.body.length;
    a.res.writeHead(status, { ...passHeaders(a.upstreamRes.headers, false), 'x-request-id': a.x.id });
    a.res.end(r.body);
    return;
  }
  sendError(a.res, a.x, 'upstream_error', `the upstream answered HTTP ${status} without an OpenAI error body`);
}

/** Nothing to scan or restore (models, embeddings by default): bytes flow straight through. */
function pipeRaw(a: RelayArgs): Promise<void> {
  const { res, upstreamRes, x } = a;
  return new Promise((resolve) => {
    x.status = upstreamRes.statusCode ?? 200;
    res.writeHead(x.status, { ...passHeaders(upstreamRes.headers, false), 'x-request-id': x.id });
    let events = 0;
    const idle = idleTimer(a.policy.idleTimeoutMs, () => {
      x.error = 'upstream_timeout';
      upstreamRes.destroy();
      res.destroy();
      resolve();
    });
    upstreamRes.on('data', (c: Buffer) => {
      idle.touch();
      x.bytesOut += c.length;
      for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 2)) if (c[i + 1] === 10) events++;
      if (!res.write(c)) {
        upstreamRes.pause();
        res.once('drain', () => upstreamRes.resume());
      }
    });
    upstreamRes.on('end', () => {
      idle.stop();
      x.tokensOut = events;
      a.limiter.charge(x.keyId, events);
      res.end();
      resolve();
    });
    upstreamRes.on('error', () => {
      idle.stop();
      x.error ??= 'upstream_error';
      res.destroy();
      resolve();
    });
  });
}

async function relayBody(a: RelayArgs): Promise<void> {
  const { res, upstreamRes, x, out } = a;
  const r = await readAll(a, a.route.maxResponseBytes);
  if (!r.ok) return failRead(a, r);
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const verdict = new OutputVerdict();
  let body = r.body;
  if (parsed === undefined) {
    // Unreadable completions cannot be checked: under `block` they do not pass.
    if (out.policy.action === 'block') {
      return sendError(res, x, 'upstream_error', 'the upstream response is not JSON and cannot be checked');
    }
  } else {
    const g0 = performance.now();
    const slots = responseSlots(a.kind, parsed);
    const ok = guardSlots(out, slots, verdict);
    x.guardMs += performance.now() - g0;
    x.output = verdict.toVerdict(out.policy.action);
    let outChars = 0;
    for (const s of slots) outChars += s.text.length;
    const usage = (parsed as { usage?: { completion_tokens?: unknown } }).usage;
    const used = typeof usage?.completion_tokens === 'number' ? usage.completion_tokens : estimateTokens(outChars);
    x.tokensOut = used;
    a.limiter.charge(x.keyId, used);
    if (!ok) {
      return sendError(
        res,
        x,
        'output_blocked',
        `The completion was withheld by the gateway's output policy (${x.output.categories.join(', ')}).`,
      );
    }
    if ((verdict.flagged && out.policy.action === 'redact') || out.session.size > 0) {
      body = Buffer.from(JSON.stringify(parsed));
    }
  }
  x.status = upstreamRes.statusCode ?? 200;
  x.bytesOut += body.length;
  res.writeHead(x.status, {
    ...passHeaders(upstreamRes.headers, true),
    'content-length': String(body.length),
    'x-request-id': x.id,
  });
  res.end(body);
}

function relayStream(a: RelayArgs): Promise<void> {
  const { res, upstreamRes, x, out } = a;
  const parser = new SseParser();
  const sg = new StreamGuard(a.kind, out, a.route.stream);
  x.status = upstreamRes.statusCode ?? 200;
  res.writeHead(x.status, {
    ...passHeaders(upstreamRes.headers, true),
    'cache-control': 'no-cache',
    'x-request-id': x.id,
  });
  return new Promise((resolve) => {
    let ended = false;
    const write = (s: string): void => {
      if (!s || res.destroyed) return;
      x.bytesOut += Buffer.byteLength(s);
      if (!res.write(s)) {
        upstreamRes.pause();
        res.once('drain', () => upstreamRes.resume());
      }
    };
    const finish = (tail: string, error?: string): void => {
      if (ended) return;
      ended = true;
      idle.stop();
      if (error) x.error ??= error;
      x.output = sg.verdict.toVerdict(out.policy.action);
      x.tokensOut = estimateTokens(sg.released);
      a.limiter.charge(x.keyId, x.tokensOut);
      write(tail);
      res.end();
      resolve();
    };
    const endWithError = (code: 'upstream_timeout' | 'upstream_error', message: string): void => {
      upstreamRes.destroy();
      finish(streamErrorEvent(a.kind, code, message), code);
    };
    const handle = (events: ReturnType<SseParser['push']>): boolean => {
      const g0 = performance.now();
      let chunk = '';
      for (const e of events) {
        const s = sg.onEvent(e);
        if (s === undefined) {
          x.guardMs += performance.now() - g0;
          write(chunk);
          a.cancel.cancel(new Error('output blocked'));
          const cats = sg.verdict.toVerdict('block').categories.join(', ');
          finish(
            blockedStreamEvent(a.kind, `The completion was cut by the gateway's output policy (${cats}).`),
            'output_blocked',
          );
          return false;
        }
        chunk += s;
      }
      x.guardMs += performance.now() - g0;
      write(chunk);
      return true;
    };
    const idle = idleTimer(a.policy.idleTimeoutMs, () =>
      endWithError('upstream_timeout', `the upstream stream went quiet for ${a.policy.idleTimeoutMs} ms`),
    );
    upstreamRes.on('data', (c: Buffer) => {
      if (ended) return;
      idle.touch();
      try {
        handle(parser.push(c));
      } catch (e) {
        endWithError('upstream_error', describe(e));
      }
    });
    upstreamRes.on('end', () => {
      if (ended) return;
      try {
        if (!handle(parser.end())) return;
        const tail = sg.finish();
        if (tail === undefined) {
          finish(
            blockedStreamEvent(a.kind, "The completion was cut by the gateway's output policy."),
            'output_blocked',
          );
          return;
        }
        finish(tail);
      } catch (e) {
        endWithError('upstream_error', describe(e));
      }
    });
    upstreamRes.on('close', () => {
      if (ended || upstreamRes.complete) return;
      if (x.clientAborted) return finish('');
      endWithError('upstream_error', 'the upstream closed the stream before it ended');
    });
    upstreamRes.on('error', (e) => {
      if (ended) return;
      if (x.clientAborted) return finish('');
      endWithError('upstream_error', `the upstream stream failed: ${describe(e)}`);
    });
  });
}
