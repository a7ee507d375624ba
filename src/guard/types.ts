/** Threat categories the guard reports. A closed set so dashboards and policies can rely on it. */
export type GuardCategory =
  | 'instruction-override'
  | 'jailbreak'
  | 'prompt-extraction'
  | 'delimiter-injection'
  | 'tool-hijack'
  | 'obfuscation'
  | 'injection'
  | 'secret-leak'
  | 'pii-leak'
  | 'canary-leak'
  | 'system-prompt-leak'
  | 'exfiltration-link';

/** A character range `[start, end)` in the ORIGINAL text (UTF-16 code units, like `String.slice`). */
export interface GuardSpan {
  readonly start: number;
  readonly end: number;
  readonly category: GuardCategory;
  /** Which signal produced the span (a heuristic id, `classifier`, a detector id …). */
  readonly signal: string;
}

export interface ScanResult {
  readonly flagged: boolean;
  /** Calibrated probability-like score in [0, 1]. */
  readonly score: number;
  readonly threshold: number;
  readonly categories: readonly GuardCategory[];
  readonly spans: readonly GuardSpan[];
}

export interface ScanInputOptions {
  /** Overrides the guard's threshold for this call. */
  readonly threshold?: number;
}

export interface ScanOutputOptions {
  readonly threshold?: number;
  /** System prompts whose verbatim or near-verbatim appearance in the output is a leak. */
  readonly systemPrompts?: readonly string[];
  /** Canary tokens (from `guard.canary()`) that must never appear in an output. */
  readonly canaries?: readonly string[];
  /** Hosts that markdown images/links may point to; others are flagged. Subdomains match. */
  readonly allowedHosts?: readonly string[];
  /** Skip the secret/PII detectors (e.g. when the gateway redacts separately). */
  readonly detectData?: boolean;
}
