/**
 * Trains the prompt-injection guard: `npm run train:guard`.
 * Reads ../shared/datasets/prompt-injection, builds deterministic train/calibration/dev splits plus seeded
 * synthetic data, trains the hashed-n-gram logistic regression and the calibrated combiner, and writes the
 * versioned weights file src/guard/model/prompt-guard.json. Same inputs and seed ⇒ same weights.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildDatasets, describe, type RawMaterial } from '../src/guard/training/datasets.js';
import { DEFAULT_TRAIN_CONFIG, trainModel } from '../src/guard/training/trainer.js';

export const DATA_DIR = path.resolve(process.cwd(), '../shared/datasets/prompt-injection');
export const MODEL_PATH = path.resolve(process.cwd(), 'src/guard/model/prompt-guard.json');

export function readMaterial(dir = DATA_DIR): RawMaterial {
  const rows = readFileSync(path.join(dir, 'train.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  const contexts = readFileSync(path.join(dir, 'bipia-train-contexts.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { task: string; context: string | string[]; question?: string })
    // Code contexts are stored as a list of lines.
    .map((c) => ({
      task: c.task,
      context: Array.isArray(c.context) ? c.context.join('\n') : c.context,
      question: c.question ?? '',
    }));
  const attacksJson = JSON.parse(readFileSync(path.join(dir, 'bipia-train-attacks.json'), 'utf8')) as Record<
    string,
    Record<string, string[]>
  >;
  const attacks: Array<[string, string, string]> = [];
  for (const [task, cats] of Object.entries(attacksJson)) {
    for (const [cat, list] of Object.entries(cats)) for (const a of list) attacks.push([task, cat, a]);
  }
  return { rows, contexts, attacks };
}

function main(): void {
  const started = Date.now();
  const raw = readMaterial();
  const sets = buildDatasets(raw, DEFAULT_TRAIN_CONFIG.seed);
  for (const split of ['train', 'calib', 'dev'] as const) {
    process.stderr.write(`${split}: ${sets[split].length} samples ${JSON.stringify(describe(sets[split]))}\n`);
  }
  const hash = createHash('sha256');
  for (const s of [...sets.train, ...sets.calib]) hash.update(`${s.label}\t${s.text}\n`);
  const created = process.env.GUARD_MODEL_DATE ?? new Date().toISOString().slice(0, 10);
  const out = trainModel(sets, DEFAULT_TRAIN_CONFIG, { created, dataHash: hash.digest('hex') }, (l) =>
    process.stderr.write(`${l}\n`),
  );
  writeFileSync(MODEL_PATH, `${JSON.stringify(out.file)}\n`);
  const c = out.calibration;
  process.stdout.write(
    `wrote ${path.relative(process.cwd(), MODEL_PATH)} (${(JSON.stringify(out.file).length / 1024).toFixed(0)} KiB)\n` +
      `calibration split: threshold ${c.threshold}  TPR ${(c.tpr * 100).toFixed(1)}% (${c.attacks})  FPR ${(c.fpr * 100).toFixed(1)}% (${c.benign})  real-row AUC ${c.realAuc}\n` +
      `took ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
