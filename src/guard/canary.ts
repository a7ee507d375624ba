import { randomBytes } from 'node:crypto';

/**
 * Canary tokens: a random marker placed in a system prompt; seeing it in an output proves the prompt
 * leaked. Format `wdn-` + 16 base32 characters (80 bits). Base32 (no 0/1/8/9) survives models that
 * re-case, space or hyphenate tokens, and is unlikely to occur by chance.
 */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
export const CANARY_PREFIX = 'wdn';

export function issueCanary(): string {
  const bytes = randomBytes(16);
  let body = '';
  for (let i = 0; i < 16; i++) body += ALPHABET[bytes[i]! & 31];
  return `${CANARY_PREFIX}-${body}`;
}

/** Lower-cased alphanumerics only: "W D N - ABC…" and "wdn_abc…" both become "wdnabc…". */
export function canaryKey(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Finds `canary` in `text` even when spaced, re-cased, hyphenated or split across markdown. Works on the
 * alphanumeric skeleton of the text with a position map back to the original. Linear in the text.
 */
export function findCanary(text: string, canary: string): { start: number; end: number } | undefined {
  const key = canaryKey(canary);
  if (key.length < 6) return undefined;
  const pos: number[] = [];
  let skeleton = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const lower = c >= 0x41 && c <= 0x5a ? c + 32 : c;
    if ((lower >= 0x61 && lower <= 0x7a) || (lower >= 0x30 && lower <= 0x39)) {
      skeleton += String.fromCharCode(lower);
      pos.push(i);
    }
  }
  // For our own tokens the random body alone also counts: models often drop the prefix.
  const needles =
    key.startsWith(CANARY_PREFIX) && key.length >= CANARY_PREFIX.length + 12
      ? [key, key.slice(CANARY_PREFIX.length)]
      : [key];
  for (const needle of needles) {
    const at = skeleton.indexOf(needle);
    if (at >= 0) return { start: pos[at]!, end: pos[at + needle.length - 1]! + 1 };
  }
  return undefined;
}
