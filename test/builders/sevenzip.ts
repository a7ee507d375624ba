import zlib from 'node:zlib';

/**
 * `printf ... > big.pkl` (os.system('echo ' + 'A'*600), protocol 2, 626 bytes) then
 * `xz --format=raw --lzma2=dict=64KiB -c big.pkl`: a raw LZMA2 stream with a compressed chunk,
 * exactly what a 7z LZMA2 folder stores. Dictionary byte 8 encodes 64 KiB.
 */
export const LZMA2_BIG_PICKLE = new Uint8Array(
  Buffer.from('4AJxACZdAEAAiAO8ML003i9eJtBp+z5qj5uRjvCcnqWR20YensBnlcZ0fkAAAA==', 'base64'),
);
export const BIG_PICKLE_TEXT = `echo ${'A'.repeat(600)}`;
export const BIG_PICKLE_SIZE = 626;

export interface SevenZipSpec {
  readonly name: string;
  /** Packed bytes as the coder stores them. */
  readonly packed: Uint8Array;
  readonly unpackSize: number;
  /** Coder id in hex: '00' copy, '21' LZMA2, '030101' LZMA. */
  readonly coder: string;
  readonly props?: Uint8Array;
}

/** 7z variable-length number. */
export function sevenNum(n: number): number[] {
  for (let k = 0; k < 8; k++) {
    if (n < 2 ** (8 * k + 7 - k)) {
      const first = ((0xff << (8 - k)) & 0xff) | Math.floor(n / 2 ** (8 * k));
      const rest = Array.from({ length: k }, (_, i) => Math.floor(n / 2 ** (8 * i)) & 0xff);
      return [first, ...rest];
    }
  }
  return [0xff, ...Array.from({ length: 8 }, (_, i) => Math.floor(n / 2 ** (8 * i)) & 0xff)];
}

function streamsInfo(specs: readonly SevenZipSpec[], packPos: number): number[] {
  const out = [0x06, ...sevenNum(packPos), ...sevenNum(specs.length), 0x09];
  for (const s of specs) out.push(...sevenNum(s.packed.length));
  out.push(0x00, 0x07, 0x0b, ...sevenNum(specs.length), 0x00);
  for (const s of specs) {
    const id = Buffer.from(s.coder, 'hex');
    const props = s.props ?? new Uint8Array(0);
    out.push(1, id.length | (props.length ? 0x20 : 0), ...id);
    if (props.length) out.push(...sevenNum(props.length), ...props);
  }
  out.push(0x0c);
  for (const s of specs) out.push(...sevenNum(s.unpackSize));
  out.push(0x00, 0x00);
  return out;
}

/** Builds a 7z archive, one folder per member; `encodeHeader` stores the header as a copy-coded stream. */
export function buildSevenZip(specs: readonly SevenZipSpec[], opts: { encodeHeader?: boolean } = {}): Uint8Array {
  const packed = Buffer.concat(specs.map((s) => Buffer.from(s.packed)));
  const names = Buffer.concat(specs.map((s) => Buffer.from(`${s.name}\0`, 'utf16le')));
  const header = Buffer.from([
    0x01,
    0x04,
    ...streamsInfo(specs, 0),
    0x05,
    ...sevenNum(specs.length),
    0x11,
    ...sevenNum(names.length + 1),
    0x00,
    ...names,
    0x00,
    0x00,
  ]);
  let body = packed;
  let next = header;
  if (opts.encodeHeader) {
    body = Buffer.concat([packed, header]);
    next = Buffer.from([
      0x17,
      ...streamsInfo([{ name: '', packed: header, unpackSize: header.length, coder: '00' }], packed.length),
    ]);
  }
  const start = Buffer.alloc(20);
  start.writeBigUInt64LE(BigInt(body.length), 0);
  start.writeBigUInt64LE(BigInt(next.length), 8);
  start.writeUInt32LE(zlib.crc32(next) >>> 0, 16);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(zlib.crc32(start) >>> 0);
  const sig = Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), crc, start]);
  return new Uint8Array(Buffer.concat([sig, body, next]));
}

