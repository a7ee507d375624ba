/**
 * A small scripted OpenAI-compatible upstream on 127.0.0.1 for gateway tests and the overhead bench.
 * Without a plan it answers like a model that echoes the last user message (so placeholders the gateway
 * put in come back and must be restored); with a plan keyed by `x-request-id` it plays a script: exact
 * SSE chunks, errors, hangs, stalls, resets. It counts hits per request id and remembers every body it
 * received, so tests can prove what left the gateway and that nothing was lost or sent twice.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Script =
  | { readonly kind: 'json'; readonly status?: number; readonly body: unknown; readonly delayMs?: number }
  | { readonly kind: 'raw'; readonly status: number; readonly contentType: string; readonly body: string }
  | {
      readonly kind: 'sse';
      /** Text deltas, one event each. */
      readonly chunks: readonly string[];
      readonly format?: 'chat' | 'completions' | 'responses';
      readonly delayMs?: number;
      /** Stop after this many chunks and hang (the gateway's idle timeout must fire). */
      readonly stallAfter?: number;
      /** Drop the connection after this many chunks. */
      readonly resetAfter?: number;
      /** Raw bytes written instead of formatted events (split anywhere, e.g. mid-line). */
      readonly rawPieces?: readonly (string | Buffer)[];
    }
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset' };

export interface ScriptedUpstream {
  readonly url: string;
  readonly port: number;
  /** Upstream hits per `x-request-id`. */
  readonly hits: Map<string, number>;
  /** Parsed request bodies per `x-request-id` (last one wins). */
  readonly bodies: Map<string, unknown>;
  /** Request headers per `x-request-id`. */
  readonly headers: Map<string, http.IncomingHttpHeaders>;
  /** Request ids whose connection closed before the upstream finished answering. */
  readonly aborted: Set<string>;
  plan(requestId: string, script: Script): void;
  close(): Promise<void>;
}

type Obj = Record<string, unknown>;

function lastUserText(body: Obj): string {
  if (Array.isArray(body.messages)) {
    for (let i = body.messages.length - 1; i >= 0; i--) {
      const m = body.messages[i] as Obj;
      if (m?.role === 'user' && typeof m.content === 'string') return m.content;
    }
  }
  if (typeof body.prompt === 'string') return body.prompt;
  if (typeof body.input === 'string') return body.input;
  return '';
}

const FILLER = 'the quick brown fox jumps over the lazy dog while the committee reviews the figures'.split(' ');

/** Echo reply, padded with filler words up to `max_tokens` words (the bench sets the stream length so). */
function replyText(body: Obj): string {
  let text = `echo: ${lastUserText(body)}`;
  const want = typeof body.max_tokens === 'number' ? body.max_tokens : 0;
  for (let i = text.split(' ').length; i < want; i++) text += ` ${FILLER[i % FILLER.length]}`;
  return text;
}

function words(text: string): string[] {
  return text.split(/(?<= )/);
}

