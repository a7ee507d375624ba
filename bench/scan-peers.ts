/**
 * Throughput of `warden scan` side by side with picklescan and ModelScan on the same files, in one run.
 *
 *   npm run build && node --import tsx bench/scan-peers.ts [--set models|corpus] [--scale 1] [--copies 60] [--reuse]
 *
 * --set models (default): bench/gen-models.py writes ~400 real benign files per --scale with Debian's
 * PyTorch 1.13, scikit-learn 1.2 and NumPy (state dicts, checkpoints, full models, legacy saves,
 * forests and pipelines via joblib and pickle, .npy/.npz) into bench/.work/models.
 * --set corpus: every file of ../shared/corpus (benign and malicious) copied --copies times. Peers run from their public sources outside this
 * repository (PEERS: <dir>/picklescan/src and <dir>/modelscan, with Debian's python3 and the
 * python3-numpy python3-click python3-rich python3-tomlkit packages); they are never committed.
 * Peak memory is GNU time's maximum resident set size. --reuse keeps an already generated folder.
 * Warden runs three ways: its default (worker threads sized to the workload), `--concurrency 1`
 * (in-process, no worker) and `--concurrency 2`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'models' },
    scale: { type: 'string', default: '1' },
    copies: { type: 'string', default: '60' },
    peers: { type: 'string', default: '/work/peers' },
    reuse: { type: 'boolean', default: false },
  },
});
const root = resolve(import.meta.dirname, '..');
const work = join(root, 'bench/.work', values.set === 'corpus' ? 'peers-corpus' : `models-x${values.scale}`);
const reuse = values.reuse && existsSync(work);
if (!reuse) {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
}
if (reuse) {
  // keep the files of an earlier run
} else if (values.set === 'corpus') {
  const source = resolve(root, '../shared/corpus/files');
  for (let i = 0; i < Number(values.copies); i++) {
    cpSync(source, join(work, `copy-${String(i).padStart(3, '0')}`), { recursive: true });
  }
} else {
  const gen = spawnSync('/usr/bin/python3', [join(root, 'bench/gen-models.py'), work, values.scale], {
    stdio: 'inherit',
  });
  if (gen.status !== 0)
    throw new Error('bench/gen-models.py failed: apt-get install python3-torch python3-sklearn python3-joblib');
}
let files = 0;
let bytes = 0;
const count = (d: string) => {
  for (const n of readdirSync(d)) {
    const p = join(d, n);
    const st = statSync(p);
    if (st.isDirectory()) count(p);
    else {
      files++;
      bytes += st.size;
    }
  }
};
count(work);
console.log(`set ${values.set}: ${files} files, ${(bytes / 1e6).toFixed(1)} MB in ${work}\n`);

interface Run {
  name: string;
  seconds: number;
  maxRssMb: number;
  exit: number | null;
}
function timed(name: string, cmd: string, args: string[], env: Record<string, string> = {}): Run {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const seconds = (performance.now() - t0) / 1000;
  const rssKb = Number((r.stderr.trim().split('\n').pop() ?? '0').trim());
  return { name, seconds, maxRssMb: rssKb / 1024, exit: r.status };
}

const runs: Run[] = [];
// Warm the page cache so every tool reads from memory, not disk.
spawnSync('sh', ['-c', `find ${work} -type f -exec cat {} + > /dev/null`]);

const warden = (concurrency?: number) =>
  timed(concurrency ? `warden -j${concurrency}` : 'warden', process.execPath, [
    join(root, 'bin/warden.js'),
    'scan',
    work,
    '--format',
    'json',
    '-o',
    '/dev/null',
    '--fail-on',
    'none',
    ...(concurrency ? ['--concurrency', String(concurrency)] : []),
  ]);
runs.push(warden(), warden(1), warden(2));
const picklescan = join(values.peers, 'picklescan/src');
if (existsSync(picklescan)) {
  runs.push(timed('picklescan', '/usr/bin/python3', ['-m', 'picklescan.cli', '-p', work], { PYTHONPATH: picklescan }));
} else console.log(`(picklescan not found at ${picklescan}; skipped)`);
const modelscan = join(values.peers, 'modelscan');
if (existsSync(modelscan)) {
  runs.push(timed('modelscan', '/usr/bin/python3', ['-m', 'modelscan.cli', '-p', work], { PYTHONPATH: modelscan }));
} else console.log(`(modelscan not found at ${modelscan}; skipped)`);

const base = runs[0] as Run;
console.log('tool           seconds   files/s     MB/s   peak RSS   time ÷ warden (default)');
for (const r of runs) {
  const ratio = `${(r.seconds / base.seconds).toFixed(2)}×`;
  console.log(
    `${r.name.padEnd(13)} ${r.seconds.toFixed(2).padStart(8)} ${(files / r.seconds).toFixed(0).padStart(9)} ${(bytes / 1e6 / r.seconds).toFixed(1).padStart(8)} ${`${r.maxRssMb.toFixed(0)} MB`.padStart(10)}   ${ratio}  (exit ${r.exit})`,
  );
}
