import { isAlnum } from './helpers.js';
import type { Detector, RawMatch } from './types.js';
import {
  aadhaarValid,
  bsnValid,
  cardBrand,
  dniValid,
  IBAN_LENGTHS,
  ibanValid,
  luhn,
  ninoValid,
  ssnValid,
  TEST_CARD_NUMBERS,
} from './validators.js';

/*
 * Identifiers made of digits share one candidate pass (the engine runs NUMERIC_CANDIDATE once per
 * chunk and hands every numeric detector the candidate ranges as [start, end] pairs). Each detector
 * then applies its structure rule, checksum and boundary checks to a string of at most ~60 chars.
 */
export const NUMERIC_CANDIDATE = /\+?\(?\d[\d .()/-]{4,60}\d/g;

const PHONE_NANP = /^(?:\+?1[ .-]?)?(?:\([2-9]\d{2}\)|[2-9]\d{2})[ .-]?[2-9]\d{2}[ .-]?\d{4}$/;
const PHONE_INTL = /^\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,5}\)?){1,6}$/;
const PHONE_NATIONAL = /^(?:\(0\d{1,5}\)|0\d{1,5})(?:[ .-]\d{2,5}){1,4}$/;
const DATE_LIKE = /^(?:\d{4}[-/. ]\d{1,2}[-/. ]\d{1,2}|\d{1,2}[-/. ]\d{1,2}[-/. ]\d{2,4})(?:[ T]\d|$)/;
const SSN = /^(\d{3})-(\d{2})-(\d{4})$/;
const SSN_SPACED = /^(\d{3}) (\d{2}) (\d{4})$/;
const CARD = /^\d{4}(?:([ -])\d{4}){2}\1\d{1,7}$|^\d{4}([ -])\d{6}\2\d{4,5}$|^\d{12,19}$/;
const AADHAAR = /^[2-9]\d{3}( ?)\d{4}\1\d{4}$/;
const IP4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const BSN = /^\d{9}$|^\d{4}\.\d{2}\.\d{3}$/;

export const NUMERIC_REGEXES: readonly RegExp[] = [
  NUMERIC_CANDIDATE,
  PHONE_NANP,
  PHONE_INTL,
  PHONE_NATIONAL,
  DATE_LIKE,
  SSN,
  SSN_SPACED,
  CARD,
  AADHAAR,
  IP4,
  BSN,
];

function digitsOf(s: string): string {
  let d = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) d += s[i];
  }
  return d;
}

/** Digits in a string, counted without building it (the hot path of the phone check). */
function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** Every digit the same (`000-0000`), without building the digit string. */
function oneDigitRepeated(s: string): boolean {
  let first = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    if (first < 0) first = c;
    else if (c !== first) return false;
  }
  return first >= 0;
}

/** Index of the last space in (floor, from], or -1; bounded, so a text without spaces costs nothing. */
function lastSpace(text: string, from: number, floor: number): number {
  for (let i = from; i > floor; i--) if (text.charCodeAt(i) === 32) return i;
  return -1;
}

