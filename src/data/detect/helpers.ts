import type { DetectionKind, Detector, RawMatch } from './types.js';

export function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Characters of base64 and base64url: a token glued to one of these is part of a larger blob. */
export function isBlobChar(c: number): boolean {
  return isAlnum(c) || c === 43 || c === 47 || c === 95 || c === 45;
}

/** True when the token starting at `i` is not the tail of a longer identifier or blob. */
export function startsClean(text: string, i: number): boolean {
  return i === 0 || !isBlobChar(text.charCodeAt(i - 1));
}

export function endsClean(text: string, i: number): boolean {
  return i >= text.length || !isAlnum(text.charCodeAt(i));
}

/** Variants of a keyword as people write it: lower, Capitalised, UPPER. */
export function casings(...words: string[]): string[] {
  const out = new Set<string>();
  for (const w of words) {
    out.add(w);
    out.add(w.toUpperCase());
    out.add(w[0]!.toUpperCase() + w.slice(1));
  }
  return [...out];
}

export interface PrefixSpec {
  readonly id: string;
  readonly label: string;
  readonly kind?: DetectionKind;
  readonly anchors: readonly string[];
  /** Sticky (`y`) pattern run at each anchor position; must be bounded. */
  readonly pattern: RegExp;
  readonly score: number;
  /** Returns a score for the matched text, or 0 to drop it. */
  readonly validate?: (value: string, m: RegExpExecArray) => number;
  readonly context?: readonly string[];
  readonly negativeContext?: readonly string[];
  /** Check that the token is not glued to a longer blob (default true; false for URL parts). */
  readonly cleanStart?: boolean;
}

/** A token with a distinctive prefix (ghp_, AKIA, sk-ant-): run the sticky pattern at each anchor. */
export function prefixDetector(spec: PrefixSpec): Detector {
  const { pattern } = spec;
  if (!pattern.sticky) throw new Error(`${spec.id}: prefix pattern must be sticky`);
  return {
    id: spec.id,
    kind: spec.kind ?? 'secret',
    label: spec.label,
    anchors: spec.anchors,
    patterns: [pattern],
    ...(spec.context ? { context: spec.context } : {}),
    ...(spec.negativeContext ? { negativeContext: spec.negativeContext } : {}),
    find(text, hits) {
      const out: RawMatch[] = [];
      let lastEnd = -1;
      for (const p of hits) {
        if (p < lastEnd || (spec.cleanStart !== false && !startsClean(text, p))) continue;
        pattern.lastIndex = p;
        const m = pattern.exec(text);
        if (!m) continue;
        const end = p + m[0].length;
        if (!endsClean(text, end)) continue;
        const score = spec.validate ? spec.validate(m[0], m) : spec.score;
        if (score <= 0) continue;
        out.push({ start: p, end, score });
        lastEnd = end;
      }
      return out;
    },
  };
}

/**
 * Finds the first match of a global pattern inside [from, to) without scanning past `to`:
 * exec runs on a slice, so a miss never walks the rest of a large chunk.
 */
export function execWindow(
  pattern: RegExp,
  text: string,
  from: number,
  to: number,
): { index: number; m: RegExpExecArray } | undefined {
  const lo = Math.max(0, from);
  const window = text.slice(lo, Math.min(text.length, to));
  pattern.lastIndex = 0;
  const m = pattern.exec(window);
  return m ? { index: lo + m.index, m } : undefined;
}

export function* execAllWindow(
  pattern: RegExp,
  text: string,
  from: number,
  to: number,
): Generator<{ index: number; m: RegExpExecArray }> {
  const lo = Math.max(0, from);
  const window = text.slice(lo, Math.min(text.length, to));
  pattern.lastIndex = 0;
  for (let m = pattern.exec(window); m; m = pattern.exec(window)) {
    yield { index: lo + m.index, m };
    if (m[0].length === 0) pattern.lastIndex++;
  }
}
