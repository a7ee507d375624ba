import zlib from 'node:zlib';
import { type ByteSource, MemorySource, SliceSource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import { ParseFailure, parseError } from '../../core/result.js';
import type { Rule } from '../../core/rule.js';
import type { Member, ScanContext, ScanOutcome } from '../types.js';
import { capsOf, type Decompressed } from './caps.js';
import { decoderFor } from './codecs.js';
import { unzipLzmaCapped } from './decoders.js';
import { decompressionFindings } from './decompress-findings.js';
import { findingAt, traversalName } from './finding-at.js';
import { inflateRawCapped } from './inflate.js';
import { ARCHIVE_RULES, ZIP_RULES } from './rules.js';
import { readZip, type ZipAnomalyKind, type ZipDirectory, type ZipEntry } from './zip-reader.js';

/** What a layout (PyTorch, TorchScript, npz …) decides for one member. */
export interface EntryDecision {
  /** Not handed to the engine (e.g. raw tensor storages a loader never parses). */
  readonly skip?: boolean;
  /** Known format, bypassing sniffing. */
  readonly format?: string;
}

export interface ZipLayout {
  decide(e: ZipEntry): EntryDecision;
  readonly findings: readonly Finding[];
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Recognises a layout from the directory; may read small members through `src`. */
export type LayoutProbe = (src: ByteSource, dir: ZipDirectory, ctx: ScanContext) => Promise<ZipLayout | undefined>;

const ANOMALY_RULE: Record<ZipAnomalyKind, Rule> = {
  'name-mismatch': ZIP_RULES.nameMismatch,
  'header-mismatch': ZIP_RULES.headerMismatch,
  'hidden-entry': ZIP_RULES.hiddenEntry,
  overlap: ZIP_RULES.overlap,
  'prepended-data': ZIP_RULES.prepended,
  'trailing-data': ZIP_RULES.trailing,
  'unreferenced-data': ZIP_RULES.trailing,
  'multiple-eocd': ZIP_RULES.multipleEocd,
  'too-many-entries': ARCHIVE_RULES.tooMany,
  'duplicate-name': ZIP_RULES.duplicateName,
  'bad-local-header': ZIP_RULES.malformedEntry,
  'beyond-file': ZIP_RULES.malformedEntry,
};

const METHOD_NAMES: Record<number, string> = { 9: 'deflate64', 93: 'zstd', 98: 'ppmd', 99: 'aes' };
const MAX_ANOMALY_FINDINGS = 200;

/** Reads a zip, reports its structural anomalies and returns its members for the engine. Never throws. */
export async function scanZip(
  src: ByteSource,
  ctx: ScanContext,
  scanner: string,
  probes: readonly LayoutProbe[],
): Promise<ScanOutcome> {
  const findings: Finding[] = [];
  try {
    return await scanZipInner(src, ctx, scanner, probes, findings);
  } catch (e) {
    const error =
      e instanceof ParseFailure ? e.error : parseError('io_error', e instanceof Error ? e.message : String(e));
    return { findings, error };
  }
}

async function scanZipInner(
  src: ByteSource,
  ctx: ScanContext,
  scanner: string,
  probes: readonly LayoutProbe[],
  findings: Finding[],
): Promise<ScanOutcome> {
  const dir = await readZip(src, ctx.limits, ctx.signal);
  for (const a of dir.anomalies.slice(0, MAX_ANOMALY_FINDINGS)) {
    findings.push(
      findingAt(ANOMALY_RULE[a.kind], ctx, scanner, a.message, {
        entry: a.entry,
        offset: a.offset,
        evidence: a.evidence,
      }),
    );
  }
  let layout: ZipLayout | undefined;
  for (const probe of probes) {
    layout = await probe(src, dir, ctx);
    if (layout) break;
  }
  if (layout) findings.push(...layout.findings);
  const members: Member[] = [];
  let budget = ctx.limits.maxDecompressedBytes;
  for (const e of dir.entries) {
    if (ctx.signal.aborted) break;
    for (const n of new Set([e.name, e.localName ?? e.name])) {
      if (traversalName(n)) {
        findings.push(
          findingAt(ARCHIVE_RULES.pathTraversal, ctx, scanner, `member name "${n}" escapes the extraction folder`, {
            entry: e.name,
            evidence: n,
          }),
        );
      }
    }
    if (e.madeBy >> 8 === 3 && ((e.externalAttrs >>> 16) & 0o170000) === 0o120000) {
      findings.push(
        findingAt(ARCHIVE_RULES.link, ctx, scanner, `member "${e.name}" is a symbolic link`, { entry: e.name }),
      );
      continue;
    }
    if (e.dataOffset === undefined || (e.name.endsWith('/') && e.dataLength === 0)) continue;
    const decision = layout?.decide(e) ?? {};
    if (decision.skip) continue;
    const got = await memberSource(src, e, ctx, scanner, budget, findings);
    if (!got) continue;
    if (got.inflated) budget -= got.inflated;
    members.push({ name: e.name, source: got.source, ...(decision.format ? { format: decision.format } : {}) });
  }
  return {
    findings,
    members,
    ...(dir.error ? { error: dir.error } : {}),
    metadata: {
      entries: dir.entries.length,
      declaredEntries: dir.declaredEntries,
      zip64: dir.zip64,
      ...layout?.metadata,
    },
  };
}

/**
 * The bytes of one member: a lazy slice when stored, a capped decompression otherwise. The
 * encryption flag is ignored the way PyTorch's reader ignores it; whether the data really is
 * encrypted is settled by its CRC.
 */
async function memberSource(
  src: ByteSource,
  e: ZipEntry,
  ctx: ScanContext,
  scanner: string,
  budget: number,
  findings: Finding[],
): Promise<{ source: ByteSource; inflated?: number } | undefined> {
  const offset = e.dataOffset ?? 0;
  const encrypted = (e.flags & 0x41) !== 0;
  let r: Decompressed | undefined;
  let source: ByteSource;
  if (e.method === 0) {
    source = new SliceSource(src, offset, e.dataLength);
  } else if (e.method === 8) {
    r = await inflateRawCapped(src, offset, e.dataLength, capsOf(ctx.limits, budget), ctx.signal);
  } else if (e.method === 14) {
    r = await unzipLzmaCapped(
      new SliceSource(src, offset, e.dataLength),
      e.uncompressedSize,
      capsOf(ctx.limits, budget),
    );
  } else {
    const decode = decoderFor(e.method);
    if (!decode) {
      const m = METHOD_NAMES[e.method] ?? `method ${e.method}`;
      findings.push(
        findingAt(
          ZIP_RULES.unsupportedMethod,
          ctx,
          scanner,
          `member "${e.name}" uses ${m}; its content was not scanned`,
          { entry: e.name },
        ),
      );
      return undefined;
    }
    r = await decode(new SliceSource(src, offset, e.dataLength), capsOf(ctx.limits, budget), ctx.signal);
  }
  if (r) source = new MemorySource(r.data);
  else source = new SliceSource(src, offset, e.dataLength);
  if (encrypted) {
    const plain = r ? !r.error && crcOf(r.data) === e.crc : await storedCrcMatches(source, e.crc, ctx);
    if (plain) {
      findings.push(
        findingAt(
          ZIP_RULES.encryptionFlag,
          ctx,
          scanner,
          `member "${e.name}" is flagged encrypted but its data is plain (CRC matches): strict readers skip it, PyTorch loads it`,
          { entry: e.name, evidence: `flags=0x${e.flags.toString(16)}` },
        ),
      );
    } else {
      findings.push(
        findingAt(
          ZIP_RULES.encrypted,
          ctx,
          scanner,
          `member "${e.name}" is encrypted; its content could not be checked`,
          { entry: e.name },
        ),
      );
      return undefined;
    }
  } else if (r) {
    findings.push(...decompressionFindings(r, ctx, scanner, `member "${e.name}"`, e.name));
  }
  return r ? { source, inflated: r.data.length } : { source };
}

async function storedCrcMatches(source: ByteSource, crc: number, ctx: ScanContext): Promise<boolean> {
  if (source.size > ctx.limits.maxDecompressedBytes) return false;
  let c = 0;
  for (let at = 0; at < source.size; at += 1 << 20) c = zlib.crc32(await source.read(at, 1 << 20), c);
  return c >>> 0 === crc;
}

function crcOf(b: Uint8Array): number {
  return zlib.crc32(b) >>> 0;
}
