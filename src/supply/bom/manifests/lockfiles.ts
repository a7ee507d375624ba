import { parse } from 'smol-toml';
import { normalizePypiName } from '../purl.js';
import type { DeclaredDependency } from '../types.js';

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Pipfile.lock: `default` and `develop` maps of name → { version: "==x" }. */
export function parsePipfileLock(text: string, source: string): DeclaredDependency[] {
  const doc = JSON.parse(text) as unknown;
  if (!isTable(doc)) return [];
  const out: DeclaredDependency[] = [];
  for (const [section, scope] of [
    ['default', 'required'],
    ['develop', 'dev'],
  ] as const) {
    const table = doc[section];
    if (!isTable(table)) continue;
    for (const [name, v] of Object.entries(table)) {
      const version = isTable(v) && typeof v.version === 'string' ? v.version.replace(/^===?/, '') : undefined;
      out.push({
        ecosystem: 'pypi',
        name: normalizePypiName(name),
        ...(version ? { version } : {}),
        scope,
        source,
      });
    }
  }
  return out;
}

/** poetry.lock: `[[package]]` entries with name, version and (Poetry < 1.2) category. */
export function parsePoetryLock(text: string, source: string): DeclaredDependency[] {
  const doc = parse(text) as Table;
  const packages = Array.isArray(doc.package) ? doc.package : [];
  const out: DeclaredDependency[] = [];
  for (const p of packages) {
    if (!isTable(p) || typeof p.name !== 'string') continue;
    const dev = p.category === 'dev' || (Array.isArray(p.groups) && p.groups.length > 0 && !p.groups.includes('main'));
    out.push({
      ecosystem: 'pypi',
      name: normalizePypiName(p.name),
      ...(typeof p.version === 'string' ? { version: p.version } : {}),
      scope: p.optional === true ? 'optional' : dev ? 'dev' : 'required',
      source,
    });
  }
  return out;
}
