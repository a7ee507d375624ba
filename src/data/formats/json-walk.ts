import type { Candidate, CompiledSet } from '../detect/engine.js';
import { redact } from '../detect/index.js';
import { scanKeyedValue } from '../detect/keyed.js';

export interface StringHit {
  /** `$.messages[2].content` */
  readonly path: string;
  /** `$.messages[*].content`: array indices folded, for aggregation. */
  readonly pattern: string;
  readonly value: string;
  readonly candidates: readonly Candidate[];
}

const MAX_DEPTH = 256;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export const JSON_WALK_REGEXES: readonly RegExp[] = [IDENT];

function keyPath(base: string, key: string): string {
  return IDENT.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/**
 * Scans every string (and every long integer, where card numbers hide) of a parsed JSON value,
 * with the key as context. Returns the hits and, when `rewrite` is set, a copy of the value with
 * every hit masked (same structure; numbers that matched become masked strings).
 */
export function scanJsonValue(
  root: unknown,
  set: CompiledSet,
  minScore: number,
  rewrite: boolean,
  skip?: (path: string, key: string) => boolean,
): { hits: StringHit[]; value: unknown } {
  const hits: StringHit[] = [];
  const visit = (v: unknown, path: string, pattern: string, key: string, depth: number): unknown => {
    if (typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) >= 100000)) {
      const text = String(v);
      const cands = scanKeyedValue(key, text, set).filter((c) => c.score >= minScore);
      if (cands.length === 0) return v;
      hits.push({ path, pattern, value: text, candidates: cands });
      return rewrite
        ? redact(
            text,
            cands.map((c) => ({ start: c.start, end: c.end, detectorId: c.detector.id })),
          )
        : v;
    }
    if (v === null || typeof v !== 'object' || depth >= MAX_DEPTH) return v;
    if (Array.isArray(v)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const r = visit(v[i], `${path}[${i}]`, `${pattern}[*]`, key, depth + 1);
        if (r !== v[i]) {
          copy ??= v.slice();
          copy[i] = r;
        }
      }
      return copy ?? v;
    }
    let copy: Record<string, unknown> | undefined;
    const obj = v as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      const p = keyPath(path, k);
      if (skip?.(p, k)) continue;
      const r = visit(obj[k], p, keyPath(pattern, k), k, depth + 1);
      if (r !== obj[k]) {
        copy ??= { ...obj };
        copy[k] = r;
      }
    }
    return copy ?? v;
  };
  const value = visit(root, '$', '$', '', 0);
  return { hits, value };
}
