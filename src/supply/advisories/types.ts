import type { Severity } from '../../core/severity.js';

export type Ecosystem = 'PyPI' | 'npm';

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

/** A dependency a project declares, with where it was declared. */
export interface Dependency {
  readonly ecosystem: Ecosystem;
  readonly name: string;
  /** The declared constraint as written (`==2.5.1`, `>=1.13`, `^4.2.0`), empty when unconstrained. */
  readonly spec: string;
  /** Set when the constraint names exactly one version (`==X`, a lock file entry). */
  readonly pinned?: string;
  readonly file: string;
  readonly line?: number;
}

/** PEP 503 normalisation: case-insensitive, runs of `-`, `_`, `.` are one `-`. */
export function normalizePyPI(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function normalizeName(ecosystem: Ecosystem, name: string): string {
  return ecosystem === 'PyPI' ? normalizePyPI(name) : name;
}