/** The candidate with trailing space-separated groups dropped (max two). */
function variants(text: string, s: number, e: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let end = e;
  for (let k = 0; k < 2; k++) {
    const sp = lastSpace(text, end - 1, s);
    if (sp < 0) break;
    end = sp;
    while (end > s && !isDigit(text.charCodeAt(end - 1))) end--;
    if (end - s < 6) break;
    out.push([s, end]);
  }
  return out;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Not glued to a word, a longer number or a dotted/dashed identifier (UUIDs, versions, hashes). */
function cleanBounds(text: string, s: number, e: number): boolean {
  const b = text.charCodeAt(s - 1);
  const a = text.charCodeAt(e);
  if (s > 0 && (isAlnum(b) || b === 95)) return false;
  if (e < text.length && (isAlnum(a) || a === 95)) return false;
  if (s > 1 && (b === 45 || b === 46 || b === 47) && isAlnum(text.charCodeAt(s - 2))) return false;
  if (e + 1 < text.length && (a === 45 || a === 46 || a === 47) && isAlnum(text.charCodeAt(e + 1))) return false;
  return true;
}

type Check = (value: string, text: string, s: number, e: number) => number | RawMatch;

interface NumericOptions {
  bounds?: boolean;
  trim?: boolean;
  negativeContext?: readonly string[];
  /**
   * A cheap test on the range, run before the value is cut out: false only where `check` would
   * return 0 (most runs in data are dates, amounts and ids that no validator accepts).
   */
  pre?: (text: string, s: number, e: number) => boolean;
  /** `check` reads the text around the range, not the value: do not cut it out. */
  noValue?: boolean;
}

/** Lengths a run may have to pass a detector's structure regex. */
function lengthIn(...lengths: number[]): (text: string, s: number, e: number) => boolean {
  const ok = new Set(lengths);
  return (_t, s, e) => ok.has(e - s);
}

function numericDetector(
  id: string,
  label: string,
  context: readonly string[],
  check: Check,
  opts: NumericOptions = {},
): Detector {
  const bounds = opts.bounds ?? true;
  const { pre, noValue } = opts;
  return {
    id,
    kind: 'pii',
    label,
    anchors: [],
    patterns: [],
    context,
    ...(opts.negativeContext ? { negativeContext: opts.negativeContext } : {}),
    find(text, pairs) {
      const out: RawMatch[] = [];
      const attempt = (s: number, e: number): boolean => {
        if (bounds && !cleanBounds(text, s, e)) return false;
        if (pre && !pre(text, s, e)) return false;
        const r = check(noValue ? '' : text.slice(s, e), text, s, e);
        if (typeof r === 'number') {
          if (r <= 0) return false;
          out.push({ start: s, end: e, score: r });
          return true;
        }
        if (r.score <= 0) return false;
        out.push(r);
        return true;
      };
      for (let i = 0; i + 1 < pairs.length; i += 2) {
        const s0 = pairs[i]!;
        const e0 = pairs[i + 1]!;
        // Trailing groups are only dropped when the whole run failed (rare), to keep the hot path allocation-free.
        if (attempt(s0, e0) || !opts.trim) continue;
        for (const [s, e] of variants(text, s0, e0)) if (attempt(s, e)) break;
      }
      return out;
    },
  };
}

export const phone = numericDetector(
  'phone-number',
  'Phone number',
  ['phone', 'tel', 'mobile', 'cell', 'call', 'fax', 'whatsapp', 'contact', 'sms', 'ph:', 'téléphone', 'telefon'],
  (v) => {
    const digits = countDigits(v);
    if (digits < 7 || digits > 15 || DATE_LIKE.test(v) || oneDigitRepeated(v)) return 0;
    if (/^\d+\.\d+$/.test(v) || /^\d+$/.test(v)) return digits >= 10 && digits <= 12 ? 0.25 : 0;
    if (v.startsWith('+') && digits >= 8 && PHONE_INTL.test(v)) return 0.75;
    if (PHONE_NANP.test(v)) return 0.6;
    if (PHONE_NATIONAL.test(v) && digits >= 9) return 0.45;
    return 0;
  },
  { trim: true },
);

export const card = numericDetector(
  'payment-card',
  'Payment card number',
  ['card', 'visa', 'mastercard', 'amex', 'credit', 'debit', 'cc', 'pan', 'payment'],
  (v) => {
    if (!CARD.test(v)) return 0;
    const d = digitsOf(v);
    if (d.length < 12 || d.length > 19 || !luhn(d) || !cardBrand(d) || /^(\d)\1+$/.test(d)) return 0;
    if (TEST_CARD_NUMBERS.has(d)) return 0.4;
    return v.length > d.length ? 0.85 : 0.7;
  },
  {
    negativeContext: ['test', 'example', 'sample', 'sandbox', 'dummy', 'stripe', 'docs', 'documentation', 'fake'],
    // CARD: 12–19 digits, or 4-4-4-(1..7) / 4-6-(4..5) groups.
    pre: (_t, s, e) => e - s >= 12 && e - s <= 22,
  },
);

export const ssn = numericDetector(
  'us-ssn',
  'US Social Security number',
  ['ssn', 'social security', 'ss#'],
  (v) => {
    const m = SSN.exec(v) ?? SSN_SPACED.exec(v);
    if (m) return ssnValid(m[1]!, m[2]!, m[3]!) ? (v.includes('-') ? 0.65 : 0.4) : 0;
    if (/^\d{9}$/.test(v)) return ssnValid(v.slice(0, 3), v.slice(3, 5), v.slice(5)) ? 0.2 : 0;
    return 0;
  },
  { pre: lengthIn(9, 11) },
);

export const aadhaar = numericDetector(
  'in-aadhaar',
  'Indian Aadhaar number',
  ['aadhaar', 'aadhar', 'uidai'],
  (v) => (AADHAAR.test(v) && aadhaarValid(digitsOf(v)) ? (v.includes(' ') ? 0.6 : 0.3) : 0),
  { pre: lengthIn(12, 14) },
);

export const bsn = numericDetector(
  'nl-bsn',
  'Dutch citizen service number (BSN)',
  ['bsn', 'burgerservicenummer', 'sofinummer'],
  (v) => (BSN.test(v) && bsnValid(digitsOf(v)) ? 0.25 : 0),
  { pre: lengthIn(9, 11) },
);

export const dni = numericDetector(
  'es-dni',
  'Spanish DNI/NIE',
  ['dni', 'nif', 'nie', 'documento'],
  (v, text, s, e) => {
    if (!/^\d{7,8}$/.test(v)) return 0;
    let letterAt = e;
    if (text[letterAt] === '-' || text[letterAt] === ' ') letterAt++;
    const letter = text[letterAt] ?? '';
    if (!/[A-Z]/.test(letter) || isAlnum(text.charCodeAt(letterAt + 1))) return 0;
    const prefix = v.length === 7 ? (text[s - 1] ?? '') : '';
    if (v.length === 7 && !/[XYZ]/.test(prefix)) return 0;
    const before = text.charCodeAt(s - 1 - prefix.length);
    if (s - prefix.length > 0 && isAlnum(before)) return 0;
    return dniValid(prefix + v + letter) ? { start: s - prefix.length, end: letterAt + 1, score: 0.7 } : 0;
  },
  { bounds: false, pre: lengthIn(7, 8) },
);

export const nino = numericDetector(
  'uk-nino',
  'UK National Insurance number',
  ['national insurance', 'nino', 'ni number', 'ni no'],
  (v, text, s, e) => {
    if (!/^\d{2} ?\d{2} ?\d{2}$/.test(v)) return 0;
    const letterStart = text[s - 1] === ' ' ? s - 3 : s - 2;
    if (letterStart < 0 || (letterStart > 0 && isAlnum(text.charCodeAt(letterStart - 1)))) return 0;
    const letters = text.slice(letterStart, letterStart + 2);
    const after = text[e] === ' ' ? e + 1 : e;
    const suffix = text[after] ?? '';
    if (isAlnum(text.charCodeAt(after + 1))) return 0;
    return ninoValid(letters + digitsOf(v) + suffix) ? { start: letterStart, end: after + 1, score: 0.7 } : 0;
  },
  { bounds: false, pre: lengthIn(6, 7, 8) },
);

/** Walks left from a numeric run over `[A-Z0-9 ]` to find `CCdd`, then checks length and mod-97. */
export const iban = numericDetector(
  'iban',
  'International bank account number (IBAN)',
  ['iban', 'account', 'bank', 'konto', 'rib'],
  (_v, text, s) => {
    let i = s;
    const floor = Math.max(0, s - 34);
    let best = -1;
    while (i > floor) {
      const c = text.charCodeAt(i - 1);
      if (!((c >= 65 && c <= 90) || isDigit(c) || c === 32)) break;
      i--;
      if (/^[A-Z]{2}\d\d/.test(text.slice(i, i + 4)) && (i === 0 || !isAlnum(text.charCodeAt(i - 1)))) best = i;
    }
    if (best < 0) return 0;
    const len = IBAN_LENGTHS[text.slice(best, best + 2)];
    if (len === undefined) return 0;
    let compact = '';
    let j = best;
    while (j < text.length && compact.length < len && j - best < 50) {
      const c = text.charCodeAt(j);
      if ((c >= 65 && c <= 90) || isDigit(c)) compact += text[j];
      else if (c !== 32) break;
      j++;
    }
    if (compact.length !== len || isAlnum(text.charCodeAt(j))) return 0;
    return ibanValid(compact) ? { start: best, end: j, score: 0.95 } : 0;
  },
  { bounds: false, noValue: true },
);

/** IP4's shape without the regex: 7–15 characters, digits and exactly three dots. */
function dottedQuad(text: string, s: number, e: number): boolean {
  if (e - s < 7 || e - s > 15) return false;
  let dots = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) dots++;
    else if (c < 48 || c > 57) return false;
  }
  return dots === 3;
}

