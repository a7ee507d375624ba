import { parse } from 'smol-toml';
import { declare, declareRequirement, isTable, LineIndex, strings, type Table } from './common.js';
import { poetryPin, poetryToPep440 } from './poetry-constraint.js';
import type { DeclaredDependency } from './types.js';

interface Pending {
  readonly req: string;
  readonly dev?: boolean;
  readonly optional?: boolean;
}

/**
 * pyproject.toml: PEP 621 `[project]` dependencies and optional-dependencies, PEP 735
 * `[dependency-groups]` (dev), and Poetry's `[tool.poetry.*dependencies]` tables, whose `^`/`~`
 * constraints are translated to PEP 440 (the original stays in `rawSpec`).
 */
export function parsePyproject(text: string, file: string, errors: string[]): DeclaredDependency[] {
  const doc = parse(text) as Table;
  const pep621: Pending[] = [];
  const project = isTable(doc.project) ? doc.project : {};
  for (const req of strings(project.dependencies)) pep621.push({ req });
  if (isTable(project['optional-dependencies']))
    for (const list of Object.values(project['optional-dependencies']))
      for (const req of strings(list)) pep621.push({ req, optional: true });
  // Non-string entries (`{include-group = "x"}`) reference other groups, already read on their own.
  if (isTable(doc['dependency-groups']))
    for (const list of Object.values(doc['dependency-groups']))
      for (const req of strings(list)) pep621.push({ req, dev: true });

  const poetry = poetryEntries(doc);
  const lines = new LineIndex(text, new Set([...pep621.map((p) => p.req), ...poetry.map(([n]) => n)]));
  const out: DeclaredDependency[] = [];
  for (const p of pep621) {
    const d = declareRequirement(p.req, file, { line: lines.value(p.req), dev: p.dev, optional: p.optional }, errors);
    if (d) out.push(d);
  }
  for (const [name, v, dev] of poetry) out.push(poetryDependency(name, v, dev, file, lines.key(name)));
  return out;
}

type PoetryEntry = readonly [name: string, value: unknown, dev: boolean];

function poetryEntries(doc: Table): PoetryEntry[] {
  const poetry = isTable(doc.tool) && isTable(doc.tool.poetry) ? doc.tool.poetry : undefined;
  if (poetry === undefined) return [];
  const out: PoetryEntry[] = [];
  const add = (table: unknown, dev: boolean) => {
    if (!isTable(table)) return;
    for (const [name, v] of Object.entries(table)) {
      if (name.toLowerCase() !== 'python') out.push([name, v, dev]); // the interpreter, not a package
    }
  };
  add(poetry.dependencies, false);
  add(poetry['dev-dependencies'], true);
  if (isTable(poetry.group))
    for (const [group, g] of Object.entries(poetry.group)) if (isTable(g)) add(g.dependencies, group !== 'main');
  return out;
}

/** A Poetry value is a constraint string, a table (`{ version, optional, extras, markers, git … }`) or a list of tables. */
function poetryDependency(
  name: string,
  v: unknown,
  dev: boolean,
  file: string,
  line: number | undefined,
): DeclaredDependency {
  const t = isTable(v) ? v : {};
  const written = typeof v === 'string' ? v.trim() : typeof t.version === 'string' ? t.version.trim() : '';
  const pinned = poetryPin(written);
  const direct = ['git', 'url', 'path'].map((k) => t[k]).find((x): x is string => typeof x === 'string');
  return declare('PyPI', name, file, {
    // An untranslatable constraint (a `||` union) is left unconstrained rather than guessed.
    spec: poetryToPep440(written) ?? '',
    rawSpec: written === '*' ? '' : written.replace(/\s+/g, ''),
    ...(pinned ? { pinned } : {}),
    extras: strings(t.extras),
    ...(typeof t.markers === 'string' ? { markers: t.markers } : {}),
    ...(direct ? { url: direct } : {}),
    line,
    ...(dev ? { dev: true } : {}),
    ...(t.optional === true ? { optional: true } : {}),
  });
}
