import { type Automaton, buildAutomaton, runAutomaton } from './aho.js';
import { NUMERIC_CANDIDATE } from './pii-numeric.js';
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
}

export function compileSet(detectors: readonly Detector[]): CompiledSet {
  const anchors = [...new Set(detectors.flatMap((d) => d.anchors))];
  const byAnchor = anchors.map((a) => detectors.flatMap((d, i) => (d.anchors.includes(a) ? [i] : [])));
  const numeric: number[] = [];
  detectors.forEach((d, i) => {
    if (d.anchors.length === 0) numeric.push(i);
  });
  return { detectors, automaton: anchors.length ? buildAutomaton(anchors) : undefined, byAnchor, numeric };
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
}

/**
 * Runs a compiled set over one chunk: one anchor pass, one numeric pass, then only the detectors
 * that have something to look at. Returns every candidate with its context-adjusted score.
 */
export function scanCandidates(text: string, set: CompiledSet, opts: RawScanOptions = {}): Candidate[] {
  const n = set.detectors.length;
  const hits: (number[] | undefined)[] = new Array(n);
  if (set.automaton) {
    runAutomaton(set.automaton, text, (anchor, start) => {
      for (const i of set.byAnchor[anchor]!) {
        let h = hits[i];
        if (!h) {
          h = [];
          hits[i] = h;
        }
        h.push(start);
      }
    });
  }
  if (set.numeric.length > 0) {
    const pairs: number[] = [];
    const counts: number[] = [];
    NUMERIC_CANDIDATE.lastIndex = 0;
    for (let m = NUMERIC_CANDIDATE.exec(text); m; m = NUMERIC_CANDIDATE.exec(text)) {
      // Digit count decides which validators see the run; most numbers in data reach none.
      const v = m[0];
      let digits = 0;
      for (let k = 0; k < v.length; k++) {
        const c = v.charCodeAt(k);
        if (c >= 48 && c <= 57) digits++;
      }
      if (digits >= 6 || (digits >= 4 && v.includes('.'))) {
        pairs.push(m.index, m.index + v.length);
        counts.push(digits);
      }
    }
    if (pairs.length > 0) {
      for (const i of set.numeric) {
        const [lo, hi] = set.detectors[i]!.digits ?? [0, Number.MAX_SAFE_INTEGER];
        const mine: number[] = [];
        for (let j = 0; j < counts.length; j++) {
          const c = counts[j]!;
          if (c >= lo && c <= hi) mine.push(pairs[2 * j]!, pairs[2 * j + 1]!);
        }
        if (mine.length > 0) hits[i] = mine;
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
    if (d.anchors.length > 0) h.sort((a, b) => a - b);
    let raw: ReturnType<Detector['find']>;
    try {
      raw = d.find(text, h);
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
