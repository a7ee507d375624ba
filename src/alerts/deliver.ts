import type { RouteConfig } from './config.js';

export interface AlertNotice {
  readonly status: 'firing' | 'resolved';
  readonly alertId: number;
  readonly ruleId: string;
  readonly severity: string;
  readonly message: string;
  readonly value: number;
  readonly threshold: number;
  readonly startedAt: string;
  readonly resolvedAt?: string;
  readonly evidence?: unknown;
  /** True for a reminder about an alert already announced. */
  readonly repeat?: boolean;
}

export interface DeliveryResult {
  readonly ok: boolean;
  readonly status?: number;
  readonly error?: string;
  readonly attempts: number;
}

const EMOJI: Record<string, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
};

/** Generic JSON: stable, versioned, everything a receiver needs to route or de-duplicate on its side. */
export function genericBody(n: AlertNotice): unknown {
  return { version: 1, source: 'warden', ...n };
}

/** Slack incoming-webhook shape: `text` is what every Slack-compatible receiver (Mattermost, Rocket.Chat) shows. */
export function slackBody(n: AlertNotice): unknown {
  const head =
    n.status === 'resolved'
      ? `:white_check_mark: Resolved: ${n.ruleId}`
      : `${EMOJI[n.severity] ?? ':warning:'} ${n.repeat ? 'Still firing' : 'Firing'}: ${n.ruleId} (${n.severity})`;
  const text = `${head}\n${n.message}\nvalue ${n.value} / threshold ${n.threshold} · since ${n.startedAt}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export interface DeliverOptions {
  readonly timeoutMs?: number;
  readonly attempts?: number;
  readonly fetch?: typeof fetch;
}

/**
 * POSTs the notice with a timeout and a few retries on network errors and 5xx/429. Webhook URLs are
 * credentials (a Slack URL is its own secret), so errors name the route, never the URL.
 */
export async function deliver(
  route: RouteConfig,
  notice: AlertNotice,
  opts: DeliverOptions = {},
): Promise<DeliveryResult> {
  const body = JSON.stringify(route.type === 'slack' ? slackBody(notice) : genericBody(notice));
  const attempts = opts.attempts ?? 3;
  const doFetch = opts.fetch ?? fetch;
  let last: DeliveryResult = { ok: false, attempts: 0 };
  for (let i = 1; i <= attempts; i++) {
    try {
      const res = await doFetch(route.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'warden-alerts/1', ...route.headers },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
        redirect: 'error',
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, status: res.status, attempts: i };
      last = { ok: false, status: res.status, error: `HTTP ${res.status}`, attempts: i };
      if (res.status < 500 && res.status !== 429) return last;
    } catch (e) {
      last = { ok: false, error: (e as Error).name === 'TimeoutError' ? 'timeout' : 'network error', attempts: i };
    }
    if (i < attempts) await new Promise((r) => setTimeout(r, 200 * 2 ** (i - 1)));
  }
  return last;
}
