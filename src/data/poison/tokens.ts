const WORD = /[\p{L}\p{N}][\p{L}\p{N}'_-]{0,39}/gu;

export const TOKEN_REGEXES: readonly RegExp[] = [WORD];

/** Lower-cased word tokens (letters and digits, up to 40 characters). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** 32-bit FNV-1a. */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
