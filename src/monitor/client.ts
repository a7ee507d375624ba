/**
 * `warden/monitor`: wraps a model's predict function and ships what it saw to a Warden server —
 * inputs (features, or statistics of text: never the text itself), outputs, latency, errors and the
 * caller's identity — in batches, off the request path, with a bounded queue.
 *
 *   import { createMonitor } from 'warden/monitor';
 *   const monitor = createMonitor({ endpoint: 'http://127.0.0.1:8700', token: process.env.WARDEN_TOKEN!, model: 'fraud' });
 *   const predict = monitor.wrap(model.predict, { client: (_input, ctx) => ctx?.apiKeyId });
 *
 * Delivery is at-least-once with stable event ids, so the server's idempotent ingestion turns it into
 * exactly-once. When the queue is full the client either drops new events (default: the model must
 * never wait on monitoring) or makes the caller wait (`onFull: 'block'`).
 */
import { randomUUID } from 'node:crypto';
import type { FeatureValue, InferenceEvent } from './event.js';
import { textStats } from './text-stats.js';

export type { FeatureValue, InferenceEvent } from './event.js';
export { type TextStats, textStats } from './text-stats.js';

export interface MonitorOptions {
  /** Base URL of `warden serve`, e.g. http://127.0.0.1:8700. */
  readonly endpoint: string;
  /** An API token with the `ingest` role. */
  readonly token: string;
  readonly model: string;
  readonly modelVersion?: string;
  readonly batchSize?: number;
  readonly flushIntervalMs?: number;
  /** Events held at most (queued plus in flight). */
  readonly maxQueue?: number;
  readonly onFull?: 'drop' | 'block';
  /** First retry delay; doubles up to 30 s. */
  readonly retryBaseMs?: number;
  readonly fetch?: typeof fetch;
  readonly onError?: (error: Error) => void;
}

export interface WrapOptions<I, O, C> {
  /** The caller's identity for this request (API-key id, tenant): used by extraction detection. */
  readonly client?: (input: I, ctx: C | undefined) => string | undefined;
  /** What to record of the input; default: text → statistics, flat object or number array → features. */
  readonly features?: (input: I) => Record<string, FeatureValue> | string | undefined;
  readonly output?: (output: O) => Record<string, FeatureValue> | undefined;
}

export interface MonitorStats {
  queued: number;
  sent: number;
  dropped: number;
  rejected: number;
  retries: number;
}

export interface Monitor {
  wrap<I, O, C = unknown>(
    predict: (input: I) => O | Promise<O>,
    opts?: WrapOptions<I, O, C>,
  ): (input: I, ctx?: C) => Promise<O>;
  /** Records one observation without wrapping (for batch scoring jobs and other runtimes). */
  record(obs: Omit<InferenceEvent, 'id' | 'ts' | 'kind' | 'model'> & { id?: string; ts?: string }): Promise<void>;
  /** Resolves when everything recorded so far was acknowledged (or dropped). */
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly stats: Readonly<MonitorStats>;
}

const isPrimitive = (v: unknown): v is FeatureValue =>
  v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';

function defaultFeatures(input: unknown): Record<string, FeatureValue> | string | undefined {
  if (typeof input === 'string') return input;
  if (Array.isArray(input) && input.length <= 256 && input.every((x) => typeof x === 'number')) {
    return Object.fromEntries(input.map((x, i) => [`f${i}`, x]));
  }
  if (input && typeof input === 'object') {
    const out: Record<string, FeatureValue> = {};
    for (const [k, v] of Object.entries(input).slice(0, 256))
      if (isPrimitive(v)) out[k] = typeof v === 'string' ? v.slice(0, 512) : v;
    return out;
  }
  return undefined;
}

function defaultOutput(o: unknown): Record<string, FeatureValue> | undefined {
  if (typeof o === 'number' || typeof o === 'boolean') return { prediction: o };
  if (typeof o === 'string') return { label: o.slice(0, 512) };
  if (o && typeof o === 'object' && !Array.isArray(o)) {
    const out: Record<string, FeatureValue> = {};
    for (const [k, v] of Object.entries(o).slice(0, 64))
      if (isPrimitive(v)) out[k] = typeof v === 'string' ? v.slice(0, 512) : v;
    return out;
  }
  return undefined;
}

