import { type CompiledSet, compileSet, filterDetectors, scanCandidates } from './engine.js';
import { NUMERIC_DETECTORS } from './pii-numeric.js';
import { TEXT_PII_DETECTORS } from './pii-text.js';
import { SECRET_DETECTORS } from './secrets.js';
import { genericSecret } from './secrets-generic.js';
import type { DetectionKind, Detector } from './types.js';

export { type Candidate, type CompiledSet, compileSet, contextScore, scanCandidates } from './engine.js';
export type { DetectionKind, Detector, RawMatch } from './types.js';

export interface Detection {
  readonly detectorId: string;
  readonly kind: DetectionKind;
  readonly label: string;
  /** UTF-16 offsets into the text. */
  readonly start: number;
  readonly end: number;
  readonly value: string;
  /** 0..1 after validator and context. */
  readonly score: number;
}

export interface DetectOptions {
  readonly kinds?: readonly DetectionKind[];
  /** Default 0.5. */
  readonly minScore?: number;
  /** Detector ids to run (default: all). */
  readonly detectors?: readonly string[];
}

/** Every built-in detector, in the order findings are listed. */
export const DETECTORS: readonly Detector[] = [
  ...SECRET_DETECTORS,
  genericSecret,
  ...TEXT_PII_DETECTORS,
  ...NUMERIC_DETECTORS,
];

export const DEFAULT_MIN_SCORE = 0.5;

const cache = new Map<string, CompiledSet>();

/** Compiled detector set for the options, cached: compiling is the only non-trivial setup. */
export function detectorSet(opts: Pick<DetectOptions, 'kinds' | 'detectors'> = {}): CompiledSet {
  const key = `${opts.kinds?.join(',') ?? '*'}|${opts.detectors?.join(',') ?? '*'}`;
  let set = cache.get(key);
  if (!set) {
    set = compileSet(filterDetectors(DETECTORS, opts.kinds, opts.detectors));
    cache.set(key, set);
  }
  return set;
}

/** Finds secrets and personal data in a string. Pure and synchronous; safe on hostile input. */
export function detect(text: string, opts: DetectOptions = {}): Detection[] {
  const min = opts.minScore ?? DEFAULT_MIN_SCORE;
  const out: Detection[] = [];
  for (const c of scanCandidates(text, detectorSet(opts))) {
    if (c.score < min) continue;
    out.push({
      detectorId: c.detector.id,
      kind: c.detector.kind,
      label: c.detector.label,
      start: c.start,
      end: c.end,
      value: text.slice(c.start, c.end),
      score: Math.round(c.score * 100) / 100,
    });
  }
  return out;
}

/** The stable mask that replaces a detected value. */
export function maskFor(detectorId: string): string {
  return `[REDACTED:${detectorId}]`;
}

/** Replaces each detected range with `[REDACTED:<detector>]`; overlapping ranges are merged. */
export function redact(text: string, detections: readonly Pick<Detection, 'start' | 'end' | 'detectorId'>[]): string {
  const sorted = [...detections].filter((d) => d.end > d.start).sort((a, b) => a.start - b.start);
  let out = '';
  let pos = 0;
  for (const d of sorted) {
    if (d.end <= pos) continue;
    const start = Math.max(pos, d.start);
    out += text.slice(pos, start) + maskFor(d.detectorId);
    pos = d.end;
  }
  return out + text.slice(pos);
}
