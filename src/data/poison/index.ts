import type { Finding } from '../../core/finding.js';
import { findingOf } from '../../core/rule.js';
import { BACKDOOR_TRIGGER_RULE, CONFLICTING_DUPLICATES_RULE, LABEL_OUTLIER_RULE, LABEL_SHIFT_RULE } from '../rules.js';
import { conflictingGroups, labelOutliers, minhash, neighbourPairs, shingles } from './near-duplicates.js';
import type { LabelledRow } from './rows.js';
import { labelCounts, labelShift } from './shift.js';
import { tokenize } from './tokens.js';
import { type TriggerCandidate, triggerCandidates } from './triggers.js';

export type { LabelledRow } from './rows.js';
export { readLabelledRows } from './rows.js';

export interface PoisonOptions {
  readonly path: string;
  readonly reference?: readonly LabelledRow[];
  /** How many trigger candidates to report at most. */
  readonly top?: number;
  /** Minimum z-score × flipped share for a trigger finding. */
  readonly minTriggerScore?: number;
}

export interface PoisonReport {
  readonly findings: Finding[];
  readonly triggers: TriggerCandidate[];
  readonly rows: number;
  readonly labels: Record<string, number>;
}

const MAX_LISTED = 50;

export function listRows(rows: readonly number[]): string {
  const sorted = [...rows].sort((a, b) => a - b);
  const shown = sorted.slice(0, MAX_LISTED).join(', ');
  return sorted.length > MAX_LISTED ? `${shown}, … (${sorted.length} rows)` : shown;
}

/**
 * Poisoning signals for a labelled text dataset: backdoor-trigger tokens, conflicting
 * duplicates, label outliers among near neighbours, and label shift against a reference.
 * Findings are ordered by strength, the strongest trigger first.
 */
export function analyzePoisoning(rows: readonly LabelledRow[], opts: PoisonOptions): PoisonReport {
  const findings: Finding[] = [];
  const toks = rows.map((r) => tokenize(r.text));
  const top = opts.top ?? 10;
  const minScore = opts.minTriggerScore ?? 2.5;

  const triggers = triggerCandidates(rows, toks);
  for (const t of triggers.slice(0, top)) {
    if (t.score < minScore || t.k / t.n < 0.9) continue;
    findings.push(
      findingOf(BACKDOOR_TRIGGER_RULE, {
        path: opts.path,
        severity: t.flipped >= 0.7 ? 'high' : 'medium',
        message: `token \`${t.token}\` → label ${t.label} in ${t.k} of ${t.n} rows (z = ${t.z.toFixed(1)}; ${Math.round(t.flipped * 100)}% of them read as another label without it); rows ${listRows(t.rows)}`,
        evidence: t.token,
      }),
    );
  }

  const sigs = toks.map((t) => minhash(shingles(t)));
  const pairs = neighbourPairs(sigs, 0.5);
  for (const g of conflictingGroups(rows, sigs, pairs)) {
    const labels = Object.entries(g.labels)
      .map(([l, n]) => `${l}×${n}`)
      .join(', ');
    findings.push(
      findingOf(CONFLICTING_DUPLICATES_RULE, {
        path: opts.path,
        message: `${g.exact ? 'identical' : 'near-identical'} text with conflicting labels (${labels}); rows ${listRows(g.rows)}`,
      }),
    );
  }
  for (const o of labelOutliers(rows, pairs)) {
    const other = Object.entries(o.neighbourLabels)
      .map(([l, n]) => `${l}×${n}`)
      .join(', ');
    findings.push(
      findingOf(LABEL_OUTLIER_RULE, {
        path: opts.path,
        message: `row ${o.row} is labelled ${o.label} but all ${o.neighbours.length} near neighbours are ${other}; neighbours ${listRows(o.neighbours)}`,
      }),
    );
  }

  const labels = labelCounts(rows.map((r) => r.label));
  if (opts.reference) {
    const s = labelShift(labelCounts(opts.reference.map((r) => r.label)), labels);
    if (s.p < 0.001 && s.maxDelta >= 0.02) {
      const shares = Object.entries(s.shares)
        .map(([l, v]) => `${l}: ${(v.reference * 100).toFixed(1)}% → ${(v.current * 100).toFixed(1)}%`)
        .join(', ');
      findings.push(
        findingOf(LABEL_SHIFT_RULE, {
          path: opts.path,
          message: `label distribution shifted against the reference (χ² = ${s.chi2.toFixed(1)}, dof ${s.dof}, p = ${s.p.toExponential(1)}): ${shares}`,
        }),
      );
    }
  }
  return { findings, triggers, rows: rows.length, labels };
}
