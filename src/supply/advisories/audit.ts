import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { compareFindings, type Finding } from '../../core/finding.js';
import { type DeclaredDependency, manifestKind, parseManifest } from '../manifests/index.js';
import { indexAdvisories, matchDependencies } from './match.js';
import { ADVISORIES_AS_OF, ML_ADVISORIES } from './ml-advisories.js';
import { loadOsv } from './osv-load.js';
import type { Advisory } from './types.js';

export interface DepsAuditOptions {
  /** OSV sources: folders of JSON records or zips (osv-scanner's all.zip). */
  readonly osv?: readonly string[];
  /** Leave out the curated ML advisory set (only OSV data then). */
  readonly noBuiltin?: boolean;
}

export interface DepsAudit {
  readonly findings: Finding[];
  readonly manifests: string[];
  readonly dependencies: DeclaredDependency[];
  readonly advisories: {
    readonly builtin: number;
    readonly osv: number;
    readonly osvRecords: number;
    readonly asOf: string;
  };
  readonly errors: string[];
}

/** Folders that hold installed code, not declarations; walking them would be slow and noisy. */
const SKIP_DIRS = new Set(['node_modules', '.git', '.venv', 'venv', '__pycache__', 'site-packages', '.tox', 'dist']);
const MAX_DEPTH = 6;
const MAX_MANIFEST_BYTES = 32 << 20;

/** Finds dependency manifests under a folder (or takes one file) and matches them against advisories. */
export async function auditDependencies(path: string, opts: DepsAuditOptions = {}): Promise<DepsAudit> {
  const errors: string[] = [];
  const manifests = await findManifests(path, errors);
  const dependencies: DeclaredDependency[] = [];
  for (const m of manifests) {
    const kind = manifestKind(basename(m))!;
    if ((await stat(m)).size > MAX_MANIFEST_BYTES) {
      errors.push(`${m}: too large for a dependency manifest`);
      continue;
    }
    const parsed = parseManifest(kind, await readFile(m, 'utf8'), m);
    dependencies.push(...parsed.dependencies);
    errors.push(...parsed.errors);
  }
  const osv: Advisory[] = [];
  let osvRecords = 0;
  for (const src of opts.osv ?? []) {
    const loaded = await loadOsv(src);
    osv.push(...loaded.advisories);
    osvRecords += loaded.records;
    errors.push(...loaded.errors.slice(0, 50));
  }
  const builtin = opts.noBuiltin ? [] : ML_ADVISORIES;
  const findings = matchDependencies(dependencies, indexAdvisories([builtin, osv])).sort(compareFindings);
  return {
    findings,
    manifests,
    dependencies,
    advisories: { builtin: builtin.length, osv: osv.length, osvRecords, asOf: ADVISORIES_AS_OF },
    errors,
  };
}

async function findManifests(path: string, errors: string[]): Promise<string[]> {
  const st = await stat(path);
  if (st.isFile()) {
    if (manifestKind(basename(path)) === undefined) errors.push(`${path}: not a dependency manifest this tool reads`);
    return manifestKind(basename(path)) ? [path] : [];
  }
  const out: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      errors.push(`${dir}: ${(e as Error).message}`);
      return;
    }
    for (const d of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, d.name);
      if (d.isDirectory() && depth < MAX_DEPTH && !SKIP_DIRS.has(d.name)) await walk(p, depth + 1);
      else if (d.isFile() && manifestKind(d.name) !== undefined) out.push(p);
    }
  };
  await walk(path, 0);
  return out;
}
