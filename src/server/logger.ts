/**
 * Structured one-line JSON logs. Secrets never reach a log line: callers pass fields, never headers,
 * and every string is scrubbed of anything shaped like a Warden token or a bearer credential before
 * it is written — a second line of defence for error messages that quote input.
 */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const SECRETS = [/wdn_[A-Za-z0-9_-]{8,}/g, /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, /\bwarden_session=[^;\s]+/g];

export function scrub(text: string): string {
  let out = text;
  for (const re of SECRETS) out = out.replace(re, (m) => `${m.slice(0, 4)}[redacted]`);
  return out;
}

const REDACT_KEYS = /^(authorization|cookie|set-cookie|token|password|secret|x-api-key)$/i;

function clean(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: scrub(value.message) };
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => clean(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = REDACT_KEYS.test(k) ? '[redacted]' : clean(v, depth + 1);
  return out;
}

export function jsonLogger(write: (line: string) => void, base: Record<string, unknown> = {}): Logger {
  const emit = (level: string, msg: string, fields?: Record<string, unknown>) =>
    write(
      `${JSON.stringify({ time: new Date().toISOString(), level, msg: scrub(msg), ...base, ...(clean(fields ?? {}) as object) })}\n`,
    );
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
