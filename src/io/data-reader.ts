import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { compareFindings, type Finding } from '../core/finding.js';
import type { ScanReport, TargetResult } from '../core/target.js';
import type { DataSink } from '../data/formats/context.js';
import { sniffDataFormat } from '../data/formats/sniff.js';
import { type DataScanOptions, REDACTABLE, scanDataSource } from '../data/scan.js';
import { scanInParts } from './data-parallel.js';
import { FileSource } from './file-source.js';
import { walk } from './walk.js';

export interface DataScanFilesOptions extends Omit<DataScanOptions, 'redactTo'> {
  readonly cwd: string;
  readonly exclude?: readonly string[];
  /** Write sanitized copies: a file (one input file) or a folder mirroring the inputs. */
  readonly redactOut?: string;
  readonly onFile?: (path: string) => void;
  /** Worker threads for one large CSV/TSV/JSONL file (default: cores); 1 scans on this thread. */
  readonly concurrency?: number;
  /** Files from this size are split across threads (default 64 MiB). */
  readonly parallelMinBytes?: number;
}

export interface DataFilesReport extends ScanReport {
  /** Sanitized copies written, as [input display path, output absolute path]. */
  readonly redacted: ReadonlyArray<readonly [string, string]>;
  readonly bytes: number;
}

/** A file sink written to a temporary name and renamed on success, so no half copy is left. */
export class FileSink implements DataSink {
  private readonly stream;
  private readonly tmp: string;
  constructor(private readonly target: string) {
    this.tmp = `${target}.${process.pid}.partial`;
    this.stream = createWriteStream(this.tmp);
  }
  write(chunk: string | Uint8Array): Promise<void> {
    return new Promise((res, rej) => {
      if (this.stream.write(chunk)) res();
      else this.stream.once('drain', res).once('error', rej);
    });
  }
  async commit(): Promise<void> {
    await new Promise<void>((res, rej) => this.stream.end((e?: Error | null) => (e ? rej(e) : res())));
    await rename(this.tmp, this.target);
  }
  async abort(): Promise<void> {
    this.stream.destroy();
    await rm(this.tmp, { force: true });
  }
}

/**
 * Walks the paths and scans each file for secrets and personal data (the file system side of
 * `warden data scan`). Files are read through FileSource in blocks; the input is never written.
 */
export async function scanDataFiles(paths: readonly string[], opts: DataScanFilesOptions): Promise<DataFilesReport> {
  const startedAt = new Date();
  const t0 = performance.now();
  const { files, problems } = await walk(paths, { cwd: opts.cwd, exclude: opts.exclude ?? [] });
  const targets: TargetResult[] = problems.map((p) => ({
    path: p.displayPath,
    format: 'unknown',
    status: 'error',
    error: { code: p.code, message: p.message },
    sizeBytes: 0,
    bytesRead: 0,
  }));
  const findings: Finding[] = [];
  const redacted: Array<readonly [string, string]> = [];
  const outRoot = opts.redactOut ? resolve(opts.cwd, opts.redactOut) : undefined;
  const inputs = new Set(files.map((f) => f.absPath));
  const singleFile = files.length === 1 && paths.length === 1 && resolve(opts.cwd, paths[0]!) === files[0]?.absPath;
  let bytes = 0;

  for (const f of files) {
    opts.onFile?.(f.displayPath);
    const started = performance.now();
    let src: FileSource;
    try {
      src = await FileSource.open(f.absPath);
    } catch (e) {
      targets.push({
        path: f.displayPath,
        format: 'unknown',
        status: 'error',
        error: { code: 'io_error', message: String(e) },
        sizeBytes: f.size,
        bytesRead: 0,
      });
      continue;
    }
    let sink: FileSink | undefined;
    let target: string | undefined;
    try {
      const format = opts.format ?? sniffDataFormat(basename(f.absPath), await src.read(0, 8192));
      if (outRoot) {
        if (REDACTABLE.has(format)) {
          target = singleFile ? outRoot : join(outRoot, relative(opts.cwd, f.absPath).replace(/^(\.\.[/\\])+/, ''));
          if (inputs.has(target))
            throw new Error(`refusing to overwrite an input file with its redacted copy: ${target}`);
          await mkdir(dirname(target), { recursive: true });
          sink = new FileSink(target);
        }
      }
      const parallel =
        !sink &&
        (format === 'csv' || format === 'tsv' || format === 'jsonl') &&
        src.size >= (opts.parallelMinBytes ?? 64 << 20)
          ? await scanInParts(
              src,
              {
                absPath: f.absPath,
                displayPath: f.displayPath,
                format,
                ...(opts.minScore === undefined ? {} : { minScore: opts.minScore }),
                ...(opts.kinds ? { kinds: opts.kinds } : {}),
                ...(opts.limits ? { limits: opts.limits } : {}),
              },
              opts.concurrency ?? availableParallelism(),
              opts.parallelMinBytes,
            )
          : undefined;
      const r =
        parallel ??
        (await scanDataSource(
          src,
          { path: f.displayPath, name: basename(f.absPath) },
          {
            ...opts,
            format,
            ...(sink ? { redactTo: sink } : {}),
          },
        ));
      findings.push(...r.findings);
      bytes += r.stats.bytes;
      if (sink && target && r.redacted && !r.error) {
        await sink.commit();
        redacted.push([f.displayPath, target]);
      } else await sink?.abort();
      targets.push({
        path: f.displayPath,
        format: `data/${r.format}`,
        status: r.format === 'binary' ? 'skipped' : r.error ? (r.findings.length ? 'partial' : 'error') : 'ok',
        ...(r.error
          ? { error: r.error }
          : r.format === 'binary'
            ? { error: { code: 'unknown_format', message: 'binary file, not a data format' } }
            : {}),
        sizeBytes: f.size,
        bytesRead: src.bytesRead,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      });
    } catch (e) {
      await sink?.abort();
      targets.push({
        path: f.displayPath,
        format: 'unknown',
        status: 'error',
        error: { code: 'io_error', message: e instanceof Error ? e.message : String(e) },
        sizeBytes: f.size,
        bytesRead: src.bytesRead,
      });
    } finally {
      await src.close();
    }
  }
  findings.sort(compareFindings);
  return {
    targets,
    findings,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    redacted,
    bytes,
  };
}
