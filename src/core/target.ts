import type { Finding } from './finding.js';
import type { ParseErrorCode } from './result.js';

export type TargetStatus = 'ok' | 'partial' | 'error' | 'skipped';

export interface TargetError {
  readonly code: ParseErrorCode | 'too_large' | 'unknown_format' | 'excluded' | 'not_found' | 'permission';
  readonly message: string;
  readonly offset?: number;
}

/** What happened to one file (or archive member). */
export interface TargetResult {
  readonly path: string;
  readonly member?: string;
  readonly format: string;
  readonly status: TargetStatus;
  readonly error?: TargetError;
  readonly sizeBytes: number;
  readonly bytesRead: number;
  readonly durationMs?: number;
}

export interface ScanReport {
  readonly targets: readonly TargetResult[];
  readonly findings: readonly Finding[];
  readonly startedAt: string;
  readonly durationMs: number;
}
