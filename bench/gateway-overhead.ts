/**
 * Gateway overhead at 200 concurrent streams:
 *
 *   node --import tsx bench/gateway-overhead.ts [--concurrency 200] [--requests 3000] [--tokens 64] [--pace 20]
 *                                              [--mode full|proxy]
 *
 * Three processes on 127.0.0.1: the scripted OpenAI-compatible upstream (test/gateway/upstream.ts), the
 * gateway with its default policy (injection block, request redaction, output leak blocking with the
 * 192-character stream holdback, events to a JSONL file under bench/.work/), and this load generator.
 * The generator keeps `concurrency` chat-completion streams in flight (closed loop), each `tokens` words
 * long with `pace` ms between chunks as a model would emit them, and times every request from send to
 * the last byte. Direct-to-upstream and via-gateway phases alternate (D G D G) after a warm-up of each, so
 * drift on a shared machine hits both. Reported: p50/p99 total time per mode and the added latency
 * (gateway minus direct), per-chunk transit time (the
 * upstream stamps each event with its send time; the client subtracts it on arrival), plus time to first content byte, which the holdback delays by design.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    upstream: { type: 'string' },
    concurrency: { type: 'string', default: '200' },
    requests: { type: 'string', default: '3000' },
    tokens: { type: 'string', default: '64' },
    pace: { type: 'string', default: '20' },
    /** `full` (default policy) or `proxy` (every check off: the cost of the hop alone). */
    mode: { type: 'string', default: 'full' },
  },
});

