import zlib from 'node:zlib';

/**
 * Wraps a raw LZMA2 stream (as 7z stores it) in a minimal single-block xz container so the
 * well-tested xz-embedded decoder can decode it: stream header, one block header naming the
 * LZMA2 filter with 7z's own dictionary byte, the data, an index and a footer (check: none).
 */
export function lzma2AsXz(lzma2: Uint8Array, dictByte: number, unpackSize: number): Uint8Array {
  const crc = (b: Uint8Array) => {
    const out = Buffer.alloc(4);
    out.writeUInt32LE(zlib.crc32(b) >>> 0);
    return out;
  };
  const varint = (n: number) => {
    const out: number[] = [];
    let v = n;
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    return out;
  };
  const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);
  const flags = Buffer.from([0, 0]);
  const streamHeader = Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), flags, crc(flags)]);
  const bh = Buffer.from([2, 0x00, 0x21, 0x01, dictByte & 0xff, 0, 0, 0]);
  const blockHeader = Buffer.concat([bh, crc(bh)]);
  const index0 = Buffer.from([0x00, ...varint(1), ...varint(blockHeader.length + lzma2.length), ...varint(unpackSize)]);
  const index = Buffer.concat([index0, pad4(index0.length)]);
  const indexFull = Buffer.concat([index, crc(index)]);
  const back = Buffer.alloc(4);
  back.writeUInt32LE(indexFull.length / 4 - 1);
  const footerBody = Buffer.concat([back, flags]);
  const footer = Buffer.concat([crc(footerBody), footerBody, Buffer.from('YZ')]);
  return new Uint8Array(
    Buffer.concat([streamHeader, blockHeader, Buffer.from(lzma2), pad4(lzma2.length), indexFull, footer]),
  );
}
