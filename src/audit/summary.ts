import type { Rule } from '../core/rule.js';
import type { ScanReport } from '../core/target.js';
import type { FileKind, InventoryEntry } from './classify.js';
import { type FrameworkCoverage, frameworkCoverage, mappingOf } from './frameworks.js';
import { type Area, areaOf, areaPostures, type Posture, postureOf, type Risk, rankRisks } from './posture.js';
import { type FindingLike, remediationFor } from './remediation.js';

/** Everything the audit adds on top of a scan report; every reporter renders from this. */
export interface AuditSummary {
  readonly posture: Posture;
  readonly areas: Readonly<Record<Area, Posture & { findings: number }>>;
  /** Ranked risks (rule × file), most important first, each with its remediation. */
  readonly risks: readonly (Risk & { readonly remediation: string })[];
  readonly frameworks: readonly FrameworkCoverage[];
  readonly inventory?: Readonly<Partial<Record<FileKind, InventoryEntry>>>;
}

/** An audit report carries an inventory; a plain scan report does not. */
export function inventoryOf(report: ScanReport): AuditSummary['inventory'] {
  const inv = (report as { inventory?: unknown }).inventory;
  return inv && typeof inv === 'object' ? (inv as AuditSummary['inventory']) : undefined;
}

export function auditSummary(report: ScanReport, rules: readonly Rule[]): AuditSummary {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const inventory = inventoryOf(report);
  return {
    posture: postureOf(report.findings),
    areas: areaPostures(report.findings),
    risks: rankRisks(report.findings, rules).map((r) => ({
      ...r,
      remediation: remediationFor(r.first, byId.get(r.ruleId)),
    })),
    frameworks: frameworkCoverage(report.findings, rules),
    ...(inventory ? { inventory } : {}),
  };
}

/** Per-finding remediation and framework ids, for the JSON report. */
export function findingExtras(f: FindingLike, rule: Rule | undefined) {
  const m = rule ? mappingOf(rule) : undefined;
  return {
    area: areaOf(f.ruleId),
    remediation: remediationFor(f, rule),
    ...(m ? { frameworks: m } : {}),
  };
}
