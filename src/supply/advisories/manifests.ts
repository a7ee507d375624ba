import { parse as parseToml } from 'smol-toml';
import { type Dependency, type Ecosystem, normalizeName } from './types.js';

/** The manifest kinds `warden deps` reads, recognised by file name. */
export type ManifestKind =
  | 'requirements'
  | 'pyproject'
  | 'pipfile-lock'
  | 'poetry-lock'
  | 'package-json'
  | 'package-lock';

export function manifestKind(fileName: string): ManifestKind | undefined {
  if (/^requirements[\w.-]*\.(txt|in)$/i.test(fileName)) return 'requirements';
  if (fileName === 'pyproject.toml') return 'pyproject';
  if (fileName === 'Pipfile.lock') return 'pipfile-lock';
  if (fileName === 'poetry.lock') return 'poetry-lock';
  if (fileName === 'package.json') return 'package-json';
  if (fileName === 'package-lock.json') return 'package-lock';
  return undefined;
}

/** Manifests are text a human or a locker wrote; past this many dependencies it is not one. */
const MAX_DEPS = 100_000;

export interface ParsedManifest {
  readonly dependencies: Dependency[];
  readonly errors: string[];
}

/** Parses one manifest's text; malformed input yields errors, never an exception. */
export function parseManifest(kind: ManifestKind, text: string, file: string): ParsedManifest {
  const errors: string[] = [];
  let deps: Dependency[] = [];
  try {
    switch (kind) {
      case 'requirements':
        deps = parseRequirements(text, file, errors);
        break;
      case 'pyproject':
        deps = parsePyproject(text, file, errors);
        break;
      case 'pipfile-lock':
        deps = parsePipfileLock(text, file);
        break;
      case 'poetry-lock':
        deps = parsePoetryLock(text, file);
        break;
      case 'package-json':
        deps = parsePackageJson(text, file);
        break;
      case 'package-lock':
        deps = parsePackageLock(text, file);
        break;
    }
  } catch (e) {
    errors.push(`${file}: ${(e as Error).message}`);
  }
  return { dependencies: deps.slice(0, MAX_DEPS), errors };
}

const PEP508 = /^([A-Za-z0-9](?:[A-Za-z0-9._-]{0,200}[A-Za-z0-9])?)\s*(\[[^\]]{0,500}\])?\s*(.*)$/s;

/** One PEP 508 requirement string: name, extras, version specifiers or URL, markers. */
export function parsePep508(req: string, file: string, line?: number): Dependency | undefined {
  const m = PEP508.exec(req.trim());
  if (m === null) return undefined;
  let rest = (m[3] ?? '').split(';')[0]!.trim();
  if (rest.startsWith('@')) rest = ''; // a direct URL reference names no version
  rest = rest.replace(/^\((.*)\)$/s, '$1').replace(/\s+/g, '');
  return dep('PyPI', m[1]!, rest, file, line);
}

function dep(ecosystem: Ecosystem, name: string, spec: string, file: string, line?: number): Dependency {
  const pin = ecosystem === 'PyPI' ? /^={2,3}([^,*=<>!~]+)$/.exec(spec) : /^=?v?(\d[^\s|<>=~^*x]*)$/.exec(spec);
  return {
    ecosystem,
    name: normalizeName(ecosystem, name),
    spec,
    ...(pin ? { pinned: pin[1]! } : {}),
    file,
    ...(line !== undefined ? { line } : {}),
  };
}

