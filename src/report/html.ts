/**
 * The self-contained HTML report: one file, no network (a Content-Security-Policy forbids every
 * fetch), inline CSS, inline SVG charts drawn at render time and a few lines of inline script for
 * filtering. Posture, risks and framework coverage come from src/audit/summary.ts, so `warden
 * scan --format html` and `warden audit --format html` show the same sections. Everything taken
 * from scanned files (paths, members, messages, evidence) is escaped by `esc`.
 */
import { esc, SEVERITY_COLOR, scoreRing, stackedBars } from '../audit/charts.js';
import { type FrameworkCoverage, mappingOf } from '../audit/frameworks.js';
import { AREAS, areaOf } from '../audit/posture.js';
import { remediationFor } from '../audit/remediation.js';
import { type AuditSummary, auditSummary } from '../audit/summary.js';
import { compareFindings, type Finding } from '../core/finding.js';
import type { Rule } from '../core/rule.js';
import { SEVERITIES, type Severity, severityRank } from '../core/severity.js';
import { formatBytes, formatDuration, formatPosition, ruleIndex } from './format.js';
import { ruleHelpUri } from './links.js';
import { summarize } from './summary.js';
import type { ReportInput, ReportOptions } from './types.js';

/** Findings rendered in full; past this the file list says how many were left out (the JSON has all). */
export const HTML_MAX_FINDINGS = 5000;
const MAX_RISKS = 10;
const MAX_TARGET_ROWS = 200;

// A constant with no double quotes, so it is safe unescaped in the attribute.
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const CSS = `
:root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f9fafb;--card:#fff}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#0f172a;color:#f8fafc;padding:18px 28px}header h1{margin:0 0 4px;font-size:20px}header .meta{color:#cbd5e1;font-size:12px;word-break:break-all}
main{padding:20px 28px;max-width:1280px}h2{font-size:16px;margin:26px 0 10px}h3{font-size:14px;margin:16px 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:14px}.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px}
.card.score{display:flex;gap:16px;align-items:center}.kpi{font-size:26px;font-weight:700}.muted{color:var(--muted)}
.sev{display:inline-block;min-width:64px;text-align:center;border-radius:4px;padding:1px 6px;color:#fff;font-size:11px;font-weight:700;text-transform:uppercase}
${SEVERITIES.map((s) => `.sev-${s}{background:${SEVERITY_COLOR[s]}}`).join('')}
table{border-collapse:collapse;width:100%;background:var(--card)}th,td{border:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}th{background:#f3f4f6;font-weight:600}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}pre{background:#f3f4f6;padding:8px;border-radius:4px;white-space:pre-wrap;word-break:break-all;margin:6px 0}
.chart{width:100%;height:auto;display:block}.chart .lbl{font-size:12px;fill:#111827}.chart .sub{fill:#6b7280}.chart .num{font-size:12px;fill:#374151}.chart .track{fill:#f3f4f6}
.ring-track{fill:none;stroke:#e5e7eb;stroke-width:12}.ring-score{font-size:30px;font-weight:700;fill:#111827}.ring-grade{font-size:12px;fill:#6b7280}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:14px}
details.file{background:var(--card);border:1px solid var(--line);border-radius:6px;margin:8px 0}details.file>summary{cursor:pointer;padding:8px 12px;font-weight:600;word-break:break-all}
.finding{border-top:1px solid var(--line);padding:10px 14px}.finding .head{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.fix{background:#ecfdf5;border-left:3px solid #059669;padding:6px 10px;margin:6px 0}.chips span{display:inline-block;background:#eef2ff;color:#3730a3;border-radius:10px;padding:0 7px;margin:2px 3px 0 0;font-size:11px}
.filters{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin:8px 0}.filters label{user-select:none}input[type=search]{padding:4px 8px;min-width:260px}
.hidden{display:none!important}footer{color:var(--muted);font-size:12px;padding:20px 28px}
`;

