import { declare, isTable, LineIndex, strings } from './common.js';
import { readSpecifiers } from './pep508.js';
import type { DeclaredDependency } from './types.js';

/** Pipfile.lock: `default` and `develop` maps of name → { version: "==x", extras, markers } (VCS entries have no version). */
export function parsePipfileLock(text: string, file: string): DeclaredDependency[] {
  const doc = JSON.parse(text) as unknown;
  if (!isTable(doc)) return [];
  const sections = (['default', 'develop'] as const).map((s) => [s, isTable(doc[s]) ? doc[s] : {}] as const);
  const lines = new LineIndex(text, new Set(['default', 'develop', ...sections.flatMap(([, t]) => Object.keys(t))]));
  const out: DeclaredDependency[] = [];
  for (const [section, table] of sections) {
    const from = lines.key(section) ?? 0;
    for (const [name, v] of Object.entries(table)) {
      const t = isTable(v) ? v : {};
      const written = typeof t.version === 'string' ? t.version.replace(/\s+/g, '') : '';
      const specs = readSpecifiers(written === '*' ? '' : written);
      const direct = ['git', 'file', 'path'].map((k) => t[k]).find((x): x is string => typeof x === 'string');
      out.push(
        declare('PyPI', name, file, {
          spec: specs?.spec ?? '',
          ...(specs?.pinned ? { pinned: specs.pinned } : {}),
          extras: strings(t.extras),
          ...(typeof t.markers === 'string' ? { markers: t.markers } : {}),
          ...(direct ? { url: direct } : {}),
          line: lines.key(name, from),
          dev: section === 'develop',
        }),
      );
    }
  }
  return out;
}
