import type { Finding } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import type { SuppressedFinding } from '../core/suppressed.js';

export type { SuppressedFinding };

export type Threshold = Severity | 'none';

/** A problem with a policy file, pointing at the place to fix. Lines and columns are 1-based. */
export interface PolicyError {
  readonly message: string;
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** JSON-pointer-like path of the offending value: `/suppressions/0/reason`. */
  readonly path?: string;
}

/** Where an entry was written, so findings about it can name the line. */
export interface Located {
  readonly line?: number;
}

export interface Suppression extends Located {
  readonly rule: string;
  readonly path: string;
  readonly reason: string;
  /** YYYY-MM-DD, honoured through the end of that day (UTC). */
  readonly expires: string;
  readonly fingerprint?: string;
}

export interface AdvisoryIgnore extends Located {
  readonly id: string;
  readonly reason: string;
  readonly expires: string;
}

export interface Identity {
  readonly identity: string;
  readonly issuer: string;
}

export interface Override extends Located {
  readonly paths: readonly string[];
  readonly failOn?: Threshold;
  readonly ignoreRules: readonly string[];
  readonly severity: Readonly<Record<string, Severity>>;
}

/** A validated warden.yaml, with defaults filled in and snake_case turned into fields. */
export interface Policy {
  readonly version: 1;
  /** The file it came from (empty for the built-in default); findings about the policy point here. */
  readonly file: string;
  /**
   * Absolute folder that globs are relative to (the folder holding warden.yaml). Set by the loader;
   * when absent, finding paths are matched as reported.
   */
  readonly root?: string;
  /** Unset: `high`, the default of every command. */
  readonly failOn?: Threshold;
  readonly models: {
    /** Unset: any model format is allowed. */
    readonly allowedFormats?: readonly string[];
    readonly forbiddenFormats: readonly string[];
  };
  readonly signatures: {
    readonly required: boolean | readonly string[];
    readonly trustedKeys: readonly string[];
    readonly trustRoot?: string;
    readonly identities: readonly Identity[];
  };
  readonly licenses: {
    /** Unset: any license not denied is accepted. */
    readonly allow?: readonly string[];
    readonly deny: readonly string[];
  };
  readonly advisories: {
    readonly failOn?: Threshold;
    readonly ignore: readonly AdvisoryIgnore[];
  };
  readonly data: {
    readonly piiAllowedColumns: readonly string[];
  };
  readonly overrides: readonly Override[];
  readonly suppressions: readonly Suppression[];
}

/**
 * What the file system says about a model file's signature, gathered by src/io/policy-file.ts.
 * `present`: a signature file covers it but was not verified (no trusted keys or identities);
 * `verified`: it verified with trusted material and the file's digest matches; `invalid`: it did not.
 */
export interface SignatureEvidence {
  readonly signature: string;
  readonly status: 'present' | 'verified' | 'invalid';
  readonly detail?: string;
}

export interface PolicyOutcome {
  /** Findings after the policy: re-rated, suppressions removed, policy findings added; sorted. */
  readonly findings: Finding[];
  readonly suppressed: SuppressedFinding[];
  /** The global threshold the policy asks for. */
  readonly failOn: Threshold;
  /**
   * The findings that break the build under the policy's thresholds, which may differ per path
   * (`overrides[].fail_on`) and for advisories (`advisories.fail_on`). Use this, not `failOn`
   * alone, unless the user gave `--fail-on`.
   */
  readonly failing: Finding[];
}
