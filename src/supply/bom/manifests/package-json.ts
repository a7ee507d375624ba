import type { DeclaredDependency, DependencyScope } from '../types.js';

const SECTIONS: readonly (readonly [string, DependencyScope])[] = [
  ['dependencies', 'required'],
  ['optionalDependencies', 'optional'],
  ['peerDependencies', 'optional'],
  ['devDependencies', 'dev'],
];

/** package.json dependency maps; an exact semver (`1.2.3`, `=1.2.3`) counts as pinned. */
export function parsePackageJson(text: string, source: string): DeclaredDependency[] {
  const doc = JSON.parse(text) as Record<string, unknown>;
  const out: DeclaredDependency[] = [];
  if (typeof doc !== 'object' || doc === null) return out;
  for (const [section, scope] of SECTIONS) {
    const table = doc[section];
    if (typeof table !== 'object' || table === null || Array.isArray(table)) continue;
    for (const [name, v] of Object.entries(table as Record<string, unknown>)) {
      if (typeof v !== 'string' || name.length > 214) continue;
      const exact = /^=?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]{1,64})?)$/.exec(v.trim());
      out.push({
        ecosystem: 'npm',
        name,
        ...(exact ? { version: exact[1]! } : v.trim() && v.trim() !== '*' ? { spec: v.trim() } : {}),
        scope,
        source,
      });
    }
  }
  return out;
}
