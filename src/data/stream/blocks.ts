import type { ByteSource } from '../../core/byte-source.js';

/** Decoded text of a run of bytes, cut on a UTF-8 character boundary. */
export interface TextBlock {
  readonly text: string;
  readonly byteStart: number;
  readonly byteLength: number;
  /** Every byte was ASCII, so character offsets equal byte offsets. */
  readonly ascii: boolean;
  readonly last: boolean;
}

export const DEFAULT_BLOCK_BYTES = 1 << 20;

/**
 * Streams a source as text in blocks of about `blockBytes`. Decoding is done per block without
 * TextDecoder's `stream` mode (several times slower); instead an incomplete trailing UTF-8
 * sequence is carried into the next read. Memory: one block.
 *
 * With `lines`, a block ends after its last newline (unless no newline is in it) and the rest
 * of the bytes are carried instead: a line-based scanner then never has to prepend a partial
 * line to the next block's text. That matters for speed: a string built by `+` is a rope in V8,
 * and every `charCodeAt` of the scanners' per-character loops pays for it (about 3x slower than
 * on the flat string one `decode` returns).
 */
export async function* textBlocks(
  src: ByteSource,
  blockBytes = DEFAULT_BLOCK_BYTES,
  signal?: AbortSignal,
  lines = false,
): AsyncGenerator<TextBlock> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let pos = 0;
  let carry: Uint8Array | undefined;
  // The next read is issued before the current block is handed out, so the file system works
  // while the caller scans (one block of read-ahead; memory stays at two blocks).
  let pending: Promise<Uint8Array> | undefined = src.size > 0 ? src.read(0, blockBytes) : undefined;
  while (pos < src.size || carry) {
    if (signal?.aborted) return;
    const chunk = pending ? await pending : new Uint8Array(0);
    const readStart = pos;
    pos += chunk.length;
    pending = chunk.length > 0 && pos < src.size ? src.read(pos, blockBytes) : undefined;
    if (chunk.length === 0 && pos < src.size) return; // the source shrank under us
    let bytes = chunk;
    if (carry) {
      bytes = new Uint8Array(carry.length + chunk.length);
      bytes.set(carry);
      bytes.set(chunk, carry.length);
    }
    const byteStart = readStart - (carry?.length ?? 0);
    const last = pos >= src.size;
    const nl = lines && !last ? bytes.lastIndexOf(10) : -1;
    const cut = last ? bytes.length : nl >= 0 ? nl + 1 : utf8Boundary(bytes);
    carry = cut < bytes.length ? bytes.slice(cut) : undefined;
    let view = bytes.subarray(0, cut);
    let skip = 0;
    if (byteStart === 0 && view[0] === 0xef && view[1] === 0xbb && view[2] === 0xbf) {
      view = view.subarray(3);
      skip = 3;
    }
    const text = decoder.decode(view);
    yield { text, byteStart: byteStart + skip, byteLength: view.length, ascii: text.length === view.length, last };
    if (last) return;
  }
}

/** Length of the longest prefix that ends on a complete UTF-8 character. */
export function utf8Boundary(b: Uint8Array): number {
  const n = b.length;
  for (let back = 1; back <= 4 && back <= n; back++) {
    const c = b[n - back]!;
    if ((c & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** UTF-8 length of text[from, to) without allocating. */
export function utf8Length(text: string, from = 0, to = text.length): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Counts `\n` in text[from, to). */
export function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
