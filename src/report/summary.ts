import type { Finding } from '../core/finding.js';
import { maxSeverity, SEVERITIES, type Severity } from '../core/severity.js';
import type { ScanReport, TargetStatus } from '../core/target.js';

export const TARGET_STATUSES: readonly TargetStatus[] = ['ok', 'partial', 'error', 'skipped'];

/** Counts every reporter shows; computed once so all formats agree. */
export interface ReportSummary {
  readonly findings: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** Finding count per rule id, keys sorted. */
  readonly byRule: Readonly<Record<string, number>>;
  readonly highestSeverity: Severity | null;
  readonly targets: {
    readonly total: number;
    /** Top-level targets (files on disk or URLs). */
    readonly files: number;
    /** Targets inside archives. */
    readonly members: number;
  } & Readonly<Record<TargetStatus, number>>;
  /**
   * Bytes read and total size of the top-level targets. Members are left out: their reads are
   * already part of their file's, and their sizes are decompressed sizes.
   */
  readonly bytesRead: number;
  readonly sizeBytes: number;
}

export function summarize(report: ScanReport): ReportSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const rules = new Map<string, number>();
  for (const f of report.findings) {
    bySeverity[f.severity]++;
    rules.set(f.ruleId, (rules.get(f.ruleId) ?? 0) + 1);
  }
  const byStatus = Object.fromEntries(TARGET_STATUSES.map((s) => [s, 0])) as Record<TargetStatus, number>;
  let files = 0;
  let bytesRead = 0;
  let sizeBytes = 0;
  for (const t of report.targets) {
    byStatus[t.status]++;
    if (t.member === undefined) {
      files++;
      bytesRead += t.bytesRead;
      sizeBytes += t.sizeBytes;
    }
  }
  const byRule = Object.fromEntries([...rules.entries()].sort(([a], [b]) => compareText(a, b)));
  return {
    findings: report.findings.length,
    bySeverity,
    byRule,
    highestSeverity: maxSeverity(report.findings.map((f) => f.severity)) ?? null,
    targets: { total: report.targets.length, files, members: report.targets.length - files, ...byStatus },
    bytesRead,
    sizeBytes,
  };
}

/**
 * Locale-independent string order (UTF-16 code units) for keys we sort ourselves, so reports are
 * byte-identical whatever the machine's locale.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Targets in a stable order: path, then member (the file itself before its members). */
export function sortTargets<T extends { path: string; member?: string }>(targets: readonly T[]): T[] {
  return [...targets].sort((a, b) => compareText(a.path, b.path) || compareText(a.member ?? '', b.member ?? ''));
}

/** Findings grouped by file, then by member ('' = the file itself), in the order given. */
export function groupFindings(findings: readonly Finding[]): Map<string, Map<string, Finding[]>> {
  const out = new Map<string, Map<string, Finding[]>>();
  for (const f of findings) {
    let byMember = out.get(f.path);
    if (!byMember) {
      byMember = new Map();
      out.set(f.path, byMember);
    }
    const key = f.member ?? '';
    const list = byMember.get(key);
    if (list) list.push(f);
    else byMember.set(key, [f]);
  }
  return out;
}
