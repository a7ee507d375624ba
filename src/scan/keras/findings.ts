import { cleanEvidence, type Finding } from '../../core/finding.js';
import { findingOf } from '../../core/rule.js';
import type { ScanContext } from '../types.js';
import type { KerasIssue } from './analyze.js';

/** Turns analysis issues into findings located in the scanned file (and member). */
export function kerasFindings(
  issues: readonly KerasIssue[],
  ctx: ScanContext,
  scanner: string,
  where: { offset?: number; prefix?: string } = {},
): Finding[] {
  return issues.map((i) =>
    findingOf(i.rule, {
      path: ctx.path,
      ...(ctx.member === undefined ? {} : { member: ctx.member }),
      ...(where.offset === undefined ? {} : { offset: where.offset }),
      ...(i.severity === undefined ? {} : { severity: i.severity }),
      message: where.prefix ? `${where.prefix}: ${i.message}` : i.message,
      ...(i.evidence === undefined ? {} : { evidence: cleanEvidence(i.evidence) }),
      scanner,
    }),
  );
}

/** Parses JSON text, turning failure into a message instead of an exception. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : 'invalid JSON' };
  }
}
