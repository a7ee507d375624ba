import type { ServerResponse } from 'node:http';
import { errorBody, GATEWAY_ERRORS, type GatewayErrorCode } from './errors.js';
import type { Exchange } from './exchange.js';

/** Ends a request with one of the gateway's own OpenAI-shaped errors and records it on the exchange. */
export function sendError(
  res: ServerResponse,
  x: Exchange,
  code: GatewayErrorCode,
  message: string,
  param: string | null = null,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(errorBody(code, message, param));
  const status = GATEWAY_ERRORS[code].status;
  x.status = status;
  x.error ??= code;
  if (res.headersSent) {
    res.end();
    return;
  }
  x.bytesOut += Buffer.byteLength(body);
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': x.id, ...headers });
  res.end(body);
}

/** A short, single-line description of a thrown value for error messages (never a stack). */
export function describe(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  const msg = e instanceof Error ? e.message : String(e);
  return typeof code === 'string' ? `${code} ${msg}`.slice(0, 300) : msg.slice(0, 300);
}
