import type { ByteSource } from '../../core/byte-source.js';
import type { Limits } from '../../core/limits.js';
import { fail, type ParseError, ParseFailure, parseError } from '../../core/result.js';
import { decodeName, readExact, sameBytes, u16, u32, u64, WindowReader } from './bytes.js';
import { findHiddenEntries } from './zip-hidden.js';

/*
 * A hand-written zip reader, on purpose. Library readers pick one view of an archive (usually the
 * central directory) and hide everything else; an attacker lives in the difference. This reader
 * reads every entry by its central-directory record AND its local header, keeps both views, and
 * reports where they disagree, what lies between or around the entries, and which flags a strict
 * reader would refuse but PyTorch's reader ignores. It only ever reads bounded windows.
 */

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const EOCD_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const EOCD_LEN = 22;
const EOCD_SEARCH = 0xffff + EOCD_LEN;
export const LOCAL_LEN = 30;
const CENTRAL_LEN = 46;

export type ZipAnomalyKind =
  | 'name-mismatch'
  | 'header-mismatch'
  | 'hidden-entry'
  | 'overlap'
  | 'prepended-data'
  | 'trailing-data'
  | 'multiple-eocd'
  | 'too-many-entries'
  | 'duplicate-name'
  | 'bad-local-header'
  | 'beyond-file'
  | 'unreferenced-data';

export interface ZipAnomaly {
  readonly kind: ZipAnomalyKind;
  readonly message: string;
  readonly entry?: string;
  readonly offset?: number;
  readonly evidence?: string;
}

export interface ZipEntry {
  /** Name from the central directory (what CD-based loaders such as PyTorch's see). */
  readonly name: string;
  readonly nameBytes: Uint8Array;
  /** Name from the local header, when it could be read. */
  localName?: string;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** Where the local header really is (the recorded offset, or it plus the prepended-data shift). */
  localOffset: number;
  /** Start of the entry's data, past its local header (undefined if the header is unreadable). */
  dataOffset?: number;
  /** Compressed extent to read: the larger of the two headers' sizes when they disagree. */
  dataLength: number;
  readonly externalAttrs: number;
  readonly madeBy: number;
  /** Found only by walking local headers: absent from the central directory. */
  readonly hidden: boolean;
}

export interface ZipDirectory {
  readonly entries: ZipEntry[];
  readonly anomalies: ZipAnomaly[];
  readonly declaredEntries: number;
  readonly zip64: boolean;
  readonly error?: ParseError;
}

interface EndRecord {
  readonly at: number;
  readonly entries: number;
  readonly cdSize: number;
  readonly cdOffset: number;
  readonly zip64: boolean;
  /** Where the central directory must end (the zip64 record or the EOCD). */
  readonly cdEnd: number;
  readonly end: number;
}

/** Reads the directory of a zip archive; never throws on bad bytes (the error is returned with what was read). */
export async function readZip(src: ByteSource, limits: Limits, signal?: AbortSignal): Promise<ZipDirectory> {
  const entries: ZipEntry[] = [];
  const anomalies: ZipAnomaly[] = [];
  let declared = 0;
  let zip64 = false;
  try {
    const end = await findEnd(src, anomalies);
    declared = end.entries;
    zip64 = end.zip64;
    await readCentral(src, end, limits, entries, anomalies, signal);
    await readLocals(src, entries, anomalies, end.cdEnd - end.cdSize - end.cdOffset, signal);
    checkOverlaps(entries, anomalies);
    const cdStart = Math.max(0, end.cdEnd - end.cdSize);
    const { hidden, gaps } = await findHiddenEntries(src, entries, cdStart, limits, signal);
    for (const h of hidden) {
      entries.push(h);
      anomalies.push({
        kind: 'hidden-entry',
        message: `local header for "${h.name}" at ${h.localOffset} has no central-directory record: CD-based readers never see it, streaming readers do`,
        entry: h.name,
        offset: h.localOffset,
      });
    }
    for (const g of gaps) {
      if (hidden.some((h) => h.localOffset >= g.start && h.localOffset < g.end)) continue;
      const atStart = g.start === 0 && !anomalies.some((a) => a.kind === 'prepended-data');
      anomalies.push({
        kind: atStart ? 'prepended-data' : 'unreferenced-data',
        message: atStart
          ? `${g.end} bytes precede the first entry (a polyglot or self-extractor stub)`
          : `${g.end - g.start} bytes at ${g.start} belong to no entry`,
        offset: g.start,
      });
    }
    if (end.end < src.size) {
      anomalies.push({
        kind: 'trailing-data',
        message: `${src.size - end.end} bytes follow the end-of-central-directory record`,
        offset: end.end,
      });
    }
    return { entries, anomalies, declaredEntries: declared, zip64 };
  } catch (e) {
    const error =
      e instanceof ParseFailure ? e.error : parseError('internal', e instanceof Error ? e.message : String(e));
    return { entries, anomalies, declaredEntries: declared, zip64, error };
  }
}

