import { cleanEvidence, type Finding, maskSecret } from '../core/finding.js';
import { findingOf } from '../core/rule.js';
import type { Severity } from '../core/severity.js';
import type { Detector } from './detect/types.js';
import { DETECTOR_SEVERITY, PII_RULE, SECRET_RULE } from './rules.js';

export interface Where {
  readonly path: string;
  readonly member?: string;
  readonly line?: number;
  readonly offset?: number;
}

/** Masked evidence: never the raw value, whatever the detector. */
export function evidenceOf(value: string): string {
  return cleanEvidence(maskSecret(value.replace(/\s+/g, ' ')));
}

function whereFields(w: Where) {
  return {
    path: w.path,
    ...(w.member === undefined ? {} : { member: w.member }),
    ...(w.line === undefined ? {} : { line: w.line }),
    ...(w.offset === undefined ? {} : { offset: w.offset }),
  };
}

export function severityFor(d: Detector): Severity {
  return DETECTOR_SEVERITY[d.id] ?? (d.kind === 'secret' ? SECRET_RULE.severity : PII_RULE.severity);
}

const RAISE: Record<Severity, Severity> = {
  info: 'low',
  low: 'medium',
  medium: 'high',
  high: 'high',
  critical: 'critical',
};

/** One finding for one occurrence (text files, JSON documents, notebooks). */
export function occurrenceFinding(d: Detector, value: string, score: number, w: Where, where = ''): Finding {
  return findingOf(d.kind === 'secret' ? SECRET_RULE : PII_RULE, {
    ...whereFields(w),
    severity: severityFor(d),
    message: `${d.label} (${d.id}, score ${score.toFixed(2)})${where ? ` in ${where}` : ''}`,
    evidence: evidenceOf(value),
  });
}

export interface FieldHit {
  /** Hits counted one for one. */
  count: number;
  /** Hits on the checked rows of a sampled column after its sample (see FieldState's `stride`). */
  sampled?: number;
  first: Where;
  example: string;
  maxScore: number;
  lastRow?: number | undefined;
}

const nf = new Intl.NumberFormat('en-US');
const COMMON_NOUN =
  /^(?:E-mail|Phone|Payment|Person|Street|Private|Public|Secret|Credential|Connection|International|Spanish|Dutch|Indian)\b/;

/**
 * One finding per column (or JSON key path) and detector: "column `email` — 98% e-mail
 * addresses (4,812 of 4,900 rows)". A column that is mostly personal data is raised one level.
 */
export function fieldFinding(
  d: Detector,
  kindOfField: 'column' | 'key',
  field: string,
  hit: FieldHit,
  cells: number,
  /** The column was sampled: `hit.count` is an estimate from this many examined cells. */
  examined?: number,
): Finding {
  const sampled = examined !== undefined && examined < cells;
  const count = hit.count;
  const share = cells > 0 ? count / cells : 0;
  const pct = share >= 0.995 ? '100%' : share >= 0.01 ? `${Math.round(share * 100)}%` : '<1%';
  const base = severityFor(d);
  const severity = d.kind === 'pii' && share >= 0.5 && count >= 10 ? RAISE[base] : base;
  // "E-mail address" reads as "e-mail address" mid-sentence; "GitHub token" keeps its capital.
  const label = COMMON_NOUN.test(d.label) ? d.label[0]!.toLowerCase() + d.label.slice(1) : d.label;
  const noun = 'rows';
  return findingOf(d.kind === 'secret' ? SECRET_RULE : PII_RULE, {
    ...whereFields(hit.first),
    severity,
    message: sampled
      ? `${kindOfField} \`${field}\` — ~${pct} ${label} (~${nf.format(count)} of ${nf.format(cells)} ${noun}, estimated from ${nf.format(examined ?? 0)} sampled; ${d.id})`
      : `${kindOfField} \`${field}\` — ${pct} ${label} (${nf.format(count)} of ${nf.format(cells)} ${noun}; ${d.id})`,
    evidence: evidenceOf(hit.example),
  });
}
