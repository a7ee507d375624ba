import type { Severity } from '../../core/severity.js';
import type { Ecosystem } from '../manifests/index.js';

/** An affected interval: introduced ≤ v < fixed, or introduced ≤ v ≤ lastAffected, or open-ended. */
export interface AffectedRange {
  /** `0` means every version before the end bound. */
  readonly introduced: string;
  readonly fixed?: string;
  readonly lastAffected?: string;
}

/** One advisory for one package, in the shape of an OSV `affected` entry. */
export interface Advisory {
  /** CVE id when there is one, else the GHSA/PYSEC/OSV id. */
  readonly id: string;
  readonly aliases: readonly string[];
  readonly ecosystem: Ecosystem;
  /** Normalised package name (PEP 503 for PyPI, as-is for npm). */
  readonly package: string;
  readonly summary: string;
  readonly severity: Severity;
  /** Publication date, YYYY-MM-DD. */
  readonly published: string;
  readonly ranges: readonly AffectedRange[];
  /** Explicitly listed affected versions (OSV `versions`). */
  readonly versions?: readonly string[];
  readonly references: readonly string[];
  readonly source: 'warden' | 'osv';
}
