/**
 * Audit reports: the shared reporters (src/report) with the audit's summary in front — posture,
 * top risks with remediation, framework coverage — and, in JSON, an `audit` object plus a
 * `remediation`, `area` and `frameworks` field on every finding (additive to the JSON contract).
 */
import { SEVERITIES } from '../core/severity.js';
import { ruleIndex, safeText } from '../report/format.js';
import {
  type ReportFormat,
  type ReportInput,
  type ReportOptions,
  renderReport,
  toJsonReport,
} from '../report/index.js';
import { mdCode, mdText } from '../report/markdown-escape.js';
import { AREAS } from './posture.js';
import { type AuditSummary, auditSummary, findingExtras } from './summary.js';

export const AUDIT_TOP_RISKS = 10;

function auditJson(input: ReportInput, a: AuditSummary): string {
  const base = toJsonReport(input);
  const rules = ruleIndex(input.rules);
  const byId = new Map(input.rules.map((r) => [r.id, r]));
  const findings = base.findings.map((f) => ({
    ...f,
    ...findingExtras(f, byId.get(f.ruleId) ?? rules.get(f.ruleId)),
  }));
  const audit = {
    posture: a.posture,
    areas: a.areas,
    topRisks: a.risks.slice(0, AUDIT_TOP_RISKS).map((r) => ({
      ruleId: r.ruleId,
      title: r.title,
      severity: r.severity,
      area: r.area,
      path: r.path,
      ...(r.first.line === undefined ? {} : { line: r.first.line }),
      ...(r.first.member === undefined ? {} : { member: r.first.member }),
      count: r.count,
      message: r.first.message,
      remediation: r.remediation,
    })),
    frameworks: a.frameworks,
    ...(a.inventory ? { inventory: a.inventory } : {}),
  };
  return `${JSON.stringify({ ...base, findings, audit }, null, 2)}\n`;
}

function frameworkLines(a: AuditSummary, md: boolean): string[] {
  const out: string[] = [];
  for (const fw of a.frameworks.filter((f) => f.id !== 'cwe')) {
    const hit = fw.categories.filter((c) => c.findings > 0);
    const list = hit.map((c) => `${c.id} ${c.name} (${c.findings})`).join(md ? '; ' : '\n    ');
    out.push(
      md
        ? `- **${fw.title}**: ${fw.hit} of ${fw.categories.length} with findings${hit.length ? ` — ${mdText(list)}` : ''}`
        : `  ${fw.title}: ${fw.hit} of ${fw.categories.length} with findings${hit.length ? `\n    ${list}` : ''}`,
    );
  }
  return out;
}

function auditMarkdown(input: ReportInput, a: AuditSummary, opts: ReportOptions): string {
  const p = a.posture;
  const out = [
    `## Warden audit: posture ${p.score}/100 (grade ${p.grade})`,
    '',
    `Risk sum R = ${p.risk}${p.cap === undefined ? '' : `, capped at ${p.cap}`} (formula: docs/posture.md). ` +
      `Areas: ${
        AREAS.filter((x) => a.areas[x].findings > 0)
          .map((x) => `${x} ${a.areas[x].score}`)
          .join(', ') || 'no findings'
      }.`,
    '',
  ];
  if (a.risks.length > 0) {
    out.push('### Top risks', '', '| # | Severity | Rule | Where | Remediation |', '| ---: | --- | --- | --- | --- |');
    a.risks.slice(0, AUDIT_TOP_RISKS).forEach((r, i) => {
      const where = `${r.path}${r.first.line ? `:${r.first.line}` : ''}${r.count > 1 ? ` (${r.count} findings)` : ''}`;
      out.push(
        `| ${i + 1} | ${r.severity} | ${mdCode(r.ruleId, true)} | ${mdCode(where, true)} | ${mdText(r.remediation)} |`,
      );
    });
    out.push('');
  }
  out.push('### Framework coverage', '', ...frameworkLines(a, true), '');
  return `${out.join('\n')}\n${renderReport('markdown', input, opts)}`;
}

function auditText(input: ReportInput, a: AuditSummary, opts: ReportOptions): string {
  const p = a.posture;
  const out = [
    `Posture ${p.score}/100 (grade ${p.grade}), risk R = ${p.risk}${p.cap === undefined ? '' : `, cap ${p.cap}`}`,
  ];
  if (a.inventory) {
    const kinds = Object.entries(a.inventory).map(([k, v]) => `${v?.files ?? 0} ${k}`);
    out.push(`Project: ${kinds.join(', ') || 'no files'}`);
  }
  if (a.risks.length > 0) {
    out.push('', 'Top risks:');
    a.risks.slice(0, AUDIT_TOP_RISKS).forEach((r, i) => {
      out.push(
        `  ${String(i + 1).padStart(2)}. ${r.severity.toUpperCase().padEnd(8)} ${r.ruleId}  ${safeText(r.path)}${r.first.line ? `:${r.first.line}` : ''}${r.count > 1 ? ` (${r.count} findings)` : ''}`,
        `      ${safeText(r.first.message)}`,
        `      fix: ${safeText(r.remediation)}`,
      );
    });
  }
  out.push('', 'Framework coverage:', ...frameworkLines(a, false), '');
  const counts = SEVERITIES.map((s) => `${a.risks.filter((r) => r.severity === s).length} ${s}`).join(', ');
  out.push(`Risks by severity: ${counts}`, '', '');
  return `${out.join('\n')}${renderReport('text', input, opts)}`;
}

/** Renders an audit in any report format; html and sarif are the shared reporters unchanged. */
export function renderAudit(format: ReportFormat, input: ReportInput, opts: ReportOptions = {}): string {
  if (format === 'sarif' || format === 'html') return renderReport(format, input, opts);
  const a = auditSummary(input.report, input.rules);
  if (format === 'json') return auditJson(input, a);
  if (format === 'markdown') return auditMarkdown(input, a, opts);
  return auditText(input, a, opts);
}
