import { type ByteSource, MemorySource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import type { Rule } from '../../core/rule.js';
import type { FormatScanner, ScanContext, ScanOutcome, SniffInput } from '../types.js';
import { capsOf, type Decompressed } from './caps.js';
import { decompressionFindings } from './decompress-findings.js';
import { findingAt } from './finding-at.js';
import { ARCHIVE_RULES } from './rules.js';

const SUFFIXES = /\.(gz|gzip|tgz|z|zz|zlib|bz2|tbz2?|xz|txz|lzma|lz4)$/i;

/** Name of the one member a compressed stream holds: the file name without its compression suffix. */
export function streamMemberName(ctx: ScanContext, codec: string): string {
  const outer = (ctx.member ?? ctx.path).split(/[!/\\]/).pop() ?? '';
  const stripped = outer.replace(SUFFIXES, '');
  if (stripped !== outer && stripped.length > 0)
    return /\.(tgz|tbz2?|txz)$/i.test(outer) ? `${stripped}.tar` : stripped;
  return `${outer || 'stream'}[${codec}]`;
}

export interface StreamCodec {
  readonly id: string;
  readonly codec: string;
  readonly description: string;
  sniff(input: SniffInput): boolean;
  decode(src: ByteSource, caps: ReturnType<typeof capsOf>, signal: AbortSignal): Promise<Decompressed>;
  readonly extraRules?: readonly Rule[];
  /** Recognised but not decoded: reported as unscanned content. */
  readonly undecodable?: boolean;
}

/** A single-stream compressed container: its decoded content is its one member. */
export function streamScanner(c: StreamCodec): FormatScanner {
  return {
    id: c.id,
    version: 1,
    description: c.description,
    rules: [
      ARCHIVE_RULES.bomb,
      ARCHIVE_RULES.limit,
      ARCHIVE_RULES.corrupt,
      ARCHIVE_RULES.trailing,
      ...(c.extraRules ?? []),
    ],
    sniff: (input) => {
      try {
        return c.sniff(input);
      } catch {
        return false;
      }
    },
    scan: async (src, ctx): Promise<ScanOutcome> => {
      if (c.undecodable) {
        const f = findingAt(
          ARCHIVE_RULES.undecodable,
          ctx,
          c.id,
          `${c.codec} stream of ${src.size} bytes: Warden does not decode ${c.codec}, so its content was not scanned`,
        );
        return { findings: [f], metadata: { codec: c.codec, compressedBytes: src.size } };
      }
      let r: Decompressed;
      try {
        r = await c.decode(src, capsOf(ctx.limits), ctx.signal);
      } catch (e) {
        return { findings: [], error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
      }
      const findings: Finding[] = decompressionFindings(r, ctx, c.id, `${c.codec} stream`);
      const name = streamMemberName(ctx, c.codec);
      const members = r.data.length > 0 ? [{ name, source: new MemorySource(r.data) }] : [];
      const error =
        r.error && r.data.length === 0 ? { error: { code: 'invalid_structure' as const, message: r.error } } : {};
      return {
        findings,
        members,
        metadata: {
          codec: c.codec,
          compressedBytes: src.size,
          decompressedBytes: r.data.length,
          ...(r.stopped ? { stopped: r.stopped } : {}),
        },
        ...error,
      };
    },
  };
}
