import type { ByteSource } from '../core/byte-source.js';
import { type Finding, joinMember } from '../core/finding.js';
import type { Limits } from '../core/limits.js';
import { type ParseError, ParseFailure } from '../core/result.js';
import { findingOf } from '../core/rule.js';
import type { TargetResult } from '../core/target.js';
import { ENGINE_RULES } from './engine-rules.js';
import type { FormatScanner, Member, ScanOutcome } from './types.js';

const HEAD_BYTES = 4096;

export interface EngineOptions {
  readonly limits: Limits;
  readonly scanners: readonly FormatScanner[];
  readonly signal: AbortSignal;
}

/** Where a source sits: the file it came from and the archive path inside it. */
export interface SourceLocation {
  readonly path: string;
  readonly member?: string;
  /** Base name used by name-keyed ecosystem files (config.json, MLmodel). */
  readonly name: string;
  readonly siblings: readonly string[];
  /** Format a container vouched for, bypassing sniffing. */
  readonly format?: string;
}

export interface SourceScan {
  readonly targets: TargetResult[];
  readonly findings: Finding[];
  /** Per-target metadata a scanner reported, keyed like `path!member`. */
  readonly metadata: Map<string, Readonly<Record<string, unknown>>>;
}

/**
 * Scans one source and, recursively, every member its container scanner hands back.
 * Pure: it never opens files, so a local file, an archive member and an HTTP range scan alike.
 * One scanner failing (even throwing) is recorded against that target only.
 */
export async function scanSource(src: ByteSource, at: SourceLocation, opts: EngineOptions): Promise<SourceScan> {
  const out: SourceScan = { targets: [], findings: [], metadata: new Map() };
  const budget = { members: 0 };
  await visit(src, at, 0, opts, out, budget);
  return out;
}

export function pickScanner(
  scanners: readonly FormatScanner[],
  head: Uint8Array,
  size: number,
  name: string,
  hint?: string,
): FormatScanner | undefined {
  if (hint !== undefined) {
    const byId = scanners.find((s) => s.id === hint);
    if (byId) return byId;
  }
  for (const s of scanners) {
    try {
      if (s.sniff({ head, size, name })) return s;
    } catch {
      // A sniffer that throws on odd bytes simply does not claim the file.
    }
  }
  return undefined;
}

async function visit(
  src: ByteSource,
  at: SourceLocation,
  depth: number,
  opts: EngineOptions,
  out: SourceScan,
  budget: { members: number },
): Promise<void> {
  const started = performance.now();
  const readBefore = src.bytesRead;
  const base = { path: at.path, ...(at.member === undefined ? {} : { member: at.member }), sizeBytes: src.size };
  const finish = (format: string, status: TargetResult['status'], error?: TargetResult['error']) => {
    out.targets.push({
      ...base,
      format,
      status,
      ...(error ? { error } : {}),
      bytesRead: src.bytesRead - readBefore,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
  };

  let head: Uint8Array;
  try {
    head = await src.read(0, HEAD_BYTES);
  } catch (e) {
    finish('unknown', 'error', { code: 'io_error', message: errorMessage(e) });
    return;
  }
  const scanner = pickScanner(opts.scanners, head, src.size, at.name, at.format);
  if (!scanner) {
    finish('unknown', 'skipped', { code: 'unknown_format', message: 'no scanner recognised this content' });
    return;
  }

  const ctx = {
    path: at.path,
    ...(at.member === undefined ? {} : { member: at.member }),
    limits: opts.limits,
    depth,
    signal: opts.signal,
    siblings: at.siblings,
  };
  let outcome: ScanOutcome;
  try {
    outcome = await scanner.scan(src, ctx);
  } catch (e) {
    if (e instanceof ParseFailure) {
      // An expected failure that escaped the scanner (a remote read hitting its transfer cap, a
      // lost connection): reported by its code, not as a scanner bug. Nothing of the target was judged: status error.
      out.findings.push(errorFinding(e.error, at));
      finish(scanner.id, 'error', e.error);
      return;
    }
    // A scanner must not throw; if one does, the file is still reported, never silently passed.
    const message = `${scanner.id} scanner failed: ${errorMessage(e)}`;
    out.findings.push(engineFinding('scan/internal-error', at, message));
    finish(scanner.id, 'error', { code: 'internal', message });
    return;
  }

  out.findings.push(...outcome.findings);
  if (outcome.metadata) out.metadata.set(at.member ? `${at.path}!${at.member}` : at.path, outcome.metadata);

  const members = outcome.members ?? [];
  if (outcome.error) {
    if (outcome.findings.length === 0) out.findings.push(errorFinding(outcome.error, at));
    const partial = outcome.findings.length > 0 || members.length > 0 || outcome.error.code === 'limit_exceeded';
    finish(scanner.id, partial ? 'partial' : 'error', outcome.error);
  } else {
    finish(scanner.id, 'ok');
  }

  for (const m of members) {
    if (opts.signal.aborted) {
      out.findings.push(
        engineFinding('scan/limit-exceeded', at, 'time budget exhausted before every member was scanned'),
      );
      return;
    }
    const memberPath = joinMember(at.member, m.name);
    if (depth + 1 > opts.limits.maxNesting) {
      out.findings.push(
        engineFinding(
          'scan/limit-exceeded',
          { ...at, member: memberPath },
          `archive nesting deeper than ${opts.limits.maxNesting} levels; member not scanned`,
        ),
      );
      continue;
    }
    if (++budget.members > opts.limits.maxMembers) {
      out.findings.push(
        engineFinding(
          'scan/limit-exceeded',
          at,
          `more than ${opts.limits.maxMembers} archive members; the rest were not scanned`,
        ),
      );
      return;
    }
    await visit(m.source, memberLocation(at, m, memberPath), depth + 1, opts, out, budget);
  }
}

function memberLocation(at: SourceLocation, m: Member, memberPath: string): SourceLocation {
  const name = m.name.split('/').pop() ?? m.name;
  return { path: at.path, member: memberPath, name, siblings: [], ...(m.format ? { format: m.format } : {}) };
}

function errorFinding(error: ParseError, at: SourceLocation): Finding {
  const id = error.code === 'limit_exceeded' || error.code === 'timeout' ? 'scan/limit-exceeded' : 'scan/parse-error';
  return engineFinding(id, at, error.message, error.offset);
}

function engineFinding(id: keyof typeof ENGINE_RULES, at: SourceLocation, message: string, offset?: number): Finding {
  return findingOf(ENGINE_RULES[id], {
    path: at.path,
    ...(at.member === undefined ? {} : { member: at.member }),
    ...(offset === undefined ? {} : { offset }),
    message,
    scanner: 'engine',
  });
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