async function findEnd(src: ByteSource, anomalies: ZipAnomaly[]): Promise<EndRecord> {
  if (src.size < EOCD_LEN) fail('truncated', `${src.size} bytes is too short for a zip archive`);
  const winStart = Math.max(0, src.size - EOCD_SEARCH - 20);
  const win = await readExact(src, winStart, src.size - winStart, 'end-of-central-directory search window');
  const found: number[] = [];
  // Every signature in the window is a candidate (several is an anomaly), so the whole 64 KiB is
  // searched, with Node's native substring search: a JS probe per byte, or even per 'P' byte, was
  // the single largest cost of scanning a folder of small checkpoints.
  const hay = Buffer.from(win.buffer, win.byteOffset, win.length);
  for (
    let i = hay.lastIndexOf(EOCD_MAGIC, win.length - EOCD_LEN);
    i >= 0;
    i = i > 0 ? hay.lastIndexOf(EOCD_MAGIC, i - 1) : -1
  ) {
    const commentLen = u16(win, i + 20);
    if (i + EOCD_LEN + commentLen > win.length) continue;
    found.push(i);
  }
  const i = found[0];
  if (i === undefined) fail('bad_magic', 'no end-of-central-directory record');
  if (found.length > 1) {
    anomalies.push({
      kind: 'multiple-eocd',
      message: `${found.length} end-of-central-directory records: readers that search differently see different archives`,
      offset: winStart + (found[1] ?? 0),
    });
  }
  const at = winStart + i;
  let entries = u16(win, i + 10);
  let cdSize = u32(win, i + 12);
  let cdOffset = u32(win, i + 16);
  const end = at + EOCD_LEN + u16(win, i + 20);
  let cdEnd = at;
  let zip64 = false;
  const loc = i - 20;
  if (loc >= 0 && u32(win, loc) === SIG_ZIP64_LOCATOR) {
    const recAt = u64(win, loc + 8);
    const rec = await readExact(src, recAt, 56, 'zip64 end-of-central-directory record');
    if (u32(rec, 0) !== SIG_ZIP64_EOCD) fail('invalid_structure', 'zip64 locator points at no zip64 record', recAt);
    zip64 = true;
    entries = u64(rec, 32);
    cdSize = u64(rec, 40);
    cdOffset = u64(rec, 48);
    cdEnd = recAt;
  }
  if (!Number.isFinite(cdSize) || !Number.isFinite(cdOffset) || cdSize > cdEnd) {
    fail('invalid_structure', 'central directory size or offset lies beyond the file', at);
  }
  return { at, entries, cdSize, cdOffset, zip64, cdEnd, end };
}

