/**
 * Aho–Corasick automaton over ASCII for the anchor pre-filter, as a dense transition table.
 * Hand-written because it is the hottest loop of the data scanner: one table lookup per
 * character finds every occurrence of ~150 anchors at once (irregexp slows down sharply on
 * an alternation with that many different first characters). Non-ASCII characters reset to
 * the root; all anchors are ASCII.
 */
export interface Automaton {
  /** next[(state << 7) | char] */
  readonly next: Uint16Array | Uint32Array;
  /** For each state, the anchors that end there (via failure links too), or undefined. */
  readonly out: ReadonlyArray<readonly number[] | undefined>;
  readonly lengths: readonly number[];
  /** 1 where a state has output (an anchor ends there): one byte load per character in the hot loop. */
  readonly term: Uint8Array;
  /** Length of the longest anchor. */
  readonly maxLength: number;
  /** `collectAnchors` specialised to this automaton (see there). */
  readonly collect: (text: string) => AnchorHits;
}

/** States with output and the index of the last character, as pairs, in text order. */
export interface AnchorHits {
  readonly pairs: Int32Array;
  readonly n: number;
}

export function buildAutomaton(words: readonly string[]): Automaton {
  const goto: Array<Map<number, number>> = [new Map()];
  const outs: number[][] = [[]];
  words.forEach((w, wi) => {
    let s = 0;
    for (let i = 0; i < w.length; i++) {
      const c = w.charCodeAt(i);
      if (c > 127) throw new Error(`anchor must be ASCII: ${w}`);
      let t = goto[s]!.get(c);
      if (t === undefined) {
        t = goto.length;
        goto.push(new Map());
        outs.push([]);
        goto[s]!.set(c, t);
      }
      s = t;
    }
    outs[s]!.push(wi);
  });
  const n = goto.length;
  const next = n < 65536 ? new Uint16Array(n * 128) : new Uint32Array(n * 128);
  const fail = new Int32Array(n);
  const queue: number[] = [];
  for (let c = 0; c < 128; c++) {
    const t = goto[0]!.get(c) ?? 0;
    next[c] = t;
    if (t !== 0) queue.push(t);
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!;
    outs[s]!.push(...outs[fail[s]!]!);
    for (let c = 0; c < 128; c++) {
      const t = goto[s]!.get(c);
      if (t !== undefined) {
        fail[t] = next[(fail[s]! << 7) | c]!;
        next[(s << 7) | c] = t;
        queue.push(t);
      } else next[(s << 7) | c] = next[(fail[s]! << 7) | c]!;
    }
  }
  const term = new Uint8Array(n);
  for (let s = 0; s < n; s++) if (outs[s]!.length > 0) term[s] = 1;
  const maxLength = Math.max(1, ...words.map((w) => w.length));
  return {
    next,
    out: outs.map((o) => (o.length ? o : undefined)),
    lengths: words.map((w) => w.length),
    term,
    maxLength,
    collect: collector(next, term, maxLength),
  };
}

let scratchA: Int32Array<ArrayBuffer> = new Int32Array(1 << 14);
let scratchB: Int32Array<ArrayBuffer> = new Int32Array(1 << 14);

