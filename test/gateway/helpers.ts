import http from 'node:http';
import { createGateway, type Gateway, type GatewayEvent, gatewayPolicy } from '../../src/gateway/index.js';
import { SseParser } from '../../src/gateway/sse.js';
import { type ScriptedUpstream, startUpstream } from './upstream.js';

/** Parsed test JSON, probed freely by assertions. */
// biome-ignore lint/suspicious/noExplicitAny: assertions walk arbitrary response JSON
export type Json = any;

export interface Rig {
  readonly up: ScriptedUpstream;
  readonly gw: Gateway;
  readonly base: string;
  readonly events: GatewayEvent[];
  close(): Promise<void>;
}

/** A scripted upstream and a gateway in front of it, both on 127.0.0.1 with ephemeral ports. */
export async function startRig(policy: Record<string, unknown> = {}, upstreamUrl?: string): Promise<Rig> {
  const up = await startUpstream();
  const events: GatewayEvent[] = [];
  const gw = createGateway({
    upstream: upstreamUrl ?? up.url,
    policy: gatewayPolicy(policy),
    onEvent: (e) => events.push(e),
  });
  const a = await gw.listen(0, '127.0.0.1');
  return {
    up,
    gw,
    base: `http://127.0.0.1:${a.port}`,
    events,
    close: async () => {
      await gw.close();
      await up.close();
    },
  };
}

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  json(): Json;
}

/** A raw node:http call (no client-side retries or body rewriting, unlike SDKs). */
export function call(
  base: string,
  path: string,
  opts: { id?: string; body?: unknown; raw?: string | Buffer; method?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const url = new URL(path, base);
  const payload = opts.raw !== undefined ? opts.raw : opts.body !== undefined ? JSON.stringify(opts.body) : undefined;
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: opts.method ?? (payload !== undefined ? 'POST' : 'GET'),
        headers: {
          'content-type': 'application/json',
          ...(opts.id ? { 'x-request-id': opts.id } : {}),
          ...opts.headers,
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export interface ParsedStream {
  readonly events: { event?: string; data: string }[];
  /** Concatenated text deltas of choice 0 (chat content, completions text, responses output_text deltas). */
  readonly content: string;
  readonly done: boolean;
  readonly errors: Json[];
}

export function parseStream(text: string): ParsedStream {
  const p = new SseParser();
  const events = [...p.push(text), ...p.end()];
  let content = '';
  let done = false;
  const errors: Json[] = [];
  for (const e of events) {
    if (e.data === '[DONE]') {
      done = true;
      continue;
    }
    const d = JSON.parse(e.data);
    if (d.error || e.event === 'error') errors.push(d);
    const c = d.choices?.[0];
    if (typeof c?.delta?.content === 'string') content += c.delta.content;
    if (typeof c?.text === 'string') content += c.text;
    if (d.type === 'response.output_text.delta') content += d.delta;
  }
  return { events, content, done, errors };
}

export function chatBody(user: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'scripted-1', messages: [{ role: 'user', content: user }], ...extra };
}

/** Waits until the gateway has written the event for request `id` (events are emitted when the response closes). */
export async function eventFor(rig: Rig, id: string): Promise<GatewayEvent> {
  for (let i = 0; i < 200; i++) {
    const e = rig.events.find((x) => x.data.requestId === id);
    if (e) return e;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no event for ${id}`);
}
