import { parse } from 'smol-toml';
import { declare, isTable, strings, type Table } from './common.js';
import type { DeclaredDependency } from './types.js';

/**
 * poetry.lock: `[[package]]` entries with name and version; dev-ness from `category = "dev"`
 * (Poetry < 1.2) or `groups` without `main` (Poetry 2), optional from `optional = true`.
 */
export function parsePoetryLock(text: string, file: string): DeclaredDependency[] {
  const doc = parse(text) as Table;
  const packages = Array.isArray(doc.package) ? doc.package : [];
  const headers = packageHeaderLines(text);
  const out: DeclaredDependency[] = [];
  for (const [k, p] of packages.entries()) {
    if (!isTable(p) || typeof p.name !== 'string') continue;
    const version = typeof p.version === 'string' ? p.version.trim() : '';
    const groups = strings(p.groups);
    out.push(
      declare('PyPI', p.name, file, {
        spec: version ? `==${version}` : '',
        ...(version ? { pinned: version } : {}),
        ...(typeof p.markers === 'string' ? { markers: p.markers } : {}),
        line: headers[k],
        dev: p.category === 'dev' || (groups.length > 0 && !groups.includes('main')),
        optional: p.optional === true,
      }),
    );
  }
  return out;
}

/** The k-th `[[package]]` header is the k-th package: the TOML parser keeps array order. */
function packageHeaderLines(text: string): number[] {
  const out: number[] = [];
  let line = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    if (text.slice(start, end).trim() === '[[package]]') out.push(line);
    start = end + 1;
  }
  return out;
}
