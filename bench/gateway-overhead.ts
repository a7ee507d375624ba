/**
 * Gateway overhead at 200 concurrent streams:
 *
 *   node --import tsx bench/gateway-overhead.ts [--concurrency 200] [--requests 3000] [--tokens 64] [--pace 20]
 *                                              [--mode full|proxy] [--pin on|off] [--arrivals staggered|herd]
 *
 * Three processes on 127.0.0.1: the scripted OpenAI-compatible upstream (test/gateway/upstream.ts), the
 * gateway with its default policy (injection block, request redaction, output leak blocking with the
 * 192-character stream holdback, events to a JSONL file under bench/.work/), and this load generator.
 * The generator keeps `concurrency` chat-completion streams in flight (closed loop), each `tokens` words
 * long with `pace` ms between chunks as a model would emit them, and times every request from send to
 * the last byte. Direct-to-upstream and via-gateway phases alternate (D G D G) after a warm-up of each, so
 * drift on a shared machine hits both. Reported: p50/p99 total time per mode and the added latency
 * (gateway minus direct), per-chunk transit time (the upstream stamps each event with its send time; the
 * client subtracts it on arrival), time to first content byte (which the holdback delays by design), and
 * the gateway's CPU time and event-loop delay.
 *
 * `--pin on` (default when `taskset` exists and there are at least 2 CPUs) runs the gateway alone on the
 * last CPU and the load generator plus the upstream on CPU 0, in every phase: the direct and the gateway
 * phases face the same CPU for client and upstream, and the gateway's latency is its own work rather
 * than waiting for a CPU the other two processes hold. Other work on the machine is not pinned.
 *
 * `--arrivals staggered` (default) starts the clients spread over one stream's duration, as independent
 * clients arrive; `herd` starts all of them at once, and since every stream lasts as long, they keep
 * arriving in bursts of `concurrency` requests. Each phase measures `requests / 2` requests and runs
 * `concurrency` more before and after them, so every measured request runs at full concurrency.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
    pin: { type: 'string', default: 'on' },
    arrivals: { type: 'string', default: 'staggered' },
  },
});

/** CPU sets for the two sides, or undefined when pinning is off or impossible here. */
function cpuPlan(): { clientSide: string; gateway: string } | undefined {
  if (values.pin !== 'on' || cpus().length < 2) return undefined;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { clientSide: '0', gateway: String(cpus().length - 1) };
}
const plan = values.role ? undefined : cpuPlan();

