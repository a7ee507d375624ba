import { type ByteSource, MemorySource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import { ParseFailure, parseError } from '../../core/result.js';
import { readExact, startsWith } from '../archive/bytes.js';
import { type Caps, capsOf, type Decompressed } from '../archive/caps.js';
import { unlzma1Bytes, unxzBytes } from '../archive/decoders.js';
import { decompressionFindings } from '../archive/decompress-findings.js';
import { findingAt, traversalName } from '../archive/finding-at.js';
import { ARCHIVE_RULES } from '../archive/rules.js';
import {
  Cursor,
  folderSize,
  readHeader,
  readSignature,
  readStreamsInfo,
  SEVENZIP_MAGIC,
  type SevenZipHeader,
  type StreamsInfo,
} from '../archive/sevenzip-reader.js';
import { lzma2AsXz } from '../archive/xz-wrap.js';
import type { FormatScanner, Member, ScanContext, ScanOutcome } from '../types.js';

const ID = '7z';
const HEADER_CAP = 16 * 1024 * 1024;
const CODER_NAMES: Record<string, string> = {
  '030101': 'LZMA',
  '06f10701': 'AES-256 encryption',
  '03030103': 'BCJ x86 filter',
  '040108': 'deflate',
  '040202': 'bzip2',
  '030401': 'PPMd',
};
/** Names a model loader would be pointed at: a 7z under one of these is posing as a model. */
const MODEL_NAME = /\.(pt|pth|bin|ckpt|pkl|pickle|joblib|model|h5|keras|npy|npz|safetensors|onnx|gguf|mar|nemo|dill)$/i;
const PICKLE_LIKE = /(\.(pkl|pickle|pt|pth|bin|ckpt|joblib|dill|npy)|data\.pkl)$/i;

type Decoded = { ok: true; r: Decompressed } | { ok: false; why: string };

/** Decodes one folder when it is a single copy, LZMA or LZMA2 coder; anything else is reported, not guessed at. */
async function decodeFolder(src: ByteSource, info: StreamsInfo, index: number, caps: Caps): Promise<Decoded> {
  const f = info.folders[index];
  if (!f) return { ok: false, why: 'missing folder' };
  const coder = f.coders[0];
  if (f.coders.length !== 1 || f.numPacked !== 1 || !coder) {
    return { ok: false, why: `coder chain ${f.coders.map((c) => CODER_NAMES[c.id] ?? c.id).join(' + ')}` };
  }
  let at = 32 + info.packPos;
  for (let i = 0; i < f.packIndex; i++) at += info.packSizes[i] ?? 0;
  const packSize = info.packSizes[f.packIndex] ?? 0;
  if (packSize > caps.maxBytes) return { ok: false, why: `packed stream of ${packSize} bytes exceeds the cap` };
  const packed = await readExact(src, at, packSize, '7z packed stream');
  if (coder.id === '00') return { ok: true, r: { data: packed, bytesIn: packSize } };
  if (coder.id === '21') {
    const r = await unxzBytes(lzma2AsXz(packed, coder.props[0] ?? 0, folderSize(f)), caps);
    return { ok: true, r: { ...r, bytesIn: packSize } };
  }
  if (coder.id === '030101') return { ok: true, r: await unlzma1Bytes(packed, coder.props, folderSize(f), caps) };
  return { ok: false, why: CODER_NAMES[coder.id] ?? `coder ${coder.id}` };
}

async function readArchive(
  src: ByteSource,
  ctx: ScanContext,
  findings: Finding[],
): Promise<{ header?: SevenZipHeader; members: Member[] }> {
  const sig = await readSignature(src, Math.min(ctx.limits.maxHeaderBytes, HEADER_CAP));
  if (sig.nextSize === 0) return { header: { files: [] }, members: [] };
  const c = new Cursor(await readExact(src, sig.nextOffset, sig.nextSize, '7z header'));
  let header: SevenZipHeader;
  const kind = c.byte();
  if (kind === 0x17) {
    const d = await decodeFolder(src, readStreamsInfo(c), 0, {
      maxBytes: HEADER_CAP,
      maxRatio: Number.POSITIVE_INFINITY,
    });
    if (!d.ok || d.r.error || d.r.data[0] !== 0x01) {
      const why = d.ok ? (d.r.error ?? 'not a header') : d.why;
      findings.push(
        findingAt(
          ARCHIVE_RULES.undecodable,
          ctx,
          ID,
          `7z header is compressed with ${why}; member names and content were not read`,
        ),
      );
      return { members: [] };
    }
    const hc = new Cursor(d.r.data);
    hc.byte();
    header = readHeader(hc);
  } else if (kind === 0x01) header = readHeader(c);
  else return { members: [] };
  const members: Member[] = [];
  const streams = header.streams;
  const withData = header.files.filter((f) => f.hasStream);
  let next = 0;
  let budget = ctx.limits.maxDecompressedBytes;
  for (let fi = 0; streams && fi < streams.folders.length && !ctx.signal.aborted; fi++) {
    const folder = streams.folders[fi]!;
    const files = withData.slice(next, next + folder.substreams);
    next += folder.substreams;
    const d = await decodeFolder(src, streams, fi, capsOf(ctx.limits, budget));
    const names = files.map((f) => f.name).join(', ');
    if (!d.ok) {
      const rule = files.some((f) => PICKLE_LIKE.test(f.name))
        ? ARCHIVE_RULES.unexpectedContainer
        : ARCHIVE_RULES.undecodable;
      findings.push(
        findingAt(
          rule,
          ctx,
          ID,
          `7z members ${names} use ${d.why}, which Warden does not decode: their content was not scanned`,
          { evidence: names },
        ),
      );
      continue;
    }
    budget -= d.r.data.length;
    findings.push(...decompressionFindings(d.r, ctx, ID, `7z folder ${fi} (${names})`));
    let at = 0;
    files.forEach((f, k) => {
      const size = folder.subSizes[k] ?? 0;
      members.push({
        name: f.name,
        source: new MemorySource(d.r.data.subarray(at, Math.min(at + size, d.r.data.length))),
      });
      at += size;
    });
  }
  return { header, members };
}

export const sevenZipScanner: FormatScanner = {
  id: ID,
  version: 1,
  description: '7z archives: header parsed, copy, LZMA and LZMA2 members decoded, a model posing as 7z flagged',
  rules: [
    ARCHIVE_RULES.unexpectedContainer,
    ARCHIVE_RULES.undecodable,
    ARCHIVE_RULES.pathTraversal,
    ARCHIVE_RULES.bomb,
    ARCHIVE_RULES.limit,
    ARCHIVE_RULES.corrupt,
  ],
  sniff: ({ head }) => startsWith(head, SEVENZIP_MAGIC),
  scan: async (src, ctx): Promise<ScanOutcome> => {
    const findings: Finding[] = [];
    const outer = (ctx.member ?? ctx.path).split(/[!/\\]/).pop() ?? '';
    if (MODEL_NAME.test(outer)) {
      findings.push(
        findingAt(
          ARCHIVE_RULES.unexpectedContainer,
          ctx,
          ID,
          `"${outer}" is a 7z archive posing as a model file: no loader opens it directly and zip/pickle scanners see nothing inside (nullifAI)`,
        ),
      );
    }
    try {
      const { header, members } = await readArchive(src, ctx, findings);
      for (const f of header?.files ?? []) {
        if (traversalName(f.name))
          findings.push(
            findingAt(ARCHIVE_RULES.pathTraversal, ctx, ID, `member name "${f.name}" escapes the extraction folder`, {
              entry: f.name,
              evidence: f.name,
            }),
          );
      }
      const names = (header?.files ?? []).map((f) => f.name);
      if (findings[0]?.ruleId === ARCHIVE_RULES.unexpectedContainer.id && names.length > 0) {
        findings[0] = { ...findings[0], evidence: names.slice(0, 20).join(', ') };
      }
      return { findings, members, metadata: { members: names.slice(0, 1000), memberCount: names.length } };
    } catch (e) {
      const error =
        e instanceof ParseFailure ? e.error : parseError('internal', e instanceof Error ? e.message : String(e));
      return { findings, error };
    }
  },
};
