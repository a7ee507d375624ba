/**
 * Judges 1 GiB and 4 GiB pickles end to end: a `pickle.dump` of a NumPy array dict (array bytes
 * in one BINBYTES / BINBYTES8) and a `joblib.dump` (array bytes inline between opcodes). The
 * 4 GiB files carry `os.system` / `subprocess.Popen` after the array, which the analysis must
 * reach. Files are written once to bench/.work/ with non-zero array bytes (not sparse, so `cat`
 * really reads them). Each judgement runs in its own process (the engine, all scanners,
 * `FileSource`) so its peak RSS (`process.resourceUsage().maxRSS`) is its own.
 *
 *   npx tsx bench/pickle-large.ts
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../src/core/limits.js';
import { FileSource } from '../src/io/file-source.js';
import { scanSource } from '../src/scan/engine.js';
import { SCANNERS } from '../src/scan/registry.js';
import { joblibDict, type LayoutPart, layoutSize, numpyDict, writeLayout } from '../test/builders/large-pickle.js';
import { global, MARK, pk, REDUCE, str, TUPLE } from '../test/builders/pickle.js';

const GIB = 1024 ** 3;
const WORK = join(import.meta.dirname, '.work');
const hook = (mod: string, name: string) => pk(str('hook'), global(mod, name), MARK, str('id'), TUPLE, REDUCE);

/**
 * The hostile opposite of a big array: 1 GiB of opcodes, 60 KiB strings each memoized (all of it
 * must be read; memory must not follow). Written as one list: EMPTY_LIST MARK (BINUNICODE
 * MEMOIZE)… APPENDS STOP.
 */
function writeStrings(file: string, size: number): number {
  const n = 60_000;
  const one = new Uint8Array(5 + n + 1);
  one[0] = 0x58;
  new DataView(one.buffer).setUint32(1, n, true);
  for (let i = 0; i < n; i++) one[5 + i] = 97 + (i % 26);
  one[5 + n] = 0x94;
  const chunk = new Uint8Array(one.length * 128);
  for (let i = 0; i < 128; i++) chunk.set(one, i * one.length);
  const fd = openSync(file, 'w');
  let pos = 0;
  const write = (b: Uint8Array) => {
    writeSync(fd, b, 0, b.length, pos);
    pos += b.length;
  };
  try {
    write(Uint8Array.from([0x80, 4, 0x5d, 0x28]));
    while (pos + chunk.length < size) write(chunk);
    write(Uint8Array.from([0x65, 0x2e]));
  } finally {
    closeSync(fd);
  }
  return pos;
}

const FILES: { name: string; layout: () => LayoutPart[] }[] = [
  { name: 'numpy-dict-1gib.pkl', layout: () => numpyDict(GIB / 8) },
  { name: 'joblib-dict-1gib.joblib', layout: () => joblibDict(GIB / 8) },
  { name: 'numpy-dict-4gib-payload.pkl', layout: () => numpyDict((4 * GIB) / 8, hook('os', 'system')) },
  { name: 'joblib-dict-4gib-payload.joblib', layout: () => joblibDict((4 * GIB) / 8, hook('subprocess', 'Popen')) },
];

interface Judgement {
  ms: number;
  bytesRead: number;
  findings: string[];
  status: string;
  maxRssMB: number;
  sampledRssMB: number;
}

/** Child mode: judge one file, print one JSON line. */
async function judge(file: string): Promise<Judgement> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const started = performance.now();
  const src = await FileSource.open(file);
  try {
    const r = await scanSource(
      src,
      { path: file, name: file.split('/').pop() ?? file, siblings: [] },
      { limits: DEFAULT_LIMITS, scanners: SCANNERS, signal: new AbortController().signal },
    );
    const ms = performance.now() - started;
    peak = Math.max(peak, process.memoryUsage().rss);
    return {
      ms,
      bytesRead: src.bytesRead,
      findings: r.findings.map((f) => `${f.severity}:${f.ruleId}:${f.evidence ?? ''}`),
      status: r.targets.map((t) => `${t.format}:${t.status}`).join(' '),
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      sampledRssMB: peak / 1024 ** 2,
    };
  } finally {
    clearInterval(timer);
    await src.close();
  }
}

if (process.argv[2] === '--judge') {
  console.log(JSON.stringify(await judge(process.argv[3] as string)));
} else {
  mkdirSync(WORK, { recursive: true });
  const pattern = randomBytes(8 * 1024 * 1024);
  console.log('| file | size | bytesRead | share | judge (median of 3) | cat | peak RSS | findings |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  // The same process judging a 30-byte pickle: what the runtime itself costs.
  const tiny = join(WORK, 'tiny.pkl');
  const tinySize = writeLayout(tiny, numpyDict(1));
  console.log(row('numpy-dict-8-bytes.pkl (process baseline)', tinySize, tiny));
  for (const f of FILES) {
    const file = join(WORK, f.name);
    const parts = f.layout();
    const size = layoutSize(parts);
    if (statSync(file, { throwIfNoEntry: false })?.size !== size) writeLayout(file, parts, pattern);
    console.log(row(f.name, size, file));
  }
  const strings = join(WORK, 'memoized-strings-1gib.pkl');
  const size = statSync(strings, { throwIfNoEntry: false })?.size ?? writeStrings(strings, GIB);
  console.log(row('memoized-strings-1gib.pkl', size, strings));
}

function row(name: string, size: number, file: string): string {
  const t = performance.now();
  execFileSync('sh', ['-c', `cat "${file}" > /dev/null`]);
  const catMs = performance.now() - t;
  const runs: Judgement[] = [];
  for (let i = 0; i < 3; i++) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--judge', file], {
      encoding: 'utf8',
    });
    runs.push(JSON.parse(out.trim().split('\n').pop() as string) as Judgement);
  }
  runs.sort((a, b) => a.ms - b.ms);
  const r = runs[1] as Judgement;
  const rss = Math.max(...runs.map((x) => x.maxRssMB));
  const share = ((100 * r.bytesRead) / size).toFixed(4);
  const found = r.findings.join(', ') || 'none';
  return `| ${name} | ${size} | ${r.bytesRead} | ${share} % | ${r.ms.toFixed(1)} ms | ${catMs.toFixed(0)} ms | ${rss.toFixed(0)} MB | ${found} (${r.status}) |`;
}
