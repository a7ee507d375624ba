/** Decoding of pickle string operands without copying more than needed. */
import { LongStr } from './values.js';

/** Strings longer than this are kept as a `LongStr` head (module names, args never need more). */
export const STRING_KEEP = 64 * 1024;
/** Bytes decoded from the start of a longer string (the rest is skipped unread). */
export const STRING_HEAD = 256;

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** UTF-8 string operand (BINUNICODE & co.); ASCII fast path avoids the decoder for short names. */
export function utf8At(b: Uint8Array, start: number, len: number): string | LongStr {
  if (len > STRING_KEEP) return new LongStr(utf8.decode(b.subarray(start, start + STRING_HEAD)), len);
  if (len <= 64) {
    // ASCII fast path; one flat string (concatenating chars would build rope strings the memo keeps).
    const end = start + len;
    for (let i = start; i < end; i++) if ((b[i] as number) >= 0x80) return utf8.decode(b.subarray(start, end));
    return String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
  }
  return utf8.decode(b.subarray(start, start + len));
}

/** The kept head of a string too long (or over budget) to keep whole. */
export function longAt(b: Uint8Array, start: number, len: number, latin1Text: boolean): LongStr {
  return new LongStr((latin1Text ? latin1 : utf8).decode(b.subarray(start, start + STRING_HEAD)), len);
}

/** Python 2 `str` operands (BINSTRING, SHORT_BINSTRING) decode as bytes-to-code-points. */
export function latin1At(b: Uint8Array, start: number, len: number): string | LongStr {
  if (len > STRING_KEEP) return new LongStr(latin1.decode(b.subarray(start, start + STRING_HEAD)), len);
  return latin1.decode(b.subarray(start, start + len));
}

/** A text line operand (GLOBAL, INST, INT …) without its newline. */
export function lineText(b: Uint8Array, start: number, end: number): string {
  const s = utf8At(b, start, end - start);
  return typeof s === 'string' ? s : s.head;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

/** STRING opcode: a repr()-quoted Python 2 string. Returns undefined when not quoted. */
export function pyQuoted(line: string): string | undefined {
  if (line.length < 2) return undefined;
  const q = line[0];
  if ((q !== "'" && q !== '"') || line[line.length - 1] !== q) return undefined;
  const body = line.slice(1, -1);
  if (!body.includes('\\')) return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e.length === 3 && e[0] === 'x') return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(Number.parseInt(e, 8) & 0xff);
    return SIMPLE_ESCAPES[e] ?? `\\${e}`;
  });
}

/** UNICODE opcode: raw-unicode-escape (only \uXXXX and \UXXXXXXXX are escapes). */
export function rawUnicodeEscape(line: string): string {
  if (!line.includes('\\')) return line;
  return line.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (m, u?: string, U?: string) => {
    const cp = Number.parseInt(u ?? U ?? '', 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** INT/LONG line: a decimal (or 0x/0o) integer, `L` suffix allowed for LONG. */
export function parseIntLine(line: string): number | undefined {
  const t = line.trim().replace(/L$/, '');
  if (!/^[+-]?(\d+|0[xX][0-9a-fA-F]+|0[oO][0-7]+)$/.test(t)) return undefined;
  const n = Number(t.replace(/^\+/, ''));
  return Number.isFinite(n) ? n : undefined;
}

export function parseFloatLine(line: string): number | undefined {
  const t = line.trim();
  if (/^[+-]?(inf|infinity|nan)$/i.test(t)) return Number.NaN;
  const n = Number(t);
  return t.length > 0 && !Number.isNaN(n) ? n : undefined;
}

/** Names the sniff accepts in GLOBAL/INST lines (a text file must not pass for a pickle). */
export const IDENTIFIER_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
