import type { ByteSource } from '../../core/byte-source.js';
import type { Limits } from '../../core/limits.js';
import { decodeName, u16, u32 } from './bytes.js';
import { LOCAL_LEN, type ZipEntry, zip64Extra } from './zip-reader.js';

/** The most gap bytes searched for unlisted local headers in one archive. */
const GAP_BUDGET = 64 * 1024 * 1024;
const MAX_HIDDEN = 1000;
const CHUNK = 1 << 20;

export interface Gap {
  readonly start: number;
  readonly end: number;
}

/** Byte ranges before the central directory that no listed entry (header + data) covers. */
export function uncoveredRanges(entries: readonly ZipEntry[], cdStart: number): Gap[] {
  const spans = entries
    .filter((e) => e.dataOffset !== undefined)
    .map((e) => ({ start: e.localOffset, end: (e.dataOffset ?? 0) + e.dataLength }))
    .sort((a, b) => a.start - b.start);
  const gaps: Gap[] = [];
  let at = 0;
  for (const s of spans) {
    if (s.start > at) gaps.push({ start: at, end: Math.min(s.start, cdStart) });
    at = Math.max(at, s.end);
  }
  if (at < cdStart) gaps.push({ start: at, end: cdStart });
  // Shorter than a local header: data descriptors and alignment padding, nothing can hide there.
  return gaps.filter((g) => g.end - g.start >= LOCAL_LEN);
}

/**
 * Local headers sitting in the gaps between listed entries. Readers that go by the central
 * directory (PyTorch, Python's zipfile) skip them; streaming readers and extractors do not.
 */
export async function findHiddenEntries(
  src: ByteSource,
  entries: readonly ZipEntry[],
  cdStart: number,
  _limits: Limits,
  signal?: AbortSignal,
): Promise<{ hidden: ZipEntry[]; gaps: Gap[] }> {
  const gaps = uncoveredRanges(entries, cdStart);
  const hidden: ZipEntry[] = [];
  let budget = GAP_BUDGET;
  for (const g of gaps) {
    let pos = g.start;
    while (pos + LOCAL_LEN <= g.end && budget > 0 && hidden.length < MAX_HIDDEN && !signal?.aborted) {
      const len = Math.min(CHUNK, g.end - pos, budget);
      const buf = await src.read(pos, len);
      budget -= buf.length;
      const i = findSig(buf);
      if (i < 0) {
        if (buf.length < LOCAL_LEN) break;
        pos += buf.length - 3;
        continue;
      }
      const e = await parseLocal(src, pos + i, g.end);
      if (!e) {
        pos += i + 4;
        continue;
      }
      hidden.push(e);
      pos = Math.max(pos + i + 4, (e.dataOffset ?? 0) + e.dataLength);
    }
  }
  return { hidden, gaps };
}

function findSig(b: Uint8Array): number {
  for (let i = 0; i + 4 <= b.length; i++) {
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 3 && b[i + 3] === 4) return i;
  }
  return -1;
}

async function parseLocal(src: ByteSource, at: number, limit: number): Promise<ZipEntry | undefined> {
  const h = await src.read(at, LOCAL_LEN);
  if (h.length < LOCAL_LEN) return undefined;
  const nameLen = u16(h, 26);
  const extraLen = u16(h, 28);
  const dataOffset = at + LOCAL_LEN + nameLen + extraLen;
  if (nameLen === 0 || dataOffset > src.size) return undefined;
  const v = await src.read(at + LOCAL_LEN, nameLen + extraLen);
  const nameBytes = v.slice(0, nameLen);
  let csize = u32(h, 18);
  let usize = u32(h, 22);
  const z = zip64Extra(v.subarray(nameLen), {
    usize: usize === 0xffffffff,
    csize: csize === 0xffffffff,
    offset: false,
  });
  csize = z.csize ?? csize;
  usize = z.usize ?? usize;
  const flags = u16(h, 6);
  // With sizes deferred to a data descriptor, the data runs to the end of the gap at most.
  const dataLength = Math.max(
    0,
    Math.min(csize === 0 && flags & 0x08 ? limit - dataOffset : csize, src.size - dataOffset),
  );
  const name = decodeName(nameBytes);
  return {
    name,
    nameBytes,
    localName: name,
    flags,
    method: u16(h, 8),
    crc: u32(h, 14),
    compressedSize: csize,
    uncompressedSize: usize,
    localOffset: at,
    dataOffset,
    dataLength,
    externalAttrs: 0,
    madeBy: 0,
    hidden: true,
  };
}