// Filtering only; the report is complete without it. No network, no eval, no innerHTML.
const SCRIPT = `
(function(){
  var boxes=document.querySelectorAll('[data-filter-sev]');var q=document.getElementById('q');
  function apply(){
    var on={};boxes.forEach(function(b){on[b.getAttribute('data-filter-sev')]=b.checked});
    var text=(q&&q.value||'').toLowerCase();var shown=0;
    document.querySelectorAll('details.file').forEach(function(d){
      var any=false;d.querySelectorAll('.finding').forEach(function(f){
        var ok=on[f.getAttribute('data-sev')]&&(!text||f.textContent.toLowerCase().indexOf(text)>=0||d.getAttribute('data-path').toLowerCase().indexOf(text)>=0);
        f.classList.toggle('hidden',!ok);if(ok){any=true;shown++}});
      d.classList.toggle('hidden',!any)});
    var c=document.getElementById('shown');if(c)c.textContent=String(shown);
  }
  boxes.forEach(function(b){b.addEventListener('change',apply)});if(q)q.addEventListener('input',apply);
  var ex=document.getElementById('expand');if(ex)ex.addEventListener('click',function(){document.querySelectorAll('details.file').forEach(function(d){d.open=true})});
  apply();
})();
`;

/** Escaped text with `code` spans (remediation text uses them for commands) rendered as <code>. */
function withCode(text: string): string {
  return esc(text).replace(/`([^`]{1,2000})`/g, '<code>$1</code>');
}

const badge = (s: Severity) => `<span class="sev sev-${s}">${s}</span>`;

function countsBy(
  findings: readonly Finding[],
  key: (f: Finding) => string,
): Map<string, Partial<Record<Severity, number>>> {
  const out = new Map<string, Partial<Record<Severity, number>>>();
  for (const f of findings) {
    const k = key(f);
    const c = out.get(k) ?? {};
    c[f.severity] = (c[f.severity] ?? 0) + 1;
    out.set(k, c);
  }
  return out;
}

function summarySection(input: ReportInput, a: AuditSummary): string {
  const s = summarize(input.report);
  const sevCards = SEVERITIES.map(
    (sev) =>
      `<div class="card"><div class="kpi" style="color:${SEVERITY_COLOR[sev]}">${s.bySeverity[sev]}</div>${sev}</div>`,
  ).join('');
  const p = a.posture;
  const formula = `risk R = ${p.risk}; score = min(cap, round(100·e^(−R/100)))${p.cap === undefined ? '' : `, cap ${p.cap}`}`;
  return `<section id="summary"><h2>Summary</h2><div class="cards">
<div class="card score">${scoreRing(p.score, p.grade)}<div><div class="kpi">Posture ${p.score}/100</div><div class="muted">${esc(formula)}</div><div class="muted">See docs/posture.md for the formula.</div></div></div>
${sevCards}
<div class="card"><div class="kpi">${s.targets.files}</div>files${s.targets.members ? ` + ${s.targets.members} members` : ''}<div class="muted">${s.targets.partial} partial, ${s.targets.error} errors, ${s.targets.skipped} skipped</div></div>
<div class="card"><div class="kpi">${esc(formatBytes(s.sizeBytes))}</div>scanned<div class="muted">read ${esc(formatBytes(s.bytesRead))} in ${esc(formatDuration(input.report.durationMs))}</div></div>
</div></section>`;
}

function risksSection(a: AuditSummary): string {
  if (a.risks.length === 0) return '<section id="risks"><h2>Top risks</h2><p>No findings.</p></section>';
  const rows = a.risks
    .slice(0, MAX_RISKS)
    .map(
      (r, i) =>
        `<tr><td>${i + 1}</td><td>${badge(r.severity)}</td><td><code>${esc(r.ruleId)}</code><br>${withCode(r.title)}</td><td><code>${esc(r.path)}</code>${r.first.line ? `:${r.first.line}` : ''}${r.count > 1 ? ` <span class="muted">(${r.count} findings)</span>` : ''}<br><span class="muted">${esc(r.first.message)}</span></td><td>${withCode(r.remediation)}</td></tr>`,
    );
  const more = a.risks.length > MAX_RISKS ? `<p class="muted">${a.risks.length - MAX_RISKS} more below.</p>` : '';
  return `<section id="risks"><h2>Top risks</h2><table><thead><tr><th>#</th><th>Severity</th><th>Rule</th><th>Where</th><th>Remediation</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}</section>`;
}