function child(args: string[]): Promise<{ proc: ChildProcess; port: number }> {
  // BENCH_GW_PROF=DIR writes a V8 CPU profile of the gateway process there (for finding hot spots).
  const prof =
    process.env.BENCH_GW_PROF && args[1] === 'gateway'
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_GW_PROF}`]
      : [];
  const proc = spawn(process.execPath, [...prof, '--import', 'tsx', import.meta.filename, ...args], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (c) => {
      buf += c;
      const m = /PORT (\d+)/.exec(buf);
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.once('exit', (code) => reject(new Error(`child exited ${code}`)));
  });
}

interface Timing {
  total: number;
  firstContent: number;
  /** Per received event: arrival time minus the upstream's send stamp (ms). */
  transit: number[];
}

const STAMP = /"t":(\d+\.\d+)/g;
const wallNow = (): number => performance.timeOrigin + performance.now();

const CONTENT = /"content":"[^"]/;

function one(agent: http.Agent, port: number, id: string, key: string, tokens: number, pace: number): Promise<Timing> {
  const body = JSON.stringify({
    model: 'scripted-1',
    stream: true,
    max_tokens: tokens,
    messages: [
      { role: 'system', content: 'You are a concise assistant for the bench.' },
      { role: 'user', content: `Write a short note about request ${id} and the quarterly figures.` },
    ],
  });
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let firstContent = 0;
    const transit: number[] = [];
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/chat/completions',
        agent,
        headers: {
          'content-type': 'application/json',
          'x-request-id': id,
          'x-chunk-delay-ms': String(pace),
          'x-bench-stamp': '1',
          authorization: `Bearer ${key}`,
        },
      },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          const now = wallNow();
          for (const m of c.matchAll(STAMP)) transit.push(now - Number(m[1]));
          if (!firstContent && CONTENT.test(c)) firstContent = performance.now() - t0;
        });
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
          else resolve({ total: performance.now() - t0, firstContent, transit });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function phase(port: number, label: string, n: number, conc: number, tokens: number, pace: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: conc });
  const out: Timing[] = [];
  let next = 0;
  // One API key per client, as real traffic has: the default per-key limits stay on and are exercised.
  const worker = async (_: unknown, w: number) => {
    while (next < n) {
      const i = next++;
      out.push(await one(agent, port, `${label}-${i}`, `bench-key-${w}`, tokens, pace));
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: conc }, worker));
  agent.destroy();
  return { timings: out, wallMs: performance.now() - t0 };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main(): Promise<void> {
  const conc = Number(values.concurrency);
  const n = Number(values.requests);
  const tokens = Number(values.tokens);
  const pace = Number(values.pace);
  const up = await child(['--role', 'upstream']);
  const gw = await child(['--role', 'gateway', '--upstream', `http://127.0.0.1:${up.port}`, '--mode', values.mode]);
  process.on('exit', () => {
    gw.proc.kill('SIGINT');
    up.proc.kill('SIGTERM');
  });
  console.log(
    `gateway overhead (${values.mode} policy): ${conc} concurrent streams, ${n} requests per phase, ${tokens} words per stream, ${pace} ms between chunks`,
  );
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()[0]!.toFixed(2)}`);
  // Warm-up: JIT, connection pools, the guard's tables.
  await phase(up.port, 'warm-d', conc, conc, tokens, pace);
  await phase(gw.port, 'warm-g', conc * 2, conc, tokens, pace);
  const direct: Timing[] = [];
  const via: Timing[] = [];
  const cpuBefore = await gatewayCpu(gw.proc);
  let gwWall = 0;
  for (let round = 0; round < 2; round++) {
    direct.push(...(await phase(up.port, `d${round}`, n / 2, conc, tokens, pace)).timings);
    const g = await phase(gw.port, `g${round}`, n / 2, conc, tokens, pace);
    via.push(...g.timings);
    gwWall += g.wallMs;
  }
  const cpuAfter = await gatewayCpu(gw.proc);
  const row = (name: string, t: Timing[]) => ({
    name,
    p50: pct(
      t.map((x) => x.total),
      50,
    ),
    p99: pct(
      t.map((x) => x.total),
      99,
    ),
    fc50: pct(
      t.map((x) => x.firstContent),
      50,
    ),
    fc99: pct(
      t.map((x) => x.firstContent),
      99,
    ),
  });
  const tr = (t: Timing[]) => t.flatMap((x) => x.transit);
  const dT = tr(direct);
  const gT = tr(via);
  const d = row('direct', direct);
  const g = row('via gateway', via);
  const f = (x: number) => x.toFixed(2).padStart(8);
  console.log('\n| path        | total p50 ms | total p99 ms | first content p50 ms | first content p99 ms |');
  console.log('| ----------- | ------------ | ------------ | -------------------- | -------------------- |');
  for (const r of [d, g])
    console.log(
      `| ${r.name.padEnd(11)} | ${f(r.p50)}     | ${f(r.p99)}     | ${f(r.fc50)}             | ${f(r.fc99)}             |`,
    );
  console.log(
    `\nadded by the gateway: p50 ${(g.p50 - d.p50).toFixed(2)} ms, p99 ${(g.p99 - d.p99).toFixed(2)} ms (target p99 < 3 ms)`,
  );
  console.log(
    `\nper-chunk transit (upstream send → client receive), ${dT.length} / ${gT.length} events:\n` +
      `  direct       p50 ${pct(dT, 50).toFixed(2)} ms, p99 ${pct(dT, 99).toFixed(2)} ms\n` +
      `  via gateway  p50 ${pct(gT, 50).toFixed(2)} ms, p99 ${pct(gT, 99).toFixed(2)} ms\n` +
      `  added        p50 ${(pct(gT, 50) - pct(dT, 50)).toFixed(2)} ms, p99 ${(pct(gT, 99) - pct(dT, 99)).toFixed(2)} ms (target p99 < 3 ms)`,
  );
  const cpuMs = (cpuAfter.cpu.user + cpuAfter.cpu.system - cpuBefore.cpu.user - cpuBefore.cpu.system) / 1000;
  console.log(
    `gateway CPU: ${(cpuMs / via.length).toFixed(3)} ms per stream (${((100 * cpuMs) / gwWall).toFixed(0)}% of one core during its phases); ` +
      `events written ${cpuAfter.events.written}, dropped ${cpuAfter.events.dropped}`,
  );
  console.log(
    `gateway event-loop delay during the measured phases: p50 ${cpuAfter.loop.p50.toFixed(2)} ms, p99 ${cpuAfter.loop.p99.toFixed(2)} ms`,
  );
  gw.proc.kill('SIGINT');
  up.proc.kill('SIGTERM');
}

interface GatewayStats {
  cpu: NodeJS.CpuUsage;
  events: { written: number; dropped: number };
  loop: { p50: number; p99: number };
}

function gatewayCpu(proc: ChildProcess): Promise<GatewayStats> {
  return new Promise((resolve) => {
    proc.once('message', (m) => resolve(m as GatewayStats));
    proc.send('cpu');
  });
}

// Dispatch last: every module-level constant above is initialised by now.
if (values.role === 'upstream') {
  const { startUpstream } = await import('../test/gateway/upstream.js');
  const up = await startUpstream();
  process.stdout.write(`PORT ${up.port}\n`);
} else if (values.role === 'gateway') {
  const { createGateway } = await import('../src/gateway/index.js');
  const { JsonlEventSink } = await import('../src/io/event-sink.js');
  const sink = new JsonlEventSink({ path: join(import.meta.dirname, '.work', 'gateway-events.jsonl') });
  const { gatewayPolicy } = await import('../src/gateway/index.js');
  const off = { input: { action: 'off' }, data: { action: 'off' }, output: { action: 'off' } };
  const policy = gatewayPolicy(values.mode === 'proxy' ? { defaults: off } : {});
  const gw = createGateway({ upstream: values.upstream!, policy, onEvent: (e) => sink.write(e) });
  const a = await gw.listen(0, '127.0.0.1');
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  process.stdout.write(`PORT ${a.port}\n`);
  // Exit through process.exit so --cpu-prof gets to write its profile.
  process.once('SIGINT', () => process.exit(0));
  process.on('message', (m) => {
    if (m === 'cpu') {
      // Event-loop delay inside the gateway: what its own work blocks, apart from OS scheduling.
      const loop = { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6 };
      eld.reset();
      process.send?.({ cpu: process.cpuUsage(), events: sink.stats, loop });
    }
  });
} else {
  await main();
}
