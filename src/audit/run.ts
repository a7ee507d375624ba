/**
 * `warden audit`: discovers what a project holds and runs every applicable scanner over it — the
 * model engine (src/io/scan-files), the data module (src/io/data-reader), dependency advisories
 * (src/supply/advisories, as `warden deps`) and the audit's own code checks — into one report.
 * Each part keeps its own rules; this module only routes files and merges results. One bad file
 * never stops the audit: it becomes an error target.
 */
import { availableParallelism } from 'node:os';
import { basename, relative, resolve, sep } from 'node:path';
import { compareFindings, type Finding } from '../core/finding.js';
import type { Limits } from '../core/limits.js';
import type { TargetResult } from '../core/target.js';
import { scanDataFiles } from '../io/data-reader.js';
import { type FilesReport, scanFiles } from '../io/scan-files.js';
import { walk } from '../io/walk.js';
import { auditDependencies } from '../supply/advisories/audit.js';
import { compareVersions, rangeVerdict } from '../supply/advisories/versions.js';
import type { DeclaredDependency as Dependency } from '../supply/manifests/index.js';
import { classify, type FileKind, type InventoryEntry, type Routing, SKIPPED_DIRS } from './classify.js';
import type { CodeFile } from './code-files.js';
import { type CodeResult, runCodeChecks } from './code-pool.js';
import type { WireContext } from './code-pool-types.js';

export interface AuditOptions {
  readonly cwd: string;
  readonly exclude?: readonly string[];
  readonly limits: Limits;
  /** Worker threads for the model engine (default: cores). */
  readonly concurrency?: number;
  /** Called as each phase starts and as files finish. */
  readonly onProgress?: (p: AuditProgress) => void;
}

export interface AuditProgress {
  readonly phase: 'discover' | 'dependencies' | 'models' | 'data' | 'code';
  readonly done: number;
  readonly total: number;
}

export interface AuditReport extends FilesReport {
  /** The audited folder as given. */
  readonly root: string;
  /** Files and bytes per kind of content. */
  readonly inventory: Readonly<Partial<Record<FileKind, InventoryEntry>>>;
  readonly dependencies: number;
  /** Problems that did not belong to one file (a manifest that would not parse). */
  readonly errors: readonly string[];
}

function inventoryOf(files: readonly { size: number; routing: Routing }[]): Partial<Record<FileKind, InventoryEntry>> {
  const out: Partial<Record<FileKind, InventoryEntry>> = {};
  for (const f of files) {
    const prev = out[f.routing.kind] ?? { files: 0, bytes: 0 };
    out[f.routing.kind] = { files: prev.files + 1, bytes: prev.bytes + f.size };
  }
  return out;
}

const TORCH_SAFE_DEFAULT = [{ introduced: '0', fixed: '2.6.0' }];

/** True when a manifest lets torch resolve only to releases where `torch.load` unpickles by default. */
export function torchBefore26(deps: readonly Dependency[]): boolean {
  return deps.some(
    (d) =>
      d.ecosystem === 'PyPI' &&
      d.name.toLowerCase() === 'torch' &&
      (d.pinned !== undefined
        ? (compareVersions('PyPI', d.pinned, '2.6.0') ?? 0) < 0
        : d.spec !== '' && rangeVerdict('PyPI', d.spec, TORCH_SAFE_DEFAULT) === 'all-affected'),
  );
}

const STATUS_ORDER: readonly TargetResult['status'][] = ['error', 'partial', 'ok', 'skipped'];

/**
 * One target per file: a notebook checked as data and as code, or a manifest checked for advisories
 * and for secrets, is one file in the counts. Formats are joined (`code/notebook+data/notebook`),
 * the worst status wins, bytes read are the largest of the passes.
 */
export function mergeTargets(targets: readonly TargetResult[]): TargetResult[] {
  const byFile = new Map<string, TargetResult>();
  const out: TargetResult[] = [];
  for (const t of targets) {
    if (t.member !== undefined) {
      out.push(t);
      continue;
    }
    const prev = byFile.get(t.path);
    if (!prev) {
      byFile.set(t.path, t);
      continue;
    }
    const worst = STATUS_ORDER.indexOf(t.status) < STATUS_ORDER.indexOf(prev.status) ? t : prev;
    const error = worst.error ?? prev.error ?? t.error;
    byFile.set(t.path, {
      ...prev,
      format: prev.format.split('+').includes(t.format) ? prev.format : `${prev.format}+${t.format}`,
      status: worst.status,
      ...(error ? { error } : {}),
      bytesRead: Math.max(prev.bytesRead, t.bytesRead),
      ...(prev.durationMs !== undefined || t.durationMs !== undefined
        ? { durationMs: (prev.durationMs ?? 0) + (t.durationMs ?? 0) }
        : {}),
    });
  }
  return [...byFile.values(), ...out];
}

function displayOf(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel === '' ? '.' : rel.startsWith('..') ? abs : rel.split(sep).join('/');
}

