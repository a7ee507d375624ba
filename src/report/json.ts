import { compareFindings, type Finding, type Reference } from '../core/finding.js';
import type { Rule } from '../core/rule.js';
import type { TargetResult } from '../core/target.js';
import { ruleIndex } from './format.js';
import { ruleHelpUri } from './links.js';
import { type ReportSummary, sortTargets, summarize } from './summary.js';
import type { ReportInput } from './types.js';

/**
 * Version of the JSON report contract (docs/report-format.md). Semver: MAJOR when a field is
 * removed, renamed or changes type or meaning, or a closed enum gains a value; MINOR when an
 * optional field or an open-set value is added; PATCH for documentation and schema fixes only.
 */
export const JSON_SCHEMA_VERSION = '1.1.0';

export interface JsonReference {
  readonly type: Reference['type'];
  readonly id: string;
  readonly url?: string;
}

export interface JsonFinding {
  readonly ruleId: string;
  readonly severity: Finding['severity'];
  readonly path: string;
  readonly member?: string;
  readonly offset?: number;
  readonly line?: number;
  readonly message: string;
  readonly evidence?: string;
  readonly references: readonly JsonReference[];
  readonly scanner?: string;
}

/** A finding the policy set aside: the finding's fields plus why, and until when. */
export interface JsonSuppressedFinding extends JsonFinding {
  readonly reason: string;
  /** YYYY-MM-DD, or `never` for standing policy. */
  readonly expires: string;
}

export interface JsonRule {
  readonly id: string;
  readonly title: string;
  readonly severity: Rule['severity'];
  readonly description: string;
  readonly remediation: string;
  readonly references: readonly JsonReference[];
  readonly helpUri: string;
}

export interface JsonReport {
  readonly schemaVersion: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly command?: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly summary: ReportSummary;
  readonly targets: readonly TargetResult[];
  readonly findings: readonly JsonFinding[];
  /** Since 1.1.0; present only when the policy suppressed something. */
  readonly suppressed?: readonly JsonSuppressedFinding[];
  readonly rules: readonly JsonRule[];
}

/** Builds the report object; fields are copied one by one so nothing undocumented leaks in. */
export function toJsonReport(input: ReportInput): JsonReport {
  const { report } = input;
  const findings = [...report.findings].sort(compareFindings).map(jsonFinding);
  const suppressed = [...(input.suppressed ?? [])]
    .sort((a, b) => compareFindings(a.finding, b.finding))
    .map((s) => ({ ...jsonFinding(s.finding), reason: s.reason, expires: s.expires }));
  const known = ruleIndex(input.rules);
  const rules = [...new Set([...findings, ...suppressed].map((f) => f.ruleId))].sort().flatMap((id) => {
    const r = known.get(id);
    return r ? [jsonRule(r)] : [];
  });
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: input.tool.name, version: input.tool.version },
    ...(input.command === undefined ? {} : { command: input.command }),
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    summary: summarize(report),
    targets: sortTargets(report.targets).map(jsonTarget),
    findings,
    ...(suppressed.length > 0 ? { suppressed } : {}),
    rules,
  };
}

export function renderJson(input: ReportInput): string {
  return `${JSON.stringify(toJsonReport(input), null, 2)}\n`;
}

function jsonTarget(t: TargetResult): TargetResult {
  return {
    path: t.path,
    ...(t.member === undefined ? {} : { member: t.member }),
    format: t.format,
    status: t.status,
    ...(t.error === undefined
      ? {}
      : {
          error: {
            code: t.error.code,
            message: t.error.message,
            ...(t.error.offset === undefined ? {} : { offset: t.error.offset }),
          },
        }),
    sizeBytes: t.sizeBytes,
    bytesRead: t.bytesRead,
    ...(t.durationMs === undefined ? {} : { durationMs: t.durationMs }),
  };
}

function jsonFinding(f: Finding): JsonFinding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    path: f.path,
    ...(f.member === undefined ? {} : { member: f.member }),
    ...(f.offset === undefined ? {} : { offset: f.offset }),
    ...(f.line === undefined ? {} : { line: f.line }),
    message: f.message,
    ...(f.evidence === undefined ? {} : { evidence: f.evidence }),
    references: f.references.map(jsonReference),
    ...(f.scanner === undefined ? {} : { scanner: f.scanner }),
  };
}

function jsonRule(r: Rule): JsonRule {
  return {
    id: r.id,
    title: r.title,
    severity: r.severity,
    description: r.description,
    remediation: r.remediation,
    references: r.references.map(jsonReference),
    helpUri: ruleHelpUri(r.id),
  };
}

function jsonReference(r: Reference): JsonReference {
  return { type: r.type, id: r.id, ...(r.url === undefined ? {} : { url: r.url }) };
}
