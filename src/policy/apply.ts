import { cleanEvidence, compareFindings, type Finding } from '../core/finding.js';
import { findingOf } from '../core/rule.js';
import { atLeast, type Severity } from '../core/severity.js';
import type { TargetResult } from '../core/target.js';
import { findingHash } from '../report/fingerprint.js';
import { artifactLocation } from '../report/sarif-uri.js';
import { type CheckContext, formatFindings, licenseFindings, signatureFindings } from './checks.js';
import { globMatcher, policyPathOf } from './paths.js';
import { EXPIRED_SUPPRESSION_RULE } from './rules.js';
import type {
  AdvisoryIgnore,
  Override,
  Policy,
  PolicyOutcome,
  SignatureEvidence,
  SuppressedFinding,
  Suppression,
  Threshold,
} from './types.js';

export interface ApplyOptions {
  /** The clock expiry dates are judged against; tests pass a fixed date. */
  readonly now: Date;
  readonly targets?: readonly TargetResult[];
  readonly metadata?: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** Signature evidence per model file (reported path), from src/io/policy-file.ts. */
  readonly signatures?: ReadonlyMap<string, SignatureEvidence>;
  /** The working directory finding paths are relative to; with `policy.root`, globs become root-relative. */
  readonly cwd?: string;
}

const DAY_MS = 86_400_000;

/** An entry dated D is honoured through the end of D (UTC) and expired from the next midnight. */
export function isExpired(expires: string, now: Date): boolean {
  const t = Date.parse(`${expires}T00:00:00Z`);
  return Number.isNaN(t) || now.getTime() >= t + DAY_MS;
}

/** `pickle/*` covers every rule of the area; anything else is an exact id. */
export function ruleMatches(pattern: string, ruleId: string): boolean {
  return pattern.endsWith('/*') ? ruleId.startsWith(pattern.slice(0, -1)) : pattern === ruleId;
}

/** Areas whose findings are known-vulnerability advisories (dependency and package checks). */
const ADVISORY_AREAS = ['deps/', 'advisory/', 'supply/'];
const ADVISORY_ID = /\b(?:CVE-\d{4}-\d{4,7}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|PYSEC-\d{4}-\d{1,7})\b/gi;

export function advisoryIdsOf(f: Finding): string[] {
  if (!ADVISORY_AREAS.some((a) => f.ruleId.startsWith(a))) return [];
  const ids = new Set<string>();
  for (const r of f.references) if (r.type === 'cve' || r.type === 'ghsa') ids.add(r.id.toUpperCase());
  for (const m of `${f.message} ${f.evidence ?? ''}`.matchAll(ADVISORY_ID)) ids.add(m[0].toUpperCase());
  return [...ids];
}

