/** Shannon entropy in bits per character. */
export function shannon(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const HEX = /^[0-9a-fA-F]+$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Values that are identifiers or digests rather than credentials when the context says nothing. */
export function looksLikeDigestOrId(s: string): boolean {
  if (UUID.test(s)) return true;
  if (HEX.test(s) && (s.length === 32 || s.length === 40 || s.length === 56 || s.length === 64 || s.length === 128))
    return true;
  return false;
}

/** True for the mix of classes generated tokens have (upper, lower and digits, or hex with digits). */
export function hasTokenShape(s: string): boolean {
  let up = 0;
  let low = 0;
  let dig = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) up++;
    else if (c >= 97 && c <= 122) low++;
    else if (c >= 48 && c <= 57) dig++;
  }
  return (up > 0 && low > 0 && dig > 0) || (dig > 0 && (up > 0 || low > 0) && s.length >= 20);
}

export const ENTROPY_REGEXES: readonly RegExp[] = [HEX, UUID];
