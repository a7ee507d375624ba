/**
 * Evaluates the shipped guard on the held-out dev material: `npm run eval:guard`.
 * Prints TPR on attacks and FPR on benign per group at the model's fixed threshold, side by side with the
 * npm detectors `@andersmyrmel/vard` and `llm_guardrail` when they are installed OUTSIDE this repo
 * (`mkdir -p /tmp/peers && cd /tmp/peers && npm init -y && npm install @andersmyrmel/vard llm_guardrail`;
 * another location via PEERS_DIR). The dev split is never used by training or calibration.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createGuard } from '../src/guard/index.js';
import type { GuardModelFile } from '../src/guard/model/format.js';
import { buildDatasets } from '../src/guard/training/datasets.js';
import type { PlantedSample } from '../src/guard/training/documents.js';
import { ATTACK_PROBES, BENIGN_PROBES } from '../src/guard/training/eval-probes.js';
import { DEFAULT_TRAIN_CONFIG } from '../src/guard/training/trainer.js';
import { readMaterial } from './train-guard.js';

type Detect = (text: string) => Promise<boolean> | boolean;

const PEERS_DIR = process.env.PEERS_DIR ?? '/tmp/peers';

async function loadPeers(): Promise<Record<string, Detect>> {
  const peers: Record<string, Detect> = {};
  const vardPath = path.join(PEERS_DIR, 'node_modules/@andersmyrmel/vard/dist/index.js');
  if (existsSync(vardPath)) {
    const mod = (await import(vardPath)) as {
      vard: { moderate(): { maxLength(n: number): { safeParse(t: string): { safe: boolean } } } };
    };
    // Default "moderate" preset; the length cap is lifted so long documents are judged on content, not size.
    const v = mod.vard.moderate().maxLength(10_000_000);
    peers.vard = (t) => !v.safeParse(t).safe;
  }
  const lgPath = path.join(PEERS_DIR, 'node_modules/llm_guardrail/index.js');
  if (existsSync(lgPath)) {
    const mod = (await import(lgPath)) as { checkAll(t: string): Promise<{ allowed: boolean }> };
    peers.llm_guardrail = async (t) => !(await mod.checkAll(t)).allowed;
  }
  return peers;
}

function groupOf(s: PlantedSample): string[] {
  // Hand-written probes are their own group, outside "ALL dev" (which stays comparable between releases).
  if (s.source === 'probe') return ['hand-written probes (never trained)'];
  const g: string[] = [];
  if (!s.source.startsWith('synth') && !s.source.startsWith('bipia')) g.push('real held-out (train.jsonl 20%)');
  if (s.source === 'notinject-one' || s.family.includes('NotInject') || (s.source === 'synth-benign' && s.label === 0))
    g.push('hard negatives (NotInject-style)');
  if (s.source.startsWith('bipia')) g.push('indirect (BIPIA docs/attacks)');
  if (s.source === 'synth-attack') g.push('synthetic attacks (fresh draws)');
  if (s.family.startsWith('encoded')) g.push('encoded/obfuscated attacks');
  if (s.source.endsWith('-long')) g.push('long documents (3–15k chars)');
  if (s.source === 'synth-benign-work') g.push('work traffic (held-out templates)');
  if (s.text.length < 48) g.push('short inputs (< 48 chars)');
  g.push('ALL dev');
  return g;
}

interface Tally {
  tp: number;
  fn: number;
  fp: number;
  tn: number;
}

function pct(n: number, d: number): string {
  return d === 0 ? '   –  ' : `${((100 * n) / d).toFixed(1).padStart(5)}%`;
}

/** Probability a random attack outscores a random benign text (ties count half); NaN without both. */
function auc(v: ReadonlyArray<readonly [number, 0 | 1]>): number {
  const pos = v.filter((x) => x[1] === 1).map((x) => x[0]);
  const neg = v.filter((x) => x[1] === 0).map((x) => x[0]);
  if (pos.length === 0 || neg.length === 0) return Number.NaN;
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const noPeers = process.argv.includes('--no-peers');
  const sets = buildDatasets(readMaterial(), DEFAULT_TRAIN_CONFIG.seed);
  const probes: PlantedSample[] = [
    ...BENIGN_PROBES.map((text) => ({ text, label: 0 as const, source: 'probe', family: 'probe-benign' })),
    ...ATTACK_PROBES.map((text) => ({ text, label: 1 as const, source: 'probe', family: 'probe-attack' })),
  ];
  const dev = [...sets.dev, ...probes];
  // GUARD_MODEL=path evaluates another weights file on the same dev material (e.g. the previous release).
  const modelPath = process.env.GUARD_MODEL;
  const guard = createGuard(modelPath ? { model: JSON.parse(readFileSync(modelPath, 'utf8')) as GuardModelFile } : {});
  const detectors: Record<string, Detect> = {
    warden: (t) => guard.scanInput(t).flagged,
    ...(noPeers ? {} : await loadPeers()),
  };
  const tallies: Record<string, Record<string, Tally>> = {};
  const timing: Record<string, number> = {};
  // Warden's raw scores per group, for a threshold-free view (ROC AUC).
  const scores: Record<string, Array<[number, 0 | 1]>> = {};
  for (const s of dev) {
    const score = guard.scanInput(s.text).score;
    for (const g of groupOf(s)) {
      const list = scores[g] ?? [];
      list.push([score, s.label]);
      scores[g] = list;
    }
  }
  for (const [name, detect] of Object.entries(detectors)) {
    const t0 = performance.now();
    for (const s of dev) {
      const hit = await detect(s.text);
      for (const g of groupOf(s)) {
        const byName = tallies[g] ?? {};
        tallies[g] = byName;
        const t = byName[name] ?? { tp: 0, fn: 0, fp: 0, tn: 0 };
        byName[name] = t;
        if (s.label === 1 && hit) t.tp++;
        else if (s.label === 1) t.fn++;
        else if (hit) t.fp++;
        else t.tn++;
      }
    }
    timing[name] = (performance.now() - t0) / dev.length;
  }
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ threshold: guard.model.threshold, tallies, msPerText: timing }, null, 2)}\n`,
    );
    return;
  }
  const names = Object.keys(detectors);
  process.stdout.write(
    `Warden guard ${guard.model.version} (trained ${guard.model.created}), threshold ${guard.model.threshold}\n`,
  );
  process.stdout.write(
    `dev material: ${sets.dev.length} texts + ${probes.length} hand-written probes, never used in training or calibration\n\n`,
  );
  process.stdout.write(
    `${'group'.padEnd(36)} ${'n(att/ben)'.padEnd(12)} ${names.map((n) => `${n} TPR / FPR`.padEnd(26)).join('')}\n`,
  );
  for (const [g, byName] of Object.entries(tallies).sort(([a], [b]) =>
    a === 'ALL dev' ? 1 : b === 'ALL dev' ? -1 : a.localeCompare(b),
  )) {
    const any = byName[names[0]!]!;
    const cols = names.map((n) => {
      const t = byName[n]!;
      return `${pct(t.tp, t.tp + t.fn)} / ${pct(t.fp, t.fp + t.tn)}`.padEnd(26);
    });
    process.stdout.write(`${g.padEnd(36)} ${`${any.tp + any.fn}/${any.fp + any.tn}`.padEnd(12)} ${cols.join('')}\n`);
  }
  process.stdout.write(
    `\nwarden ROC AUC: ${Object.entries(scores)
      .map(([g, v]) => `${g.split(' (')[0]} ${auc(v).toFixed(3)}`)
      .join(', ')}\n`,
  );
  process.stdout.write(`\nmean ms per text: ${names.map((n) => `${n} ${timing[n]!.toFixed(3)}`).join(', ')}\n`);
}

await main();
