import { SEVERITIES } from '../../core/severity.js';
import { allows } from '../../server/auth.js';
import type { Db } from '../../store/db.js';
import { findingHistory, listFindings, TRIAGE_STATES, type TriageChange } from '../../store/findings-repo.js';
import { h, type Safe, show } from '../html.js';
import { csrfField, type PageContext, page } from '../layout.js';
import type { FindingRow } from '../queries.js';

export interface FindingQuery {
  readonly state?: string;
  readonly severity?: string;
  readonly rule?: string;
  readonly assignee?: string;
  readonly run?: string;
}

const pick = (v: string | undefined, allowed: readonly string[]) => (v && allowed.includes(v) ? v : undefined);

export async function findingsPage(ctx: PageContext, db: Db, q: FindingQuery): Promise<Safe> {
  const state = pick(q.state, TRIAGE_STATES) as (typeof TRIAGE_STATES)[number] | undefined;
  const severity = pick(q.severity, SEVERITIES);
  const runId = q.run && /^\d{1,15}$/.test(q.run) ? Number(q.run) : undefined;
  const rule = (q.rule ?? '').slice(0, 200).toLowerCase();
  const assignee = (q.assignee ?? '').slice(0, 128);
  const rows = (
    await listFindings(db, {
      limit: 1000,
      ...(state ? { state } : {}),
      ...(severity ? { severity } : {}),
      ...(runId !== undefined ? { runId } : {}),
    })
  ).filter(
    (f) =>
      (!rule || String(f.rule_id).toLowerCase().includes(rule) || String(f.path).toLowerCase().includes(rule)) &&
      (!assignee || f.assignee === assignee),
  );
  const option = (value: string, current: string | undefined) =>
    h`<option value="${value}" ${value === (current ?? '') ? 'selected' : ''}>${value || 'any'}</option>`;
  const body = h`<h1>Findings</h1>
<form method="get" action="/ui/findings" id="filter"><fieldset><legend>Filter</legend>
<label>State <select name="state">${['', ...TRIAGE_STATES].map((s) => option(s, state))}</select></label>
<label>Severity <select name="severity">${['', ...SEVERITIES].map((s) => option(s, severity))}</select></label>
<label>Rule or path <input name="rule" value="${q.rule ?? ''}" maxlength="200"></label>
<label>Assignee <input name="assignee" value="${assignee}" maxlength="128"></label>
${runId !== undefined ? h`<input type="hidden" name="run" value="${runId}">` : ''}
<button type="submit">Apply</button></fieldset></form>
<p class="muted">${rows.length} finding(s)${rows.length >= 1000 ? ' (first 1000)' : ''}.</p>
<table id="findings"><tr><th>#</th><th>Severity</th><th>Rule</th><th>Target / path</th><th>Message</th><th>State</th><th>Assignee</th><th>Updated</th></tr>
${rows.map(
  (f) => h`<tr><td><a href="/ui/findings/${show(f.id)}">${show(f.id)}</a></td>
<td><span class="sevtag ${String(f.severity)}">${show(f.severity)}</span></td><td><code>${show(f.rule_id)}</code></td>
<td class="mono">${show(f.target)}<br>${show(f.path)}${f.member ? h` › ${show(f.member)}` : ''}</td><td>${show(f.message)}</td>
<td><span class="state">${show(f.triage_state)}</span></td><td>${show(f.assignee)}</td><td>${show(f.updated_at)}</td></tr>`,
)}</table>`;
  return page(ctx, 'Findings', '/ui/findings', body);
}

