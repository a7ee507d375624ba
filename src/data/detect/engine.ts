import { type Automaton, buildAutomaton, collectAnchors } from './aho.js';
import { MAX_RUN_DIGITS, newNumericRuns, numericRuns, type RangeList } from './numeric-scan.js';
import type { DetectionKind, Detector } from './types.js';

/** A candidate after validator and context scoring, before the threshold. */
export interface Candidate {
  readonly detector: Detector;
  readonly start: number;
  readonly end: number;
  readonly score: number;
  /** The validator's score before context, so a caller with better context (a column name) can rescore. */
  readonly base: number;
}

/** A detector set compiled once: every anchor in one alternation, mapped back to detectors. */
export interface CompiledSet {
  readonly detectors: readonly Detector[];
  readonly automaton: Automaton | undefined;
  /** anchor index → indices of the detectors that listed it. */
  readonly byAnchor: ReadonlyArray<readonly number[]>;
  /** Detectors fed by the shared numeric candidate pass. */
  readonly numeric: readonly number[];
  /** Per automaton state with output: [detector index, anchor length] pairs, flattened. */
  readonly stateHits: ReadonlyArray<Int32Array | undefined>;
  /** Per detector: 1 when it finds personal data (the ones `piiSkip` applies to). */
  readonly isPii: Uint8Array;
  /** Digit count of a numeric run → the numeric detectors that accept it. */
  readonly numericByDigits: ReadonlyArray<readonly number[]>;
}

export function compileSet(detectors: readonly Detector[]): CompiledSet {
  const anchors = [...new Set(detectors.flatMap((d) => d.anchors))];
  const byAnchor = anchors.map((a) => detectors.flatMap((d, i) => (d.anchors.includes(a) ? [i] : [])));
  const numeric: number[] = [];
  detectors.forEach((d, i) => {
    if (d.anchors.length === 0) numeric.push(i);
  });
  const automaton = anchors.length ? buildAutomaton(anchors) : undefined;
  const stateHits = (automaton?.out ?? []).map((words) => {
    if (!words) return undefined;
    const flat: number[] = [];
    for (const w of words) for (const i of byAnchor[w]!) flat.push(i, automaton!.lengths[w]!);
    return Int32Array.from(flat);
  });
  const isPii = Uint8Array.from(detectors, (d) => (d.kind === 'pii' ? 1 : 0));
  const numericByDigits = Array.from({ length: MAX_RUN_DIGITS + 1 }, (_, digits) =>
    numeric.filter((i) => {
      const [lo, hi] = detectors[i]!.digits ?? [0, Number.MAX_SAFE_INTEGER];
      return digits >= lo && digits <= hi;
    }),
  );
  return { detectors, automaton, byAnchor, numeric, stateHits, isPii, numericByDigits };
}

const CONTEXT_WINDOW = 48;
const CONTEXT_BOOST = 0.3;
const NEGATIVE_PENALTY = 0.35;

/** Scores a raw match against words shortly before it (and any extra context, e.g. a column name). */
export function contextScore(d: Detector, base: number, before: string): number {
  let score = base;
  if (d.context?.some((w) => before.includes(w))) score += CONTEXT_BOOST;
  if (d.negativeContext?.some((w) => before.includes(w))) score -= NEGATIVE_PENALTY;
  return Math.max(0, Math.min(1, score));
}

export interface RawScanOptions {
  /** Lower-cased text that applies to every match (a CSV header, a JSON key). */
  readonly extraContext?: string;
  /** False: skip context scoring (score = base), for callers that rescore with better context. */
  readonly context?: boolean;
  /**
   * Ranges where personal-data detectors are not run (secret detectors still are): the cells of
   * a CSV column already classified from a sample, between the rows that confirm it.
   */
  readonly piiSkip?: RangeList;
}

const numericScratch = newNumericRuns();

/** Keeps the positions of a sorted list that fall outside every range (both sorted). */
function outside(positions: number[], skip: RangeList): number[] {
  const out: number[] = [];
  let k = 0;
  for (const p of positions) {
    while (k < skip.n && skip.ends[k]! <= p) k++;
    if (k < skip.n && skip.starts[k]! <= p) continue;
    out.push(p);
  }
  return out;
}

