import { declare, isTable, LineIndex } from './common.js';
import type { DeclaredDependency } from './types.js';

const PREFIX = 'node_modules/';

/**
 * package-lock.json (lockfileVersion 2 and 3): the `packages` map, keyed by install path
 * (`node_modules/a/node_modules/@s/b`); every entry with a version is a pinned dependency.
 * Version 1 files (npm ≤ 6, no `packages` map) are not read.
 */
export function parsePackageLock(text: string, file: string): DeclaredDependency[] {
  const doc = JSON.parse(text) as unknown;
  if (!isTable(doc) || !isTable(doc.packages)) return [];
  const entries = Object.entries(doc.packages).filter(([path]) => path.includes(PREFIX));
  const lines = new LineIndex(text, new Set(entries.map(([path]) => path)));
  const out: DeclaredDependency[] = [];
  for (const [path, v] of entries) {
    if (!isTable(v) || typeof v.version !== 'string' || v.link === true) continue;
    const name = path.slice(path.lastIndexOf(PREFIX) + PREFIX.length);
    out.push(
      declare('npm', name, file, {
        spec: v.version,
        pinned: v.version,
        line: lines.key(path),
        dev: v.dev === true || v.devOptional === true,
        optional: v.optional === true,
      }),
    );
  }
  return out;
}
