/**
 * Model-extraction detection per client, from three independent signals, each reported as evidence:
 *
 *  - volume: the client's query count against the population of clients (robust z-score);
 *  - input-space coverage: how much of the client's traffic lands in regions of the input space where
 *    real traffic never goes (cells of a coarse quantile grid empty in the reference), and how far its
 *    per-feature distribution is from the reference's — a sweep covers the box, real users follow the data;
 *  - PRADA (Juuti et al., "PRADA: Protecting against DNN Model Stealing Attacks", EuroS&P 2019): the
 *    minimum distance of each new query to the client's earlier queries is collected; for natural
 *    traffic these distances fit a normal distribution, for synthetic query streams (grids, sweeps,
 *    perturbations around seeds) they do not. Shapiro–Wilk W below δ flags the client.
 */
import { shapiroWilk } from './stats/shapiro-wilk.js';
import { jensenShannon } from './stats/tests.js';

export interface ExtractionOptions {
  /** Fewer queries than this and a client is only counted, not judged. */
  readonly minQueries?: number;
  /** PRADA's δ: W below it flags. Unset: calibrated on pseudo-clients drawn from the reference. */
  readonly pradaDelta?: number;
  /** Share of off-reference cells at or above which coverage flags. */
  readonly offReferenceShare?: number;
  /** Volume z-score reported as unusual. */
  readonly volumeZ?: number;
  /** Quantile bins per feature for the coverage grid. */
  readonly bins?: number;
  /** Features used for the grid (the first N): the grid has bins^N cells. */
  readonly gridFeatures?: number;
  /** Queries per client the PRADA test keeps (the most recent). */
  readonly maxQueries?: number;
  /** Pseudo-clients per size when calibrating δ. */
  readonly calibrationClients?: number;
}

export const EXTRACTION_DEFAULTS = {
  minQueries: 100,
  /** Pseudo-clients per calibration size; δ is this factor times the lowest W they showed. */
  calibrationClients: 24,
  calibrationFactor: 0.6,
  offReferenceShare: 0.25,
  volumeZ: 6,
  bins: 4,
  gridFeatures: 8,
  maxQueries: 2000,
} as const;

export interface ClientEvidence {
  readonly client: string;
  readonly queries: number;
  readonly volumeZ: number;
  readonly offReferenceShare: number;
  readonly distinctCellRatio: number;
  /** Mean per-feature Jensen–Shannon distance between the client's and the reference's decile shares. */
  readonly marginalDistance: number;
  readonly prada?: { readonly w: number; readonly pValue: number; readonly n: number; readonly delta: number | null };
  readonly reasons: readonly string[];
  readonly flagged: boolean;
}

export interface Reference {
  readonly mean: number[];
  readonly std: number[];
  /** Per feature, sorted interior quantile edges for the grid. */
  readonly gridEdges: number[][];
  /** Per feature, decile edges for marginal shares. */
  readonly decileEdges: number[][];
  readonly cells: ReadonlySet<string>;
  /** [queries, δ] pairs from calibration, ascending by queries. */
  readonly delta: readonly (readonly [number, number])[];
  /** Off-reference share at or above which coverage flags (calibrated, never below the configured floor). */
  readonly offThreshold: number;
}

const CALIBRATION_SIZES = [100, 300, 1000, 2000];

function quantileEdges(sorted: readonly number[], parts: number): number[] {
  const out: number[] = [];
  for (let i = 1; i < parts; i++)
    out.push(sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / parts))]!);
  return out;
}

function binOf(edges: readonly number[], x: number): number {
  let i = 0;
  while (i < edges.length && x > edges[i]!) i++;
  return i;
}