/**
 * Runs a compiled set over one chunk: one anchor pass, one numeric pass, then only the detectors
 * that have something to look at. Returns every candidate with its context-adjusted score.
 */
export function scanCandidates(text: string, set: CompiledSet, opts: RawScanOptions = {}): Candidate[] {
  const n = set.detectors.length;
  const hits: (number[] | undefined)[] = new Array(n);
  if (set.automaton) {
    const { pairs, n: count } = collectAnchors(set.automaton, text);
    const { stateHits } = set;
    for (let j = 0; j < count; j += 2) {
      const flat = stateHits[pairs[j]!]!;
      const end = pairs[j + 1]! + 1;
      for (let t = 0; t < flat.length; t += 2) {
        const i = flat[t]!;
        let h = hits[i];
        if (!h) {
          h = [];
          hits[i] = h;
        }
        h.push(end - flat[t + 1]!);
      }
    }
  }
  const skip = opts.piiSkip && opts.piiSkip.n > 0 ? opts.piiSkip : undefined;
  if (set.numeric.length > 0) {
    const runs = numericScratch;
    // A run reaches a validator when it has enough digits to be any identifier: most numbers in
    // data (counts, amounts, years) reach none.
    numericRuns(text, runs, 6, 4, skip);
    const { numericByDigits } = set;
    for (let j = 0; j < runs.n; j++) {
      const takers = numericByDigits[runs.digits[j]!]!;
      for (let t = 0; t < takers.length; t++) {
        const i = takers[t]!;
        let h = hits[i];
        if (!h) {
          h = [];
          hits[i] = h;
        }
        h.push(runs.starts[j]!, runs.ends[j]!);
      }
    }
  }
  const out: Candidate[] = [];
  const extra = opts.extraContext ?? '';
  const withContext = opts.context !== false;
  for (let i = 0; i < n; i++) {
    const h = hits[i];
    if (!h) continue;
    const d = set.detectors[i]!;
    let h2 = h;
    if (d.anchors.length > 0) {
      h.sort((a, b) => a - b);
      if (skip && set.isPii[i] === 1) {
        h2 = outside(h, skip);
        if (h2.length === 0) continue;
      }
    }
    let raw: ReturnType<Detector['find']>;
    try {
      raw = d.find(text, h2);
    } catch {
      // A detector bug must not lose the rest of the chunk's findings.
      continue;
    }
    for (const r of raw) {
      let score = r.score;
      if (withContext && (d.context || d.negativeContext)) {
        const before = `${extra} ${text.slice(Math.max(0, r.start - CONTEXT_WINDOW), r.start).toLowerCase()}`;
        score = contextScore(d, r.score, before);
      }
      out.push({ detector: d, start: r.start, end: r.end, score, base: r.score });
    }
  }
  return resolveOverlaps(out);
}

function tier(c: Candidate): number {
  if (c.detector.kind === 'secret') return c.detector.id === 'generic-secret' ? 1 : 2;
  return 0;
}

/**
 * Where ranges overlap keep the most specific: a named secret over the generic one over PII
 * (the `pass@host` of a connection string is not an e-mail), then the higher score.
 */
export function resolveOverlaps(list: Candidate[]): Candidate[] {
  if (list.length < 2) return list;
  list.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Candidate[] = [];
  for (const c of list) {
    const last = out[out.length - 1];
    if (last && c.start < last.end) {
      const better = tier(c) - tier(last) || c.score - last.score || c.end - c.start - (last.end - last.start);
      if (better > 0) out[out.length - 1] = c;
      continue;
    }
    out.push(c);
  }
  return out;
}

export function filterDetectors(
  all: readonly Detector[],
  kinds?: readonly DetectionKind[],
  ids?: readonly string[],
): Detector[] {
  return all.filter((d) => (!kinds || kinds.includes(d.kind)) && (!ids || ids.includes(d.id)));
}
