/**
 * The posture score (docs/posture.md has the formula with worked examples):
 *
 *   R     = Σ over rules, Σ over that rule's findings (most severe first, i = 1, 2, …) of W(severity) / i
 *   score = min(cap, round(100 · e^(−R / 100)))
 *   W     = critical 40, high 15, medium 4, low 1, info 0
 *   cap   = 49 when any finding is critical, 79 when any is high, else 100
 *
 * Damping by 1/i keeps fifty copies of one problem from outweighing one problem elsewhere; the
 * exponential keeps the score in 0..100 without clipping; the caps say that a project with a
 * critical finding is not in good shape whatever else is true.
 */
import type { Finding } from '../core/finding.js';
import type { Rule } from '../core/rule.js';
import { type Severity, severityRank } from '../core/severity.js';

export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = {
  critical: 40,
  high: 15,
  medium: 4,
  low: 1,
  info: 0,
};
export const SCALE = 100;
export const CAPS: Readonly<Partial<Record<Severity, number>>> = { critical: 49, high: 79 };

export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';
const GRADES: readonly [number, Grade][] = [
  [90, 'A'],
  [75, 'B'],
  [60, 'C'],
  [40, 'D'],
];

export interface Posture {
  readonly score: number;
  readonly grade: Grade;
  /** The risk sum R before the exponential, rounded to 0.1. */
  readonly risk: number;
  /** The cap applied, when one was. */
  readonly cap?: number;
}

export type Area = 'models' | 'code' | 'data' | 'supply-chain' | 'policy' | 'runtime';
export const AREAS: readonly Area[] = ['models', 'code', 'data', 'supply-chain', 'policy', 'runtime'];

/** The part of the project a rule is about, from its area prefix. */
export function areaOf(ruleId: string): Area {
  const prefix = ruleId.split('/')[0] ?? '';
  if (prefix === 'code') return 'code';
  if (prefix === 'data') return 'data';
  if (prefix === 'supply') return 'supply-chain';
  if (prefix === 'policy') return 'policy';
  if (prefix === 'guard') return 'runtime';
  return 'models';
}

export function gradeOf(score: number): Grade {
  for (const [min, g] of GRADES) if (score >= min) return g;
  return 'F';
}

export function postureOf(findings: readonly Finding[]): Posture {
  const byRule = new Map<string, Severity[]>();
  for (const f of findings) {
    const list = byRule.get(f.ruleId);
    if (list) list.push(f.severity);
    else byRule.set(f.ruleId, [f.severity]);
  }
  let risk = 0;
  for (const sevs of byRule.values()) {
    sevs.sort((a, b) => severityRank(b) - severityRank(a));
    sevs.forEach((s, i) => {
      risk += SEVERITY_WEIGHT[s] / (i + 1);
    });
  }
  const raw = Math.round(SCALE * Math.exp(-risk / SCALE));
  const cap = findings.some((f) => f.severity === 'critical')
    ? CAPS.critical
    : findings.some((f) => f.severity === 'high')
      ? CAPS.high
      : undefined;
  const score = cap === undefined ? raw : Math.min(cap, raw);
  return { score, grade: gradeOf(score), risk: Math.round(risk * 10) / 10, ...(cap === undefined ? {} : { cap }) };
}

export interface Risk {
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly area: Area;
  readonly path: string;
  readonly count: number;
  /** The most severe finding of the group, for its location, message and evidence. */
  readonly first: Finding;
}

/**
 * Among risks of equal severity: a hostile artefact already in the project first, then a credential
 * already exposed, then code paths that would run attacker input, then dependencies, then policy.
 */
const AREA_PRIORITY: Readonly<Record<Area, number>> = {
  models: 0,
  data: 1,
  code: 2,
  'supply-chain': 3,
  policy: 4,
  runtime: 5,
};

// Within an area: code runs > credentials leak > the rest.
const EXECUTION_CWES = new Set(['CWE-502', 'CWE-78', 'CWE-94', 'CWE-95', 'CWE-77', 'CWE-89', 'CWE-829', 'CWE-1395']);
const LEAK_CWES = new Set(['CWE-798', 'CWE-312', 'CWE-200', 'CWE-359']);

function impactClass(f: Finding): number {
  if (f.references.some((r) => EXECUTION_CWES.has(r.id))) return 0;
  if (f.references.some((r) => LEAK_CWES.has(r.id))) return 1;
  return 2;
}

/**
 * Findings grouped by rule and file, most severe first; among equals by area (AREA_PRIORITY), then
 * code execution before credential leaks before the rest, then groups with more findings. The first entries are the
 * "top risks" every report leads with.
 */
export function rankRisks(findings: readonly Finding[], rules: readonly Rule[]): Risk[] {
  const titles = new Map(rules.map((r) => [r.id, r.title]));
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = `${f.ruleId}\u0000${f.path}`;
    const list = groups.get(k);
    if (list) list.push(f);
    else groups.set(k, [f]);
  }
  const risks: Risk[] = [...groups.values()].map((list) => {
    const sorted = [...list].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    const first = sorted[0]!;
    return {
      ruleId: first.ruleId,
      title: titles.get(first.ruleId) ?? first.ruleId,
      severity: first.severity,
      area: areaOf(first.ruleId),
      path: first.path,
      count: list.length,
      first,
    };
  });
  return risks.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      AREA_PRIORITY[a.area] - AREA_PRIORITY[b.area] ||
      impactClass(a.first) - impactClass(b.first) ||
      b.count - a.count ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}

/** Score per area that has findings or was audited. */
export function areaPostures(findings: readonly Finding[]): Record<Area, Posture & { findings: number }> {
  const out = {} as Record<Area, Posture & { findings: number }>;
  for (const a of AREAS) {
    const list = findings.filter((f) => areaOf(f.ruleId) === a);
    out[a] = { ...postureOf(list), findings: list.length };
  }
  return out;
}