/**
 * Real 7-Zip output (7-Zip 26.02, Debian package 7zip): `7z a -m0=LZMA l1.7z big.pkl`, where big.pkl is
 * a protocol-2 pickle calling os.system('echo ' + 'A' * 600) (637 bytes). The member is one LZMA1 folder.
 */
export const LZMA1_SEVENZIP = new Uint8Array(
  Buffer.from(
    'N3q8ryccAARIaUjYMgAAAAAAAABaAAAAAAAAABcp3/UAQACIA8uH5g4/xtumYjrQ4BeoJI23gLf2S1ap34me2smDLUuawCFvSCL9gf/YhrGeAAEEBgABCTIABwsBAAEjAwEBBV0AEAAADIJ9AAgKAZQZPl0AAAUBGQUAAAAAABERAGIAaQBnAC4AcABrAGwAAAAZAgAAFAoBAKLmm+d/et0BFQYBACCApIEAAA==',
    'base64',
  ),
);
/** Where the member's LZMA coder properties (lc/lp/pb byte, then the dictionary size) start in LZMA1_SEVENZIP. */
export const LZMA1_SEVENZIP_PROPS = 100;
/** Bytes of the member's packed LZMA1 stream, which starts right after the 32-byte signature header. */
export const LZMA1_SEVENZIP_PACKED = 50;

/**
 * Real 7-Zip output: `7z a many.7z many` over 60 copies of big.pkl (many/f1.pkl … many/f60.pkl). The
 * content is one LZMA2 folder; 7-Zip compressed the archive header itself with LZMA1, as it does once
 * the header is large enough — names and sizes are only readable after decoding it.
 */
export const LZMA_HEADER_SEVENZIP = new Uint8Array(
  Buffer.from(
    'N3q8ryccAAS/7cUbFgIAAAAAAAAiAAAAAAAAAHye1WvglUsAcF0AQACIA8uH5g4/xtumYjrQ4BeoJI23gLf2S1ap34me2smDLUuawCFvSCL9gf/YkEBx4Nihr8wElNyB/uMFPGzfkfxn8QqhZNWONxrWHwGWWH2s4C6V8MxXfR/9RD8kDmEcJJzRnYWLR3BU0JBOiSCiAAAAAIEzB64P1MWUwUIV9rNFdKgkVNHuqXzH4PvRnL9eKmnZR4OBVswWVcyrkh1UAjOVz1ckxRaAOLmGkh/Ods/r2Kd0Lj/gZbiAvsuGpStj5EAtnTfnyKzsuK1Pydc2xW8WFepMSJwEwBCswkbBELL0K6OMyiHvZuez4X71GRPdidrEDBNyC6LazGSbmJXCQjp3E995cS/lzkA+PIU7DH/NVEboPq+0y/Fu3Nevb+lBkF5bgzst7PdL9EEMZwJfEaDUR7KoWAyOYDSyM8xEnyvUtWNhhfuiPOWOsahTx1/V+t9GRjxUV8INEhhYSW7CaP4AtxEHfOLAVpEaCF+tdrbPDgPa3vqLHfdFJDm7V9JE9VoCSYbrEKocJkazE1OiN9DI5eqOeZtCo9UI/3fsMp5SXNgJVUeama9iPi3UvPhi3IRDU4zv0DX3JgkS1ap8G+6pkLxaBrlVMsyGgnyjjIqqpzXZ89X17uZFWjzxzPHid/1E7IBf6zh883sA0rxBIXA7Q5qjC4em1s7X8p1eFiA8oNupeMIorlJxXvyqAAAXBngBCYGeAAcLAQABIwMBAQVdABAAAAyKngoBiE7kaQAA',
    'base64',
  ),
);
export const BIG_PICKLE_637 = 637;
