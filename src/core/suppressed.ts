import type { Finding } from './finding.js';

/**
 * A finding a policy set aside, with the policy's reason. Lives in core rather than src/policy so
 * reporters can carry suppressed findings without depending on the policy layer.
 */
export interface SuppressedFinding {
  readonly finding: Finding;
  readonly reason: string;
  /** YYYY-MM-DD, or `never` for standing policy (overrides, PII-allowed columns). */
  readonly expires: string;
}
