import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGuard, type Guard } from '../guard/index.js';
import { errorBody } from './errors.js';
import { eventOf, keyIdOf, newExchange, requestIdOf } from './exchange.js';
import { scanInjection, scanRequestData, VerdictCache } from './input-scan.js';
import { outputContext } from './output-scan.js';
import { DEFAULT_POLICY } from './policy.js';
import { estimateTokens, KeyLimiter } from './rate-limit.js';
import { RedactionSession } from './redact.js';
import { relay } from './relay.js';
import { describe, sendError } from './respond.js';
import { matchRoute } from './routes.js';
import { requestSlots, systemTexts } from './texts.js';
import type { GatewayEvent, GatewayPolicy } from './types.js';
import { Cancel, createUpstream, UpstreamTimeoutError } from './upstream.js';

export interface GatewayOptions {
  /** Base URL of the OpenAI-compatible upstream (`http://127.0.0.1:8000` or `https://api.openai.com/v1`). */
  readonly upstream: string;
  readonly policy?: GatewayPolicy;
  readonly guard?: Guard;
  /** Receives one event per request (the CLI wires a JSONL sink here). Must not throw. */
  readonly onEvent?: (e: GatewayEvent) => void;
  /** Replaces client Authorization towards the upstream. */
  readonly upstreamApiKey?: string;
  /** `source` field of events. */
  readonly source?: string;
  readonly clock?: () => number;
}

export interface Gateway {
  readonly server: http.Server;
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, ends idle keep-alive sockets, and closes upstream connections. */
  close(): Promise<void>;
}

/** How much of an oversized body is read and thrown away so the client can still read its 413. */
const DISCARD_LIMIT = 8 * 1024 * 1024;

type BodyResult = { ok: true; body: Buffer } | { ok: false; tooLarge: true; drained: boolean };

function readBody(req: IncomingMessage, max: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max + DISCARD_LIMIT) {
    return Promise.resolve({ ok: false, tooLarge: true, drained: false });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        // Past the discard limit the client is not going to stop: answer now and drop the connection.
        if (size > max + DISCARD_LIMIT) {
          req.removeAllListeners('data');
          req.pause();
          resolve({ ok: false, tooLarge: true, drained: false });
        }
        return;
      }
      chunks.push(c);
    });
    req.on('end', () =>
      resolve(over ? { ok: false, tooLarge: true, drained: true } : { ok: true, body: Buffer.concat(chunks) }),
    );
    req.on('error', reject);
  });
}

