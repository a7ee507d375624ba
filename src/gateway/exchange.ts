import { createHash, randomUUID } from 'node:crypto';
import type { DataVerdict, InjectionVerdict } from './input-scan.js';
import type { GatewayEvent, Verdict } from './types.js';

/** Everything recorded about one request while it is handled; turned into one event at the end. */
export interface Exchange {
  /** The request id: the client's `x-request-id` when safe, else generated; forwarded upstream. */
  readonly id: string;
  /** The event's own id, unique per event (the store deduplicates by it, so a client retry reusing
   * its request id must still produce a second event). */
  readonly eventId: string;
  readonly t0: number;
  readonly method: string;
  readonly keyId: string;
  route: string;
  stream: boolean;
  model?: string;
  status: number;
  bytesIn: number;
  bytesOut: number;
  tokensOut?: number;
  guardMs: number;
  input?: InjectionVerdict;
  requestData?: DataVerdict;
  output?: Verdict;
  upstreamStatus?: number;
  upstreamMs?: number;
  rateLimited?: 'requests' | 'tokens';
  clientAborted?: boolean;
  error?: string;
}

const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The caller's request id when it is a safe token (so logs line up end to end), else a fresh one. */
export function requestIdOf(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  return v && REQUEST_ID.test(v) ? v : `gw-${randomUUID()}`;
}

/**
 * A stable, non-reversible id for an API key: the first 12 hex digits of SHA-256. Enough to tell keys
 * apart in events and rate limits; useless for calling the API. The raw key is never stored or logged.
 */
export function keyIdOf(authorization: string | string[] | undefined, apiKeyHeader?: string | string[]): string {
  const auth = Array.isArray(authorization) ? authorization[0] : authorization;
  const alt = Array.isArray(apiKeyHeader) ? apiKeyHeader[0] : apiKeyHeader;
  const m = auth ? /^\s*Bearer\s+(\S+)/i.exec(auth) : null;
  const secret = m?.[1] ?? alt?.trim();
  if (!secret) return 'anonymous';
  return `key_${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
}

export function newExchange(id: string, method: string, keyId: string, route: string, t0: number): Exchange {
  const eventId = id.startsWith('gw-') ? id : `gw-${randomUUID()}`;
  return { id, eventId, t0, method, keyId, route, stream: false, status: 0, bytesIn: 0, bytesOut: 0, guardMs: 0 };
}

const ORDER = { allow: 0, log: 1, redact: 2, block: 3 } as const;

export function eventOf(x: Exchange, now: number, source: string): GatewayEvent {
  const verdicts = [x.input, x.requestData, x.output].filter((v): v is Verdict => v !== undefined);
  let action: GatewayEvent['action'] = 'allow';
  for (const v of verdicts) if (ORDER[v.action] > ORDER[action]) action = v.action;
  if (x.rateLimited) action = 'block';
  const categories = new Set<string>();
  for (const v of verdicts) for (const c of v.categories) categories.add(c);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    v: 1,
    id: x.eventId,
    ts: new Date(Date.now() - (now - x.t0)).toISOString(),
    kind: 'gateway',
    source,
    ...(x.model ? { model: x.model } : {}),
    client: x.keyId,
    route: x.route,
    action,
    status: x.status,
    latencyMs: round(now - x.t0),
    flagged: verdicts.some((v) => v.flagged),
    score: Math.max(0, ...verdicts.map((v) => v.score)),
    categories: [...categories].sort(),
    ...(x.error ? { error: x.error } : {}),
    // Key names follow the suggestions in docs/events.md.
    data: {
      requestId: x.id,
      method: x.method,
      stream: x.stream,
      ...(x.input ? { inputVerdict: x.input } : {}),
      ...(x.requestData ? { dataVerdict: x.requestData } : {}),
      ...(x.output ? { outputVerdict: x.output } : {}),
      ...(x.upstreamStatus !== undefined ? { upstreamStatus: x.upstreamStatus } : {}),
      ...(x.upstreamMs !== undefined ? { upstreamMs: round(x.upstreamMs) } : {}),
      guardMs: round(x.guardMs),
      requestBytes: x.bytesIn,
      responseBytes: x.bytesOut,
      tokensIn: Math.ceil(x.bytesIn / 4),
      ...(x.tokensOut !== undefined ? { tokensOut: x.tokensOut } : {}),
      ...(x.rateLimited ? { rateLimited: x.rateLimited } : {}),
      ...(x.clientAborted ? { clientAborted: true } : {}),
    },
  };
}
