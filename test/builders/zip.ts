import zlib from 'node:zlib';

/** One member of a zip built in code; the optional fields forge the disagreements attacks use. */
export interface ZipSpec {
  readonly name: string;
  readonly data: Uint8Array | string;
  readonly method?: 'stored' | 'deflate';
  /** Name written in the local header (defaults to `name`): the CVE-2025-1944 construction. */
  readonly localName?: string;
  /** General-purpose flags for both headers (bit 0 = "encrypted", the CVE-2025-1945 construction). */
  readonly flags?: number;
  readonly localFlags?: number;
  /** Written as a local entry only, with no central-directory record. */
  readonly hidden?: boolean;
  /** Central-directory sizes to declare instead of the real ones. */
  readonly declaredSize?: number;
  /** Point this record at another member's local header (overlapping entries). */
  readonly sameOffsetAs?: string;
  /** Unix mode for the external attributes (e.g. 0o120777 for a symlink). */
  readonly unixMode?: number;
}

export interface ZipOptions {
  readonly prepend?: Uint8Array;
  readonly append?: Uint8Array;
  readonly comment?: string;
  /** Write zip64 end records (and zip64 extra fields) whatever the sizes. */
  readonly zip64?: boolean;
  /** Entry count to declare in the end record instead of the real one. */
  readonly declaredEntries?: number;
  /** Central-directory offsets relative to the archive start, as when data is prepended to a zip. */
  readonly relativeOffsets?: boolean;
}

const enc = (s: Uint8Array | string) => (typeof s === 'string' ? new TextEncoder().encode(s) : s);

function le(n: number, bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  if (bytes === 8) b.writeBigUInt64LE(BigInt(n));
  else if (bytes === 4) b.writeUInt32LE(n >>> 0);
  else b.writeUInt16LE(n & 0xffff);
  return b;
}