function grown(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Texts shorter than this run as one stream (the split costs a warm-up of `maxLength` chars). */
const SPLIT_MIN = 4096;
const CHUNK = 4096;

/**
 * Runs the automaton over `text` and returns the states with output and the index of the last
 * character, as pairs in a shared scratch array (valid until the next call), with their count,
 * in text order. No callback and no allocation per hit.
 *
 * The loop is latency-bound (each state depends on the previous table load), so the text is
 * cut in two halves walked in the same loop by two independent states: about twice the speed.
 * The second state starts `maxLength - 1` characters before its half, which is enough for its
 * state to equal the one-stream state at the half's first character (an Aho–Corasick state is
 * the longest suffix of the text read that is a prefix of an anchor); hits inside that warm-up
 * are the first half's and are not recorded twice.
 */
export function collectAnchors(a: Automaton, text: string): AnchorHits {
  return a.collect(text);
}

/** Texts up to this length take the fast path: output arrays fixed in size, no capacity checks. */
const FAST_MAX = 1 << 17;

/**
 * The collector as a closure over one automaton's tables and its own output arrays: V8 then
 * treats them as constants in the compiled loop (measured ~20% faster than the same loop over
 * tables and arrays it has to load from variables). Block-sized texts (CSV/JSONL blocks are
 * 64 KiB) take that path; longer texts the general one.
 */
function collector(next: Uint16Array | Uint32Array, term: Uint8Array, maxLength: number): (text: string) => AnchorHits {
  // At most one hit per character: a half of n <= FAST_MAX characters has at most n/2 + 1 pairs.
  const out = new Int32Array(2 * FAST_MAX + 4);
  const second = new Int32Array(FAST_MAX + 4);
  return (text) => {
    const n = text.length;
    if (n < SPLIT_MIN || n > FAST_MAX) return collectGeneral(next, term, maxLength, text);
    const mid = n >> 1; // the second half is [mid, n), one longer when n is odd
    let s1 = 0;
    let s2 = 0;
    let k1 = 0;
    let k2 = 0;
    for (let i = mid - maxLength + 1; i < mid; i++) {
      const c = text.charCodeAt(i);
      s2 = c < 128 ? next[(s2 << 7) | c]! : 0;
    }
    for (let i = 0; i < mid; i++) {
      const c1 = text.charCodeAt(i);
      const c2 = text.charCodeAt(mid + i);
      s1 = c1 < 128 ? next[(s1 << 7) | c1]! : 0;
      s2 = c2 < 128 ? next[(s2 << 7) | c2]! : 0;
      if (term[s1] !== 0) {
        out[k1++] = s1;
        out[k1++] = i;
      }
      if (term[s2] !== 0) {
        second[k2++] = s2;
        second[k2++] = mid + i;
      }
    }
    if (2 * mid < n) {
      const c = text.charCodeAt(n - 1);
      s2 = c < 128 ? next[(s2 << 7) | c]! : 0;
      if (term[s2] !== 0) {
        second[k2++] = s2;
        second[k2++] = n - 1;
      }
    }
    if (k2 > 0) out.set(second.subarray(0, k2), k1);
    return { pairs: out, n: k1 + k2 };
  };
}

/** The same walk for any length, into growable scratch arrays. */
function collectGeneral(
  next: Uint16Array | Uint32Array,
  term: Uint8Array,
  maxLength: number,
  text: string,
): AnchorHits {
  // Let a hostile block's hits go.
  if (scratchA.length > 1 << 20) scratchA = new Int32Array(1 << 14);
  if (scratchB.length > 1 << 20) scratchB = new Int32Array(1 << 14);
  const n = text.length;
  let h1 = scratchA;
  let h2 = scratchB;
  let k1 = 0;
  let k2 = 0;
  if (n < SPLIT_MIN) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      s = c < 128 ? next[(s << 7) | c]! : 0;
      if (term[s] !== 0) {
        if (k1 + 2 > h1.length) h1 = scratchA = grown(h1);
        h1[k1++] = s;
        h1[k1++] = i;
      }
    }
    return { pairs: h1, n: k1 };
  }
  const mid = n >> 1;
  let s1 = 0;
  let s2 = 0;
  for (let i = mid - maxLength + 1; i < mid; i++) {
    const c = text.charCodeAt(i);
    s2 = c < 128 ? next[(s2 << 7) | c]! : 0;
  }
  // In chunks, so that room for every possible hit is made once per chunk.
  for (let from = 0; from < mid; from += CHUNK) {
    const to = Math.min(mid, from + CHUNK);
    while (k1 + 2 * (to - from) > h1.length) h1 = scratchA = grown(h1);
    while (k2 + 2 * (to - from) > h2.length) h2 = scratchB = grown(h2);
    for (let i = from; i < to; i++) {
      const c1 = text.charCodeAt(i);
      const c2 = text.charCodeAt(mid + i);
      s1 = c1 < 128 ? next[(s1 << 7) | c1]! : 0;
      s2 = c2 < 128 ? next[(s2 << 7) | c2]! : 0;
      if (term[s1] !== 0) {
        h1[k1++] = s1;
        h1[k1++] = i;
      }
      if (term[s2] !== 0) {
        h2[k2++] = s2;
        h2[k2++] = mid + i;
      }
    }
  }
  if (2 * mid < n) {
    const c = text.charCodeAt(n - 1);
    s2 = c < 128 ? next[(s2 << 7) | c]! : 0;
    if (term[s2] !== 0) {
      if (k2 + 2 > h2.length) h2 = scratchB = grown(h2);
      h2[k2++] = s2;
      h2[k2++] = n - 1;
    }
  }
  if (k2 > 0) {
    while (k1 + k2 > h1.length) h1 = scratchA = grown(h1);
    h1.set(h2.subarray(0, k2), k1);
    k1 += k2;
  }
  return { pairs: h1, n: k1 };
}

/** Calls `hit(anchor, start)` for every occurrence of every anchor, in order of end position. */
export function runAutomaton(a: Automaton, text: string, hit: (anchor: number, start: number) => void): void {
  const { next, out, lengths } = a;
  let s = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    s = c < 128 ? next[(s << 7) | c]! : 0;
    if (s !== 0) {
      const o = out[s];
      if (o !== undefined) for (const w of o) hit(w, i - lengths[w]! + 1);
    }
  }
}
