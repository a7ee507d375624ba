/** Severities, most severe first. The order is the contract for `--fail-on`. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export function severityRank(s: Severity): number {
  return RANK[s];
}

/** True when `s` is as severe as `threshold` or more. */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return RANK[s] >= RANK[threshold];
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && value in RANK;
}

export function maxSeverity(list: Iterable<Severity>): Severity | undefined {
  let best: Severity | undefined;
  for (const s of list) if (best === undefined || RANK[s] > RANK[best]) best = s;
  return best;
}

/**
 * GitHub code scanning reads `security-severity` as a CVSS-like score and bands it:
 * >= 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. We pick a value inside each band.
 */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  info: '0.0',
};
