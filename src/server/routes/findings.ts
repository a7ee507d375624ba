import {
  findingCounts,
  findingHistory,
  listFindings,
  recordRun,
  TRIAGE_STATES,
  TriageError,
  type TriageState,
  triageFinding,
} from '../../store/findings-repo.js';
import { badRequest, intParam, jsonBody, type WardenApp } from '../app.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function findingRoutes(w: WardenApp): void {
  const { ctx } = w;
  w.route(
    { method: 'POST', path: '/v1/runs', need: 'ingest', summary: 'upload a scan or audit report (Warden JSON report)' },
    async (c) => {
      const body = await jsonBody(c);
      if (!isObj(body) || !Array.isArray(body.findings)) return badRequest(c, 'expected a Warden JSON report');
      const kind = c.req.query('kind') === 'audit' ? 'audit' : 'scan';
      const findings = body.findings.filter(
        (f): f is { ruleId: string; severity: string; message: string; path: string } =>
          isObj(f) &&
          typeof f.ruleId === 'string' &&
          typeof f.severity === 'string' &&
          typeof f.message === 'string' &&
          typeof f.path === 'string',
      );
      if (findings.length !== body.findings.length)
        return badRequest(c, 'every finding needs ruleId, severity, message, path');
      const tool = isObj(body.tool) && typeof body.tool.version === 'string' ? body.tool.version : undefined;
      const runId = await recordRun(ctx.db, {
        kind,
        target: c.req.query('target') ?? (typeof body.command === 'string' ? body.command.slice(0, 500) : 'upload'),
        ...(typeof body.startedAt === 'string' && Number.isFinite(Date.parse(body.startedAt))
          ? { startedAt: body.startedAt }
          : {}),
        ...(tool ? { toolVersion: tool } : {}),
        ...(intParam(c.req.query('modelVersionId')) !== undefined
          ? { modelVersionId: intParam(c.req.query('modelVersionId'))! }
          : {}),
        summary: body.summary,
        findings,
      });
      return c.json({ runId, findings: findings.length }, 201);
    },
  );
  w.route({ method: 'GET', path: '/v1/findings', need: 'viewer', summary: 'findings with triage state' }, async (c) => {
    const state = c.req.query('state');
    if (state !== undefined && !(TRIAGE_STATES as readonly string[]).includes(state))
      return badRequest(c, 'unknown state');
    const severity = c.req.query('severity');
    const runId = intParam(c.req.query('run'));
    const limit = intParam(c.req.query('limit'));
    return c.json({
      findings: await listFindings(ctx.db, {
        ...(state ? { state: state as TriageState } : {}),
        ...(severity ? { severity } : {}),
        ...(runId !== undefined ? { runId } : {}),
        ...(limit !== undefined ? { limit } : {}),
      }),
    });
  });
  w.route(
    { method: 'GET', path: '/v1/findings/counts', need: 'viewer', summary: 'finding counts by state and severity' },
    async (c) => c.json({ counts: await findingCounts(ctx.db) }),
  );
  w.route(
    { method: 'GET', path: '/v1/findings/:id/history', need: 'viewer', summary: 'triage history of a finding' },
    async (c) => {
      const id = intParam(c.req.param('id'));
      if (id === undefined) return badRequest(c, 'bad id');
      return c.json({ history: await findingHistory(ctx.db, id) });
    },
  );
  w.route(
    { method: 'POST', path: '/v1/findings/:id/triage', need: 'triager', summary: 'change triage state' },
    async (c) => {
      const id = intParam(c.req.param('id'));
      const body = await jsonBody(c);
      if (id === undefined || !isObj(body)) return badRequest(c, 'expected {state, reason?, expiresAt?, assignee?}');
      const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).slice(0, 2000) : undefined);
      try {
        const ok = await triageFinding(
          ctx.db,
          id,
          {
            state: str('state') as TriageState,
            ...(str('reason') !== undefined ? { reason: str('reason')! } : {}),
            ...(str('expiresAt') !== undefined ? { expiresAt: str('expiresAt')! } : {}),
            ...(body.assignee === null || typeof body.assignee === 'string'
              ? { assignee: body.assignee as string | null }
              : {}),
          },
          c.get('principal').actor,
        );
        if (!ok) return c.json({ error: { code: 'not_found', message: 'no such finding' } }, 404);
        return c.json({ ok: true, history: await findingHistory(ctx.db, id) });
      } catch (e) {
        if (e instanceof TriageError) return badRequest(c, e.message);
        throw e;
      }
    },
  );
}
