import { parse } from 'smol-toml';
import { normalizePypiName } from '../purl.js';
import type { DeclaredDependency, DependencyScope } from '../types.js';
import { parseRequirement } from './pep508.js';

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * pyproject.toml: PEP 621 `[project]` dependencies and optional-dependencies, PEP 735
 * `[dependency-groups]`, and Poetry's `[tool.poetry.*dependencies]` tables.
 */
export function parsePyproject(text: string, source: string): DeclaredDependency[] {
  const doc = parse(text) as Table;
  const out: DeclaredDependency[] = [];
  const add = (req: string, scope: DependencyScope) => {
    const r = parseRequirement(req);
    if (r) out.push(dep(r.name, r.pinned, r.url ? `@ ${r.url}` : r.spec, scope, source));
  };
  const project = isTable(doc.project) ? doc.project : {};
  for (const r of strings(project.dependencies)) add(r, 'required');
  if (isTable(project['optional-dependencies']))
    for (const list of Object.values(project['optional-dependencies']))
      for (const r of strings(list)) add(r, 'optional');
  if (isTable(doc['dependency-groups']))
    for (const list of Object.values(doc['dependency-groups'])) for (const r of strings(list)) add(r, 'dev');

  const poetry = isTable(doc.tool) && isTable(doc.tool.poetry) ? doc.tool.poetry : undefined;
  if (poetry) {
    poetryTable(poetry.dependencies, 'required', source, out);
    poetryTable(poetry['dev-dependencies'], 'dev', source, out);
    if (isTable(poetry.group))
      for (const g of Object.values(poetry.group)) if (isTable(g)) poetryTable(g.dependencies, 'dev', source, out);
  }
  return out;
}

function poetryTable(table: unknown, scope: DependencyScope, source: string, out: DeclaredDependency[]): void {
  if (!isTable(table)) return;
  for (const [name, v] of Object.entries(table)) {
    if (name.toLowerCase() === 'python') continue; // the interpreter, not a package
    const spec = typeof v === 'string' ? v : isTable(v) && typeof v.version === 'string' ? v.version : undefined;
    const optional = isTable(v) && v.optional === true;
    const pinned = spec && /^(==)?\d[A-Za-z0-9.+!-]*$/.test(spec) ? spec.replace(/^==/, '') : undefined;
    out.push(dep(name, pinned, pinned ? undefined : spec, optional ? 'optional' : scope, source));
  }
}

function dep(
  name: string,
  version: string | undefined,
  spec: string | undefined,
  scope: DependencyScope,
  source: string,
): DeclaredDependency {
  return {
    ecosystem: 'pypi',
    name: normalizePypiName(name),
    ...(version ? { version } : {}),
    ...(spec && spec !== '*' ? { spec } : {}),
    scope,
    source,
  };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
