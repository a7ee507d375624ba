import { cleanEvidence, type Finding, joinMember } from '../../core/finding.js';
import type { Rule } from '../../core/rule.js';
import { findingOf } from '../../core/rule.js';
import type { Severity } from '../../core/severity.js';
import type { ScanContext } from '../types.js';

/** A finding about the archive itself (entry undefined) or about one of its members. */
export function findingAt(
  rule: Rule,
  ctx: ScanContext,
  scanner: string,
  message: string,
  opts: {
    entry?: string | undefined;
    offset?: number | undefined;
    evidence?: string | undefined;
    severity?: Severity;
  } = {},
): Finding {
  const member = opts.entry === undefined ? ctx.member : joinMember(ctx.member, opts.entry);
  return findingOf(rule, {
    message,
    path: ctx.path,
    scanner,
    ...(member !== undefined ? { member } : {}),
    ...(opts.offset !== undefined && opts.entry === undefined ? { offset: opts.offset } : {}),
    ...(opts.evidence !== undefined ? { evidence: cleanEvidence(opts.evidence) } : {}),
    ...(opts.severity ? { severity: opts.severity } : {}),
  });
}

/** Names that would be written outside the extraction folder. */
export function traversalName(name: string): boolean {
  const n = name.replace(/\\/g, '/');
  return n.startsWith('/') || /^[A-Za-z]:/.test(n) || n.split('/').includes('..');
}