export function createGateway(opts: GatewayOptions): Gateway {
  const policy = opts.policy ?? DEFAULT_POLICY;
  const guard = opts.guard ?? createGuard();
  const clock = opts.clock ?? (() => performance.now());
  const upstream = createUpstream(opts.upstream, { apiKey: opts.upstreamApiKey });
  const limiter = new KeyLimiter(policy.rate);
  const cache = new VerdictCache();
  const source = opts.source ?? 'warden-gateway';
  const emit = opts.onEvent ?? (() => {});
  // First calls pay for JIT and lazily compiled detector tables; pay it at start-up, not on a user's request.
  guard.scanInput('warm-up: please summarise this text');
  guard.scanOutput('warm-up: reach me at someone@example.net', { systemPrompts: ['You are a helpful assistant.'] });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = clock();
    const id = requestIdOf(req.headers['x-request-id']);
    const route = matchRoute(req.url ?? '/');
    const x = newExchange(
      id,
      req.method ?? 'GET',
      keyIdOf(req.headers.authorization, req.headers['api-key']),
      route?.path ?? 'unknown',
      t0,
    );
    const cancel = new Cancel();
    let done = false;
    res.once('close', () => {
      if (!res.writableFinished) {
        x.clientAborted = true;
        cancel.cancel(new Error('client disconnected'));
      }
      if (!done) {
        done = true;
        try {
          emit(eventOf(x, clock(), source));
        } catch {
          // A failing sink must never take requests down with it.
        }
      }
    });
    if (!route) return sendError(res, x, 'not_found', `Unknown request URL: ${req.method} ${pathOf(req.url)}`);
    if (!route.methods.includes(x.method)) {
      return sendError(res, x, 'method_not_allowed', `${x.method} is not supported on ${route.path}`, null, {
        allow: route.methods.join(', '),
      });
    }
    const rp = policy.routes[route.path] ?? policy.defaults;

    let body: Buffer | undefined;
    let parsed: Record<string, unknown> | undefined;
    if (route.body) {
      const r = await readBody(req, rp.maxBodyBytes);
      if (!r.ok) {
        const h: Record<string, string> = r.drained ? {} : { connection: 'close' };
        return sendError(res, x, 'body_too_large', `Request body is larger than ${rp.maxBodyBytes} bytes`, null, h);
      }
      body = r.body;
      x.bytesIn = body.length;
      try {
        const v: unknown = JSON.parse(body.toString('utf8'));
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
        parsed = v as Record<string, unknown>;
      } catch {
        return sendError(res, x, 'invalid_json', 'The request body is not a JSON object');
      }
      if (typeof parsed.model === 'string') x.model = parsed.model.slice(0, 128);
      x.stream = parsed.stream === true;
    }

    const admit = limiter.admit(x.keyId, estimateTokens(x.bytesIn));
    if (!admit.ok) {
      x.rateLimited = admit.which;
      const secs = String(Math.max(1, Math.ceil(admit.retryAfterMs / 1000)));
      const msg =
        admit.which === 'requests'
          ? `Rate limit reached for requests on this key. Try again in ${secs}s.`
          : `Rate limit reached for tokens on this key. Try again in ${secs}s.`;
      return sendError(res, x, admit.which === 'requests' ? 'rate_limited' : 'tokens_limited', msg, null, {
        'retry-after': secs,
        ...limiter.headers(x.keyId),
      });
    }

    let session = new RedactionSession();
    let system: string[] = [];
    if (parsed) {
      const g0 = performance.now();
      const slots = requestSlots(route.kind, parsed);
      // System prompts as the client sent them: canaries are read before redaction can touch them.
      system = systemTexts(slots);
      if (rp.input.action !== 'off') x.input = scanInjection(guard, cache, slots, rp.input);
      if (x.input?.action === 'block') {
        x.guardMs += performance.now() - g0;
        return sendError(
          res,
          x,
          'input_blocked',
          `The request was blocked by the gateway's input policy (${x.input.categories.join(', ') || 'injection'}).`,
          x.input.param ?? null,
        );
      }
      if (rp.data.action !== 'off') {
        const d = scanRequestData(slots, rp.data);
        x.requestData = d.verdict;
        session = d.session;
        if (d.verdict.action === 'block') {
          x.guardMs += performance.now() - g0;
          return sendError(
            res,
            x,
            'data_blocked',
            `The request contains ${d.verdict.categories.join(' and ')} data the gateway's policy does not let leave.`,
            d.verdict.param ?? null,
          );
        }
        if (session.size > 0) body = Buffer.from(JSON.stringify(parsed));
      }
      x.guardMs += performance.now() - g0;
    }

    const tu = clock();
    let upstreamRes: IncomingMessage;
    try {
      upstreamRes = await upstream.send({
        method: x.method,
        path: req.url ?? route.path,
        headers: req.headers,
        body,
        cancel,
        timeoutMs: policy.upstreamTimeoutMs,
        requestId: x.id,
      });
    } catch (e) {
      if (x.clientAborted) return;
      if (e instanceof UpstreamTimeoutError) return sendError(res, x, 'upstream_timeout', e.message);
      return sendError(res, x, 'upstream_error', `The upstream could not be reached: ${describe(e)}`);
    }
    x.upstreamMs = clock() - tu;
    x.upstreamStatus = upstreamRes.statusCode ?? 0;
    const out = outputContext(guard, rp.output, system, session, rp.data.response);
    await relay({ res, upstreamRes, x, kind: route.kind, policy, route: rp, out, cancel, limiter });
  }

  const server = http.createServer(
    { keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000, noDelay: true },
    (req, res) => {
      handle(req, res).catch((e: unknown) => {
        // Programmer errors end as a 502 rather than a crashed gateway.
        if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify(errorBody('upstream_error', `gateway error: ${describe(e)}`)));
        } else res.destroy();
      });
    },
  );

  return {
    server,
    handle: (req, res) => void handle(req, res),
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        upstream.close();
      }),
  };
}

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return (q >= 0 ? u.slice(0, q) : u).slice(0, 200);
}
