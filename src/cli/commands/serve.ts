import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { type AlertsConfig, parseAlertsConfig, parseDuration } from '../../alerts/config.js';
import { createApi } from '../../server/api.js';
import { listen, parseListen } from '../../server/listen.js';
import { jsonLogger } from '../../server/logger.js';
import { startScheduler } from '../../server/scheduler.js';
import { JsonlTailer } from '../../server/tailer.js';
import { createToken, listTokens, registerToken } from '../../store/auth-repo.js';
import { openStore, storeOptionsFromEnv } from '../../store/open.js';
import { type CliIO, type Command, EXIT, UsageError } from '../types.js';

const USAGE = `Usage: warden serve [--listen HOST:PORT] [--data-dir DIR] [--policy FILE] [--tail FILE]...
                    [--analyze-every DURATION] [--token-file FILE]

Starts the Warden API: event ingestion (POST /v1/events), findings and triage, model inventory,
drift, anomaly and extraction results, alerts. Analyses run on a schedule and on demand.

Storage: embedded PostgreSQL (PGlite) under .warden/db by default; a PostgreSQL server when
WARDEN_DATABASE_URL is set (schema WARDEN_DB_SCHEMA, default 'warden'). The same SQL either way.

Options:
  --listen HOST:PORT       address to bind (default 127.0.0.1:8700)
  --data-dir DIR           folder of the embedded store (default .warden/db)
  --policy FILE            warden.yaml whose 'alerts:' section holds alert rules and routes
                           (default: ./warden.yaml when it exists)
  --tail FILE              follow a gateway JSONL event file (repeatable)
  --analyze-every DURATION run analyses and alert rules this often, e.g. 5m (default 5m; 0 turns it off)
  --token-file FILE        on first start (no tokens yet) create an admin token and write it here (mode 600)

Environment: WARDEN_ADMIN_TOKEN / WARDEN_INGEST_TOKEN register preset tokens (wdn_…) by hash.
Logs are JSON lines on standard error; tokens never appear in them. Stops on SIGINT/SIGTERM.
`;

async function loadAlerts(file: string | undefined, cwd: string): Promise<AlertsConfig | undefined> {
  const path = resolve(cwd, file ?? 'warden.yaml');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (file === undefined && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`--policy: cannot read ${path}`);
  }
  const doc = parseYaml(text) as { alerts?: unknown } | null;
  const r = parseAlertsConfig(doc?.alerts);
  if (!r.ok) throw new UsageError(`${path}: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return r.config;
}

export interface Serving {
  readonly url: string;
  readonly backend: 'pglite' | 'pg';
  stop(): Promise<void>;
}

/** Everything `warden serve` does before it waits for a signal; tests call this directly. */
export async function startServe(args: readonly string[], io: CliIO): Promise<Serving> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      listen: { type: 'string', default: '127.0.0.1:8700' },
      'data-dir': { type: 'string' },
      policy: { type: 'string' },
      tail: { type: 'string', multiple: true, default: [] },
      'analyze-every': { type: 'string', default: '5m' },
      'token-file': { type: 'string' },
    },
    allowPositionals: false,
  });
  let listenAt: { host: string; port: number };
  try {
    listenAt = parseListen(values.listen);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const every = values['analyze-every'] === '0' ? 0 : parseDuration(values['analyze-every']);
  if (every === undefined)
    throw new UsageError(`--analyze-every: a duration such as 5m, got '${values['analyze-every']}'`);
  const alerts = await loadAlerts(values.policy, io.cwd);

  // Only now, with every argument checked, does anything touch the database or the network.
  const logger = jsonLogger(io.stderr, { service: 'warden-serve' });
  const storeOpts = storeOptionsFromEnv(io.env, io.cwd);
  const db = await openStore({
    ...storeOpts,
    thread: true,
    ...(values['data-dir'] ? { dataDir: resolve(io.cwd, values['data-dir']) } : {}),
  });
  if (io.env.WARDEN_ADMIN_TOKEN) await registerToken(db, io.env.WARDEN_ADMIN_TOKEN, 'env:WARDEN_ADMIN_TOKEN', 'admin');
  if (io.env.WARDEN_INGEST_TOKEN)
    await registerToken(db, io.env.WARDEN_INGEST_TOKEN, 'env:WARDEN_INGEST_TOKEN', 'ingest');
  if (values['token-file'] && (await listTokens(db)).length === 0) {
    const t = await createToken(db, { name: 'bootstrap-admin', role: 'admin' });
    await writeFile(resolve(io.cwd, values['token-file']), `${t.token}\n`, { mode: 0o600 });
    logger.info('admin token written', { tokenId: t.id, file: values['token-file'] });
  }

  const api = createApi({ db, logger, ...(alerts ? { alerts } : {}) });
  const server = await listen(api, listenAt.host, listenAt.port);
  const tailers = values.tail.map((p) => new JsonlTailer({ db, path: resolve(io.cwd, p), logger }));
  for (const t of tailers) t.start();
  const scheduler =
    every > 0 ? startScheduler({ db, everyMs: every, logger, ...(alerts ? { alerts } : {}) }) : undefined;
  logger.info('listening', {
    url: server.url,
    backend: db.backend,
    tails: values.tail.length,
    alertRules: alerts?.rules.length ?? 0,
  });
  io.stdout(`warden serve listening on ${server.url} (${db.backend})\n`);
  return {
    url: server.url,
    backend: db.backend,
    async stop() {
      logger.info('shutting down');
      await server.close();
      for (const t of tailers) await t.stop();
      await scheduler?.stop();
      await db.close();
    },
  };
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the API: event ingestion, findings triage, drift and extraction analyses, alerts',
  usage: USAGE,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const serving = await startServe(args, io);
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await serving.stop();
    return EXIT.clean;
  },
};
