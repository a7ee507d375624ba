import { isRetryableStatus, RemoteError } from './remote-error.js';

/** Transfer accounting shared by every request of one scan, so a benchmark can print the real cost. */
export interface Meter {
  /** Response body bytes received. */
  bytes: number;
  requests: number;
}

export interface HttpOptions {
  /** Headers must arrive, and each body chunk must follow the last, within this many ms. */
  readonly timeoutMs: number;
  /** Attempts after the first, for connection errors, timeouts, 408/429/5xx. */
  readonly retries: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  readonly maxRedirects: number;
  readonly userAgent: string;
  readonly signal?: AbortSignal;
  readonly meter?: Meter;
}

export const DEFAULT_HTTP: HttpOptions = {
  timeoutMs: 30_000,
  retries: 4,
  backoffMs: 500,
  maxBackoffMs: 20_000,
  maxRedirects: 5,
  userAgent: 'warden',
};

export interface SignInput {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
  /** Headers computed afresh for each attempt (SigV4 dates); dropped once a redirect leaves the origin. */
  readonly sign?: (input: SignInput) => Record<string, string>;
  /** Names the resource in messages: `hf://org/model`, `s3://bucket/key`. */
  readonly what: string;
  /** Turns a failing status into an error with a hint; the default says what the status means. */
  readonly explain?: (status: number, headers: Headers, body: string) => RemoteError | undefined;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Final URL after redirects. */
  readonly url: string;
  readonly body: Uint8Array;
}

/**
 * The most body bytes to accept; a function sees the headers first and may refuse outright
 * (a 200 where a 206 was asked for, over the whole-download cap) by throwing a RemoteError.
 */
export type BodyLimit = number | ((status: number, headers: Headers) => number);

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const ERROR_BODY_CAP = 64 * 1024;

class AttemptTimeout extends Error {}

/**
 * One HTTP exchange with retries, backoff, per-attempt timeouts, manual redirects and a body cap.
 * Redirects are followed by hand so credentials never travel to another origin (Hugging Face
 * redirects LFS files to a CDN; the token must stay with the Hub).
 */
export async function fetchBytes(req: HttpRequest, opts: HttpOptions, limit: BodyLimit): Promise<HttpResponse> {
  let lastError: RemoteError | undefined;
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    if (opts.signal?.aborted) throw new RemoteError('timeout', `${req.what}: aborted (time budget exhausted)`);
    try {
      return await attemptOnce(req, opts, limit);
    } catch (e) {
      const err = asRemoteError(e, req.what, opts.timeoutMs);
      if (!err.retry || attempt === opts.retries || opts.signal?.aborted) throw err.error;
      lastError = err.error;
      await sleep(backoff(opts, attempt, err.retryAfterMs), opts.signal);
    }
  }
  throw lastError ?? new RemoteError('network', `${req.what}: request failed`);
}

interface Classified {
  readonly error: RemoteError;
  readonly retry: boolean;
  readonly retryAfterMs?: number;
}

class RetryableStatus extends Error {
  constructor(
    readonly error: RemoteError,
    readonly retryAfterMs: number | undefined,
  ) {
    super(error.message);
  }
}

function asRemoteError(e: unknown, what: string, timeoutMs: number): Classified {
  if (e instanceof RetryableStatus)
    return { error: e.error, retry: true, ...(e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs }) };
  if (e instanceof RemoteError) return { error: e, retry: false };
  if (e instanceof AttemptTimeout || (e as { cause?: unknown })?.cause instanceof AttemptTimeout)
    return { error: new RemoteError('timeout', `${what}: no response within ${timeoutMs} ms`), retry: true };
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  const detail = cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
  return { error: new RemoteError('network', `${what}: connection failed (${detail})`), retry: true };
}

