/**
 * Hashing throughput, Warden vs coreutils `sha256sum`, on the same files in one run.
 *
 *   node --import tsx bench/hash.ts [--one-gib 2] [--files 200] [--file-mib 10]
 *
 * Data lives in bench/.work/ (git-ignored) and is reused between runs. Every timed run reads
 * from the page cache (a warm-up pass first), so both tools are measured on hashing and
 * reading, not on the disk.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { toHex } from '../src/supply/hashing/algorithms.js';
import { hashJobs } from '../src/supply/hashing/hash-engine.js';
import type { HashJob } from '../src/supply/hashing/read-range.js';
import { shardRanges } from '../src/supply/hashing/serialize.js';

const { values } = parseArgs({
  options: {
    'one-gib': { type: 'string', default: '2' },
    files: { type: 'string', default: '200' },
    'file-mib': { type: 'string', default: '10' },
  },
});
const WORK = join(import.meta.dirname, '.work');
const ONE = join(WORK, 'one.bin');
const MANY = join(WORK, 'many');
const oneBytes = Number(values['one-gib']) * 2 ** 30;
const nFiles = Number(values.files);
const fileBytes = Number(values['file-mib']) * 2 ** 20;

/** Pseudo-random content, cheap to produce: one random 16 MiB block, stamped per file and write. */
const BLOCK = randomBytes(16 << 20);
function fill(path: string, size: number): void {
  if (existsSync(path) && statSync(path).size === size) return;
  const fd = openSync(path, 'w');
  for (let done = 0, i = 0; done < size; i++) {
    const n = Math.min(BLOCK.length, size - done);
    BLOCK.write(`${path}:${i}`.padEnd(64), 0, 'latin1');
    writeSync(fd, BLOCK, 0, n);
    done += n;
  }
  closeSync(fd);
}

function sha256sum(paths: string[]): { seconds: number; digests: string[] } {
  const t = process.hrtime.bigint();
  const r = spawnSync('sha256sum', paths, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`sha256sum failed: ${r.stderr}`);
  return {
    seconds,
    digests: r.stdout
      .trim()
      .split('\n')
      .map((l) => l.slice(0, 64)),
  };
}

/** OpenSSL's CLI uses the same SHA-NI code as node:crypto: the ceiling for one stream. */
function opensslDgst(path: string): number | undefined {
  const t = process.hrtime.bigint();
  const r = spawnSync('openssl', ['dgst', '-sha256', path], { encoding: 'utf8' });
  return r.status === 0 ? Number(process.hrtime.bigint() - t) / 1e9 : undefined;
}

async function warden(jobs: HashJob[], mode: 'threads' | 'main'): Promise<{ seconds: number; digests: string[] }> {
  const t = process.hrtime.bigint();
  const out = await hashJobs(jobs, 'sha256', { mode });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  return { seconds, digests: out.map((d) => (d instanceof Uint8Array ? toHex(d) : `error: ${d.message}`)) };
}

const best = async <T extends { seconds: number }>(runs: number, f: () => Promise<T> | T): Promise<T> => {
  let b: T | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await f();
    if (b === undefined || r.seconds < b.seconds) b = r;
  }
  return b!;
};

const mbps = (bytes: number, s: number) => bytes / 1e6 / s;
const row = (label: string, bytes: number, s: number, ref?: number) =>
  console.log(
    `${label.padEnd(44)} ${mbps(bytes, s).toFixed(0).padStart(6)} MB/s ${s.toFixed(2).padStart(7)} s${
      ref === undefined ? '' : `   ${(ref / s).toFixed(2)}× sha256sum`
    }`,
  );

mkdirSync(MANY, { recursive: true });
console.log(`preparing ${ONE} (${values['one-gib']} GiB) and ${nFiles} × ${values['file-mib']} MiB …`);
fill(ONE, oneBytes);
const many = Array.from({ length: nFiles }, (_, i) => join(MANY, `f${String(i).padStart(4, '0')}.bin`));
for (const p of many) fill(p, fileBytes);
// Warm the page cache so every contender reads the same cached bytes.
spawnSync('cat', [ONE, ...many], { stdio: ['ignore', 'ignore', 'inherit'] });

console.log(`node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})`);
console.log(`sha256sum: ${spawnSync('sha256sum', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}`);
// Other work on the machine skews every row; the load average says how much.
console.log(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);

const RUNS = 3;
console.log(`one file, ${oneBytes / 2 ** 30} GiB (best of ${RUNS})`);
const s1 = await best(RUNS, () => sha256sum([ONE]));
row('  sha256sum', oneBytes, s1.seconds);
const w1 = await best(RUNS, () => warden([{ path: ONE, start: 0, end: oneBytes }], 'main'));
row('  warden (stream, reads on libuv pool)', oneBytes, w1.seconds, s1.seconds);
if (w1.digests[0] !== s1.digests[0]) throw new Error('digest mismatch on the single file');
const o1 = opensslDgst(ONE);
if (o1 !== undefined) row('  (openssl dgst -sha256, for reference)', oneBytes, o1, s1.seconds);
const shards = shardRanges(oneBytes, 256 * 2 ** 20).map(([start, end]) => ({ path: ONE, start, end }));
const w1s = await best(RUNS, () => warden(shards, 'threads'));
row('  warden shards of 256 MiB, worker threads', oneBytes, w1s.seconds, s1.seconds);

const manyBytes = nFiles * fileBytes;
console.log(`\n${nFiles} files × ${fileBytes / 2 ** 20} MiB (best of ${RUNS})`);
const s2 = await best(RUNS, () => sha256sum(many));
row('  sha256sum', manyBytes, s2.seconds);
const jobs = many.map((path) => ({ path, start: 0, end: fileBytes }));
const w2m = await best(RUNS, () => warden(jobs, 'main'));
row('  warden main thread (reads on libuv pool)', manyBytes, w2m.seconds, s2.seconds);
const w2t = await best(RUNS, () => warden(jobs, 'threads'));
row(`  warden worker threads (${availableParallelism()})`, manyBytes, w2t.seconds, s2.seconds);
if (w2t.digests.join() !== s2.digests.join() || w2m.digests.join() !== s2.digests.join()) {
  throw new Error('digest mismatch on the many files');
}
console.log('\nall digests agree with sha256sum');
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