/** Learns scaling, grid and deciles from reference traffic (vectors of equal length). */
export function buildReference(vectors: readonly (readonly number[])[], opts: ExtractionOptions = {}): Reference {
  const d = vectors[0]?.length ?? 0;
  const bins = opts.bins ?? EXTRACTION_DEFAULTS.bins;
  const g = Math.min(d, opts.gridFeatures ?? EXTRACTION_DEFAULTS.gridFeatures);
  const mean: number[] = [];
  const std: number[] = [];
  const gridEdges: number[][] = [];
  const decileEdges: number[][] = [];
  for (let j = 0; j < d; j++) {
    const col = vectors.map((v) => v[j]!).sort((a, b) => a - b);
    const m = col.reduce((a, x) => a + x, 0) / col.length;
    mean.push(m);
    std.push(Math.sqrt(col.reduce((a, x) => a + (x - m) ** 2, 0) / col.length) || 1);
    gridEdges.push(quantileEdges(col, bins));
    decileEdges.push(quantileEdges(col, 10));
  }
  const cells = new Set<string>();
  const ref: { -readonly [K in keyof Reference]: Reference[K] } = {
    mean,
    std,
    gridEdges,
    decileEdges,
    cells,
    delta: [],
    offThreshold: opts.offReferenceShare ?? EXTRACTION_DEFAULTS.offReferenceShare,
  };
  // Cells come from half the reference and calibration from the other half, so the calibration sees
  // the empty-cell rate that fresh benign traffic will see.
  const held: (readonly number[])[] = [];
  for (let i = 0; i < vectors.length; i++) {
    if (i % 2 === 0) cells.add(cellOf(ref, vectors[i]!, g));
    else held.push(vectors[i]!);
  }
  const cal = calibrate(held, ref, g, opts);
  ref.delta = cal.delta;
  ref.offThreshold = Math.max(ref.offThreshold, cal.maxOff + 0.15);
  return ref;
}

/**
 * PRADA sets δ from benign traffic; so do we. Pseudo-clients replay random draws of the reference, and
 * δ sits a margin below the lowest W any of them showed, per query count (W depends on n and on the
 * geometry of the data, so no single constant fits every model).
 */
function calibrate(
  vectors: readonly (readonly number[])[],
  ref: Reference,
  g: number,
  opts: ExtractionOptions,
): { delta: [number, number][]; maxOff: number } {
  const k = opts.calibrationClients ?? EXTRACTION_DEFAULTS.calibrationClients;
  const factor = EXTRACTION_DEFAULTS.calibrationFactor;
  let state = 0x2545f491;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const delta: [number, number][] = [];
  let maxOff = 0;
  for (const size of CALIBRATION_SIZES) {
    if (vectors.length < size) break;
    let low = 1;
    for (let c = 0; c < k; c++) {
      const sample = Array.from({ length: size }, () => vectors[Math.floor(next() * vectors.length)]!);
      const sw = shapiroWilk(pradaDistances(sample, ref));
      if (sw) low = Math.min(low, sw.w);
      const off = sample.filter((q) => !ref.cells.has(cellOf(ref, q, g))).length / size;
      maxOff = Math.max(maxOff, off);
    }
    delta.push([size, Math.max(0.05, low * factor)]);
  }
  return { delta, maxOff };
}

function deltaFor(ref: Reference, n: number): number | undefined {
  let best: number | undefined;
  for (const [size, d] of ref.delta) if (size <= n || best === undefined) best = d;
  return best;
}

function cellOf(ref: Pick<Reference, 'gridEdges'>, v: readonly number[], g: number): string {
  let key = '';
  for (let j = 0; j < g; j++) key += `${binOf(ref.gridEdges[j]!, v[j]!)},`;
  return key;
}

