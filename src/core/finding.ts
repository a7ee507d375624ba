import type { Severity } from './severity.js';

/** A pointer into a framework or catalogue the finding maps to. */
export interface Reference {
  readonly type: 'atlas' | 'owasp-ml' | 'owasp-llm' | 'cwe' | 'cve' | 'ghsa' | 'url';
  readonly id: string;
  readonly url?: string;
}

/** The one shape every scanner emits and every reporter renders. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  /** The file on disk (or remote URL) that was scanned. */
  readonly path: string;
  /** Path inside archives, nested with `!`: `inner.pt!archive/data.pkl`. */
  readonly member?: string;
  /** Byte offset inside the innermost member (or the file). */
  readonly offset?: number;
  /** Line number (1-based) for text formats. */
  readonly line?: number;
  /** Masked and truncated excerpt; never a raw secret. */
  readonly evidence?: string;
  readonly references: readonly Reference[];
  /** Format scanner that produced it (`pickle`, `pytorch/zip`, …). */
  readonly scanner?: string;
}

export const MEMBER_SEPARATOR = '!';

export function joinMember(outer: string | undefined, inner: string): string {
  return outer ? `${outer}${MEMBER_SEPARATOR}${inner}` : inner;
}

const EVIDENCE_MAX = 200;

/** Truncates and strips control characters so evidence is safe to print anywhere. */
export function cleanEvidence(text: string, max = EVIDENCE_MAX): string {
  const printable = text.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return printable.length > max ? `${printable.slice(0, max - 1)}…` : printable;
}

/** Shows the first and last few characters of a secret only. */
export function maskSecret(secret: string, keep = 4): string {
  if (secret.length <= keep * 2 + 2) return '*'.repeat(secret.length);
  return `${secret.slice(0, keep)}${'*'.repeat(Math.min(12, secret.length - keep * 2))}${secret.slice(-keep)}`;
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Stable ordering used by every reporter: path, member, offset, line, rule, message.
 * Plain code-unit comparison, not localeCompare: the same order on every machine, and fast.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    byCodeUnit(a.path, b.path) ||
    byCodeUnit(a.member ?? '', b.member ?? '') ||
    (a.offset ?? -1) - (b.offset ?? -1) ||
    (a.line ?? -1) - (b.line ?? -1) ||
    byCodeUnit(a.ruleId, b.ruleId) ||
    byCodeUnit(a.message, b.message)
  );
}