/** Builds a zip archive byte for byte, so tests can forge anything a hostile writer would. */
export function buildZip(specs: readonly ZipSpec[], opts: ZipOptions = {}): Uint8Array {
  const parts: Buffer[] = [];
  const base = opts.prepend?.length ?? 0;
  if (opts.prepend) parts.push(Buffer.from(opts.prepend));
  let pos = base;
  const central: Buffer[] = [];
  const offsets = new Map<string, number>();
  let count = 0;
  for (const s of specs) {
    const raw = enc(s.data);
    const method = s.method === 'deflate' ? 8 : 0;
    const body = method === 8 ? zlib.deflateRawSync(raw) : Buffer.from(raw);
    const crc = zlib.crc32(raw) >>> 0;
    const localName = Buffer.from(s.localName ?? s.name);
    const name = Buffer.from(s.name);
    const z64 = opts.zip64 === true;
    const localExtra = z64
      ? Buffer.concat([le(1, 2), le(16, 2), le(raw.length, 8), le(body.length, 8)])
      : Buffer.alloc(0);
    const local = Buffer.concat([
      le(0x04034b50, 4),
      le(z64 ? 45 : 20, 2),
      le(s.localFlags ?? s.flags ?? 0, 2),
      le(method, 2),
      le(0, 4),
      le(crc, 4),
      le(z64 ? 0xffffffff : body.length, 4),
      le(z64 ? 0xffffffff : raw.length, 4),
      le(localName.length, 2),
      le(localExtra.length, 2),
      localName,
      localExtra,
    ]);
    const at = s.sameOffsetAs !== undefined ? (offsets.get(s.sameOffsetAs) ?? 0) : pos;
    if (s.sameOffsetAs === undefined) {
      offsets.set(s.name, pos);
      parts.push(local, body);
      pos += local.length + body.length;
    }
    if (s.hidden) continue;
    count++;
    const declared = s.declaredSize ?? raw.length;
    const recorded = opts.relativeOffsets ? at - base : at;
    const cExtra = z64
      ? Buffer.concat([le(1, 2), le(24, 2), le(declared, 8), le(body.length, 8), le(recorded, 8)])
      : Buffer.alloc(0);
    central.push(
      Buffer.concat([
        le(0x02014b50, 4),
        le(s.unixMode !== undefined ? 0x031e : 20, 2),
        le(z64 ? 45 : 20, 2),
        le(s.flags ?? 0, 2),
        le(method, 2),
        le(0, 4),
        le(crc, 4),
        le(z64 ? 0xffffffff : body.length, 4),
        le(z64 ? 0xffffffff : declared, 4),
        le(name.length, 2),
        le(cExtra.length, 2),
        le(0, 2),
        le(0, 2),
        le(0, 2),
        le(s.unixMode !== undefined ? (s.unixMode << 16) >>> 0 : 0, 4),
        le(z64 ? 0xffffffff : recorded, 4),
        name,
        cExtra,
      ]),
    );
  }
  const cd = Buffer.concat(central);
  const cdOffset = opts.relativeOffsets ? pos - base : pos;
  parts.push(cd);
  const entries = opts.declaredEntries ?? count;
  const comment = Buffer.from(opts.comment ?? '');
  if (opts.zip64) {
    const recAt = pos + cd.length;
    parts.push(
      Buffer.concat([
        le(0x06064b50, 4),
        le(44, 8),
        le(45, 2),
        le(45, 2),
        le(0, 4),
        le(0, 4),
        le(entries, 8),
        le(entries, 8),
        le(cd.length, 8),
        le(cdOffset, 8),
      ]),
      Buffer.concat([le(0x07064b50, 4), le(0, 4), le(recAt, 8), le(1, 4)]),
    );
  }
  parts.push(
    Buffer.concat([
      le(0x06054b50, 4),
      le(0, 2),
      le(0, 2),
      le(opts.zip64 ? 0xffff : entries, 2),
      le(opts.zip64 ? 0xffff : entries, 2),
      le(opts.zip64 ? 0xffffffff : cd.length, 4),
      le(opts.zip64 ? 0xffffffff : cdOffset, 4),
      le(comment.length, 2),
      comment,
    ]),
  );
  if (opts.append) parts.push(Buffer.from(opts.append));
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * Real CPython output: `zipfile.ZipFile(f, 'w', compression=zipfile.ZIP_LZMA)` with model/data.pkl (a
 * protocol-2 pickle of {'p': P(), 'x': list(range(50))}, P reducing to os.system('echo pwned')) and
 * readme.txt; both members use method 14 (LZMA).
 */
export const PYTHON_LZMA_ZIP = new Uint8Array(
  Buffer.from(
    'UEsDBD8AAgAOALhmdl26BG5LogAAAKgAAAAOAAAAbW9kZWwvZGF0YS5wa2wJBAUAXQAAgAAAQACLKdeAoGP3kCbuLv1b5CMvku365i2tFNM9oAHK0Hz2ZYxuC1TgU/dy/chzgVBJIQflHMstLyqvxsCI26ZK5cFLcqwDiyp9wcwUCrYEKBFDNoiUDw5hQwxb811wa2Hr3pIu3W8b4Eee820XbDEjTzxLduvl1BttaZjb5CDGW905j8c0p5N89/EUayfyAkEY2fwbf/jzGABQSwMEPwACAA4AuGZ2XfMxog0fAAAAWAIAAAoAAAByZWFkbWUudHh0CQQFAF0AAIAAADQZSe6N6V/B8PcWPZyO6///ulYAAFBLAQI/Az8AAgAOALhmdl26BG5LogAAAKgAAAAOAAAAAAAAAAAAAACAAQAAAABtb2RlbC9kYXRhLnBrbFBLAQI/Az8AAgAOALhmdl3zMaINHwAAAFgCAAAKAAAAAAAAAAAAAACAAc4AAAByZWFkbWUudHh0UEsFBgAAAAACAAIAdAAAABUBAAAAAA==',
    'base64',
  ),
);