export function createMonitor(opts: MonitorOptions): Monitor {
  const url = `${opts.endpoint.replace(/\/+$/, '')}/v1/events`;
  const batchSize = opts.batchSize ?? 500;
  const maxQueue = opts.maxQueue ?? 10_000;
  const doFetch = opts.fetch ?? fetch;
  const stats: MonitorStats = { queued: 0, sent: 0, dropped: 0, rejected: 0, retries: 0 };
  const queue: InferenceEvent[] = [];
  let inFlight = 0;
  let sending: Promise<void> | undefined;
  let closed = false;
  let spaceWaiters: (() => void)[] = [];
  const prefix = randomUUID().slice(0, 8);
  let seq = 0;

  const report = (e: unknown) => opts.onError?.(e instanceof Error ? e : new Error(String(e)));
  const held = () => queue.length + inFlight;

  async function send(): Promise<void> {
    let delay = opts.retryBaseMs ?? 200;
    while (queue.length) {
      const batch = queue.splice(0, batchSize);
      inFlight = batch.length;
      for (;;) {
        try {
          const res = await doFetch(url, {
            method: 'POST',
            headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ events: batch }),
            signal: AbortSignal.timeout(30_000),
          });
          const body = (await res.json().catch(() => ({}))) as { rejected?: unknown[] };
          if (res.ok) {
            stats.sent += batch.length - (body.rejected?.length ?? 0);
            stats.rejected += body.rejected?.length ?? 0;
            break;
          }
          // A batch the server will never take (bad request, bad token) is dropped, not retried forever.
          if (res.status !== 408 && res.status !== 429 && res.status < 500) {
            stats.rejected += batch.length;
            report(new Error(`warden monitor: server refused a batch (HTTP ${res.status})`));
            break;
          }
        } catch (e) {
          report(e);
        }
        if (closed && delay > 60_000) break;
        stats.retries++;
        await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
        delay = Math.min(30_000, delay * 2);
      }
      inFlight = 0;
      delay = opts.retryBaseMs ?? 200;
      const waiters = spaceWaiters;
      spaceWaiters = [];
      for (const w of waiters) w();
    }
  }

  const kick = () => {
    if (!sending && queue.length)
      sending = send().finally(() => {
        sending = undefined;
        if (queue.length >= batchSize) kick();
      });
  };
  const timer = setInterval(kick, opts.flushIntervalMs ?? 1000);
  timer.unref?.();

  async function enqueue(e: InferenceEvent): Promise<void> {
    while (held() >= maxQueue) {
      if ((opts.onFull ?? 'drop') === 'drop' || closed) {
        stats.dropped++;
        return;
      }
      await new Promise<void>((r) => spaceWaiters.push(r));
    }
    queue.push(e);
    stats.queued++;
    if (queue.length >= batchSize) kick();
  }

  function event(partial: Partial<InferenceEvent>): InferenceEvent {
    seq++;
    return {
      id: partial.id ?? `${prefix}-${Date.now().toString(36)}-${seq}`,
      ts: partial.ts ?? new Date().toISOString(),
      kind: 'inference',
      model: opts.model,
      ...(opts.modelVersion ? { modelVersion: opts.modelVersion } : {}),
      ...partial,
    } as InferenceEvent;
  }

  return {
    stats,
    wrap(predict, w = {}) {
      return async (input, ctx) => {
        const started = performance.now();
        let output: unknown;
        let error: string | undefined;
        try {
          output = await predict(input);
          return output as Awaited<ReturnType<typeof predict>>;
        } catch (e) {
          error = (e as Error)?.name ?? 'Error';
          throw e;
        } finally {
          // Monitoring never breaks or slows a prediction beyond building one small object.
          try {
            const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
            const seen = (w.features ?? defaultFeatures)(input);
            const client = w.client?.(input, ctx);
            const out = error === undefined ? (w.output ?? defaultOutput)(output as never) : undefined;
            void enqueue(
              event({
                latencyMs,
                ...(client ? { client: client.slice(0, 512) } : {}),
                ...(typeof seen === 'string' ? { text: textStats(seen) } : seen ? { features: seen } : {}),
                ...(out ? { output: out } : {}),
                ...(error ? { error } : {}),
              }),
            ).catch(report);
          } catch (e) {
            report(e);
          }
        }
      };
    },
    record(obs) {
      return enqueue(event(obs as Partial<InferenceEvent>));
    },
    async flush() {
      while (queue.length || inFlight || sending) {
        kick();
        await (sending ?? new Promise((r) => setTimeout(r, 5)));
      }
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await this.flush();
    },
  };
}