async function attemptOnce(req: HttpRequest, opts: HttpOptions, limit: BodyLimit): Promise<HttpResponse> {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(new AttemptTimeout());
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new AttemptTimeout()), opts.timeoutMs);
  };
  try {
    let url = new URL(req.url);
    let method: string = req.method;
    let sign = req.sign;
    const headers: Record<string, string> = {
      'user-agent': opts.userAgent,
      // Byte ranges are of the stored object; a compressed transfer would also make the meter lie.
      'accept-encoding': 'identity',
      ...req.headers,
    };
    let body = typeof req.body === 'string' ? new TextEncoder().encode(req.body) : (req.body ?? new Uint8Array(0));
    for (let hop = 0; ; hop++) {
      arm();
      const signed = sign ? { ...headers, ...sign({ method, url, headers, body }) } : headers;
      if (opts.meter) opts.meter.requests++;
      const res = await fetch(url, {
        method,
        headers: signed,
        redirect: 'manual',
        signal: controller.signal,
        ...(body.length > 0 && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
      });
      if (REDIRECTS.has(res.status) && res.headers.get('location')) {
        await res.body?.cancel();
        if (hop >= opts.maxRedirects)
          throw new RemoteError('http', `${req.what}: more than ${opts.maxRedirects} redirects`);
        const next = new URL(res.headers.get('location') ?? '', url);
        if (next.origin !== url.origin) {
          delete headers.authorization;
          delete headers.Authorization;
          sign = undefined;
        }
        if (res.status === 303) {
          method = 'GET';
          body = new Uint8Array(0);
        }
        url = next;
        continue;
      }
      if ((res.status < 200 || res.status >= 300) && res.status !== 416) {
        const text = new TextDecoder().decode(await readBody(res, ERROR_BODY_CAP, arm, opts.meter, true));
        const error = req.explain?.(res.status, res.headers, text) ?? statusError(req.what, res.status, text);
        if (isRetryableStatus(res.status)) throw new RetryableStatus(error, retryAfter(res.headers));
        throw error;
      }
      const cap = typeof limit === 'number' ? limit : limit(res.status, res.headers);
      const bytes = method === 'HEAD' ? new Uint8Array(0) : await readBody(res, cap, arm, opts.meter, false, req.what);
      return { status: res.status, headers: res.headers, url: url.href, body: bytes };
    }
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onOuterAbort);
    if (!controller.signal.aborted) controller.abort();
  }
}

/** Reads a body up to `cap` bytes, re-arming the idle timer on every chunk. */
async function readBody(
  res: Response,
  cap: number,
  arm: () => void,
  meter: Meter | undefined,
  truncate: boolean,
  what = '',
): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(0);
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (!truncate && Number.isFinite(declared) && declared > cap) {
    await res.body.cancel();
    throw new RemoteError('too_large', `${what}: response of ${declared} bytes is over the ${cap}-byte cap`);
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    arm();
    if (meter) meter.bytes += value.length;
    if (total + value.length > cap) {
      await reader.cancel();
      if (truncate) {
        chunks.push(value.subarray(0, cap - total));
        total = cap;
        break;
      }
      throw new RemoteError('too_large', `${what}: response is over the ${cap}-byte cap`);
    }
    chunks.push(value);
    total += value.length;
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function statusError(what: string, status: number, body: string): RemoteError {
  const snippet = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  const tail = snippet ? `: ${snippet}` : '';
  if (status === 401 || status === 403)
    return new RemoteError('auth', `${what}: access denied (HTTP ${status})${tail}`, status);
  if (status === 404) return new RemoteError('not_found', `${what}: not found (HTTP 404)`, status);
  return new RemoteError('http', `${what}: HTTP ${status}${tail}`, status);
}

function retryAfter(headers: Headers): number | undefined {
  const v = headers.get('retry-after');
  if (!v) return undefined;
  if (/^\d{1,6}$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Exponential backoff with jitter, so many clients retrying a struggling server spread out. */
function backoff(opts: HttpOptions, attempt: number, retryAfterMs: number | undefined): number {
  if (retryAfterMs !== undefined) return Math.min(opts.maxBackoffMs, retryAfterMs);
  const base = Math.min(opts.maxBackoffMs, opts.backoffMs * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