async function readCentral(
  src: ByteSource,
  end: EndRecord,
  limits: Limits,
  entries: ZipEntry[],
  anomalies: ZipAnomaly[],
  signal?: AbortSignal,
): Promise<void> {
  // Where the directory really is (just before the end record) vs where it says it is: a positive
  // difference is data prepended to the archive (self-extractors, polyglots).
  const cdStart = end.cdEnd - end.cdSize;
  const shift = cdStart - end.cdOffset;
  if (shift > 0) {
    anomalies.push({
      kind: 'prepended-data',
      message: `${shift} bytes precede the archive: the central directory sits ${shift} bytes after where it says`,
      offset: 0,
    });
  } else if (shift < 0) {
    fail('invalid_structure', `central directory offset ${end.cdOffset} overlaps the end record`, end.at);
  }
  const cap = limits.maxMembers;
  if (end.entries > cap) {
    anomalies.push({
      kind: 'too-many-entries',
      message: `archive declares ${end.entries} entries; only the first ${cap} are read (limit maxMembers)`,
    });
  }
  const reader = new WindowReader(src);
  const seen = new Set<string>();
  let p = cdStart;
  const stop = cdStart + end.cdSize;
  for (let n = 0; n < Math.min(end.entries, cap); n++) {
    if (signal?.aborted) fail('timeout', 'time budget exhausted in the central directory', p);
    if (p + CENTRAL_LEN > stop) {
      fail('truncated', `central directory ends after ${n} of ${end.entries} declared entries`, p);
    }
    const h = await reader.bytes(p, CENTRAL_LEN, 'central directory record');
    if (u32(h, 0) !== SIG_CENTRAL) fail('invalid_structure', `bad central directory signature (entry ${n})`, p);
    const nameLen = u16(h, 28);
    const extraLen = u16(h, 30);
    const commentLen = u16(h, 32);
    const varLen = nameLen + extraLen + commentLen;
    if (p + CENTRAL_LEN + varLen > stop) fail('truncated', `central directory record ${n} runs past its end`, p);
    const v = await reader.bytes(p + CENTRAL_LEN, varLen, 'central directory name');
    const nameBytes = v.slice(0, nameLen);
    const flags = u16(h, 8);
    let compressedSize = u32(h, 20);
    let uncompressedSize = u32(h, 24);
    let localOffset = u32(h, 42);
    const z = zip64Extra(v.subarray(nameLen, nameLen + extraLen), {
      usize: uncompressedSize === 0xffffffff,
      csize: compressedSize === 0xffffffff,
      offset: localOffset === 0xffffffff,
    });
    uncompressedSize = z.usize ?? uncompressedSize;
    compressedSize = z.csize ?? compressedSize;
    localOffset = z.offset ?? localOffset;
    const name = decodeName(nameBytes, (flags & 0x800) !== 0 || isAscii(nameBytes));
    if (seen.has(name)) {
      anomalies.push({
        kind: 'duplicate-name',
        message: `"${name}" appears twice in the central directory: readers disagree on which one they load`,
        entry: name,
        offset: p,
      });
    }
    seen.add(name);
    entries.push({
      name,
      nameBytes,
      flags,
      method: u16(h, 10),
      crc: u32(h, 16),
      compressedSize,
      uncompressedSize,
      localOffset,
      dataLength: compressedSize,
      externalAttrs: u32(h, 38),
      madeBy: u16(h, 4),
      hidden: false,
    });
    p += CENTRAL_LEN + varLen;
  }
}

function isAscii(b: Uint8Array): boolean {
  for (const x of b) if (x > 0x7f) return false;
  return true;
}

/** Values from the zip64 extended-information extra field (id 1), in the order the spec fixes. */
export function zip64Extra(
  extra: Uint8Array,
  want: { usize: boolean; csize: boolean; offset: boolean },
): { usize?: number; csize?: number; offset?: number } {
  for (let q = 0; q + 4 <= extra.length; ) {
    const id = u16(extra, q);
    const len = u16(extra, q + 2);
    if (id === 1) {
      const out: { usize?: number; csize?: number; offset?: number } = {};
      let r = q + 4;
      const stop = Math.min(q + 4 + len, extra.length);
      if (want.usize && r + 8 <= stop) {
        out.usize = u64(extra, r);
        r += 8;
      }
      if (want.csize && r + 8 <= stop) {
        out.csize = u64(extra, r);
        r += 8;
      }
      if (want.offset && r + 8 <= stop) out.offset = u64(extra, r);
      return out;
    }
    q += 4 + len;
  }
  return {};
}

