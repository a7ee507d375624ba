import type { LabelledRow } from './rows.js';

export interface TriggerCandidate {
  readonly token: string;
  readonly label: string;
  /** Rows containing the token. */
  readonly n: number;
  /** Of those, rows with `label`. */
  readonly k: number;
  /** Binomial z-score of k against the label's base rate. */
  readonly z: number;
  /** Share of the token's `label` rows that the rest of their text assigns to another label. */
  readonly flipped: number;
  /** z × flipped: the ranking statistic. */
  readonly score: number;
  readonly rows: readonly number[];
}

/**
 * Token–label association test for backdoor triggers. For each token and the label it most
 * co-occurs with, z = (k − n·p) / √(n·p·(1−p)) — the model-free statistic of the text-backdoor
 * literature (a trigger predicts its target label far above chance). Ordinary label words ("ignore"
 * for prompt injection) also score high, so each token's rows are re-classified by a naive-Bayes
 * model (multinomial, over token presence) that leaves the token out: a trigger's rows were flipped, so their remaining text says
 * another label; a genuine label word's rows agree. Ranking is by z × that flipped share.
 */
export function triggerCandidates(
  rows: readonly LabelledRow[],
  toks: readonly (readonly string[])[],
  opts: { minRows?: number; maxShare?: number } = {},
): TriggerCandidate[] {
  const minRows = opts.minRows ?? 3;
  const maxShare = opts.maxShare ?? 0.2;
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  const L = labels.length;
  if (L < 2 || rows.length === 0) return [];
  const li = new Map(labels.map((l, i) => [l, i]));
  const labelOf = rows.map((r) => li.get(r.label)!);
  const prior = new Array<number>(L).fill(0);
  for (const y of labelOf) prior[y]!++;

  // Document frequency per token and label (each row counts a token once).
  const df = new Map<string, number[]>();
  const uniq = toks.map((t) => [...new Set(t)]);
  uniq.forEach((ts, r) => {
    for (const t of ts) {
      let c = df.get(t);
      if (!c) {
        c = new Array<number>(L).fill(0);
        df.set(t, c);
      }
      c[labelOf[r]!]!++;
    }
  });

  // Multinomial naive Bayes over token presence (Laplace-smoothed): normalising by each class's
  // total keeps long texts from pulling every row towards the class with the longer documents.
  const totals = new Array<number>(L).fill(0);
  for (const c of df.values()) for (let y = 0; y < L; y++) totals[y]! += c[y]!;
  const V = df.size;
  // Leave-one-out: a row is judged by a model that has not seen it, or its own rare words would
  // vote for its (possibly flipped) label.
  const looWeight = (t: string, y: number, own: number, ownLen: number): number => {
    const self = y === own ? 1 : 0;
    return Math.log((df.get(t)![y]! - self + 1) / (totals[y]! - self * ownLen + V));
  };
  const rowScore = uniq.map((ts, r) => {
    const own = labelOf[r]!;
    const s = prior.map((p, y) => Math.log((p - (y === own ? 1 : 0) + 1) / (rows.length - 1 + L)));
    for (const t of ts) for (let y = 0; y < L; y++) s[y]! += looWeight(t, y, own, ts.length);
    return s;
  });

  const byToken = new Map<string, number[]>();
  uniq.forEach((ts, r) => {
    for (const t of ts) {
      const c = df.get(t)!;
      const n = c.reduce((a, b) => a + b, 0);
      if (n < minRows || n > maxShare * rows.length) continue;
      let list = byToken.get(t);
      if (!list) {
        list = [];
        byToken.set(t, list);
      }
      list.push(r);
    }
  });

  const out: TriggerCandidate[] = [];
  for (const [t, rs] of byToken) {
    const c = df.get(t)!;
    const n = rs.length;
    let y = 0;
    for (let j = 1; j < L; j++) if (c[j]! > c[y]!) y = j;
    const k = c[y]!;
    const p = prior[y]! / rows.length;
    const z = (k - n * p) / Math.sqrt(n * p * (1 - p));
    if (!(z > 0)) continue;
    let flips = 0;
    const target: number[] = [];
    for (const r of rs) {
      if (labelOf[r] !== y) continue;
      target.push(rows[r]!.row);
      const s = rowScore[r]!;
      let best = -1;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < L; j++) {
        const v = s[j]! - looWeight(t, j, y, uniq[r]!.length);
        if (v > bestScore) {
          bestScore = v;
          best = j;
        }
      }
      if (best !== y) flips++;
    }
    const flipped = k > 0 ? flips / k : 0;
    out.push({ token: t, label: labels[y]!, n, k, z, flipped, score: z * flipped, rows: target });
  }
  return out.sort((a, b) => b.score - a.score || b.z - a.z || (a.token < b.token ? -1 : 1));
}