function pradaDistances(queries: readonly (readonly number[])[], ref: Reference): number[] {
  const scaled = queries.map((q) => q.map((x, j) => (x - ref.mean[j]!) / ref.std[j]!));
  const growing: number[][] = [];
  const dists: number[] = [];
  let sum = 0;
  let sumSq = 0;
  for (const q of scaled) {
    if (growing.length === 0) {
      growing.push(q);
      continue;
    }
    let best = Number.POSITIVE_INFINITY;
    for (const g of growing) {
      let s = 0;
      for (let j = 0; j < q.length; j++) s += (q[j]! - g[j]!) ** 2;
      if (s < best) best = s;
    }
    const dmin = Math.sqrt(best);
    dists.push(dmin);
    sum += dmin;
    sumSq += dmin * dmin;
    // PRADA grows the set only with queries that are not close to it (dmin above mean − std of D).
    const n = dists.length;
    const mean = sum / n;
    const sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
    if (dmin > mean - sd) growing.push(q);
  }
  return dists;
}

/** Judges every client; `byClient` maps a client id to its queries in arrival order. */
export function detectExtraction(
  byClient: ReadonlyMap<string, readonly (readonly number[])[]>,
  ref: Reference,
  opts: ExtractionOptions = {},
): ClientEvidence[] {
  const o = { ...EXTRACTION_DEFAULTS, ...opts };
  const counts = [...byClient.values()].map((q) => q.length).sort((a, b) => a - b);
  const med = counts.length ? counts[counts.length >> 1]! : 0;
  const mad = counts.length ? [...counts.map((c) => Math.abs(c - med))].sort((a, b) => a - b)[counts.length >> 1]! : 0;
  const volScale = Math.max(1.4826 * mad, Math.sqrt(Math.max(1, med)));
  const g = Math.min(ref.gridEdges.length, o.gridFeatures);
  const out: ClientEvidence[] = [];
  for (const [client, all] of byClient) {
    const queries = all.length > o.maxQueries ? all.slice(all.length - o.maxQueries) : all;
    const volumeZ = (all.length - med) / volScale;
    const reasons: string[] = [];
    if (volumeZ >= o.volumeZ)
      reasons.push(`volume ${all.length} queries, z=${volumeZ.toFixed(1)} against ${counts.length} clients`);
    if (queries.length < o.minQueries) {
      out.push({
        client,
        queries: all.length,
        volumeZ,
        offReferenceShare: 0,
        distinctCellRatio: 0,
        marginalDistance: 0,
        reasons,
        flagged: false,
      });
      continue;
    }
    const cells = new Set<string>();
    let off = 0;
    for (const q of queries) {
      const c = cellOf(ref, q, g);
      cells.add(c);
      if (!ref.cells.has(c)) off++;
    }
    const offShare = off / queries.length;
    let marginal = 0;
    for (let j = 0; j < ref.decileEdges.length; j++) {
      const counts10 = new Array<number>(10).fill(0);
      for (const q of queries) counts10[binOf(ref.decileEdges[j]!, q[j]!)]!++;
      marginal += jensenShannon(new Array<number>(10).fill(0.1), counts10).statistic;
    }
    marginal /= Math.max(1, ref.decileEdges.length);
    const sw = shapiroWilk(pradaDistances(queries, ref));
    const delta = opts.pradaDelta ?? deltaFor(ref, queries.length);
    if (offShare >= ref.offThreshold) {
      reasons.push(`${(offShare * 100).toFixed(0)}% of queries in input regions real traffic never reaches`);
    }
    if (sw && delta !== undefined && sw.w < delta) {
      reasons.push(`nearest-query distances not normal: Shapiro–Wilk W=${sw.w.toFixed(3)} < δ=${delta.toFixed(3)}`);
    }
    const flagged = reasons.some((r) => !r.startsWith('volume'));
    out.push({
      client,
      queries: all.length,
      volumeZ,
      offReferenceShare: offShare,
      distinctCellRatio: cells.size / queries.length,
      marginalDistance: marginal,
      ...(sw ? { prada: { w: sw.w, pValue: sw.pValue, n: sw.n, delta: delta ?? null } } : {}),
      reasons,
      flagged,
    });
  }
  return out.sort((a, b) => Number(b.flagged) - Number(a.flagged) || b.queries - a.queries);
}