function parseRequirements(text: string, file: string, errors: string[]): Dependency[] {
  const out: Dependency[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let l = lines[i]!;
    while (l.endsWith('\\') && i + 1 < lines.length) l = l.slice(0, -1) + lines[++i];
    l = l.replace(/(^|\s)#.*$/, '').trim();
    if (l === '' || l.startsWith('-') || /^[a-z+]+:\/\//i.test(l) || l.startsWith('.') || l.startsWith('/')) continue;
    l = l.replace(/\s--hash[= ]\S+/g, '').trim();
    const d = parsePep508(l, file, start + 1);
    if (d === undefined) errors.push(`${file}:${start + 1}: cannot read requirement '${l.slice(0, 80)}'`);
    else out.push(d);
  }
  return out;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function parsePyproject(text: string, file: string, errors: string[]): Dependency[] {
  const t = parseToml(text) as Obj;
  const reqs: string[] = [];
  const project = isObj(t.project) ? t.project : {};
  reqs.push(...strings(project.dependencies));
  if (isObj(project['optional-dependencies'])) {
    for (const v of Object.values(project['optional-dependencies'])) reqs.push(...strings(v));
  }
  if (isObj(t['dependency-groups'])) for (const v of Object.values(t['dependency-groups'])) reqs.push(...strings(v));
  const out: Dependency[] = [];
  for (const r of reqs) {
    const d = parsePep508(r, file);
    if (d === undefined) errors.push(`${file}: cannot read requirement '${r.slice(0, 80)}'`);
    else out.push(d);
  }
  const poetry = isObj(t.tool) && isObj(t.tool.poetry) ? t.tool.poetry : undefined;
  if (poetry !== undefined) {
    const tables: Obj[] = [];
    if (isObj(poetry.dependencies)) tables.push(poetry.dependencies);
    if (isObj(poetry['dev-dependencies'])) tables.push(poetry['dev-dependencies']);
    if (isObj(poetry.group)) {
      for (const g of Object.values(poetry.group)) if (isObj(g) && isObj(g.dependencies)) tables.push(g.dependencies);
    }
    for (const table of tables) {
      for (const [name, v] of Object.entries(table)) {
        if (name.toLowerCase() === 'python') continue;
        const c = typeof v === 'string' ? v : isObj(v) && typeof v.version === 'string' ? v.version : '';
        out.push(dep('PyPI', name, poetryToPep440(c), file));
      }
    }
  }
  return out;
}

/** Poetry's `^`/`~`/bare-version constraints as PEP 440 specifiers. */
export function poetryToPep440(c: string): string {
  return c
    .split(',')
    .map((part) => {
      const p = part.trim();
      if (p === '' || p === '*') return '';
      const caret = /^\^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(p);
      if (caret) {
        const [maj, min, pat] = [Number(caret[1]), Number(caret[2] ?? 0), Number(caret[3] ?? 0)];
        const upper = maj > 0 ? `${maj + 1}.0.0` : min > 0 ? `0.${min + 1}.0` : `0.0.${pat + 1}`;
        return `>=${maj}.${min}.${pat},<${upper}`;
      }
      const tilde = /^~(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(p);
      if (tilde) {
        const [maj, min] = [Number(tilde[1]), tilde[2]];
        const upper = min === undefined ? `${maj + 1}.0.0` : `${maj}.${Number(min) + 1}.0`;
        return `>=${maj}.${min ?? 0}.${tilde[3] ?? 0},<${upper}`;
      }
      if (/^\d[\w.]*$/.test(p)) return `==${p}`;
      return p.replace(/\s+/g, '');
    })
    .filter((p) => p !== '')
    .join(',');
}

function parsePipfileLock(text: string, file: string): Dependency[] {
  const j = JSON.parse(text) as Obj;
  const out: Dependency[] = [];
  for (const section of ['default', 'develop']) {
    const s = j[section];
    if (!isObj(s)) continue;
    for (const [name, v] of Object.entries(s)) {
      const version = isObj(v) && typeof v.version === 'string' ? v.version : '';
      out.push(dep('PyPI', name, version, file));
    }
  }
  return out;
}

function parsePoetryLock(text: string, file: string): Dependency[] {
  const t = parseToml(text) as Obj;
  const pkgs = Array.isArray(t.package) ? t.package : [];
  return pkgs.flatMap((p) =>
    isObj(p) && typeof p.name === 'string' && typeof p.version === 'string'
      ? [dep('PyPI', p.name, `==${p.version}`, file)]
      : [],
  );
}

function parsePackageJson(text: string, file: string): Dependency[] {
  const j = JSON.parse(text) as Obj;
  const out: Dependency[] = [];
  for (const k of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    const s = j[k];
    if (!isObj(s)) continue;
    for (const [name, v] of Object.entries(s)) {
      // git/file/npm-alias/workspace specifiers name no registry version.
      if (typeof v === 'string' && !/^(?:[a-z+]+:|[./~]|github:|\w+\/\w+)/i.test(v.trim())) {
        out.push(dep('npm', name, v.trim(), file));
      }
    }
  }
  return out;
}

function parsePackageLock(text: string, file: string): Dependency[] {
  const j = JSON.parse(text) as Obj;
  if (!isObj(j.packages)) return [];
  const out: Dependency[] = [];
  for (const [path, v] of Object.entries(j.packages)) {
    const at = path.lastIndexOf('node_modules/');
    if (at < 0 || !isObj(v) || typeof v.version !== 'string') continue;
    out.push(dep('npm', path.slice(at + 'node_modules/'.length), v.version, file));
  }
  return out;
}
