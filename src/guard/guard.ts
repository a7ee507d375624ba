import { issueCanary } from './canary.js';
import { Featurizer } from './detector.js';
import { DEFAULT_MODEL } from './model/default-model.js';
import { type GuardModelFile, type LoadedModel, loadModel } from './model/format.js';
import { toOriginalRange } from './normalize/normalize.js';
import { createOutputScanner, type OutputScanner } from './output.js';
import { type ScoredPart, scoreParts } from './scorer.js';
import type { GuardCategory, GuardSpan, ScanInputOptions, ScanOutputOptions, ScanResult } from './types.js';

export interface GuardOptions {
  /** Decision threshold on the calibrated score; defaults to the one shipped with the model. */
  readonly threshold?: number;
  /** A different weights file (e.g. one you trained with `npm run train:guard`). */
  readonly model?: GuardModelFile;
  /** Inputs longer than this are scanned up to this length and flagged `obfuscation` if cut. */
  readonly maxInputChars?: number;
  /** Defaults for `scanOutput`. */
  readonly output?: ScanOutputOptions;
}

export interface Guard {
  scanInput(text: string, opts?: ScanInputOptions): ScanResult;
  scanOutput(text: string, opts?: ScanOutputOptions): ScanResult;
  /** A fresh canary token to embed in one system prompt; register it with `scanOutput({canaries})`. */
  canary(): string;
  readonly model: {
    readonly version: string;
    readonly created: string;
    readonly trainingDataHash: string;
    readonly threshold: number;
  };
}

const DEFAULT_MAX_INPUT = 1_000_000;
const MAX_SPANS = 32;

// Decoding the int16 weights costs a few milliseconds; the decoded arrays are never written after
// loading, so sharing them between Guards keyed by the (immutable) file object is safe.
const loaded = new WeakMap<GuardModelFile, LoadedModel>();

function modelFor(file: GuardModelFile): LoadedModel {
  let m = loaded.get(file);
  if (!m) {
    m = loadModel(file);
    loaded.set(file, m);
  }
  return m;
}

function spansOf(part: ScoredPart): GuardSpan[] {
  if (part.decoded) {
    const cats = [...new Set(part.window.hits.map((h) => h.category))];
    return [
      {
        start: part.decoded.start,
        end: part.decoded.end,
        category: 'obfuscation',
        signal: `decoded:${part.decoded.kind}`,
      },
      ...cats.map((category) => ({
        start: part.decoded!.start,
        end: part.decoded!.end,
        category,
        signal: `decoded:${part.decoded!.kind}`,
      })),
    ];
  }
  const norm = part.analysis.norm;
  if (part.window.hits.length === 0) {
    const r = toOriginalRange(norm, part.window.normStart, part.window.normEnd);
    return [{ ...r, category: 'injection', signal: 'classifier' }];
  }
  return part.window.hits.map((h) => ({
    ...toOriginalRange(norm, h.start, h.end),
    category: h.category,
    signal: h.ruleId,
  }));
}

/** Assembles the public result from scored parts: max score, categories and spans of the flagged parts. */
export function resultOf(parts: readonly ScoredPart[], threshold: number, extra: GuardSpan[] = []): ScanResult {
  let score = 0;
  for (const p of parts) score = Math.max(score, p.score);
  const flaggedParts = parts.filter((p) => p.score >= threshold);
  const spans: GuardSpan[] = [...extra];
  for (const p of flaggedParts) spans.push(...spansOf(p));
  if (flaggedParts.some((p) => p.inputs[p.inputs.length - 2]! >= 1 / 3 && !p.decoded)) {
    const first = flaggedParts[0]!;
    spans.push({
      start: 0,
      end: first.analysis.norm.map[first.analysis.norm.text.length]!,
      category: 'obfuscation',
      signal: 'normalisation',
    });
  }
  const seen = new Set<string>();
  const unique = spans
    .filter((s) => {
      const key = `${s.start}:${s.end}:${s.category}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .slice(0, MAX_SPANS);
  const flagged = score >= threshold || extra.length > 0;
  const categories = flagged ? [...new Set(unique.map((s) => s.category))].sort() : [];
  return { flagged, score: Math.round(score * 1e4) / 1e4, threshold, categories, spans: flagged ? unique : [] };
}

export function createGuard(opts: GuardOptions = {}): Guard {
  const file = opts.model ?? DEFAULT_MODEL;
  const model = modelFor(file);
  const featurizer = new Featurizer(file.features, file.window);
  const baseThreshold = opts.threshold ?? file.threshold;
  const maxInput = opts.maxInputChars ?? DEFAULT_MAX_INPUT;
  let output: OutputScanner | undefined;
  return {
    model: {
      version: file.modelVersion,
      created: file.created,
      trainingDataHash: file.trainingDataHash,
      threshold: baseThreshold,
    },
    scanInput(text, scanOpts = {}) {
      const threshold = scanOpts.threshold ?? baseThreshold;
      const body = typeof text === 'string' ? text : String(text);
      const cut = body.length > maxInput;
      const parts = scoreParts(model, featurizer, cut ? body.slice(0, maxInput) : body);
      const extra: GuardSpan[] = cut
        ? [{ start: maxInput, end: body.length, category: 'obfuscation', signal: 'input-too-long' }]
        : [];
      return resultOf(parts, threshold, extra);
    },
    scanOutput(text, scanOpts = {}) {
      output ??= createOutputScanner();
      return output.scan(typeof text === 'string' ? text : String(text), { ...opts.output, ...scanOpts });
    },
    canary: () => issueCanary(),
  };
}

/** One-shot input scan. For many calls, create a Guard once: it reuses buffers and compiled patterns. */
export function scanInput(text: string, opts: GuardOptions & ScanInputOptions = {}): ScanResult {
  return createGuard(opts).scanInput(text, opts);
}

/** One-shot output scan (secrets, PII, canaries, system-prompt leakage, exfiltration links). */
export function scanOutput(text: string, opts: GuardOptions & ScanOutputOptions = {}): ScanResult {
  return createGuard(opts).scanOutput(text, opts);
}

export type { GuardCategory };
