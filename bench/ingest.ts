/**
 * Sustained ingestion through `warden serve`, with a forced crash in the middle.
 *
 *   npx tsx bench/ingest.ts [--backend pglite|pg|both] [--seconds 20] [--batch 1000] [--concurrency 8] [--rate N] [--no-kill]
 *
 * Three processes: this orchestrator; the server (the real `warden serve` command, started through the
 * CLI in a child process); a load generator (a second child process) posting batches over loopback
 * HTTP. Half-way through, the orchestrator SIGKILLs the server and starts it again on the same store.
 * The load generator keeps retrying each unacknowledged batch with the same event ids. At the end the
 * stored row count must equal the number of distinct events sent: zero lost, zero doubled.
 * PostgreSQL: WARDEN_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), in a
 * throw-away schema.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};

// ---------------------------------------------------------------- server child: the real CLI command
async function serverMain(): Promise<void> {
  const { run } = await import('../src/cli/main.js');
  const { nodeIO } = await import('../src/cli/node-io.js');
  process.exitCode = await run(['serve', '--listen', `127.0.0.1:${arg('port', '0')}`, '--analyze-every', '0'], {
    ...nodeIO(),
    stderr: () => {}, // request logs would dominate the run; the server's own tests cover them
    stdout: (s: string) => {
      if (s.includes('listening')) process.send?.({ ready: true });
    },
  });
}

// ---------------------------------------------------------------- load generator child
interface LoadResult {
  sent: number;
  batches: number;
  retries: number;
  latencies: number[];
  /** [second since start, events acknowledged in that second]. */
  perSecond: number[];
  elapsedMs: number;
}

function batchBody(start: number, size: number, now: number): string {
  const parts: string[] = [];
  for (let i = start; i < start + size; i++) {
    const ts = new Date(now).toISOString();
    parts.push(
      i % 2
        ? `{"id":"b-${i}","ts":"${ts}","kind":"gateway","model":"chat","client":"key-${i % 64}","route":"/v1/chat/completions","action":"${i % 17 ? 'allow' : 'block'}","status":200,"latencyMs":${(i % 97) / 3},"flagged":${i % 17 === 0},"score":0.${i % 10},"categories":[${i % 17 ? '' : '"injection"'}]}`
        : `{"id":"b-${i}","ts":"${ts}","kind":"inference","model":"fraud","client":"svc-${i % 8}","latencyMs":${(i % 89) / 7},"features":{"amount":${i % 1000},"country":"${['DE', 'FR', 'US'][i % 3]}","age":${18 + (i % 60)}},"output":{"score":0.${i % 100}}}`,
    );
  }
  return `{"events":[${parts.join(',')}]}`;
}