function child(args: string[], cpu?: string): Promise<{ proc: ChildProcess; port: number }> {
  // BENCH_GW_PROF=DIR writes a V8 CPU profile of the gateway process there (for finding hot spots).
  const prof =
    process.env.BENCH_GW_PROF && args[1] === 'gateway'
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_GW_PROF}`]
      : [];
  // BENCH_GW_FLAGS adds Node flags to the gateway process only (e.g. GC tuning experiments).
  const flags = args[1] === 'gateway' ? (process.env.BENCH_GW_FLAGS ?? '').split(' ').filter(Boolean) : [];
  const node = [process.execPath, ...prof, ...flags, '--import', 'tsx', import.meta.filename, ...args];
  // taskset execs node in place, so the child's pid (and kill) stay the node process's.
  const [cmd, ...argv] = cpu ? ['taskset', '-c', cpu, ...node] : node;
  const proc = spawn(cmd!, argv, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    let ready = false;
    proc.stdout!.on('data', (c) => {
      // After the port line, whatever the child prints (e.g. --trace-gc through BENCH_GW_FLAGS) goes to stderr.
      if (ready) return void process.stderr.write(c);
      buf += c;
      const m = /PORT (\d+)/.exec(buf);
      if (m) {
        ready = true;
        resolve({ proc, port: Number(m[1]) });
      }
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

/**
 * One phase against `port`: `n` measured requests, with `conc` unmeasured ones before (the ramp-up) and
 * after (so the last measured requests still share the server with `conc` - 1 others).
 */
async function phase(port: number, label: string, n: number, conc: number, tokens: number, pace: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: conc });
  const out: Timing[] = [];
  const total = n + 2 * conc;
  let next = 0;
  // Staggered: worker w starts w/conc of a stream's duration late, so arrivals are spread as independent
  // clients' are; streams all last as long, so the spread persists for the whole phase.
  const spread = values.arrivals === 'herd' ? 0 : ((tokens + 3) * pace) / conc;
  // One API key per client, as real traffic has: the default per-key limits stay on and are exercised.
  const worker = async (_: unknown, w: number) => {
    if (spread) await new Promise((r) => setTimeout(r, w * spread));
    while (next < total) {
      const i = next++;
      const t = await one(agent, port, `${label}-${i}`, `bench-key-${w}`, tokens, pace);
      if (i >= conc && i < conc + n) out.push(t);
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
  // The load generator pins itself (all its threads) first; the upstream gets the same CPU.
  if (plan) execFileSync('taskset', ['-a', '-cp', plan.clientSide, String(process.pid)], { stdio: 'ignore' });
  const up = await child(['--role', 'upstream'], plan?.clientSide);
  const gw = await child(
    ['--role', 'gateway', '--upstream', `http://127.0.0.1:${up.port}`, '--mode', values.mode!],
    plan?.gateway,
  );
  process.on('exit', () => {
    gw.proc.kill('SIGINT');
    up.proc.kill('SIGTERM');
  });
  console.log(
    `gateway overhead (${values.mode} policy): ${conc} concurrent streams, ${n} requests per phase, ${tokens} words per stream, ${pace} ms between chunks`,
  );
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()[0]!.toFixed(2)}`);
  console.log(
    plan
      ? `pinned: load generator + upstream on CPU ${plan.clientSide}, gateway on CPU ${plan.gateway} (every phase)`
      : 'not pinned: the three processes share every CPU',
  );
  console.log(`arrivals: ${values.arrivals}`);
  // Warm-up: JIT, connection pools, the guard's tables.
  await phase(up.port, 'warm-d', 0, conc, tokens, pace);
  await phase(gw.port, 'warm-g', 0, conc, tokens, pace);
  const direct: Timing[] = [];
  const via: Timing[] = [];
  let gwWall = 0;
  let gwStreams = 0;
  let userMs = 0;
  let sysMs = 0;
  const gwCpuNo = plan ? Number(plan.gateway) : -1;
  const onGwCpu = { busy: 0, softirq: 0, steal: 0 };
  let stats: GatewayStats | undefined;
  for (let round = 0; round < 2; round++) {
    direct.push(...(await phase(up.port, `d${round}`, n / 2, conc, tokens, pace)).timings);
    // Gateway CPU time, event-loop delay and its CPU's load are taken over the gateway phases only.
    const before = await gatewayStats(gw.proc, 'start');
    const cpuBefore = cpuTicks(gwCpuNo);
    const g = await phase(gw.port, `g${round}`, n / 2, conc, tokens, pace);
    const cpuAfter = cpuTicks(gwCpuNo);
    stats = await gatewayStats(gw.proc, 'stop');
    userMs += (stats.cpu.user - before.cpu.user) / 1000;
    sysMs += (stats.cpu.system - before.cpu.system) / 1000;
    onGwCpu.busy += cpuAfter.busy - cpuBefore.busy;
    onGwCpu.steal += cpuAfter.steal - cpuBefore.steal;
    onGwCpu.softirq += cpuAfter.softirq - cpuBefore.softirq;
    gwStreams += n / 2 + 2 * conc;
    via.push(...g.timings);
    gwWall += g.wallMs;
  }
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
  const cpuMs = userMs + sysMs;
  const st = stats!;
  // The gateway phases served `gwStreams` streams (measured ones plus their ramp-up and drain).
  console.log(
    `gateway CPU: ${(cpuMs / gwStreams).toFixed(3)} ms per stream (user ${(userMs / gwStreams).toFixed(3)}, system ${(sysMs / gwStreams).toFixed(3)}; ` +
      `${((100 * cpuMs) / gwWall).toFixed(0)}% of one core during its phases); ` +
      `events written ${st.events.written}, dropped ${st.events.dropped}`,
  );
  if (plan) {
    // What else ran on the gateway's CPU: network softirq work (loopback delivery, partly the gateway's
    // own traffic), other processes (other sessions on a shared machine), and time the hypervisor took.
    const pc = (ms: number) => `${((100 * ms) / gwWall).toFixed(0)}%`;
    const other = Math.max(0, onGwCpu.busy - onGwCpu.softirq - cpuMs);
    console.log(
      `CPU ${plan.gateway} during the gateway phases: busy ${pc(onGwCpu.busy)} = gateway ${pc(cpuMs)} + softirq ` +
        `${pc(onGwCpu.softirq)} + other processes ${pc(other)}; steal ${pc(onGwCpu.steal)}`,
    );
  }
  console.log(
    `gateway event-loop delay during the measured phases (lateness of a 1 ms timer): p50 ${st.loop.p50.toFixed(2)} ms, ` +
      `p99 ${st.loop.p99.toFixed(2)} ms, max ${st.loop.max.toFixed(2)} ms` +
      (st.affinity ? ` (gateway CPUs: ${st.affinity})` : ''),
  );
  gw.proc.kill('SIGINT');
  up.proc.kill('SIGTERM');
}

interface GatewayStats {
  cpu: NodeJS.CpuUsage;
  events: { written: number; dropped: number };
  loop: { p50: number; p99: number; max: number };
  affinity?: string;
}

function gatewayStats(proc: ChildProcess, what: 'start' | 'stop'): Promise<GatewayStats> {
  return new Promise((resolve) => {
    proc.once('message', (m) => resolve(m as GatewayStats));
    proc.send(what);
  });
}

/** Busy and steal time of one CPU from /proc/stat, in ms (USER_HZ = 100 on Linux). */
function cpuTicks(cpu: number): { busy: number; softirq: number; steal: number } {
  if (cpu < 0) return { busy: 0, softirq: 0, steal: 0 };
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${cpu} `));
  const f = line?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  // user nice system idle iowait irq softirq steal …
  const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0);
  return { busy: busy * 10, softirq: (f[6] ?? 0) * 10, steal: (f[7] ?? 0) * 10 };
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
  // The CPUs this process may run on, read back from the kernel: proof the pinning took.
  const affinity = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  // Event-loop delay: how late a 1 ms timer fires (µs beyond its interval), recorded only between start and
  // stop (the gateway phases): what the gateway's own work and its waits for the CPU hold up.
  const { createHistogram } = await import('node:perf_hooks');
  const late = createHistogram();
  let recording = false;
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    if (recording) late.record(Math.max(1, Math.round((now - last - 1) * 1000)));
    last = now;
    setTimeout(tick, 1);
  };
  tick();
  process.stdout.write(`PORT ${a.port}\n`);
  // Exit through process.exit so --cpu-prof gets to write its profile.
  process.once('SIGINT', () => process.exit(0));
  process.on('message', (m) => {
    if (m === 'start') recording = true;
    if (m === 'stop') recording = false;
    const loop = { p50: late.percentile(50) / 1e3, p99: late.percentile(99) / 1e3, max: late.max / 1e3 };
    process.send?.({ cpu: process.cpuUsage(), events: sink.stats, loop, affinity });
  });
} else {
  await main();
}
