/**
 * The `alerts:` section of warden.yaml:
 *
 *   alerts:
 *     routes:
 *       security: { type: slack, url: https://hooks.slack.com/services/… }
 *       oncall:   { type: webhook, url: https://alerts.example.org/warden, headers: { X-Team: ml } }
 *     rules:
 *       - id: injection-spike
 *         metric: guard.flagged
 *         threshold: 50          # fires when the value is >= threshold (op: '>=' by default)
 *         window: 5m
 *         severity: high
 *         route: security        # or a list of routes
 *         repeat: 1h             # optional: remind while it keeps firing
 *         model: chat            # optional filter
 */

export const METRICS = [
  'guard.total',
  'guard.flagged',
  'guard.blocked',
  'guard.errors',
  'guard.refusals',
  'inference.total',
  'inference.errors',
  'inference.latency_p99',
  'drift.features',
  'extraction.clients',
  'rate.anomalies',
] as const;
export type Metric = (typeof METRICS)[number];
export const OPS = ['>=', '>', '<=', '<'] as const;
export type Op = (typeof OPS)[number];
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

export interface RouteConfig {
  readonly name: string;
  readonly type: 'webhook' | 'slack';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface AlertRule {
  readonly id: string;
  readonly metric: Metric;
  readonly threshold: number;
  readonly op: Op;
  readonly windowMs: number;
  readonly severity: (typeof SEVERITIES)[number];
  readonly routes: readonly string[];
  readonly repeatMs?: number;
  readonly model?: string;
  readonly description?: string;
}

export interface AlertsConfig {
  readonly routes: ReadonlyMap<string, RouteConfig>;
  readonly rules: readonly AlertRule[];
}

export interface ConfigError {
  readonly path: string;
  readonly message: string;
}

const DURATION = /^(\d{1,6})(s|m|h|d)$/;
const UNIT = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = DURATION.exec(v.trim());
  return m ? Number(m[1]) * UNIT[m[2] as keyof typeof UNIT] : undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Validates the section; every problem is reported with its path, nothing is half-applied. */
export function parseAlertsConfig(
  raw: unknown,
): { ok: true; config: AlertsConfig } | { ok: false; errors: ConfigError[] } {
  const errors: ConfigError[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  const routes = new Map<string, RouteConfig>();
  const rules: AlertRule[] = [];
  if (raw === undefined || raw === null) return { ok: true, config: { routes, rules } };
  if (!isObj(raw)) return { ok: false, errors: [{ path: '/alerts', message: 'expected a mapping' }] };
  for (const k of Object.keys(raw)) if (k !== 'routes' && k !== 'rules') err(`/alerts/${k}`, 'unknown key');

  const rawRoutes = raw.routes ?? {};
  if (!isObj(rawRoutes)) err('/alerts/routes', 'expected a mapping of route names');
  else
    for (const [name, r] of Object.entries(rawRoutes)) {
      const p = `/alerts/routes/${name}`;
      if (!ID.test(name)) err(p, 'route names are lower-case letters, digits, . _ -');
      if (!isObj(r)) {
        err(p, 'expected a mapping');
        continue;
      }
      const type = r.type ?? 'webhook';
      if (type !== 'webhook' && type !== 'slack') err(`${p}/type`, "one of 'webhook', 'slack'");
      let url: URL | undefined;
      try {
        url = typeof r.url === 'string' ? new URL(r.url) : undefined;
      } catch {}
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) err(`${p}/url`, 'an http(s) URL');
      const headers: Record<string, string> = {};
      if (r.headers !== undefined) {
        if (!isObj(r.headers)) err(`${p}/headers`, 'expected a mapping');
        else
          for (const [h, v] of Object.entries(r.headers)) {
            if (typeof v !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(h)) err(`${p}/headers/${h}`, 'string header');
            else headers[h] = v;
          }
      }
      if (url) routes.set(name, { name, type: type as RouteConfig['type'], url: url.toString(), headers });
    }

  const rawRules = raw.rules ?? [];
  if (!Array.isArray(rawRules)) err('/alerts/rules', 'expected a list');
  else
    rawRules.forEach((r: unknown, i: number) => {
      const p = `/alerts/rules/${i}`;
      if (!isObj(r)) {
        err(p, 'expected a mapping');
        return;
      }
      const id = r.id;
      if (typeof id !== 'string' || !ID.test(id)) err(`${p}/id`, 'required, lower-case letters, digits, . _ -');
      else if (rules.some((x) => x.id === id)) err(`${p}/id`, `duplicate rule id '${id}'`);
      const metric = r.metric;
      if (!(METRICS as readonly unknown[]).includes(metric)) err(`${p}/metric`, `one of ${METRICS.join(', ')}`);
      const threshold = r.threshold;
      if (typeof threshold !== 'number' || !Number.isFinite(threshold)) err(`${p}/threshold`, 'a number');
      const op = r.op ?? '>=';
      if (!(OPS as readonly unknown[]).includes(op)) err(`${p}/op`, `one of ${OPS.join(' ')}`);
      const windowMs = parseDuration(r.window ?? '5m');
      if (windowMs === undefined || windowMs <= 0) err(`${p}/window`, "a duration such as '30s', '5m', '1h', '1d'");
      const severity = r.severity ?? 'medium';
      if (!(SEVERITIES as readonly unknown[]).includes(severity))
        err(`${p}/severity`, `one of ${SEVERITIES.join(', ')}`);
      const list = r.route === undefined ? [] : Array.isArray(r.route) ? r.route : [r.route];
      for (const name of list)
        if (typeof name !== 'string' || !routes.has(name)) err(`${p}/route`, `unknown route '${String(name)}'`);
      const repeatMs = r.repeat === undefined ? undefined : parseDuration(r.repeat);
      if (r.repeat !== undefined && repeatMs === undefined) err(`${p}/repeat`, 'a duration');
      if (r.model !== undefined && typeof r.model !== 'string') err(`${p}/model`, 'a string');
      if (errors.length) return;
      rules.push({
        id: id as string,
        metric: metric as Metric,
        threshold: threshold as number,
        op: op as Op,
        windowMs: windowMs!,
        severity: severity as AlertRule['severity'],
        routes: list as string[],
        ...(repeatMs !== undefined ? { repeatMs } : {}),
        ...(typeof r.model === 'string' ? { model: r.model } : {}),
        ...(typeof r.description === 'string' ? { description: r.description } : {}),
      });
    });
  return errors.length ? { ok: false, errors } : { ok: true, config: { routes, rules } };
}

export function breached(op: Op, value: number, threshold: number): boolean {
  switch (op) {
    case '>=':
      return value >= threshold;
    case '>':
      return value > threshold;
    case '<=':
      return value <= threshold;
    case '<':
      return value < threshold;
  }
}
