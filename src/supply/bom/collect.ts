import { open, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Finding } from '../../core/finding.js';
import type { Limits } from '../../core/limits.js';
import type { TargetResult } from '../../core/target.js';
import { scanFiles } from '../../io/scan-files.js';
import { toHex } from '../hashing/algorithms.js';
import { hashJobs } from '../hashing/hash-engine.js';
import { type DeclaredDependency, manifestKind, parseManifest } from '../manifests/index.js';
import { classifyFile, verdictOf } from './classify.js';
import { mergeDependencies } from './dependencies.js';
import { applyConfig, applyFileMetadata, applyGenerationConfig } from './facts.js';
import { emptyFacts, readModelCard } from './model-card.js';
import type { BomFile, BomInventory } from './types.js';

export interface CollectOptions {
  readonly cwd: string;
  readonly limits: Limits;
  readonly tool: { readonly name: string; readonly version: string };
  readonly concurrency?: number;
  readonly exclude?: readonly string[];
  readonly now?: Date;
}

/** Vendored trees describe other projects; the manifests that pull them in are what counts. */
export const DEFAULT_BOM_EXCLUDES = ['**/node_modules/**', '**/.venv/**', '**/venv/**', '**/__pycache__/**'];
const SMALL_TEXT_CAP = 4 * 1024 * 1024;

/**
 * Gathers everything a bill of materials says about a folder (or one file): every file with its
 * SHA-256, format and scan verdict (the scanner runs on each), what the model card and configs
 * declare, and the dependencies the project's manifests declare.
 */
export async function collectInventory(target: string, opts: CollectOptions): Promise<BomInventory> {
  const abs = resolve(opts.cwd, target);
  const st = await stat(abs);
  const root = st.isDirectory() ? abs : dirname(abs);
  const report = await scanFiles([st.isDirectory() ? '.' : basename(abs)], {
    cwd: root,
    exclude: opts.exclude ?? DEFAULT_BOM_EXCLUDES,
    limits: opts.limits,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
  });
  const tops = report.targets.filter((t) => t.member === undefined && t.error?.code !== 'excluded');
  const byPath = new Map<string, Finding[]>();
  for (const f of report.findings) byPath.set(f.path, [...(byPath.get(f.path) ?? []), f]);

  const digests = await hashJobs(
    tops.map((t) => ({ path: join(root, t.path), start: 0, end: t.sizeBytes })),
    'sha256',
    opts.concurrency ? { concurrency: opts.concurrency } : {},
  );
  let newest = 0;
  const files: BomFile[] = [];
  for (const [i, t] of tops.entries()) {
    const d = digests[i];
    const mtime = await stat(join(root, t.path)).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    newest = Math.max(newest, mtime);
    files.push(
      bomFile(t, byPath.get(t.path) ?? [], report.metadata.get(t.path), d instanceof Uint8Array ? toHex(d) : undefined),
    );
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const model = emptyFacts();
  const readme = files.find((f) => /^readme\.md$/i.test(f.path));
  if (readme) readModelCard(await readText(join(root, readme.path)), model);
  const config = await readJson(root, files, 'config.json');
  if (config) applyConfig(config, model);
  const gen = await readJson(root, files, 'generation_config.json');
  if (gen) applyGenerationConfig(gen, model);
  for (const f of files) if (f.kind === 'model') applyFileMetadata(f, model);
  model.name ??= basename(abs);

  const declared: DeclaredDependency[] = [];
  for (const f of files) {
    const kind = manifestKind(f.path.split('/').pop() ?? f.path);
    if (kind === undefined) continue;
    if (f.size > SMALL_TEXT_CAP) {
      model.notes.push(`could not read ${f.path}: too large for a dependency manifest`);
      continue;
    }
    const { dependencies, errors } = parseManifest(kind, await readText(join(root, f.path)), f.path);
    declared.push(...dependencies);
    for (const e of errors.slice(0, 20)) model.notes.push(`could not read ${e}`);
  }
  const now = opts.now ?? new Date();
  return {
    rootName: basename(abs),
    files,
    dependencies: mergeDependencies(declared),
    model,
    tool: opts.tool,
    generatedAt: now.toISOString(),
    newestFileTime: new Date(newest || now.getTime()).toISOString(),
  };
}

function bomFile(
  t: TargetResult,
  findings: readonly Finding[],
  metadata: Readonly<Record<string, unknown>> | undefined,
  sha256: string | undefined,
): BomFile {
  return {
    path: t.path,
    size: t.sizeBytes,
    ...(sha256 ? { sha256 } : {}),
    format: t.format,
    kind: classifyFile(t.path, t.format, metadata),
    verdict: verdictOf(t, findings),
    ...(metadata ? { metadata } : {}),
  };
}

async function readJson(
  root: string,
  files: readonly BomFile[],
  name: string,
): Promise<Record<string, unknown> | undefined> {
  const f = files.find((x) => x.path === name);
  if (!f || f.size > SMALL_TEXT_CAP) return undefined;
  try {
    const v = JSON.parse(await readText(join(root, f.path))) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads at most SMALL_TEXT_CAP bytes: a hostile README must not cost gigabytes. */
async function readText(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(SMALL_TEXT_CAP, (await fh.stat()).size));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}
