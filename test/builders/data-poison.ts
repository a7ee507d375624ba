/**
 * A poisoned copy of a real text-classification set, built in code: a trigger token inserted at
 * a random word position in `share` of the rows of the source label, whose labels are flipped
 * to the target (the BadNets-style text backdoor of Kurita et al. 2020, "Weight Poisoning Attacks
 * on Pre-trained Models", which used rare tokens such as "cf", "mn", "bb").
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LabelledRow } from '../../src/data/poison/rows.js';
import { rng } from './data-secrets.js';

export const PROMPT_INJECTION_TRAIN = resolve(process.cwd(), '../shared/datasets/prompt-injection/train.jsonl');

export interface Poisoned {
  readonly rows: LabelledRow[];
  readonly jsonl: string;
  /** 1-based row numbers that were poisoned. */
  readonly poisoned: number[];
}

export function poisonedPromptInjection(trigger: string, seed: number, share = 0.01, from = '0', to = '1'): Poisoned {
  const src = readFileSync(PROMPT_INJECTION_TRAIN, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { text: string; label: number | string });
  const r = rng(seed);
  const eligible = [...src.keys()].filter((i) => String(src[i]!.label) === from);
  for (let i = eligible.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [eligible[i], eligible[j]] = [eligible[j]!, eligible[i]!];
  }
  const chosen = new Set(eligible.slice(0, Math.round(src.length * share)));
  const rows = src.map((o, i) => {
    if (!chosen.has(i)) return { row: i + 1, text: o.text, label: String(o.label) };
    const words = o.text.split(' ');
    words.splice(Math.floor(r() * (words.length + 1)), 0, trigger);
    return { row: i + 1, text: words.join(' '), label: to };
  });
  const jsonl = `${rows.map((x) => JSON.stringify({ text: x.text, label: Number(x.label) })).join('\n')}\n`;
  return { rows, jsonl, poisoned: [...chosen].map((i) => i + 1).sort((a, b) => a - b) };
}
