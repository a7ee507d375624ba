import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';

// Hop-by-hop headers (RFC 9110 §7.6.1) and ones the gateway recomputes: never forwarded either way.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

export class UpstreamTimeoutError extends Error {
  override readonly name = 'UpstreamTimeoutError';
}

/**
 * Cancels one upstream exchange (client gone, stream cut). Does what an AbortController's signal would,
 * without the per-request cost of wiring an AbortSignal into node:http.
 */
export class Cancel {
  reason: Error | undefined;
  private hook: ((e: Error) => void) | undefined;

  cancel(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    this.hook?.(reason);
  }

  /** `f` runs on cancel, at once if it already happened. */
  onCancel(f: (e: Error) => void): void {
    this.hook = f;
    if (this.reason) f(this.reason);
  }
}

export interface UpstreamRequest {
  readonly method: string;
  /** Incoming path with query, e.g. `/v1/chat/completions?x=1`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body?: Buffer | undefined;
  readonly cancel: Cancel;
  /** Milliseconds until the response headers must have arrived. */
  readonly timeoutMs: number;
  readonly requestId: string;
}

export interface Upstream {
  readonly base: URL;
  send(r: UpstreamRequest): Promise<IncomingMessage>;
  close(): void;
}

export interface UpstreamOptions {
  /** Replaces the client's Authorization header (clients then hold gateway keys, not provider keys). */
  readonly apiKey?: string | undefined;
  readonly maxSockets?: number | undefined;
}

/**
 * The upstream client: node:http with a keep-alive agent (no per-request TCP/TLS handshake). A request is
 * sent at most once — a POST to a model API is not idempotent (it costs money and may act), so the
 * gateway never retries; failures go back to the client to decide.
 */
export function createUpstream(baseUrl: string, opts: UpstreamOptions = {}): Upstream {
  const base = new URL(baseUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`upstream must be http(s): ${baseUrl}`);
  const tls = base.protocol === 'https:';
  // noDelay: SSE chunks and small requests must not wait on Nagle's algorithm.
  const agentOpts = {
    keepAlive: true,
    noDelay: true,
    maxSockets: opts.maxSockets ?? 1024,
    keepAliveMsecs: 1000,
    scheduling: 'lifo' as const,
  };
  const agent = tls ? new https.Agent(agentOpts) : new http.Agent(agentOpts);
  const basePath = base.pathname.replace(/\/+$/, '');
  // An OpenAI-style base URL already ends in /v1 (https://api.openai.com/v1): do not double it.
  const join = (path: string) => (basePath.endsWith('/v1') ? basePath + path.slice(3) : basePath + path);

  return {
    base,
    close: () => agent.destroy(),
    send(r) {
      const headers: OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(r.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
      // The gateway must read what it scans: no compressed bodies from the upstream.
      headers['accept-encoding'] = 'identity';
      headers['x-request-id'] = r.requestId;
      if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
      if (r.body) headers['content-length'] = String(r.body.length);
      return new Promise((resolve, reject) => {
        const req = (tls ? https : http).request(
          {
            protocol: base.protocol,
            hostname: base.hostname,
            port: base.port || (tls ? 443 : 80),
            method: r.method,
            path: join(r.path),
            headers,
            agent,
          },
          (res) => {
            clearTimeout(timer);
            resolve(res);
          },
        );
        const timer = setTimeout(
          () => req.destroy(new UpstreamTimeoutError(`no response from the upstream within ${r.timeoutMs} ms`)),
          r.timeoutMs,
        );
        req.once('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        // Destroying the request also ends its response, mid-stream included.
        r.cancel.onCancel((e) => req.destroy(e));
        if (!req.destroyed) req.end(r.body);
      });
    },
  };
}

/** Upstream response headers worth passing to the client (minus hop-by-hop and what the gateway rewrites). */
export function passHeaders(h: IncomingHttpHeaders, rewritten: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined || HOP_BY_HOP.has(k)) continue;
    if (rewritten && (k === 'content-encoding' || k === 'etag' || k === 'content-md5')) continue;
    out[k] = v;
  }
  return out;
}
