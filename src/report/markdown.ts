import { compareFindings, type Finding } from '../core/finding.js';
import { SEVERITIES, type Severity, severityRank } from '../core/severity.js';
import { formatBytes, formatDuration, formatLocation, formatPosition } from './format.js';
import { ruleHelpUri } from './links.js';
import { mdCode, mdText } from './markdown-escape.js';
import { groupFindings, sortTargets, summarize } from './summary.js';
import type { ReportInput, ReportOptions } from './types.js';

export const DEFAULT_MAX_TOP = 10;
// GitHub rejects comments over 65,536 characters; this keeps a full details list well under it.
export const DEFAULT_MAX_DETAILS = 150;

const LABEL: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

/**
 * A summary for pull-request comments: counts, the most severe findings first, then everything in
 * collapsible sections. All text from scanned files is escaped (see markdown-escape.ts).
 */
export function renderMarkdown(input: ReportInput, opts: ReportOptions = {}): string {
  const { report } = input;
  const s = summarize(report);
  const maxTop = opts.maxTop ?? DEFAULT_MAX_TOP;
  const maxDetails = opts.maxDetails ?? DEFAULT_MAX_DETAILS;
  const findings = [...report.findings].sort(compareFindings);
  const out: string[] = [];

  const headline = SEVERITIES.filter((sev) => s.bySeverity[sev] > 0)
    .map((sev) => `${s.bySeverity[sev]} ${sev}`)
    .join(', ');
  out.push(`### ${mdText(input.tool.name)} scan: ${headline || 'no findings'}`, '');

  out.push('| Severity | Findings |', '| --- | ---: |');
  for (const sev of SEVERITIES) out.push(`| ${LABEL[sev]} | ${s.bySeverity[sev]} |`);
  out.push('');

  const t = s.targets;
  out.push(
    `Scanned **${t.files}** ${t.files === 1 ? 'file' : 'files'}` +
      (t.members > 0 ? ` and **${t.members}** archive ${t.members === 1 ? 'member' : 'members'}` : '') +
      `: ${t.ok} ok, ${t.partial} partial, ${t.error} with errors, ${t.skipped} skipped · ` +
      `read ${formatBytes(s.bytesRead)} of ${formatBytes(s.sizeBytes)} in ${formatDuration(report.durationMs)}.`,
    '',
  );

  if (findings.length > 0) {
    const top = [...findings].sort(
      (a, b) => severityRank(b.severity) - severityRank(a.severity) || compareFindings(a, b),
    );
    out.push('#### Top findings', '', '| Severity | Rule | Location | Finding |', '| --- | --- | --- | --- |');
    for (const f of top.slice(0, maxTop)) out.push(topRow(f));
    if (top.length > maxTop) out.push('', `_Showing ${maxTop} of ${top.length} findings, most severe first._`);
    out.push('');
    out.push(...details(findings, maxDetails));
  }

  const troubled = sortTargets(report.targets.filter((x) => x.status === 'error' || x.status === 'partial'));
  if (troubled.length > 0) {
    out.push('<details>', `<summary>Targets not fully scanned (${troubled.length})</summary>`, '');
    out.push('| Status | Target | Format | Error |', '| --- | --- | --- | --- |');
    for (const x of troubled) {
      const err = x.error ? `${mdCode(x.error.code, true)} ${mdText(x.error.message)}` : '';
      out.push(`| ${x.status} | ${mdCode(formatLocation(x), true)} | ${mdCode(x.format, true)} | ${err} |`);
    }
    out.push('', '</details>', '');
  }

  out.push(`<sub>${mdText(input.tool.name)} ${mdText(input.tool.version)}</sub>`);
  return `${out.join('\n')}\n`;
}

function ruleLink(id: string, inTable: boolean): string {
  return `[${mdCode(id, inTable)}](${ruleHelpUri(id)})`;
}

function topRow(f: Finding): string {
  const pos = formatPosition(f);
  const where = `${mdCode(formatLocation(f), true)}${pos ? ` ${pos}` : ''}`;
  const evidence = f.evidence === undefined ? '' : `<br>${mdCode(f.evidence, true)}`;
  return `| **${LABEL[f.severity]}** | ${ruleLink(f.ruleId, true)} | ${where} | ${mdText(f.message)}${evidence} |`;
}

function details(findings: readonly Finding[], max: number): string[] {
  const out = ['<details>', `<summary>All findings (${findings.length})</summary>`, ''];
  const shown = findings.slice(0, max);
  for (const [path, byMember] of groupFindings(shown)) {
    out.push(`##### ${mdCode(path)}`, '');
    for (const [member, list] of byMember) {
      const indent = member === '' ? '' : '  ';
      if (member !== '') out.push(`- member ${mdCode(member)}`);
      for (const f of list) {
        const pos = formatPosition(f);
        // A trailing backslash is a hard line break: the evidence sits under its finding.
        const brk = f.evidence === undefined ? '' : '\\';
        out.push(
          `${indent}- **${LABEL[f.severity]}** ${ruleLink(f.ruleId, false)}${pos ? ` (${pos})` : ''}: ${mdText(f.message)}${brk}`,
        );
        if (f.evidence !== undefined) out.push(`${indent}  Evidence: ${mdCode(f.evidence)}`);
      }
    }
    out.push('');
  }
  if (findings.length > max) {
    out.push(`_${findings.length - max} more findings not shown; see the JSON or SARIF report._`, '');
  }
  out.push('</details>', '');
  return out;
}