export async function findingPage(
  ctx: PageContext,
  db: Db,
  f: FindingRow,
  notice?: { ok: boolean; text: string },
): Promise<Safe> {
  const history = await findingHistory(db, Number(f.id));
  const canTriage = ctx.principal !== undefined && allows(ctx.principal.role, 'triager');
  const tomorrow = new Date(Date.now() + 86400_000).toISOString().slice(0, 10);
  const action = `/ui/findings/${f.id}/triage`;
  const forms = h`<h2>Triage</h2>
<form method="post" action="${action}" id="accept-form"><fieldset><legend>Accept the risk</legend>${csrfField(ctx)}
<input type="hidden" name="action" value="accept">
<label>Reason <input name="reason" required maxlength="2000" size="50"></label>
<label>Until <input type="date" name="expires" required min="${tomorrow}"></label>
<button type="submit">Accept</button></fieldset></form>
<form method="post" action="${action}" id="fp-form"><fieldset><legend>False positive</legend>${csrfField(ctx)}
<input type="hidden" name="action" value="false_positive">
<label>Reason <input name="reason" required maxlength="2000" size="50"></label>
<button type="submit">Mark false positive</button></fieldset></form>
<form method="post" action="${action}" id="fixed-form"><fieldset><legend>Fixed</legend>${csrfField(ctx)}
<input type="hidden" name="action" value="fixed">
<label>Note <input name="reason" maxlength="2000" size="50"></label>
<button type="submit">Mark fixed</button></fieldset></form>
<form method="post" action="${action}" id="assign-form"><fieldset><legend>Assign</legend>${csrfField(ctx)}
<input type="hidden" name="action" value="assign">
<label>Assignee <input name="assignee" maxlength="128" value="${f.assignee ?? ''}"></label>
<button type="submit">Assign</button></fieldset></form>
${
  f.triage_state !== 'open'
    ? h`<form method="post" action="${action}" id="reopen-form">${csrfField(ctx)}<input type="hidden" name="action" value="reopen">
<button type="submit">Reopen</button></form>`
    : ''
}`;
  const body = h`<p><a href="/ui/findings">← Findings</a></p>
<h1>Finding #${f.id} <span class="sevtag ${f.severity}">${f.severity}</span></h1>
${notice ? h`<p class="msg ${notice.ok ? 'ok' : 'err'}" role="${notice.ok ? 'status' : 'alert'}">${notice.text}</p>` : ''}
<table id="finding"><tr><th>Rule</th><td><code>${f.rule_id}</code></td></tr><tr><th>Message</th><td>${f.message}</td></tr>
<tr><th>Target</th><td class="mono">${f.target}${f.model ? h` (model <a href="/ui/models/${encodeURIComponent(f.model)}">${f.model}</a>)` : ''}</td></tr>
<tr><th>Path</th><td class="mono">${f.path}${f.member ? h` › ${f.member}` : ''}</td></tr>
<tr><th>Evidence</th><td class="mono">${show(f.evidence)}</td></tr><tr><th>Run</th><td>#${f.run_id} (${f.kind})</td></tr>
<tr><th>State</th><td id="state"><span class="state">${f.triage_state}</span></td></tr>
<tr><th>Reason</th><td>${show(f.triage_reason)}</td></tr><tr><th>Accepted until</th><td>${show(f.triage_expires_at)}</td></tr>
<tr><th>Assignee</th><td>${show(f.assignee)}</td></tr></table>
${canTriage ? forms : h`<p class="muted">Triage needs the triager role.</p>`}
<h2>History</h2>
${
  history.length
    ? h`<table id="history"><tr><th>When</th><th>Who</th><th>From</th><th>To</th><th>Reason</th><th>Until</th><th>Assignee</th></tr>
${history.map(
  (x) => h`<tr><td>${show(x.changed_at)}</td><td class="actor">${show(x.actor)}</td><td>${show(x.from_state)}</td>
<td>${show(x.to_state)}</td><td>${show(x.reason)}</td><td>${show(x.expires_at)}</td><td>${show(x.assignee)}</td></tr>`,
)}</table>`
    : h`<p class="muted">No changes yet.</p>`
}`;
  return page(ctx, `Finding ${f.id}`, '/ui/findings', body);
}

/** Longest acceptance the dashboard grants: an accepted risk comes back for review at least yearly. */
export const MAX_ACCEPT_DAYS = 366;

/** Turns a triage form into a store change, or an error message for the user. */
export function triageChangeOf(
  form: Record<string, unknown>,
  current: FindingRow,
  now: Date,
): { change: TriageChange } | { error: string } {
  const str = (k: string, max: number) => {
    const v = form[k];
    return typeof v === 'string' ? v.trim().slice(0, max) : '';
  };
  const reason = str('reason', 2000);
  switch (form.action) {
    case 'accept': {
      const d = str('expires', 40);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return { error: 'Give the date until which the risk is accepted.' };
      const until = new Date(`${d}T23:59:59.000Z`);
      if (Number.isNaN(until.getTime()) || until.getTime() <= now.getTime())
        return { error: 'The acceptance must end in the future.' };
      if (until.getTime() - now.getTime() > MAX_ACCEPT_DAYS * 86400_000)
        return { error: `Accept a risk for at most ${MAX_ACCEPT_DAYS} days.` };
      if (!reason) return { error: 'Say why the risk is accepted.' };
      return { change: { state: 'accepted', reason, expiresAt: until.toISOString() } };
    }
    case 'false_positive':
      if (!reason) return { error: 'Say why this is a false positive.' };
      return { change: { state: 'false_positive', reason } };
    case 'fixed':
      return { change: { state: 'fixed', ...(reason ? { reason } : {}) } };
    case 'reopen':
      return { change: { state: 'open' } };
    case 'assign': {
      const who = str('assignee', 128);
      const keep = current.triage_state as TriageChange['state'];
      return {
        change: {
          state: keep,
          ...(current.triage_reason ? { reason: current.triage_reason } : {}),
          ...(current.triage_expires_at ? { expiresAt: new Date(current.triage_expires_at).toISOString() } : {}),
          assignee: who || null,
        },
      };
    }
    default:
      return { error: 'Unknown triage action.' };
  }
}