function chatChunk(id: string, delta: Obj, finish: string | null): string {
  return JSON.stringify({
    id,
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'scripted-1',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
}

function sseEvents(format: 'chat' | 'completions' | 'responses', chunks: readonly string[], id: string): string[] {
  if (format === 'chat') {
    return [
      `data: ${chatChunk(id, { role: 'assistant', content: '' }, null)}\n\n`,
      ...chunks.map((c) => `data: ${chatChunk(id, { content: c }, null)}\n\n`),
      `data: ${chatChunk(id, {}, 'stop')}\n\n`,
      'data: [DONE]\n\n',
    ];
  }
  if (format === 'completions') {
    const ev = (text: string, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: 'text_completion', created: 1_700_000_000, model: 'scripted-1', choices: [{ index: 0, text, finish_reason: finish, logprobs: null }] })}\n\n`;
    return [...chunks.map((c) => ev(c, null)), ev('', 'stop'), 'data: [DONE]\n\n'];
  }
  const full = chunks.join('');
  const ev = (type: string, data: Obj) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const item = { id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: full }] };
  return [
    ev('response.created', { response: { id, object: 'response', status: 'in_progress', output: [] } }),
    ...chunks.map((c) =>
      ev('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta: c }),
    ),
    ev('response.output_text.done', { item_id: 'msg_1', output_index: 0, content_index: 0, text: full }),
    ev('response.output_item.done', { output_index: 0, item }),
    ev('response.completed', { response: { id, object: 'response', status: 'completed', output: [item] } }),
  ];
}

function completionBody(path: string, body: Obj, text: string): Obj {
  if (path.endsWith('/chat/completions')) {
    return {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: body.model ?? 'scripted-1',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: Math.ceil(text.length / 4), total_tokens: 0 },
    };
  }
  if (path.endsWith('/completions')) {
    return { id: 'cmpl-1', object: 'text_completion', choices: [{ index: 0, text, finish_reason: 'stop' }] };
  }
  if (path.endsWith('/responses')) {
    return {
      id: 'resp_1',
      object: 'response',
      status: 'completed',
      output: [{ id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] }],
    };
  }
  if (path.endsWith('/embeddings')) {
    return { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2, 0.3] }], model: 'emb' };
  }
  return { object: 'list', data: [{ id: 'scripted-1', object: 'model', owned_by: 'test' }] };
}

async function readJson(req: IncomingMessage): Promise<Obj> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (chunks.length === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Obj;
  } catch {
    return {};
  }
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startUpstream(): Promise<ScriptedUpstream> {
  const hits = new Map<string, number>();
  const bodies = new Map<string, unknown>();
  const headers = new Map<string, http.IncomingHttpHeaders>();
  const aborted = new Set<string>();
  const plans = new Map<string, Script>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const id = String(req.headers['x-request-id'] ?? 'none');
    hits.set(id, (hits.get(id) ?? 0) + 1);
    headers.set(id, req.headers);
    res.on('close', () => {
      if (!res.writableFinished) aborted.add(id);
    });
    const body = await readJson(req);
    bodies.set(id, body);
    const path = (req.url ?? '/').split('?')[0]!;
    const script = plans.get(id);
    if (script?.kind === 'hang') return;
    if (script?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (script?.kind === 'raw') {
      res.writeHead(script.status, { 'content-type': script.contentType });
      res.end(script.body);
      return;
    }
    if (script?.kind === 'json') {
      if (script.delayMs) await sleep(script.delayMs);
      res.writeHead(script.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(script.body));
      return;
    }
    const stream = body.stream === true || script?.kind === 'sse';
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(completionBody(path, body, replyText(body))));
      return;
    }
    const format = path.endsWith('/chat/completions')
      ? 'chat'
      : path.endsWith('/responses')
        ? 'responses'
        : 'completions';
    const sse = script?.kind === 'sse' ? script : undefined;
    const events: readonly (string | Buffer)[] =
      sse?.rawPieces ?? sseEvents(sse?.format ?? format, sse?.chunks ?? words(replyText(body)), id);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    // Index 0 of the formatted chat events is the role chunk, so chunk k is event k + 1.
    const offset = (sse?.format ?? format) === 'chat' ? 1 : 0;
    // `x-chunk-delay-ms` paces an unscripted stream like a model producing tokens (the bench uses it).
    const pace = sse?.delayMs ?? Math.min(1000, Number(req.headers['x-chunk-delay-ms']) || 0);
    const stamp = req.headers['x-bench-stamp'] === '1';
    for (let i = 0; i < events.length; i++) {
      if (res.destroyed) return;
      if (sse?.stallAfter !== undefined && i === sse.stallAfter + offset) return;
      if (sse?.resetAfter !== undefined && i === sse.resetAfter + offset) {
        // Let what was written reach the gateway first: the drop must happen mid-stream, not before headers.
        await sleep(30);
        req.socket.destroy();
        return;
      }
      const ev = events[i]!;
      // Bench mode stamps each event with its send time so the client can measure transit per chunk.
      res.write(stamp && typeof ev === 'string' ? ev.replace('data: {', `data: {"t":${wallNow().toFixed(3)},`) : ev);
      if (pace) await sleep(pace);
      else if (i % 8 === 7) await new Promise((r) => setImmediate(r));
    }
    res.end();
  }

  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    bodies,
    headers,
    aborted,
    plan: (id, s) => plans.set(id, s),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
