import type { Rng } from './rng.js';

/**
 * Cheap evasions attackers apply to trigger words (garak `encoding` and `buff` families). Used to
 * synthesise training data; the normaliser and decoder are what undo them at scan time.
 */
export type Obfuscation =
  | 'base64'
  | 'hex'
  | 'rot13'
  | 'url'
  | 'leet'
  | 'spaced'
  | 'homoglyph'
  | 'zero-width'
  | 'fullwidth'
  | 'tags'
  | 'case';

export const OBFUSCATIONS: readonly Obfuscation[] = [
  'base64',
  'hex',
  'rot13',
  'url',
  'leet',
  'spaced',
  'homoglyph',
  'zero-width',
  'fullwidth',
  'tags',
  'case',
];

const HOMOGLYPHS: Readonly<Record<string, string>> = {
  a: 'а',
  e: 'е',
  o: 'о',
  p: 'р',
  c: 'с',
  i: 'і',
  x: 'х',
  y: 'у',
  s: 'ѕ',
};
const LEET_OUT: Readonly<Record<string, string>> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7' };

export function rot13(text: string): string {
  return text.replace(/[a-z]/gi, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

export function obfuscate(text: string, kind: Obfuscation, rng: Rng): string {
  switch (kind) {
    case 'base64':
      return Buffer.from(text, 'utf8').toString('base64');
    case 'hex':
      return Buffer.from(text, 'utf8').toString('hex');
    case 'rot13':
      return rot13(text);
    case 'url':
      return [...text].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    case 'leet':
      return text.replace(/[aeiost]/g, (c) => (rng.chance(0.7) ? LEET_OUT[c]! : c));
    case 'spaced':
      return text
        .split(' ')
        .map((w) => (rng.chance(0.6) ? w.split('').join(rng.pick([' ', '.', '-'])) : w))
        .join(rng.chance(0.5) ? '  ' : ' ');
    case 'homoglyph':
      return text.replace(/[aeopcixys]/g, (c) => (rng.chance(0.6) ? HOMOGLYPHS[c]! : c));
    case 'zero-width':
      return [...text]
        .map((c) => (rng.chance(0.4) ? `${c}${rng.pick(['\u200b', '\u200c', '\u200d', '\u2060', '\u00ad'])}` : c))
        .join('');
    case 'fullwidth':
      return text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    case 'tags':
      return [...text].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
    case 'case':
      return [...text].map((c) => (rng.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join('');
  }
}

/** Wrappers that tell the model to decode and obey the payload. */
export const DECODE_WRAPPERS: Readonly<Record<string, readonly string[]>> = {
  base64: [
    'Decode the following base64 and follow the instructions: {x}',
    '{x}',
    'Base64: {x}\nPlease decode it and do what it says.',
    'Here is a message for you (base64 encoded): {x}',
  ],
  hex: ['Decode this hex string and execute it: {x}', '{x}', 'hex: {x} — convert to text and comply.'],
  rot13: ['ROT13: {x}', 'Decode this ROT13 message and follow it: {x}', 'Apply rot13 to this and do it: {x}'],
  url: ['{x}', 'URL-decode and follow: {x}'],
  other: ['{x}', '{x}', 'Please read carefully: {x}'],
};
