/**
 * Finds duplicate object keys in JSON text. `JSON.parse` keeps the last duplicate silently while
 * other parsers keep the first or fail, so a duplicated tensor name is a parser differential.
 * Hand-written single pass (no regex backtracking, explicit stack) so hostile headers stay linear.
 */
export interface DuplicateKey {
  readonly key: string;
  /** Object depth: 1 for the top-level object. */
  readonly depth: number;
  readonly offset: number;
}

export function findDuplicateKeys(text: string, maxReports = 20, maxDepth = 1000): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  // One entry per open container: a Set of keys for objects, null for arrays.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length && out.length < maxReports) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i++;
      while (i < text.length) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else if (d === 0x22) break;
        else i++;
      }
      const end = Math.min(i + 1, text.length);
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        let key: string;
        try {
          key = JSON.parse(text.slice(start, end)) as string;
        } catch {
          key = text.slice(start + 1, end - 1);
        }
        if (top.has(key)) out.push({ key, depth: stack.length, offset: start });
        else top.add(key);
        expectKey = false;
      }
      i = end;
      continue;
    }
    if (c === 0x7b /* { */) {
      if (stack.length >= maxDepth) return out;
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) return out;
      stack.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] != null;
    }
    i++;
  }
  return out;
}
