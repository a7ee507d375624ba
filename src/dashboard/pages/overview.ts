import { postureOf } from '../../audit/posture.js';
import type { Finding } from '../../core/finding.js';
import { isSeverity, SEVERITIES } from '../../core/severity.js';
import type { Db } from '../../store/db.js';
import { findingCounts } from '../../store/findings-repo.js';
import { chart } from '../charts.js';
import { h, show } from '../html.js';
import type { PageContext } from '../layout.js';
import { page } from '../layout.js';
import { openFindingSeverities, overviewCounts, recentAlerts } from '../queries.js';

/** The same posture score `warden audit` prints (src/audit/posture.ts), over the open findings in the store. */
export async function postureOfStore(db: Db) {
  const open = await openFindingSeverities(db);
  const findings = open.flatMap((f) =>
    isSeverity(f.severity)
      ? [{ ruleId: f.ruleId, severity: f.severity, message: '', path: '', references: [] } as Finding]
      : [],
  );
  return postureOf(findings);
}

export async function overviewPage(ctx: PageContext, db: Db, now: Date) {
  const since = new Date(now.getTime() - 24 * 3600_000);
  const [posture, counts, byState, alerts] = await Promise.all([
    postureOfStore(db),
    overviewCounts(db, since),
    findingCounts(db),
    recentAlerts(db, 15),
  ]);
  const open = byState.open ?? {};
  const items = SEVERITIES.map((s) => ({ label: s, v: open[s] ?? 0, cls: s }));
  const card = (label: string, value: number | string, href?: string) =>
    h`<div class="card"><small>${label}</small><b>${href ? h`<a href="${href}">${value}</a>` : value}</b></div>`;
  const body = h`<h1>Overview</h1>
<div class="cards">
  <div class="card" id="posture"><small>Posture score (open findings)</small>
    <span class="score">${posture.score}</span> <span class="grade">grade ${posture.grade}</span></div>
  ${card(
    'Open findings',
    items.reduce((s, i) => s + i.v, 0),
    '/ui/findings?state=open',
  )}
  ${card('Models', counts.models ?? 0, '/ui/models')}
  ${card('Guard events (24 h)', counts.guard_events ?? 0, '/ui/guard')}
  ${card('Blocked (24 h)', counts.blocked ?? 0, '/ui/guard')}
  ${card('Drifting features (24 h)', counts.drifted ?? 0, '/ui/drift')}
  ${card('Firing alerts', counts.firing ?? 0)}
</div>
<h2>Open findings by severity</h2>
${chart('hbars', 'Open findings by severity', { items })}
<table id="severity-table"><tr><th>Severity</th><th>Open</th></tr>
${items.map((i) => h`<tr><td><a href="/ui/findings?state=open&amp;severity=${i.label}"><span class="sevtag ${i.cls}">${i.label}</span></a></td><td class="num">${i.v}</td></tr>`)}
</table>
<h2>Recent alerts</h2>
${
  alerts.length
    ? h`<table id="alerts"><tr><th>State</th><th>Severity</th><th>Rule</th><th>Message</th><th>Value</th><th>Since</th><th>Last seen</th></tr>
${alerts.map(
  (a) =>
    h`<tr><td><span class="state">${show(a.state)}</span></td><td><span class="sevtag ${String(a.severity)}">${show(a.severity)}</span></td>
<td><code>${show(a.rule_id)}</code></td><td>${show(a.message)}</td><td class="num">${show(a.value)}</td>
<td>${show(a.started_at)}</td><td>${show(a.last_seen)}</td></tr>`,
)}</table>`
    : h`<p class="muted">No alerts.</p>`
}`;
  return page(ctx, 'Overview', '/ui/', body, { charts: true });
}
