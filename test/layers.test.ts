import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Pure layers: they take bytes or sources and return structure; only src/io, cli and server do I/O. */
const PURE = ['src/core', 'src/scan', 'src/data', 'src/policy', 'src/guard'];
const FORBIDDEN = [
  /from 'node:(fs|fs\/promises|net|http|https|child_process|dgram|tls)'/,
  /from '(\.\.\/)+(cli|server|io)\//,
];

function* sources(dir: string): Generator<string> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) yield p;
  }
}

describe('layers', () => {
  it('keeps parsers and detectors free of file-system and network imports', () => {
    const offenders: string[] = [];
    for (const layer of PURE) {
      for (const file of sources(layer)) {
        const text = readFileSync(file, 'utf8');
        for (const re of FORBIDDEN) if (re.test(text)) offenders.push(`${relative('.', file)} matches ${re}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