const PRIVATE_V4: ReadonlyArray<(o: number[]) => boolean> = [
  (o) => o[0] === 10 || o[0] === 127 || o[0] === 0 || o[0]! >= 224,
  (o) => o[0] === 172 && o[1]! >= 16 && o[1]! <= 31,
  (o) => o[0] === 192 && o[1] === 168,
  (o) => o[0] === 169 && o[1] === 254,
  (o) => o[0] === 100 && o[1]! >= 64 && o[1]! <= 127,
];
const DOC_V4 = ['192.0.2.', '198.51.100.', '203.0.113.'];

export const ipv4 = numericDetector(
  'ip-address',
  'Public IP address',
  ['ip', 'addr', 'client', 'remote', 'host', 'src', 'dst', 'x-forwarded-for', 'login from'],
  (v, text, s) => {
    const m = IP4.exec(v);
    if (!m) return 0;
    const o = [m[1], m[2], m[3], m[4]].map((x) => Number(x));
    if ([m[1], m[2], m[3], m[4]].some((x) => x!.length > 1 && x!.startsWith('0')) || o.some((x) => x > 255)) return 0;
    if (PRIVATE_V4.some((f) => f(o))) return 0;
    const before = text.slice(Math.max(0, s - 24), s).toLowerCase();
    if (/(?:version|release|v|ver|==|>=|<=|~=|@|build|sdk|python|node)\s*:?\s*$/.test(before)) return 0;
    if (DOC_V4.some((p) => v.startsWith(p))) return 0.2;
    return 0.55;
  },
  { negativeContext: ['version', 'release'], pre: dottedQuad },
);

/** Digit counts each detector accepts (the candidate may carry separators and trailing groups). */
const DIGIT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  'payment-card': [12, 19],
  'us-ssn': [9, 9],
  'phone-number': [7, 24],
  iban: [6, 34],
  'in-aadhaar': [12, 12],
  'nl-bsn': [9, 9],
  'es-dni': [7, 8],
  'uk-nino': [6, 6],
  'ip-address': [4, 12],
};

export const NUMERIC_DETECTORS: readonly Detector[] = [card, ssn, phone, iban, aadhaar, bsn, dni, nino, ipv4].map(
  (d) => ({ ...d, digits: DIGIT_RANGES[d.id] ?? [6, 64] }),
);
