import type { Finding } from '../core/finding.js';
import type { Limits } from '../core/limits.js';
import { findingOf } from '../core/rule.js';
import type { TargetResult } from '../core/target.js';
import { scanSource } from '../scan/engine.js';
import { ENGINE_RULES } from '../scan/engine-rules.js';
import { SCANNERS } from '../scan/registry.js';
import { FileSource } from './file-source.js';
import type { WalkEntry } from './walk.js';

/** The result of one file on disk, in a shape that crosses a worker boundary. */
export interface FileScan {
  readonly targets: TargetResult[];
  readonly findings: Finding[];
  readonly metadata: [string, Readonly<Record<string, unknown>>][];
}

export async function scanFile(entry: WalkEntry, limits: Limits): Promise<FileScan> {
  const path = entry.displayPath;
  if (limits.maxFileSize > 0 && entry.size > limits.maxFileSize) {
    const message = `file is ${entry.size} bytes, over --max-file-size ${limits.maxFileSize}; not scanned`;
    return {
      targets: [
        {
          path,
          format: 'unknown',
          status: 'skipped',
          error: { code: 'too_large', message },
          sizeBytes: entry.size,
          bytesRead: 0,
        },
      ],
      findings: [findingOf(ENGINE_RULES['scan/too-large'], { path, message, scanner: 'engine' })],
      metadata: [],
    };
  }
  let src: FileSource;
  try {
    // The results are strings and numbers: the read memory can be reused for the next file.
    src = await FileSource.open(entry.absPath, { reuseMemory: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission' : 'io_error';
    const message = e instanceof Error ? e.message : String(e);
    return {
      targets: [
        { path, format: 'unknown', status: 'error', error: { code, message }, sizeBytes: entry.size, bytesRead: 0 },
      ],
      findings: [],
      metadata: [],
    };
  }
  try {
    const name = entry.absPath.split(/[\\/]/).pop() ?? entry.absPath;
    const result = await scanSource(
      src,
      { path, name, siblings: entry.siblings },
      { limits, scanners: SCANNERS, signal: AbortSignal.timeout(limits.timeBudgetMs) },
    );
    // The top-level target reports every byte read from the file, members included.
    const [top, ...rest] = result.targets;
    const targets = top ? [{ ...top, bytesRead: src.bytesRead }, ...rest] : rest;
    return { targets, findings: result.findings, metadata: [...result.metadata] };
  } finally {
    await src.close();
  }
}
