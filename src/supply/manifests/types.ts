/**
 * Ecosystem names as OSV spells them, so a declared dependency keys straight into advisory
 * data; purls use the lower-case package-url type (`pypi`), see purl.ts.
 */
export type Ecosystem = 'PyPI' | 'npm';

/** One dependency one manifest or lockfile declares, as `warden deps` and `warden bom` both need it. */
export interface DeclaredDependency {
  readonly ecosystem: Ecosystem;
  /** PEP 503-normalised for PyPI (`scikit-learn`), as written for npm (`@scope/pkg`). */
  readonly name: string;
  /**
   * The version constraint as written, whitespace removed: a PEP 440 specifier set for PyPI
   * (`>=1.26,<2`, `==2.5.1`), a semver range for npm (`^4.2.0`); '' when unconstrained.
   * Poetry's own syntax (`^0.7`, `~2.5`) is translated to PEP 440 here so every consumer can
   * compare versions against it; the original is kept in `rawSpec`.
   */
  readonly spec: string;
  /** The constraint exactly as the manifest wrote it, set only when `spec` is a translation of it. */
  readonly rawSpec?: string;
  /** The one version the constraint allows (`==X`, an exact semver, a lockfile entry). */
  readonly pinned?: string;
  /** PEP 508 extras (`ray[default]` → `default`). */
  readonly extras?: readonly string[];
  /** PEP 508 environment markers as written (`python_version >= "3.9"`). */
  readonly markers?: string;
  /** A direct reference instead of a registry version (`name @ https://…`, `git+…#egg=`, `github:u/r`). */
  readonly url?: string;
  /** Manifest path as the caller named it. */
  readonly file: string;
  /** 1-based line of the declaration, when it could be placed. */
  readonly line?: number;
  /** Only needed to develop or test the project (dev dependencies, dependency groups). */
  readonly dev?: true;
  /** Only installed on request (extras, optional/peer dependencies). */
  readonly optional?: true;
  /** package-url of the pinned version; absent when nothing is pinned. */
  readonly purl?: string;
}

export interface ParsedManifest {
  readonly dependencies: DeclaredDependency[];
  /** `file[:line]: what was wrong`; a manifest that does not parse is reported, never thrown. */
  readonly errors: string[];
}

/** PEP 503: case-insensitive, runs of `-`, `_`, `.` are one `-`. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function normalizeName(ecosystem: Ecosystem, name: string): string {
  return ecosystem === 'PyPI' ? normalizePypiName(name) : name;
}
