import type { DeclaredDependency } from '../manifests/index.js';
import type { BomDependency, DependencyScope } from './types.js';

const SCOPE_RANK: Record<DependencyScope, number> = { required: 2, optional: 1, dev: 0 };

/**
 * Folds declarations of one package across manifests: a lockfile pin wins over a range from
 * pyproject.toml, each distinct pinned version stays its own component, and every manifest that
 * mentioned the package is kept as a source.
 */
export function mergeDependencies(deps: readonly DeclaredDependency[]): BomDependency[] {
  const groups = new Map<string, DeclaredDependency[]>();
  for (const d of deps) {
    const key = `${d.ecosystem}|${d.name}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const out: BomDependency[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const allSources = unique(group.map((d) => d.file));
    const scope = group.reduce<DependencyScope>(
      (s, d) => (SCOPE_RANK[scopeOf(d)] > SCOPE_RANK[s] ? scopeOf(d) : s),
      'dev',
    );
    const versions = unique(group.flatMap((d) => (d.pinned ? [d.pinned] : [])));
    const spec = group.map(constraintOf).find((c) => c !== undefined);
    if (versions.length === 0) {
      out.push({ ecosystem: first.ecosystem, name: first.name, ...(spec ? { spec } : {}), scope, sources: allSources });
      continue;
    }
    for (const version of versions) {
      const own = group.filter((d) => d.pinned === version || !d.pinned).map((d) => d.file);
      out.push({
        ecosystem: first.ecosystem,
        name: first.name,
        version,
        ...(spec ? { spec } : {}),
        scope,
        sources: unique(own),
      });
    }
  }
  // Ordered as their purls read (`pkg:npm/…` before `pkg:pypi/…`), so a BOM diffs cleanly.
  const key = (d: BomDependency) => `${d.ecosystem.toLowerCase()}/${d.name}@${d.version ?? ''}`;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

function scopeOf(d: DeclaredDependency): DependencyScope {
  return d.dev ? 'dev' : d.optional ? 'optional' : 'required';
}

/** What a BOM shows as the constraint: a range as written, or the direct reference; a pin is the version instead. */
function constraintOf(d: DeclaredDependency): string | undefined {
  if (d.url) return `@ ${d.url}`;
  const written = d.rawSpec ?? d.spec;
  return d.pinned === undefined && written !== '' ? written : undefined;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)].sort();
}
