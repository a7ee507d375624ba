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

/**
 * PostgreSQL text cannot hold NUL, and its JSON parser refuses lone surrogates; either would fail the
 * whole (group-committed) transaction, so both are refused here, per event, with a reason.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function storable(v: string): boolean {
  return !v.includes('\u0000') && !LONE_SURROGATE.test(v);
}

function str(o: Obj, k: string, max: number = EVENT_LIMITS.stringLength): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`${k}: expected a string`);
  if (v.length > max) throw new Error(`${k}: longer than ${max}`);
  if (!storable(v)) throw new Error(`${k}: NUL or unpaired surrogate`);
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
    if (key.length > 128 || key === '__proto__' || !storable(key)) throw new Error(`${k}: bad key`);
    const x = v[key];
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) throw new Error(`${k}.${key}: not finite`);
      out[key] = x;
    } else if (typeof x === 'string') {
      if (x.length > EVENT_LIMITS.stringLength) throw new Error(`${k}.${key}: string too long`);
      if (!storable(x)) throw new Error(`${k}.${key}: NUL or unpaired surrogate`);
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

/**
 * Checks one decoded JSON value and returns the normalised event or why it was refused. Written as
 * straight-line assignments (no spreads, no per-field closures): this runs once per ingested event.
 */
export function checkEvent(raw: unknown): EventCheck {
  try {
    if (!isObj(raw)) return { ok: false, error: 'event must be an object' };
    const v = raw.v;
    if (v !== undefined && v !== EVENT_VERSION) return { ok: false, error: `v: unsupported version ${String(v)}` };
    const id = raw.id;
    if (typeof id !== 'string' || !ID.test(id)) return { ok: false, error: 'id: 1-128 chars of [A-Za-z0-9._:-]' };
    const kind = raw.kind;
    if (kind !== 'gateway' && kind !== 'guard' && kind !== 'inference') {
      return { ok: false, error: `kind: one of ${EVENT_KINDS.join(', ')}` };
    }
    const e: Record<string, unknown> = { id, ts: timestamp(raw.ts), kind };
    let x: unknown = str(raw, 'source');
    if (x !== undefined) e.source = x;
    x = str(raw, 'model');
    if (x !== undefined) e.model = x;
    x = str(raw, 'client');
    if (x !== undefined) e.client = x;
    x = num(raw, 'latencyMs');
    if (x !== undefined) e.latencyMs = x;
    x = str(raw, 'error');
    if (x !== undefined) e.error = x;
    const data = raw.data;
    if (data !== undefined && data !== null) {
      if (!isObj(data)) return { ok: false, error: 'data: expected an object' };
      const json = JSON.stringify(data);
      if (json.length > EVENT_LIMITS.eventBytes) {
        return { ok: false, error: `data: larger than ${EVENT_LIMITS.eventBytes} bytes` };
      }
      // JSON.stringify escapes NUL as \u0000 and lone surrogates as \udXXX; valid pairs stay raw.
      if (/\\u0000|\\ud[89a-f][0-9a-f]{2}/i.test(json)) return { ok: false, error: 'data: NUL or unpaired surrogate' };
      e.data = data;
    }
    if (kind === 'inference') {
      if (e.model === undefined) return { ok: false, error: 'model: required for inference events' };
      x = str(raw, 'modelVersion');
      if (x !== undefined) e.modelVersion = x;
      x = flatRecord(raw.features, 'features');
      if (x !== undefined) e.features = x;
      x = flatRecord(raw.output, 'output');
      if (x !== undefined) e.output = x;
      const text = raw.text;
      if (text !== undefined && text !== null) {
        if (!isObj(text)) return { ok: false, error: 'text: expected an object' };
        e.text = flatRecord(text, 'text');
      }
      return { ok: true, event: e as unknown as InferenceEvent };
    }
    x = str(raw, 'action');
    if (x !== undefined) {
      if (!(GUARD_ACTIONS as readonly unknown[]).includes(x))
        return { ok: false, error: `action: one of ${GUARD_ACTIONS.join(', ')}` };
      e.action = x;
    }
    x = str(raw, 'route');
    if (x !== undefined) e.route = x;
    const status = num(raw, 'status');
    if (status !== undefined) {
      if (!Number.isInteger(status) || status < 0 || status > 999)
        return { ok: false, error: 'status: an HTTP status code' };
      e.status = status;
    }
    x = num(raw, 'score');
    if (x !== undefined) e.score = x;
    x = bool(raw, 'flagged');
    if (x !== undefined) e.flagged = x;
    x = bool(raw, 'refusal');
    if (x !== undefined) e.refusal = x;
    const cats = raw.categories;
    if (cats !== undefined && cats !== null) {
      if (!Array.isArray(cats) || cats.length > EVENT_LIMITS.categories) return { ok: false, error: 'categories' };
      for (const c of cats)
        if (typeof c !== 'string' || c.length > 64 || !storable(c)) return { ok: false, error: 'categories' };
      e.categories = cats;
    }
    return { ok: true, event: e as unknown as GuardEvent };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
