/**
 * Recall and false positives per detector on the labelled corpus in test/fixtures/data/.
 *
 *   node --import tsx scripts/eval-data.ts [--json]
 *
 * Each fixture is scanned with `--redact` semantics (scanDataSource with a buffer sink). A label
 * {file, detector, value} is a true positive when the value is gone from the redacted copy and a
 * mask of that detector is present; every mask beyond the true positives is a false positive.
 * Parquet has no redacted copy: its per-column counts from the findings are used instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemorySource } from '../src/core/byte-source.js';
import { DETECTORS } from '../src/data/detect/index.js';
import { scanDataSource } from '../src/data/scan.js';

const ROOT = join(import.meta.dirname, '..', 'test', 'fixtures', 'data');
const labels = JSON.parse(readFileSync(join(ROOT, 'labels.json'), 'utf8')) as Array<{
  file: string;
  detector: string;
  value: string;
}>;
const FILES = [
  'text/secrets-in-prose.md',
  'text/hard-negatives.md',
  'text/identifiers.txt',
  'csv/customers.csv',
  'csv/transactions.tsv',
  'jsonl/chat-logs.jsonl',
  'jsonl/eval-runs.jsonl',
  'notebooks/leaky-train.ipynb',
  'notebooks/clean-plots.ipynb',
  'json/app-config.json',
  'parquet/users.parquet',
];

interface Tally {
  labels: number;
  tp: number;
  fp: number;
}
const tally = new Map<string, Tally>(DETECTORS.map((d) => [d.id, { labels: 0, tp: 0, fp: 0 }]));
const perFile: Array<{ file: string; labels: number; tp: number; fp: number }> = [];

export async function evaluate(): Promise<{ tally: Map<string, Tally>; perFile: typeof perFile }> {
  for (const file of FILES) {
    const bytes = new Uint8Array(readFileSync(join(ROOT, file)));
    const mine = labels.filter((l) => l.file === file);
    let out = '';
    const r = await scanDataSource(
      new MemorySource(bytes),
      { path: file, name: file.split('/').pop()! },
      {
        redactTo: {
          write: async (c) => {
            out += typeof c === 'string' ? c : new TextDecoder().decode(c);
          },
        },
      },
    );
    const masks = new Map<string, number>();
    if (r.format === 'parquet') {
      for (const f of r.findings) {
        const m = /\((\d[\d,]*) of [\d,]+ rows; ([a-z0-9-]+)\)$/.exec(f.message);
        if (m) masks.set(m[2]!, (masks.get(m[2]!) ?? 0) + Number(m[1]!.replace(/,/g, '')));
      }
    } else {
      for (const m of out.matchAll(/\[REDACTED:([a-z0-9-]+)\]/g)) masks.set(m[1]!, (masks.get(m[1]!) ?? 0) + 1);
    }
    const tpBy = new Map<string, number>();
    for (const l of mine) {
      const t = tally.get(l.detector)!;
      t.labels++;
      const gone = r.format === 'parquet' ? true : !out.includes(l.value);
      const used = tpBy.get(l.detector) ?? 0;
      if (gone && used < (masks.get(l.detector) ?? 0)) {
        t.tp++;
        tpBy.set(l.detector, used + 1);
      }
    }
    let fpFile = 0;
    for (const [id, n] of masks) {
      const fp = Math.max(0, n - (tpBy.get(id) ?? 0));
      const t = tally.get(id);
      if (t) t.fp += fp;
      fpFile += fp;
    }
    perFile.push({ file, labels: mine.length, tp: [...tpBy.values()].reduce((a, b) => a + b, 0), fp: fpFile });
  }
  return { tally, perFile };
}

if (import.meta.filename === process.argv[1]) {
  await evaluate();
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ detectors: Object.fromEntries(tally), files: perFile }, null, 2)}\n`);
  } else {
    process.stdout.write('detector               labels    TP  recall    FP\n');
    for (const [id, t] of tally) {
      const recall = t.labels ? `${((100 * t.tp) / t.labels).toFixed(1)}%` : '—';
      process.stdout.write(
        `${id.padEnd(22)} ${String(t.labels).padStart(6)} ${String(t.tp).padStart(5)} ${recall.padStart(7)} ${String(t.fp).padStart(5)}\n`,
      );
    }
    const sum = [...tally.values()].reduce(
      (a, t) => ({ labels: a.labels + t.labels, tp: a.tp + t.tp, fp: a.fp + t.fp }),
      { labels: 0, tp: 0, fp: 0 },
    );
    process.stdout.write(
      `${'total'.padEnd(22)} ${String(sum.labels).padStart(6)} ${String(sum.tp).padStart(5)} ${((100 * sum.tp) / sum.labels).toFixed(1).padStart(6)}% ${String(sum.fp).padStart(5)}\n\nper file:\n`,
    );
    for (const f of perFile)
      process.stdout.write(`  ${f.file.padEnd(30)} labels ${f.labels}, found ${f.tp}, false positives ${f.fp}\n`);
  }
}