function chartsSection(input: ReportInput, a: AuditSummary): string {
  const findings = input.report.findings;
  const bySev = SEVERITIES.map((s) => ({ label: s, counts: { [s]: findings.filter((f) => f.severity === s).length } }));
  const byArea = countsBy(findings, (f) => areaOf(f.ruleId));
  const areaRows = AREAS.map((ar) => ({
    label: ar,
    counts: byArea.get(ar) ?? {},
    note: `${byArea.has(ar) ? Object.values(byArea.get(ar) ?? {}).reduce((n, x) => n + (x ?? 0), 0) : 0} · score ${a.areas[ar].score}`,
  }));
  const known = ruleIndex(input.rules);
  const fwCharts = a.frameworks
    .filter((fw) => fw.id !== 'cwe')
    .map((fw) => frameworkChart(fw, findings, known))
    .join('');
  return `<section id="charts"><h2>Findings by severity, area and framework</h2><div class="grid">
<div class="card"><h3>By severity</h3>${stackedBars('findings by severity', bySev, { labelWidth: 90 })}</div>
<div class="card"><h3>By area (with area score)</h3>${stackedBars('findings by area', areaRows, { labelWidth: 110 })}</div>
${fwCharts}</div></section>`;
}

function frameworkChart(fw: FrameworkCoverage, findings: readonly Finding[], rules: ReadonlyMap<string, Rule>): string {
  const key = fw.id === 'atlas' ? 'atlas' : fw.id === 'owasp-ml' ? 'owaspMl' : 'owaspLlm';
  const counts = new Map<string, Partial<Record<Severity, number>>>();
  for (const f of findings) {
    const r = rules.get(f.ruleId);
    for (const c of r ? mappingOf(r)[key] : []) {
      const m = counts.get(c) ?? {};
      m[f.severity] = (m[f.severity] ?? 0) + 1;
      counts.set(c, m);
    }
  }
  const cats = fw.id === 'atlas' ? fw.categories.filter((c) => c.findings > 0 || c.rules > 0) : fw.categories;
  const rows = cats.map((c) => ({
    label: c.id,
    sublabel: c.name.length > 30 ? `${c.name.slice(0, 29)}…` : c.name,
    counts: counts.get(c.id) ?? {},
    note: `${c.findings} · ${c.rules} rules`,
  }));
  return `<div class="card"><h3>${esc(fw.title)}</h3><p class="muted">${fw.hit} of ${fw.categories.length} with findings; Warden has rules for ${fw.covered}.</p>${stackedBars(fw.title, rows, { labelWidth: 330 })}</div>`;
}

function coverageTables(a: AuditSummary): string {
  const tables = a.frameworks.map((fw) => {
    const rows = fw.categories
      .filter((c) => fw.id !== 'cwe' || c.findings > 0)
      .map(
        (c) =>
          `<tr><td><code>${esc(c.id)}</code></td><td>${esc(c.name)}</td><td>${c.rules}</td><td>${c.findings}</td><td>${c.highest ? badge(c.highest) : ''}</td></tr>`,
      );
    const note = fw.id === 'cwe' ? '<p class="muted">CWEs with findings in this report.</p>' : '';
    return `<h3>${esc(fw.title)}</h3>${note}<table><thead><tr><th>Id</th><th>Name</th><th>Rules</th><th>Findings</th><th>Highest</th></tr></thead><tbody>${rows.join('') || '<tr><td colspan="5">none</td></tr>'}</tbody></table>`;
  });
  return `<section id="frameworks"><h2>Framework coverage</h2>${tables.join('')}</section>`;
}

