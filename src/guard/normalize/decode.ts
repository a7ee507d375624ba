/** A span of the original text that decodes to readable text (base64, hex, URL-encoding, ROT13). */
export interface DecodedSegment {
  readonly start: number;
  readonly end: number;
  readonly kind: 'base64' | 'hex' | 'url' | 'rot13';
  readonly text: string;
}

export interface DecodeLimits {
  /** Candidate spans examined per call. */
  readonly maxSegments: number;
  /** Decoded characters kept per segment. */
  readonly maxDecoded: number;
  /** Decoded characters kept per call. */
  readonly maxTotal: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxSegments: 16, maxDecoded: 4096, maxTotal: 16_384 };

// Each pattern is a run of one character class (or fixed-width units), so matching is linear: no
// alternation inside a repetition can match the same text two ways. Covered by the ReDoS test.
const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}/g;
const HEX_ESCAPES = /(?:\\x[0-9a-fA-F]{2}){6,}/g;
const HEX_0X = /(?:0x[0-9a-fA-F]{2}[ ,]{0,2}){6,}/g;
const HEX_PLAIN = /\b(?:[0-9a-fA-F]{2} ?){12,}/g;
const URL_ESCAPED = /(?:%[0-9a-fA-F]{2})+(?:[^\s%]{0,12}(?:%[0-9a-fA-F]{2})+)*/g;
const ROT13_HINT = /\b(?:rot-?13|rot 13|caesar|cipher)\b/i;
/** Case-folded letters-only hash of a word, so counting needs no substring allocation. */
function foldHash(text: string, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 32;
    if (c >= 0x61 && c <= 0x7a) h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

/** Function words; their share tells language from tables, code and ciphertext. */
const COMMON_WORDS = new Set(
  'the and to of a is you in that it for on with this be are what how i me my your all not or as do can please der die das und ist el la de que le les et'
    .split(' ')
    .map((w) => foldHash(w, 0, w.length)),
);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Readable = valid UTF-8, nearly all printable, and wordy enough to be language rather than bytes. */
function readable(text: string): boolean {
  if (text.length < 6) return false;
  let printable = 0;
  let letters = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x09 || c >= 0xa0) printable++;
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c >= 0xc0) letters++;
  }
  return printable / text.length >= 0.95 && letters / text.length >= 0.5;
}

function bytesToText(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function decodeBase64(s: string): string | undefined {
  const body = s.replace(/=+$/, '');
  if (body.length % 4 === 1) return undefined;
  // Words and identifiers are long runs too; real base64 of text mixes case or has digits.
  if (!/[A-Z]/.test(body) || !/[a-z0-9]/.test(body)) return undefined;
  return bytesToText(Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

function decodeHex(s: string): string | undefined {
  const digits = s.replace(/\\x|0x|[ ,]/g, '');
  if (digits.length % 2 !== 0) return undefined;
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return bytesToText(bytes);
}

function decodeUrl(s: string): string | undefined {
  if ((s.match(/%/g)?.length ?? 0) < 3) return undefined;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

export function rot13(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) out += String.fromCharCode(((c - 0x41 + 13) % 26) + 0x41);
    else if (c >= 0x61 && c <= 0x7a) out += String.fromCharCode(((c - 0x61 + 13) % 26) + 0x61);
    else out += text[i];
  }
  return out;
}

/** Share of whitespace-separated words (letters only, case-folded) that are function words. One pass. */
function commonWordRatio(text: string): number {
  let words = 0;
  let common = 0;
  let i = 0;
  while (i < text.length) {
    while (i < text.length && text.charCodeAt(i) <= 0x20) i++;
    if (i >= text.length) break;
    const s = i;
    while (i < text.length && text.charCodeAt(i) > 0x20) i++;
    words++;
    if (i - s <= 8 && COMMON_WORDS.has(foldHash(text, s, i))) common++;
  }
  return words === 0 ? 0 : common / words;
}

/**
 * Finds embedded encoded spans and returns their decoded text, bounded by `limits`. ROT13 cannot be
 * located, so it is tried on the whole (short) text when the text announces it or reads like no language.
 */
export function decodeEmbedded(text: string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodedSegment[] {
  const out: DecodedSegment[] = [];
  let budget = limits.maxTotal;
  let examined = 0;
  const scan = (re: RegExp, kind: DecodedSegment['kind'], decode: (s: string) => string | undefined): void => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (examined++ >= limits.maxSegments * 4 || out.length >= limits.maxSegments || budget <= 0) return;
      const raw = m[0].length > limits.maxDecoded * 2 ? m[0].slice(0, limits.maxDecoded * 2) : m[0];
      const decoded = decode(raw.trim());
      if (decoded === undefined || !readable(decoded)) continue;
      const kept = decoded.slice(0, Math.min(limits.maxDecoded, budget));
      budget -= kept.length;
      out.push({ start: m.index, end: m.index + m[0].length, kind, text: kept });
    }
  };
  // Cheap literal pre-checks skip patterns that cannot match.
  scan(BASE64_RUN, 'base64', decodeBase64);
  if (text.includes('\\x')) scan(HEX_ESCAPES, 'hex', decodeHex);
  if (text.includes('0x')) scan(HEX_0X, 'hex', decodeHex);
  scan(HEX_PLAIN, 'hex', decodeHex);
  if (text.includes('%')) scan(URL_ESCAPED, 'url', decodeUrl);
  if (text.length <= limits.maxDecoded && budget > 0) {
    // ROT13 is only plausible when decoding turns non-language into language: tables, headlines and
    // other-language text have few English function words too, but rotating them does not add any.
    const before = commonWordRatio(text);
    const hinted = ROT13_HINT.test(text);
    if (hinted || before < 0.05) {
      const decoded = rot13(text);
      const after = commonWordRatio(decoded);
      if (after >= (hinted ? 0.1 : 0.15) && after > before * 2) {
        out.push({ start: 0, end: text.length, kind: 'rot13', text: decoded.slice(0, budget) });
      }
    }
  }
  return out;
}

/** The regular expressions this module runs on untrusted text, for the ReDoS test. */
export const DECODE_PATTERNS: readonly RegExp[] = [BASE64_RUN, HEX_ESCAPES, HEX_0X, HEX_PLAIN, URL_ESCAPED, ROT13_HINT];
