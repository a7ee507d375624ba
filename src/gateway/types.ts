import type { DetectionKind } from '../data/detect/index.js';

/** What the gateway does when a check fires. `off` skips the check (and its cost) entirely. */
export type InputAction = 'block' | 'log' | 'off';
export type DataAction = 'block' | 'redact' | 'log' | 'off';
export type OutputAction = 'block' | 'redact' | 'log' | 'off';

/** Prompt-injection / jailbreak scanning of the request's messages. */
export interface InputPolicy {
  readonly action: InputAction;
  /** Decision threshold; undefined = the shipped model's calibrated threshold. */
  readonly threshold?: number | undefined;
  /** Message roles scanned (chat and responses). Tool results are where indirect injection arrives. */
  readonly roles: readonly string[];
}

/** Secrets and personal data in the request (the data module's detectors). */
export interface DataPolicy {
  readonly action: DataAction;
  readonly kinds: readonly DetectionKind[];
  /** Detector ids to run; empty = all. */
  readonly detectors: readonly string[];
  readonly minScore: number;
  /** With `redact`: put the original values back into the response (`restore`) or leave a mask (`mask`). */
  readonly response: 'restore' | 'mask';
}

/** Leak scanning of completions. */
export interface OutputPolicy {
  readonly action: OutputAction;
  readonly threshold?: number | undefined;
  /** Secrets and PII in the completion. */
  readonly detectData: boolean;
  /** Hosts markdown images and links may point to (subdomains match). */
  readonly allowedHosts: readonly string[];
  /** Canary tokens that must never appear in a completion. `wdn-…` tokens in system messages are added per request. */
  readonly canaries: readonly string[];
  /** Treat the request's own system messages as secrets whose verbatim leak is flagged. */
  readonly systemPromptLeak: boolean;
}

export interface StreamPolicy {
  /**
   * Characters of each choice's text held back before they are sent on. A leak no longer than this is
   * seen whole before any byte of it leaves; larger values add display latency, not throughput cost.
   */
  readonly holdback: number;
  /** Characters of already-sent text kept as left context for the next scan. */
  readonly context: number;
}

export interface RateLimit {
  /** Requests per minute per API key (token bucket, refilled continuously); 0 = unlimited. */
  readonly requestsPerMinute: number;
  /** Estimated tokens (prompt + completion, chars / 4) per minute per API key; 0 = unlimited. */
  readonly tokensPerMinute: number;
  /** Bucket size as a multiple of the per-minute rate (burst allowance). */
  readonly burst: number;
}

export interface RoutePolicy {
  readonly input: InputPolicy;
  readonly data: DataPolicy;
  readonly output: OutputPolicy;
  readonly stream: StreamPolicy;
  /** Largest request body accepted (413 above). */
  readonly maxBodyBytes: number;
  /** Largest non-streaming response body the gateway buffers to scan (502 above). */
  readonly maxResponseBytes: number;
}

export interface GatewayPolicy {
  readonly defaults: RoutePolicy;
  /** Per-route policies, keyed by path (`/v1/chat/completions` …), already merged over the defaults. */
  readonly routes: Readonly<Record<string, RoutePolicy>>;
  readonly rate: RateLimit;
  /** Time allowed until the upstream's response headers arrive (504 after). */
  readonly upstreamTimeoutMs: number;
  /** Time allowed between two chunks of an upstream body (stream ended with an error after). */
  readonly idleTimeoutMs: number;
}

/** One structured event per request, in the shape docs/events.md documents (kind `gateway`). */
export interface GatewayEvent {
  readonly v: 1;
  readonly id: string;
  readonly ts: string;
  readonly kind: 'gateway';
  readonly source: string;
  readonly model?: string;
  readonly client: string;
  readonly route: string;
  readonly action: 'allow' | 'block' | 'redact' | 'log';
  readonly status: number;
  readonly latencyMs: number;
  readonly flagged: boolean;
  readonly score: number;
  readonly categories: readonly string[];
  readonly error?: string;
  readonly data: GatewayEventData;
}

export interface Verdict {
  readonly flagged: boolean;
  readonly score: number;
  readonly categories: readonly string[];
  readonly action: 'allow' | 'block' | 'redact' | 'log';
}

export interface GatewayEventData {
  /** The request id (client's `x-request-id` when safe); the event's own `id` is unique per event. */
  readonly requestId: string;
  readonly method: string;
  readonly stream: boolean;
  readonly inputVerdict?: Verdict & { readonly param?: string };
  readonly dataVerdict?: Verdict & { readonly param?: string; readonly redactions: Readonly<Record<string, number>> };
  readonly outputVerdict?: Verdict;
  readonly upstreamStatus?: number;
  /** Time to upstream response headers. */
  readonly upstreamMs?: number;
  /** Time the gateway spent scanning (input + output). */
  readonly guardMs: number;
  readonly requestBytes: number;
  readonly responseBytes: number;
  /** Estimates (characters / 4) unless the upstream reported usage. */
  readonly tokensIn: number;
  readonly tokensOut?: number;
  readonly rateLimited?: 'requests' | 'tokens';
  readonly clientAborted?: boolean;
}
