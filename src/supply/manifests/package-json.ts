import { declare, isTable, LineIndex } from './common.js';
import type { DeclaredDependency } from './types.js';

const SECTIONS = [
  ['dependencies', {}],
  ['optionalDependencies', { optional: true }],
  ['peerDependencies', { optional: true }],
  ['devDependencies', { dev: true }],
] as const;

/** npm names are at most 214 characters; longer keys are not packages. */
const MAX_NPM_NAME = 214;
const EXACT = /^=?v?(\d{1,9}\.\d{1,9}\.\d{1,9}(?:-[0-9A-Za-z.-]{1,64})?(?:\+[0-9A-Za-z.-]{1,64})?)$/;
/** git, file, link, workspace, npm-alias, URL, path and `user/repo` specifiers name no registry version (`~1.2` is a range, `~/x` a path). */
const NON_REGISTRY = /^(?:[a-z][a-z0-9+.-]{0,30}:|[./]|~\/|[\w.-]{1,100}\/[\w.-]{1,100}(?:#.*)?$)/i;

/** package.json dependency maps; only an exact semver (`1.2.3`, `=1.2.3`) counts as pinned. */
export function parsePackageJson(text: string, file: string): DeclaredDependency[] {
  const doc = JSON.parse(text) as unknown;
  if (!isTable(doc)) return [];
  const tables = SECTIONS.map(([s, flags]) => [s, isTable(doc[s]) ? doc[s] : {}, flags] as const);
  const lines = new LineIndex(
    text,
    new Set([...SECTIONS.map(([s]) => s), ...tables.flatMap(([, t]) => Object.keys(t))]),
  );
  const out: DeclaredDependency[] = [];
  for (const [section, table, flags] of tables) {
    const from = lines.key(section) ?? 0;
    for (const [name, v] of Object.entries(table)) {
      if (typeof v !== 'string' || name.length === 0 || name.length > MAX_NPM_NAME) continue;
      const written = v.trim();
      const direct = NON_REGISTRY.test(written);
      const exact = direct ? null : EXACT.exec(written);
      out.push(
        declare('npm', name, file, {
          spec: direct || written === '*' ? '' : written,
          ...(exact ? { pinned: exact[1]! } : {}),
          ...(direct ? { url: written } : {}),
          line: lines.key(name, from),
          ...flags,
        }),
      );
    }
  }
  return out;
}
