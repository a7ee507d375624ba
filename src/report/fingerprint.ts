import { createHash } from 'node:crypto';
import type { Finding } from '../core/finding.js';

/** Key under `partialFingerprints`; the `/v1` changes if the recipe below ever changes. */
export const FINGERPRINT_KEY = 'wardenFindingHash/v1';

// Offsets and counts move when a file is re-saved or a scanner gets more precise; numbers are
// folded so the fingerprint follows the finding, not where it sits.
const NUMBERS = /0x[0-9a-f]+|\d+/gi;

/**
 * The stable identity of a finding: rule, artifact URI, archive member and the evidence (or the
 * message when there is none) with numbers folded. Offsets and lines are left out on purpose.
 */
export function findingHash(f: Pick<Finding, 'ruleId' | 'member' | 'evidence' | 'message'>, uri: string): string {
  const stable = (f.evidence ?? f.message).replace(NUMBERS, '#');
  return createHash('sha256')
    .update([f.ruleId, uri, f.member ?? '', stable].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

/**
 * Fingerprints for findings in report order. Identical hashes get `:1`, `:2`… in that order so two
 * equal findings in one file stay two alerts (the scheme GitHub's own fingerprints use).
 */
export function fingerprints(findings: readonly Finding[], uriOf: (f: Finding) => string): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const h = findingHash(f, uriOf(f));
    const n = (seen.get(h) ?? 0) + 1;
    seen.set(h, n);
    return `${h}:${n}`;
  });
}
