import { compareFindings, type Finding } from '../core/finding.js';
import { SEVERITIES, type Severity } from '../core/severity.js';
import type { TargetResult } from '../core/target.js';
import { formatBytes, formatDuration, formatPosition, safeText } from './format.js';
import { groupFindings, sortTargets, summarize } from './summary.js';
import type { ReportInput, ReportOptions } from './types.js';

const ESC = '\u001b[';
const RESET = `${ESC}0m`;
const SEVERITY_STYLE: Record<Severity, string> = {
  critical: `${ESC}1;97;41m`,
  high: `${ESC}1;31m`,
  medium: `${ESC}33m`,
  low: `${ESC}36m`,
  info: `${ESC}2m`,
};
const BOLD = `${ESC}1m`;
const DIM = `${ESC}2m`;

type Paint = (style: string, text: string) => string;

/**
 * The terminal report: findings grouped by file then archive member, then the targets that were
 * not fully scanned, then one summary. Every string from the scanned files goes through
 * `safeText` so a hostile name cannot drive the terminal.
 */
export function renderText(input: ReportInput, opts: ReportOptions = {}): string {
  const paint: Paint = opts.color ? (style, text) => `${style}${text}${RESET}` : (_style, text) => text;
  const { report } = input;
  const lines: string[] = [];
  const formats = new Map(report.targets.map((t) => [targetKey(t.path, t.member), t.format]));

  const findings = [...report.findings].sort(compareFindings);
  for (const [path, byMember] of groupFindings(findings)) {
    const format = formats.get(targetKey(path, undefined));
    lines.push(`${paint(BOLD, safeText(path))}${format ? paint(DIM, `  (${safeText(format)})`) : ''}`);
    for (const [member, list] of byMember) {
      let indent = '  ';
      if (member !== '') {
        const mformat = formats.get(targetKey(path, member));
        lines.push(
          `  ${paint(BOLD, `└─ ${safeText(member)}`)}${mformat ? paint(DIM, `  (${safeText(mformat)})`) : ''}`,
        );
        indent = '    ';
      }
      for (const f of list) lines.push(...findingLines(f, indent, paint));
    }
    lines.push('');
  }
  if (findings.length === 0) lines.push('No findings.', '');

  const troubled = sortTargets(report.targets.filter((t) => t.status === 'error' || t.status === 'partial'));
  if (troubled.length > 0) {
    lines.push(paint(BOLD, 'Targets not fully scanned:'));
    for (const t of troubled) lines.push(`  ${troubleLine(t, paint)}`);
    lines.push('');
  }

  lines.push(...summaryLines(input, paint));
  return `${lines.join('\n')}\n`;
}

function findingLines(f: Finding, indent: string, paint: Paint): string[] {
  // Padding stays outside the colour so a background colour covers the word only.
  const label = `${paint(SEVERITY_STYLE[f.severity], f.severity.toUpperCase())}${' '.repeat(8 - f.severity.length)}`;
  const pos = formatPosition(f);
  const out = [`${indent}${label}  ${safeText(f.ruleId)}${pos ? paint(DIM, `  ${pos}`) : ''}`];
  const pad = `${indent}${' '.repeat(10)}`;
  out.push(`${pad}${safeText(f.message)}`);
  if (f.evidence !== undefined) out.push(`${pad}${paint(DIM, 'evidence:')} ${safeText(f.evidence)}`);
  return out;
}

function troubleLine(t: TargetResult, paint: Paint): string {
  const style = t.status === 'error' ? SEVERITY_STYLE.high : SEVERITY_STYLE.medium;
  const where = t.member === undefined ? t.path : `${t.path}!${t.member}`;
  const error = t.error ? `  ${t.error.code}: ${safeText(t.error.message)}` : '';
  return `${paint(style, t.status)}${' '.repeat(8 - t.status.length)}  ${safeText(where)}${paint(DIM, `  (${safeText(t.format)})`)}${error}`;
}

function summaryLines(input: ReportInput, paint: Paint): string[] {
  const s = summarize(input.report);
  const counts = SEVERITIES.map((sev) => {
    const text = `${s.bySeverity[sev]} ${sev}`;
    return s.bySeverity[sev] > 0 ? paint(SEVERITY_STYLE[sev], text) : text;
  }).join(', ');
  const noun = s.findings === 1 ? 'finding' : 'findings';
  const t = s.targets;
  const scanned =
    `Scanned ${t.files} ${t.files === 1 ? 'file' : 'files'}` +
    (t.members > 0 ? ` and ${t.members} archive ${t.members === 1 ? 'member' : 'members'}` : '') +
    `: ${t.ok} ok, ${t.partial} partial, ${t.error} with errors, ${t.skipped} skipped`;
  const read = `read ${formatBytes(s.bytesRead)} of ${formatBytes(s.sizeBytes)} in ${formatDuration(input.report.durationMs)}`;
  return [`${paint(BOLD, `${s.findings} ${noun}`)}: ${counts}`, `${scanned} · ${read}`];
}

function targetKey(path: string, member: string | undefined): string {
  return member === undefined ? path : `${path}\u0000${member}`;
}
