import type { AlertsConfig } from '../alerts/config.js';
import { evaluateAlerts } from '../alerts/engine.js';
import {
  DEFAULT_SCHEDULE,
  runExtraction,
  runRates,
  runScheduledDrift,
  type ScheduleConfig,
} from '../monitor/analyses.js';
import type { Db } from '../store/db.js';
import { reopenExpired } from '../store/findings-repo.js';
import { type Logger, silentLogger } from './logger.js';

export interface SchedulerOptions {
  readonly db: Db;
  readonly everyMs: number;
  readonly schedule?: ScheduleConfig;
  readonly alerts?: AlertsConfig;
  readonly logger?: Logger;
}

/** Runs every analysis, then the alert rules, every `everyMs`; a slow run delays the next, never overlaps it. */
export function startScheduler(opts: SchedulerOptions): { stop(): Promise<void>; runOnce(now?: Date): Promise<void> } {
  const logger = opts.logger ?? silentLogger;
  const schedule = { ...DEFAULT_SCHEDULE, ...opts.schedule };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const runOnce = async (now = new Date()) => {
    const step = async (name: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (e) {
        logger.error('analysis failed', { analysis: name, error: e });
      }
    };
    await step('drift', () => runScheduledDrift(opts.db, now, schedule));
    await step('rates', () => runRates(opts.db, now, schedule));
    await step('extraction', () => runExtraction(opts.db, now, schedule));
    await step('triage-expiry', () => reopenExpired(opts.db));
    if (opts.alerts) await step('alerts', () => evaluateAlerts(opts.db, opts.alerts!, now));
  };
  const tick = () => {
    running = runOnce().finally(() => {
      if (timer) timer = setTimeout(tick, opts.everyMs);
    });
  };
  timer = setTimeout(tick, opts.everyMs);
  return {
    runOnce,
    async stop() {
      const t = timer;
      timer = undefined;
      if (t) clearTimeout(t);
      await running;
    },
  };
}
