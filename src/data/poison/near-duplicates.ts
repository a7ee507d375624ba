import type { LabelledRow } from './rows.js';
import { fnv1a } from './tokens.js';

const HASHES = 64;
const BANDS = 32; // 2 rows per band: pairs at Jaccard 0.5 collide in some band with p ≈ 0.9999
const MAX_BUCKET = 200; // boilerplate buckets are skipped rather than compared pairwise

/** Seeded permutations of one base hash: h_i(x) = (a_i·x + b_i) mod 2^32, a_i odd. */
const A = Array.from({ length: HASHES }, (_, i) => (fnv1a(`a${i}`) | 1) >>> 0);
const B = Array.from({ length: HASHES }, (_, i) => fnv1a(`b${i}`));

/** Word 3-shingles (or the words themselves for very short texts). */
export function shingles(tokens: readonly string[]): Set<number> {
  const out = new Set<number>();
  if (tokens.length < 3) for (const t of tokens) out.add(fnv1a(t));
  for (let i = 0; i + 2 < tokens.length; i++) out.add(fnv1a(`${tokens[i]} ${tokens[i + 1]} ${tokens[i + 2]}`));
  return out;
}

export function minhash(sh: ReadonlySet<number>): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const x of sh) {
    for (let i = 0; i < HASHES; i++) {
      const h = (Math.imul(A[i]!, x) + B[i]!) >>> 0;
      if (h < sig[i]!) sig[i] = h;
    }
  }
  return sig;
}

export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < HASHES; i++) if (a[i] === b[i]) same++;
  return same / HASHES;
}

/** Candidate neighbour pairs (i < j) by LSH banding, with their estimated Jaccard similarity. */
export function neighbourPairs(sigs: readonly Uint32Array[], minJaccard: number): Array<[number, number, number]> {
  const rowsPerBand = HASHES / BANDS;
  const seen = new Set<string>();
  const out: Array<[number, number, number]> = [];
  for (let b = 0; b < BANDS; b++) {
    const buckets = new Map<string, number[]>();
    sigs.forEach((s, i) => {
      let key = '';
      for (let r = 0; r < rowsPerBand; r++) key += `${s[b * rowsPerBand + r]},`;
      let list = buckets.get(key);
      if (!list) {
        list = [];
        buckets.set(key, list);
      }
      list.push(i);
    });
    for (const list of buckets.values()) {
      if (list.length < 2 || list.length > MAX_BUCKET) continue;
      for (let x = 0; x < list.length; x++) {
        for (let y = x + 1; y < list.length; y++) {
          const i = list[x]!;
          const j = list[y]!;
          const key = `${i},${j}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const jac = estimateJaccard(sigs[i]!, sigs[j]!);
          if (jac >= minJaccard) out.push([i, j, jac]);
        }
      }
    }
  }
  return out;
}

export interface ConflictGroup {
  readonly exact: boolean;
  readonly rows: readonly number[];
  readonly labels: Readonly<Record<string, number>>;
}

/** Groups of identical (normalised) or near-identical texts that carry more than one label. */
export function conflictingGroups(
  rows: readonly LabelledRow[],
  sigs: readonly Uint32Array[],
  pairs: ReadonlyArray<readonly [number, number, number]>,
  nearThreshold = 0.8,
): ConflictGroup[] {
  const parent = rows.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const exactKey = new Map<string, number>();
  const exactOf = rows.map((r, i) => {
    const k = r.text.toLowerCase().replace(/\s+/g, ' ').trim();
    const first = exactKey.get(k);
    if (first === undefined) {
      exactKey.set(k, i);
      return i;
    }
    union(first, i);
    return first;
  });
  for (const [i, j, jac] of pairs) if (jac >= nearThreshold && sigs[i] && sigs[j]) union(i, j);
  const groups = new Map<number, number[]>();
  rows.forEach((_, i) => {
    const g = find(i);
    let list = groups.get(g);
    if (!list) {
      list = [];
      groups.set(g, list);
    }
    list.push(i);
  });
  const out: ConflictGroup[] = [];
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const labels: Record<string, number> = {};
    for (const i of members) labels[rows[i]!.label] = (labels[rows[i]!.label] ?? 0) + 1;
    if (Object.keys(labels).length < 2) continue;
    const exact = members.every((i) => exactOf[i] === exactOf[members[0]!]);
    out.push({ exact, rows: members.map((i) => rows[i]!.row), labels });
  }
  return out.sort((a, b) => b.rows.length - a.rows.length);
}

/** Rows with at least `minNeighbours` near neighbours, all of which carry a different label. */
export function labelOutliers(
  rows: readonly LabelledRow[],
  pairs: ReadonlyArray<readonly [number, number, number]>,
  minJaccard = 0.5,
  minNeighbours = 2,
): Array<{ row: number; label: string; neighbours: number[]; neighbourLabels: Record<string, number> }> {
  const nb = new Map<number, number[]>();
  for (const [i, j, jac] of pairs) {
    if (jac < minJaccard) continue;
    (nb.get(i) ?? nb.set(i, []).get(i)!).push(j);
    (nb.get(j) ?? nb.set(j, []).get(j)!).push(i);
  }
  const out: Array<{ row: number; label: string; neighbours: number[]; neighbourLabels: Record<string, number> }> = [];
  for (const [i, list] of nb) {
    if (list.length < minNeighbours) continue;
    const mine = rows[i]!.label;
    if (list.some((j) => rows[j]!.label === mine)) continue;
    const neighbourLabels: Record<string, number> = {};
    for (const j of list) neighbourLabels[rows[j]!.label] = (neighbourLabels[rows[j]!.label] ?? 0) + 1;
    out.push({
      row: rows[i]!.row,
      label: mine,
      neighbours: list.map((j) => rows[j]!.row).sort((a, b) => a - b),
      neighbourLabels,
    });
  }
  return out.sort((a, b) => a.row - b.row);
}
