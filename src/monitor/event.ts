/**
 * The event contract shared by the gateway (writer of JSONL), `POST /v1/events`, the tailer and the
 * `warden/monitor` client. Documented in docs/events.md. Validation is hand-written rather than a
 * schema library because it runs on every ingested event (≥ 20k/s) and must reject hostile input
 * cheaply: bounded sizes, closed kinds, no prototype keys.
 */
import type { TextStats } from './text-stats.js';

export const EVENT_VERSION = 1;
export const EVENT_KINDS = ['gateway', 'guard', 'inference'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const GUARD_ACTIONS = ['allow', 'block', 'redact', 'log'] as const;

export type FeatureValue = number | string | boolean | null;

interface EventBase {
  readonly id: string;
  /** ISO 8601 UTC. */
  readonly ts: string;
  readonly source?: string;
  readonly model?: string;
  /** Caller identity: an API-key id or user id, never a secret. */
  readonly client?: string;
}

export interface GuardEvent extends EventBase {
  readonly kind: 'gateway' | 'guard';
  readonly route?: string;
  readonly action?: (typeof GUARD_ACTIONS)[number];
  readonly status?: number;
  readonly latencyMs?: number;
  readonly flagged?: boolean;
  readonly score?: number;
  readonly categories?: readonly string[];
  readonly error?: string;
  readonly refusal?: boolean;
  readonly data?: Record<string, unknown>;
}

export interface InferenceEvent extends EventBase {
  readonly kind: 'inference';
  readonly model: string;
  readonly modelVersion?: string;
  readonly latencyMs?: number;
  readonly error?: string;
  readonly features?: Record<string, FeatureValue>;
  readonly text?: TextStats;
  readonly output?: Record<string, FeatureValue>;
  readonly data?: Record<string, unknown>;
}

export type MonitorEvent = GuardEvent | InferenceEvent;

export const EVENT_LIMITS = {
  idLength: 128,
  stringLength: 512,
  categories: 32,
  features: 256,
  /** Serialised size of one event. */
  eventBytes: 32 * 1024,
  batchEvents: 10_000,
} as const;

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
// Ten thousand years either side is plenty; anything else is a unit mistake (seconds vs ms).
const MIN_TS = Date.UTC(2000, 0, 1);
const MAX_TS = Date.UTC(2200, 0, 1);

export type EventCheck = { ok: true; event: MonitorEvent } | { ok: false; error: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Obj, k: string, max: number = EVENT_LIMITS.stringLength): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`${k}: expected a string`);
  if (v.length > max) throw new Error(`${k}: longer than ${max}`);
  return v;
}

function num(o: Obj, k: string): number | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${k}: expected a finite number`);
  return v;
}

function bool(o: Obj, k: string): boolean | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new Error(`${k}: expected a boolean`);
  return v;
}

function flatRecord(v: unknown, k: string): Record<string, FeatureValue> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) throw new Error(`${k}: expected an object`);
  const keys = Object.keys(v);
  if (keys.length > EVENT_LIMITS.features) throw new Error(`${k}: more than ${EVENT_LIMITS.features} keys`);
  const out: Record<string, FeatureValue> = Object.create(null);
  for (const key of keys) {
    if (key.length > 128 || key === '__proto__') throw new Error(`${k}: bad key`);
    const x = v[key];
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) throw new Error(`${k}.${key}: not finite`);
      out[key] = x;
    } else if (typeof x === 'string') {
      if (x.length > EVENT_LIMITS.stringLength) throw new Error(`${k}.${key}: string too long`);
      out[key] = x;
    } else if (typeof x === 'boolean' || x === null) out[key] = x;
    else throw new Error(`${k}.${key}: expected number, string, boolean or null`);
  }
  return out;
}

function timestamp(v: unknown): string {
  const ms = typeof v === 'number' ? v : typeof v === 'string' && v.length <= 40 ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms) || ms < MIN_TS || ms > MAX_TS) throw new Error('ts: expected ISO 8601 or epoch ms');
  return new Date(ms).toISOString();
}

/** Checks one decoded JSON value and returns the normalised event or why it was refused. */
export function checkEvent(raw: unknown): EventCheck {
  try {
    if (!isObj(raw)) return { ok: false, error: 'event must be an object' };
    const v = raw.v ?? EVENT_VERSION;
    if (v !== EVENT_VERSION) return { ok: false, error: `v: unsupported version ${String(v)}` };
    const id = raw.id;
    if (typeof id !== 'string' || !ID.test(id)) return { ok: false, error: 'id: 1-128 chars of [A-Za-z0-9._:-]' };
    const kind = raw.kind;
    if (typeof kind !== 'string' || !(EVENT_KINDS as readonly string[]).includes(kind)) {
      return { ok: false, error: `kind: one of ${EVENT_KINDS.join(', ')}` };
    }
    const base = {
      id,
      ts: timestamp(raw.ts),
      ...opt('source', str(raw, 'source')),
      ...opt('model', str(raw, 'model')),
      ...opt('client', str(raw, 'client')),
    };
    const data = raw.data;
    if (data !== undefined && data !== null && !isObj(data)) return { ok: false, error: 'data: expected an object' };
    if (isObj(data) && JSON.stringify(data).length > EVENT_LIMITS.eventBytes) {
      return { ok: false, error: `data: larger than ${EVENT_LIMITS.eventBytes} bytes` };
    }
    if (kind === 'inference') {
      if (!base.model) return { ok: false, error: 'model: required for inference events' };
      const text = raw.text;
      if (text !== undefined && text !== null && !isObj(text)) return { ok: false, error: 'text: expected an object' };
      const event: InferenceEvent = {
        ...base,
        kind,
        model: base.model,
        ...opt('modelVersion', str(raw, 'modelVersion')),
        ...opt('latencyMs', num(raw, 'latencyMs')),
        ...opt('error', str(raw, 'error')),
        ...opt('features', flatRecord(raw.features, 'features')),
        ...opt('text', text ? (flatRecord(text, 'text') as unknown as TextStats) : undefined),
        ...opt('output', flatRecord(raw.output, 'output')),
        ...opt('data', isObj(data) ? data : undefined),
      };
      return { ok: true, event };
    }
    const action = str(raw, 'action');
    if (action !== undefined && !(GUARD_ACTIONS as readonly string[]).includes(action)) {
      return { ok: false, error: `action: one of ${GUARD_ACTIONS.join(', ')}` };
    }
    const cats = raw.categories;
    if (cats !== undefined && cats !== null) {
      if (!Array.isArray(cats) || cats.length > EVENT_LIMITS.categories) return { ok: false, error: 'categories' };
      if (!cats.every((c) => typeof c === 'string' && c.length <= 64)) return { ok: false, error: 'categories' };
    }
    const status = num(raw, 'status');
    if (status !== undefined && (!Number.isInteger(status) || status < 0 || status > 999)) {
      return { ok: false, error: 'status: an HTTP status code' };
    }
    const score = num(raw, 'score');
    const event: GuardEvent = {
      ...base,
      kind: kind as 'gateway' | 'guard',
      ...opt('route', str(raw, 'route')),
      ...opt('action', action as GuardEvent['action']),
      ...opt('status', status),
      ...opt('latencyMs', num(raw, 'latencyMs')),
      ...opt('flagged', bool(raw, 'flagged')),
      ...opt('score', score),
      ...opt('categories', Array.isArray(cats) ? (cats as string[]) : undefined),
      ...opt('error', str(raw, 'error')),
      ...opt('refusal', bool(raw, 'refusal')),
      ...opt('data', isObj(data) ? data : undefined),
    };
    return { ok: true, event };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

function opt<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
}