export async function runAudit(root: string, opts: AuditOptions): Promise<AuditReport> {
  const startedAt = new Date();
  const t0 = performance.now();
  const progress = opts.onProgress ?? (() => {});
  progress({ phase: 'discover', done: 0, total: 0 });
  const { files, problems } = await walk([root], {
    cwd: opts.cwd,
    exclude: [...SKIPPED_DIRS, ...(opts.exclude ?? [])],
  });
  const routed = files.map((f) => ({ ...f, routing: classify(f.displayPath, f.siblings) }));
  const targets: TargetResult[] = problems.map((p) => ({
    path: p.displayPath,
    format: 'unknown',
    status: 'error',
    error: { code: p.code, message: p.message },
    sizeBytes: 0,
    bytesRead: 0,
  }));
  const findings: Finding[] = [];
  const errors: string[] = [];

  // Dependencies first: which torch the project allows changes how `torch.load` calls are rated.
  const manifests = routed.filter((f) => f.routing.deps);
  const dependencies: Dependency[] = [];
  for (const [i, m] of manifests.entries()) {
    progress({ phase: 'dependencies', done: i, total: manifests.length });
    const started = performance.now();
    try {
      const r = await auditDependencies(m.absPath);
      dependencies.push(...r.dependencies);
      for (const f of r.findings) findings.push({ ...f, path: displayOf(resolve(opts.cwd, f.path), opts.cwd) });
      errors.push(...r.errors.map((e) => e.replace(m.absPath, m.displayPath)));
      targets.push({
        path: m.displayPath,
        format: `deps/${basename(m.absPath)}`,
        status: r.errors.length > 0 ? 'partial' : 'ok',
        sizeBytes: m.size,
        bytesRead: m.size,
        durationMs: Math.round(performance.now() - started),
      });
    } catch (e) {
      targets.push({
        path: m.displayPath,
        format: 'deps',
        status: 'error',
        error: { code: 'io_error', message: e instanceof Error ? e.message : String(e) },
        sizeBytes: m.size,
        bytesRead: 0,
      });
    }
  }

  const dirs = new Set<string>();
  for (const f of routed) {
    const parts = f.displayPath.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const wire: WireContext = {
    torchBefore26: torchBefore26(dependencies),
    dirs: [...dirs],
    root: displayOf(resolve(opts.cwd, root), opts.cwd),
  };

  // The model engine runs on worker threads while the main thread does data and code.
  const modelFiles = routed.filter((f) => f.routing.model);
  const models = scanFiles(
    modelFiles.map((f) => f.absPath),
    {
      cwd: opts.cwd,
      exclude: [],
      limits: opts.limits,
      ...(opts.concurrency === undefined ? {} : { concurrency: opts.concurrency }),
      onProgress: (p) => progress({ phase: 'models', done: p.filesDone, total: p.filesTotal }),
    },
  );
  // Keep the promise observed: a rejection while data and code run must not go unhandled.
  models.catch(() => {});

  const codeFiles: CodeFile[] = routed.flatMap((f) =>
    f.routing.code ? [{ absPath: f.absPath, displayPath: f.displayPath, size: f.size, lang: f.routing.code }] : [],
  );
  const codeResults: CodeResult[] = new Array(codeFiles.length);
  let codeDone = 0;
  progress({ phase: 'code', done: 0, total: codeFiles.length });
  // Code checks run on their own workers (large projects) while the main thread scans data.
  const code = runCodeChecks(codeFiles, wire, opts.concurrency ?? availableParallelism(), (i, r) => {
    codeResults[i] = r;
    progress({ phase: 'code', done: ++codeDone, total: codeFiles.length });
  });
  code.catch(() => {});

  const dataAll = routed.filter((f) => f.routing.data === 'all').map((f) => f.absPath);
  const dataSecrets = routed.filter((f) => f.routing.data === 'secrets').map((f) => f.absPath);
  let dataDone = 0;
  const onFile = () => progress({ phase: 'data', done: ++dataDone, total: dataAll.length + dataSecrets.length });
  for (const [paths, kinds] of [
    [dataAll, undefined],
    [dataSecrets, ['secret'] as const],
  ] as const) {
    if (paths.length === 0) continue;
    const r = await scanDataFiles(paths, { cwd: opts.cwd, onFile, ...(kinds ? { kinds } : {}) });
    targets.push(...r.targets.filter((t) => t.status !== 'skipped'));
    findings.push(...r.findings);
  }

  await code;
  for (const r of codeResults) {
    if (!r) continue;
    targets.push(r.target);
    findings.push(...r.findings);
  }

  const m = await models;
  targets.push(...m.targets);
  findings.push(...m.findings);
  findings.sort(compareFindings);
  return {
    root,
    targets: mergeTargets(targets),
    findings,
    metadata: m.metadata,
    inventory: inventoryOf(routed),
    dependencies: dependencies.length,
    errors,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
  };
}
