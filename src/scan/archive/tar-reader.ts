import type { ByteSource } from '../../core/byte-source.js';
import type { Limits } from '../../core/limits.js';
import { type ParseError, ParseFailure, parseError } from '../../core/result.js';
import { decodeName, WindowReader } from './bytes.js';

const BLOCK = 512;
const META_CAP = 1 << 20;

export interface TarEntry {
  readonly name: string;
  /** '0' file, '1' hard link, '2' symlink, '5' directory, … (normalised: '\0' → '0'). */
  readonly type: string;
  readonly linkName: string;
  readonly dataOffset: number;
  readonly size: number;
  /** Declared size runs past the end of the archive. */
  readonly truncated: boolean;
}

export interface TarListing {
  readonly entries: TarEntry[];
  /** Non-zero bytes after the end-of-archive marker. */
  readonly trailing: number;
  readonly capped: boolean;
  readonly error?: ParseError;
}

function octal(b: Uint8Array, at: number, len: number): number {
  // GNU base-256 for sizes past 8 GiB: high bit of the first byte set.
  if (((b[at] ?? 0) & 0x80) !== 0) {
    let v = (b[at] ?? 0) & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + (b[at + i] ?? 0);
    return v;
  }
  let v = 0;
  let seen = false;
  for (let i = 0; i < len; i++) {
    const c = b[at + i] ?? 0;
    if (c === 0 || (c === 0x20 && seen)) break;
    if (c === 0x20) continue;
    if (c < 0x30 || c > 0x37) return Number.NaN;
    v = v * 8 + (c - 0x30);
    seen = true;
  }
  return v;
}

const str = (b: Uint8Array, at: number, len: number) => {
  const s = b.subarray(at, at + len);
  const z = s.indexOf(0);
  return decodeName(z < 0 ? s : s.subarray(0, z));
};

/** Header checksum: sum of the bytes with the checksum field read as spaces. */
export function tarChecksumOk(h: Uint8Array): boolean {
  if (h.length < BLOCK) return false;
  const want = octal(h, 148, 8);
  if (!Number.isFinite(want)) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
  return sum === want;
}

export function looksLikeTar(head: Uint8Array): boolean {
  if (head.length < BLOCK) return false;
  const magic = str(head, 257, 6);
  return (magic === 'ustar' || magic.startsWith('ustar')) && tarChecksumOk(head);
}

function paxRecords(b: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const text = decodeName(b);
  let p = 0;
  while (p < text.length) {
    const sp = text.indexOf(' ', p);
    const len = Number.parseInt(text.slice(p, sp), 10);
    if (sp < 0 || !(len > 0)) break;
    const rec = text.slice(sp + 1, p + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    p += len;
  }
  return out;
}

/** Lists a tar archive (ustar, pax, GNU long names), reading headers only. Never throws. */
export async function readTar(src: ByteSource, limits: Limits, signal?: AbortSignal): Promise<TarListing> {
  const entries: TarEntry[] = [];
  const reader = new WindowReader(src, 1 << 16);
  let at = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  let capped = false;
  try {
    while (at + BLOCK <= src.size) {
      if (signal?.aborted)
        return { entries, trailing: 0, capped, error: parseError('timeout', 'time budget exhausted', at) };
      const h = await reader.bytes(at, BLOCK, 'tar header');
      if (h.every((x) => x === 0)) {
        return { entries, trailing: await trailingBytes(src, at + BLOCK), capped };
      }
      if (!tarChecksumOk(h)) {
        return { entries, trailing: 0, capped, error: parseError('invalid_structure', 'bad tar header checksum', at) };
      }
      let size = octal(h, 124, 12);
      if (pax.has('size')) size = Number(pax.get('size'));
      if (!Number.isFinite(size) || size < 0) {
        return { entries, trailing: 0, capped, error: parseError('invalid_structure', 'bad tar size field', at) };
      }
      const raw = h[156] ?? 0;
      const type = raw === 0 ? '0' : String.fromCharCode(raw);
      const dataOffset = at + BLOCK;
      const truncated = dataOffset + size > src.size;
      const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'L' || type === 'K' || type === 'x' || type === 'g') {
        const meta = await src.read(dataOffset, Math.min(size, META_CAP));
        if (type === 'L') longName = str(meta, 0, meta.length);
        else if (type === 'K') longLink = str(meta, 0, meta.length);
        else if (type === 'x') pax = paxRecords(meta);
        at = next;
        continue;
      }
      if (entries.length >= limits.maxMembers) {
        capped = true;
        break;
      }
      const prefix = str(h, 345, 155);
      const base = str(h, 0, 100);
      const ustarName = str(h, 257, 5) === 'ustar' && prefix ? `${prefix}/${base}` : base;
      entries.push({
        name: pax.get('path') ?? longName ?? ustarName,
        type,
        linkName: pax.get('linkpath') ?? longLink ?? str(h, 157, 100),
        dataOffset,
        size: truncated ? Math.max(0, src.size - dataOffset) : size,
        truncated,
      });
      longName = undefined;
      longLink = undefined;
      pax = new Map();
      if (truncated) {
        return {
          entries,
          trailing: 0,
          capped,
          error: parseError('truncated', 'tar member runs past the end of the file', at),
        };
      }
      at = next;
    }
    return { entries, trailing: 0, capped };
  } catch (e) {
    const error =
      e instanceof ParseFailure ? e.error : parseError('io_error', e instanceof Error ? e.message : String(e));
    return { entries, trailing: 0, capped, error };
  }
}

/** Non-zero bytes after the end marker (only the first 64 KiB are looked at). */
async function trailingBytes(src: ByteSource, from: number): Promise<number> {
  const tail = await src.read(from, Math.min(src.size - from, 1 << 16));
  const firstNonZero = tail.findIndex((x) => x !== 0);
  return firstNonZero < 0 ? 0 : src.size - from - firstNonZero;
}