async function readLocals(
  src: ByteSource,
  entries: ZipEntry[],
  anomalies: ZipAnomaly[],
  shift: number,
  signal?: AbortSignal,
): Promise<void> {
  // Small window: in a multi-gigabyte checkpoint each local header costs a few KiB, not the data around it.
  const reader = new WindowReader(src, 4096);
  for (const e of entries) {
    if (signal?.aborted) fail('timeout', 'time budget exhausted reading local headers');
    // PyTorch's reader uses the recorded offset as is; Python's zipfile adds the prepended-data
    // shift. Try the first, then the second, so the bytes either loader would read are covered.
    let at = e.localOffset;
    let h = at + LOCAL_LEN <= src.size ? await reader.bytes(at, LOCAL_LEN, 'local header') : undefined;
    if ((!h || u32(h, 0) !== SIG_LOCAL) && shift > 0 && at + shift + LOCAL_LEN <= src.size) {
      at += shift;
      h = await reader.bytes(at, LOCAL_LEN, 'local header');
    }
    if (!h || u32(h, 0) !== SIG_LOCAL) {
      anomalies.push({
        kind: e.localOffset >= src.size ? 'beyond-file' : 'bad-local-header',
        message: `no local header for "${e.name}" at offset ${e.localOffset}`,
        entry: e.name,
        offset: e.localOffset,
      });
      continue;
    }
    const nameLen = u16(h, 26);
    const extraLen = u16(h, 28);
    if (at + LOCAL_LEN + nameLen + extraLen > src.size) {
      anomalies.push({ kind: 'beyond-file', message: `local header of "${e.name}" runs past the file`, entry: e.name });
      continue;
    }
    const v = await reader.bytes(at + LOCAL_LEN, nameLen + extraLen, 'local header name');
    const localName = v.subarray(0, nameLen);
    e.localName = decodeName(localName, (u16(h, 6) & 0x800) !== 0 || isAscii(localName));
    e.localOffset = at;
    e.dataOffset = at + LOCAL_LEN + nameLen + extraLen;
    compareHeaders(e, h, v.subarray(nameLen), localName, anomalies);
    if (e.dataOffset + e.dataLength > src.size) {
      anomalies.push({
        kind: 'beyond-file',
        message: `"${e.name}" declares ${e.dataLength} bytes of data, past the end of the file`,
        entry: e.name,
        offset: e.dataOffset,
      });
      e.dataLength = Math.max(0, src.size - e.dataOffset);
    }
  }
}

function compareHeaders(
  e: ZipEntry,
  h: Uint8Array,
  extra: Uint8Array,
  localName: Uint8Array,
  anomalies: ZipAnomaly[],
): void {
  if (!sameBytes(localName, e.nameBytes)) {
    anomalies.push({
      kind: 'name-mismatch',
      message: `local header names "${e.localName}" but the central directory names "${e.name}"`,
      entry: e.name,
      offset: e.localOffset,
      evidence: `local=${e.localName} central=${e.name}`,
    });
  }
  const diffs: string[] = [];
  const lflags = u16(h, 6);
  const lmethod = u16(h, 8);
  if (lmethod !== e.method) diffs.push(`method local=${lmethod} central=${e.method}`);
  if ((lflags & 0x41) !== (e.flags & 0x41)) diffs.push(`encryption flags local=${lflags} central=${e.flags}`);
  // With bit 3 the local CRC and sizes may legitimately be zero (they follow the data).
  const deferred = (lflags & 0x08) !== 0;
  let lcsize = u32(h, 18);
  let lusize = u32(h, 22);
  const z = zip64Extra(extra, { usize: lusize === 0xffffffff, csize: lcsize === 0xffffffff, offset: false });
  lcsize = z.csize ?? lcsize;
  lusize = z.usize ?? lusize;
  const lcrc = u32(h, 14);
  const zeros = lcrc === 0 && lcsize === 0 && lusize === 0;
  if (!(deferred && zeros)) {
    if (lcrc !== e.crc) diffs.push(`crc local=${lcrc.toString(16)} central=${e.crc.toString(16)}`);
    if (lcsize !== e.compressedSize) diffs.push(`compressed size local=${lcsize} central=${e.compressedSize}`);
    if (lusize !== e.uncompressedSize) diffs.push(`size local=${lusize} central=${e.uncompressedSize}`);
    if (lcsize > e.dataLength) e.dataLength = lcsize;
  }
  if (diffs.length > 0) {
    anomalies.push({
      kind: 'header-mismatch',
      message: `local header and central directory disagree on "${e.name}": ${diffs.join(', ')}`,
      entry: e.name,
      offset: e.localOffset,
      evidence: diffs.join('; '),
    });
  }
}

function checkOverlaps(entries: ZipEntry[], anomalies: ZipAnomaly[]): void {
  const placed = entries
    .filter((e) => e.dataOffset !== undefined)
    .sort((a, b) => a.localOffset - b.localOffset || (a.dataOffset ?? 0) - (b.dataOffset ?? 0));
  let reported = 0;
  for (let k = 1; k < placed.length && reported < 20; k++) {
    const prev = placed[k - 1]!;
    const cur = placed[k]!;
    const prevEnd = (prev.dataOffset ?? 0) + prev.compressedSize;
    if (cur.localOffset < prevEnd) {
      reported++;
      anomalies.push({
        kind: 'overlap',
        message: `"${cur.name}" starts at ${cur.localOffset}, inside "${prev.name}" (ends at ${prevEnd}): overlapping entries are the zip-bomb construction and let one byte range be two files`,
        entry: cur.name,
        offset: cur.localOffset,
      });
    }
  }
}