function inventorySection(a: AuditSummary): string {
  if (!a.inventory) return '';
  const rows = Object.entries(a.inventory)
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${v?.files ?? 0}</td><td>${esc(formatBytes(v?.bytes ?? 0))}</td></tr>`);
  return `<section id="inventory"><h2>What the project holds</h2><table><thead><tr><th>Kind</th><th>Files</th><th>Size</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function findingHtml(f: Finding, rule: Rule | undefined): string {
  const m = rule ? mappingOf(rule) : undefined;
  const chips = m
    ? [...m.atlas, ...m.owaspMl, ...m.owaspLlm, ...m.cwe].map((id) => `<span>${esc(id)}</span>`).join('')
    : '';
  const where = [f.member ? `member <code>${esc(f.member)}</code>` : '', esc(formatPosition(f))]
    .filter(Boolean)
    .join(', ');
  return `<article class="finding" data-sev="${f.severity}"><div class="head">${badge(f.severity)}<a href="${esc(ruleHelpUri(f.ruleId))}" rel="noreferrer"><code>${esc(f.ruleId)}</code></a><span>${withCode(rule?.title ?? '')}</span>${where ? `<span class="muted">${where}</span>` : ''}</div>
<div>${esc(f.message)}</div>${f.evidence ? `<pre>${esc(f.evidence)}</pre>` : ''}<div class="fix"><strong>Remediation:</strong> ${withCode(remediationFor(f, rule))}</div>${chips ? `<div class="chips">${chips}</div>` : ''}</article>`;
}

function filesSection(input: ReportInput): string {
  const known = ruleIndex(input.rules);
  const all = [...input.report.findings].sort(compareFindings);
  const shown = all.slice(0, HTML_MAX_FINDINGS);
  const formats = new Map(input.report.targets.filter((t) => t.member === undefined).map((t) => [t.path, t.format]));
  const byFile = new Map<string, Finding[]>();
  for (const f of shown) {
    const list = byFile.get(f.path);
    if (list) list.push(f);
    else byFile.set(f.path, [f]);
  }
  const worst = (list: readonly Finding[]) => Math.max(...list.map((f) => severityRank(f.severity)));
  const files = [...byFile.entries()].sort(([pa, a], [pb, b]) => worst(b) - worst(a) || (pa < pb ? -1 : 1));
  const sections = files.map(([path, list]) => {
    const counts = SEVERITIES.filter((s) => list.some((f) => f.severity === s))
      .map((s) => `${badge(s)} ${list.filter((f) => f.severity === s).length}`)
      .join(' ');
    const open = worst(list) >= severityRank('high') ? ' open' : '';
    const format = formats.get(path);
    return `<details class="file" data-path="${esc(path)}"${open}><summary><code>${esc(path)}</code>${format ? ` <span class="muted">(${esc(format)})</span>` : ''} ${counts}</summary>${list.map((f) => findingHtml(f, known.get(f.ruleId))).join('')}</details>`;
  });
  const cut =
    all.length > shown.length
      ? `<p class="muted">Showing ${shown.length} of ${all.length} findings; the JSON report has all of them.</p>`
      : '';
  const filters = SEVERITIES.map(
    (s) => `<label><input type="checkbox" data-filter-sev="${s}" checked> ${badge(s)}</label>`,
  ).join('');
  return `<section id="files"><h2>Findings by file</h2><div class="filters">${filters}<input id="q" type="search" placeholder="filter by text, path or rule" aria-label="filter findings"><button id="expand" type="button">expand all</button><span class="muted"><span id="shown">${shown.length}</span> shown</span></div>${cut}${sections.join('') || '<p>No findings.</p>'}</section>`;
}

function targetsSection(input: ReportInput): string {
  const bad = input.report.targets.filter((t) => t.status !== 'ok' && t.error?.code !== 'unknown_format');
  if (bad.length === 0) return '';
  const rows = bad
    .slice(0, MAX_TARGET_ROWS)
    .map(
      (t) =>
        `<tr><td><code>${esc(t.member ? `${t.path}!${t.member}` : t.path)}</code></td><td>${esc(t.format)}</td><td>${esc(t.status)}</td><td>${esc(t.error ? `${t.error.code}: ${t.error.message}` : '')}</td></tr>`,
    );
  const more =
    bad.length > MAX_TARGET_ROWS ? `<p class="muted">${bad.length - MAX_TARGET_ROWS} more in the JSON report.</p>` : '';
  return `<section id="targets"><h2>Not fully inspected</h2><table><thead><tr><th>File</th><th>Format</th><th>Status</th><th>Why</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}</section>`;
}

/** Renders the report as one self-contained HTML document. */
export function renderHtml(input: ReportInput, _opts: ReportOptions = {}): string {
  const a = auditSummary(input.report, input.rules);
  const title = `${input.tool.name} report`;
  const meta = [
    `${input.tool.name} ${input.tool.version}`,
    input.command ? `command: ${input.command}` : '',
    `started ${input.report.startedAt}`,
  ]
    .filter(Boolean)
    .map(esc)
    .join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(title)}: posture ${a.posture.score}/100 (grade ${a.posture.grade})</h1><div class="meta">${meta}</div></header>
<main>${summarySection(input, a)}${risksSection(a)}${chartsSection(input, a)}${coverageTables(a)}${inventorySection(a)}${filesSection(input)}${targetsSection(input)}</main>
<footer>Generated offline by ${esc(input.tool.name)}; this file loads nothing from the network. Rule pages: ${esc(ruleHelpUri('x/y').replace(/x\/y\.md$/, ''))}</footer>
<script>${SCRIPT}</script></body></html>
`;
}
