import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { isSeverity, type Severity } from '../core/severity.js';
import { UsageError } from './types.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
};

/** Parses `500MB`, `4g`, `1024` into bytes (binary units, as `du` and `ls -h` show). */
export function parseSize(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new UsageError(`${flag}: expected a size such as 500MB or 4GB, got '${text}'`);
  return Math.round(Number(m[1]) * unit);
}

export function parseSeverityFlag(text: string, flag: string): Severity | 'none' {
  const v = text.toLowerCase();
  if (v === 'none' || v === 'never') return 'none';
  if (!isSeverity(v))
    throw new UsageError(`${flag}: expected critical, high, medium, low, info or none, got '${text}'`);
  return v;
}

export function parseIntFlag(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag}: expected a whole number from ${min} to ${max}, got '${text}'`);
  return n;
}

export function oneOf<T extends string>(text: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new UsageError(`${flag}: expected one of ${allowed.join(', ')}, got '${text}'`);
}

/** The resource flags every scanning command takes, for `parseArgs` options. */
export const SCAN_LIMIT_OPTIONS = {
  'max-file-size': { type: 'string' },
  'time-budget': { type: 'string' },
  concurrency: { type: 'string' },
} as const;

/** Limits and worker count from the resource flags (absent flags keep the defaults). */
export function scanLimitsFrom(values: {
  readonly 'max-file-size'?: string | undefined;
  readonly 'time-budget'?: string | undefined;
  readonly concurrency?: string | undefined;
}): { limits: Limits; concurrency?: number } {
  const limits: Limits = {
    ...DEFAULT_LIMITS,
    ...(values['max-file-size'] ? { maxFileSize: parseSize(values['max-file-size'], '--max-file-size') } : {}),
    ...(values['time-budget']
      ? { timeBudgetMs: parseIntFlag(values['time-budget'], '--time-budget', 1, 86_400) * 1000 }
      : {}),
  };
  return values.concurrency
    ? { limits, concurrency: parseIntFlag(values.concurrency, '--concurrency', 1, 256) }
    : { limits };
}