/** `column \`email\` — …` and `key \`user.email\` — …`: the field a data/pii finding is about. */
const PII_FIELD = /^(?:column|key) `([^`]{1,500})`/;

function thresholdOf(f: Finding, overrides: readonly Override[], policy: Policy, fallback: Threshold): Threshold {
  let t = fallback;
  if (policy.advisories.failOn !== undefined && advisoryIdsOf(f).length > 0) t = policy.advisories.failOn;
  for (const o of overrides) if (o.failOn !== undefined) t = o.failOn;
  return t;
}

function where(line: number | undefined): string {
  return line === undefined ? '' : ` (line ${line})`;
}

function expiredFinding(policy: Policy, e: Suppression | AdvisoryIgnore, what: string): Finding {
  return findingOf(EXPIRED_SUPPRESSION_RULE, {
    path: policy.file || 'warden.yaml',
    ...(e.line === undefined ? {} : { line: e.line }),
    scanner: 'policy',
    message: `${what} expired on ${e.expires} and no longer applies; reason given: "${cleanEvidence(e.reason)}"`,
  });
}

/**
 * Applies warden.yaml to a scan: adds the policy's own findings (formats, signatures, licenses),
 * re-rates and drops findings per path, honours suppressions that have not expired, and reports
 * every expired one. Pure: everything it needs from disk arrives in `opts`.
 */
export function applyPolicy(findings: readonly Finding[], policy: Policy, opts: ApplyOptions): PolicyOutcome {
  const ctx: CheckContext = {
    policy,
    targets: opts.targets ?? [],
    metadata: opts.metadata ?? new Map(),
    ...(opts.signatures ? { signatures: opts.signatures } : {}),
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
  };
  const all = [...findings, ...formatFindings(ctx), ...signatureFindings(ctx), ...licenseFindings(ctx)];

  const expired: Finding[] = [];
  const suppressions = policy.suppressions.filter((s) => {
    if (!isExpired(s.expires, opts.now)) return true;
    expired.push(expiredFinding(policy, s, `suppression of ${s.rule} for ${s.path}`));
    return false;
  });
  const ignores = policy.advisories.ignore.filter((a) => {
    if (!isExpired(a.expires, opts.now)) return true;
    expired.push(expiredFinding(policy, a, `advisory exception for ${a.id}`));
    return false;
  });
  const piiAllowed = new Set(policy.data.piiAllowedColumns.map((c) => c.toLowerCase()));
  const globalFailOn: Threshold = policy.failOn ?? 'high';

  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const failing: Finding[] = [];
  for (const original of all) {
    const rel = policyPathOf(original.path, policy.root, opts.cwd);
    const overrides = policy.overrides.filter((o) => globMatcher(o.paths)(rel));
    const f = rerate(original, overrides);
    const reason = suppressionFor(f, rel, overrides, suppressions, ignores, piiAllowed, opts.cwd);
    if (reason) {
      suppressed.push({ finding: f, ...reason });
      continue;
    }
    kept.push(f);
    const t = thresholdOf(f, overrides, policy, globalFailOn);
    if (t !== 'none' && atLeast(f.severity, t)) failing.push(f);
  }
  // Expired exceptions fail whatever the thresholds, unless failing is switched off altogether.
  kept.push(...expired);
  if (globalFailOn !== 'none') failing.push(...expired);
  kept.sort(compareFindings);
  failing.sort(compareFindings);
  return { findings: kept, suppressed, failOn: globalFailOn, failing };
}

function rerate(f: Finding, overrides: readonly Override[]): Finding {
  let severity: Severity = f.severity;
  for (const o of overrides) {
    for (const [pattern, s] of Object.entries(o.severity)) if (ruleMatches(pattern, f.ruleId)) severity = s;
  }
  return severity === f.severity ? f : { ...f, severity };
}

function suppressionFor(
  f: Finding,
  rel: string,
  overrides: readonly Override[],
  suppressions: readonly Suppression[],
  ignores: readonly AdvisoryIgnore[],
  piiAllowed: ReadonlySet<string>,
  cwd: string | undefined,
): { reason: string; expires: string } | undefined {
  const ignoring = [...overrides].reverse().find((o) => o.ignoreRules.some((r) => ruleMatches(r, f.ruleId)));
  if (ignoring) {
    return {
      reason: `overrides: ignore_rules for ${ignoring.paths.join(', ')}${where(ignoring.line)}`,
      expires: 'never',
    };
  }
  if (f.ruleId === 'data/pii' && piiAllowed.size > 0) {
    const field = PII_FIELD.exec(f.message)?.[1];
    if (field !== undefined && piiAllowed.has(field.toLowerCase())) {
      return { reason: `data.pii_allowed_columns: ${field}`, expires: 'never' };
    }
  }
  const ids = advisoryIdsOf(f);
  if (ids.length > 0) {
    const a = ignores.find((i) => ids.includes(i.id.toUpperCase()));
    if (a) return { reason: a.reason, expires: a.expires };
  }
  const s = suppressions.find(
    (s) =>
      ruleMatches(s.rule, f.ruleId) &&
      globMatcher([s.path])(rel) &&
      (s.fingerprint === undefined || fingerprintMatches(s.fingerprint, f, rel, cwd)),
  );
  return s ? { reason: s.reason, expires: s.expires } : undefined;
}

/** The SARIF `wardenFindingHash/v1` of the finding, as reported from the working directory or the policy root. */
function fingerprintMatches(fingerprint: string, f: Finding, rel: string, cwd: string | undefined): boolean {
  const want = fingerprint.split(':')[0];
  const uris = new Set([artifactLocation(f.path, cwd).uri, artifactLocation(rel).uri]);
  return [...uris].some((uri) => findingHash(f, uri) === want);
}

/**
 * The findings that break the build: the policy's own judgement, or, when the user gave
 * `--fail-on`, every finding at or above it. Expired exceptions fail either way unless the
 * threshold is `none`.
 */
export function failingFindings(outcome: PolicyOutcome, cliFailOn?: Threshold): readonly Finding[] {
  if (cliFailOn === undefined) return outcome.failing;
  if (cliFailOn === 'none') return [];
  return outcome.findings.filter((f) => f.ruleId === EXPIRED_SUPPRESSION_RULE.id || atLeast(f.severity, cliFailOn));
}