async function loadMain(): Promise<void> {
  const url = `${arg('url', '')}/v1/events`;
  const token = arg('token', '');
  const seconds = Number(arg('seconds', '20'));
  const batch = Number(arg('batch', '1000'));
  const concurrency = Number(arg('concurrency', '8'));
  // 0: as fast as the server acknowledges (capacity); N: offer N events/s (latency at a steady load).
  const rate = Number(arg('rate', '0'));
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  const res: LoadResult = { sent: 0, batches: 0, retries: 0, latencies: [], perSecond: [], elapsedMs: 0 };
  let next = 0;
  const worker = async () => {
    while (performance.now() < stopAt) {
      const start = next;
      next += batch;
      if (rate > 0) {
        const due = started + (start / rate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (performance.now() >= stopAt) break;
      }
      const body = batchBody(start, batch, Date.now());
      // Retry the SAME batch (same ids) until the server acknowledges it: the server may be dead.
      for (;;) {
        const t = performance.now();
        try {
          const r = await fetch(url, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(30_000),
          });
          await r.arrayBuffer();
          if (r.ok) {
            const done = performance.now();
            res.latencies.push(done - t);
            const sec = Math.floor((done - started) / 1000);
            res.perSecond[sec] = (res.perSecond[sec] ?? 0) + batch;
            break;
          }
        } catch {}
        res.retries++;
        await new Promise((r) => setTimeout(r, 100));
      }
      res.sent += batch;
      res.batches++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  res.elapsedMs = performance.now() - started;
  process.send?.(res);
}

// ---------------------------------------------------------------- orchestrator
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function startServer(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, ['--role', 'server', '--port', String(port)], {
      env,
      execArgv: ['--import', 'tsx'],
      stdio: 'inherit',
    });
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function runBackend(backend: 'pglite' | 'pg'): Promise<Record<string, unknown>> {
  const admin = `wdn_${randomBytes(24).toString('base64url')}`;
  const ingest = `wdn_${randomBytes(24).toString('base64url')}`;
  const dir = await mkdtemp(join(tmpdir(), 'warden-bench-'));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const pgUrl = process.env.WARDEN_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WARDEN_ADMIN_TOKEN: admin,
    WARDEN_INGEST_TOKEN: ingest,
    WARDEN_DATA_DIR: join(dir, 'db'),
    ...(backend === 'pg' ? { WARDEN_DATABASE_URL: pgUrl, WARDEN_DB_SCHEMA: schema } : {}),
  };
  if (backend === 'pglite') delete env.WARDEN_DATABASE_URL;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const seconds = Number(arg('seconds', '20'));
  let server = await startServer(env, port);

  const load = fork(
    SELF,
    [
      '--role',
      'load',
      '--url',
      url,
      '--token',
      ingest,
      '--seconds',
      String(seconds),
      '--batch',
      arg('batch', '1000'),
      '--concurrency',
      arg('concurrency', '8'),
      '--rate',
      arg('rate', '0'),
    ],
    { execArgv: ['--import', 'tsx'], stdio: 'inherit' },
  );
  const result = new Promise<LoadResult>((resolve) => load.once('message', (m) => resolve(m as LoadResult)));

  // Crash the server half-way through and bring it back on the same store (unless --no-kill, which
  // measures steady-state latency alone).
  let downMs = 0;
  if (!process.argv.includes('--no-kill')) {
    await new Promise((r) => setTimeout(r, (seconds * 1000) / 2));
    const killedAt = Date.now();
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    server = await startServer(env, port);
    downMs = Date.now() - killedAt;
  }

  const r = await result;
  const stats = (await (
    await fetch(`${url}/v1/events/stats`, { headers: { authorization: `Bearer ${admin}` } })
  ).json()) as {
    guard: number;
    inference: number;
  };
  server.kill('SIGTERM');
  await new Promise((res) => server.once('exit', res));
  await rm(dir, { recursive: true, force: true });
  if (backend === 'pg') {
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  }
  const stored = stats.guard + stats.inference;
  // Steady rate: the median of whole seconds, leaving out the first second and the restart gap.
  const steady = r.perSecond.slice(1, -1).filter((x) => x > 0);
  return {
    backend,
    seconds,
    sent: r.sent,
    stored,
    lost: r.sent - stored,
    killed: !process.argv.includes('--no-kill'),
    restartDownMs: downMs,
    retries: r.retries,
    overallEventsPerSec: Math.round(r.sent / (r.elapsedMs / 1000)),
    steadyEventsPerSecMedian: pct(steady, 50),
    ackLatencyMs: {
      p50: +pct(r.latencies, 50).toFixed(1),
      p99: +pct(r.latencies, 99).toFixed(1),
      max: +pct(r.latencies, 100).toFixed(1),
    },
    offeredRate: Number(arg('rate', '0')) || 'max',
    batch: Number(arg('batch', '1000')),
    concurrency: Number(arg('concurrency', '8')),
  };
}

async function main(): Promise<void> {
  const role = arg('role', 'orchestrator');
  if (role === 'server') return serverMain();
  if (role === 'load') return loadMain();
  const which = arg('backend', 'both');
  const backends = which === 'both' ? (['pglite', 'pg'] as const) : [which as 'pglite' | 'pg'];
  for (const b of backends) {
    const out = await runBackend(b);
    console.log(JSON.stringify(out));
    if (out.lost !== 0) process.exitCode = 1;
  }
}

await main();
