import { fail, type ParseError, ParseFailure } from '../../core/result.js';
import { asciiAt, Cursor, UNDEFINED_ADDRESS } from './cursor.js';
import type { Hdf5Io } from './io.js';
import type { Superblock } from './superblock.js';

export const MSG_CONTINUATION = 0x0010;
export const MSG_ATTRIBUTE = 0x000c;
export const MSG_ATTRIBUTE_INFO = 0x0015;

export interface HeaderMessage {
  readonly type: number;
  readonly flags: number;
  readonly data: Uint8Array;
  /** File offset of the message body. */
  readonly offset: number;
}

export interface ObjectHeader {
  readonly version: 1 | 2;
  readonly messages: readonly HeaderMessage[];
  /** Set when a continuation block could not be followed; `messages` holds what came before. */
  readonly error?: ParseError;
}

interface Block {
  readonly address: number;
  readonly length: number;
}

/**
 * Reads one object header and its continuation blocks (versions 1 and 2). Continuations are
 * followed breadth-first with a visited set and a count cap, so a block pointing at itself or at an
 * earlier block ends the walk instead of looping. Checksums are not verified: integrity is not what
 * we judge, and a forged checksum costs an attacker nothing.
 */
export async function readObjectHeader(io: Hdf5Io, sb: Superblock, address: number): Promise<ObjectHeader> {
  const prefix = await io.block(address, Math.min(64, io.src.size - address), 'object header');
  const messages: HeaderMessage[] = [];
  const pending: Block[] = [];
  const seen = new Set<number>();
  let version: 1 | 2;
  let trackOrder = false;

  if (asciiAt(prefix.buf, 0, 'OHDR')) {
    version = 2;
    prefix.skip(4);
    const v = prefix.u8('object header version');
    if (v !== 2) fail('unsupported_version', `HDF5 object header version ${v}`, address + 4);
    const flags = prefix.u8('object header flags');
    trackOrder = (flags & 0x04) !== 0;
    if (flags & 0x20) prefix.skip(16, 'object header times');
    if (flags & 0x10) prefix.skip(4, 'attribute phase change');
    const chunk0 = prefix.uint(1 << (flags & 0x03), 'chunk 0 size');
    const start = address + prefix.pos;
    seen.add(address);
    const c = await io.block(start, chunk0, 'object header chunk');
    parseV2Messages(c, c.buf.length, trackOrder, sb, messages, pending, io);
  } else {
    version = 1;
    const v = prefix.u8('object header version');
    if (v !== 1) fail('invalid_structure', `HDF5 object header version ${v} (no OHDR signature)`, address);
    prefix.skip(1);
    prefix.u16('message count');
    prefix.u32('reference count');
    const size = prefix.u32('header size');
    seen.add(address);
    // The v1 prefix is 12 bytes padded to 16; messages follow.
    const c = await io.block(address + 16, size, 'object header chunk');
    parseV1Messages(c, sb, messages, pending, io);
  }

  try {
    let followed = 0;
    while (pending.length > 0) {
      const next = pending.shift()!;
      if (next.address === UNDEFINED_ADDRESS || seen.has(next.address)) {
        fail('invalid_structure', 'HDF5 object header continuation loops back on itself', next.address);
      }
      seen.add(next.address);
      if (++followed > io.limits.maxContinuations) {
        fail('limit_exceeded', `HDF5 object header has more than ${io.limits.maxContinuations} continuation blocks`);
      }
      const c = await io.block(next.address, next.length, 'continuation block');
      if (version === 2) {
        if (!asciiAt(c.buf, 0, 'OCHK')) fail('invalid_structure', 'HDF5 continuation block lacks OCHK', next.address);
        c.skip(4);
        parseV2Messages(c, c.buf.length - 4, trackOrder, sb, messages, pending, io);
      } else {
        parseV1Messages(c, sb, messages, pending, io);
      }
    }
  } catch (e) {
    // Keep what the first chunks held: a broken or cyclic continuation must not hide earlier attributes.
    if (!(e instanceof ParseFailure)) throw e;
    return { version, messages, error: e.error };
  }
  return { version, messages };
}

function push(messages: HeaderMessage[], msg: HeaderMessage, io: Hdf5Io): void {
  if (messages.length >= io.limits.maxMessages) {
    fail('limit_exceeded', `HDF5 object header has more than ${io.limits.maxMessages} messages`, msg.offset);
  }
  messages.push(msg);
}

function continuation(c: Cursor, sb: Superblock, pending: Block[]): void {
  const address = c.uint(sb.sizeOfOffsets, 'continuation address');
  const length = c.uint(sb.sizeOfLengths, 'continuation length');
  if (address === UNDEFINED_ADDRESS || length === UNDEFINED_ADDRESS) {
    fail('invalid_structure', 'HDF5 continuation message has an undefined address', c.fileOffset);
  }
  pending.push({ address: sb.baseAddress + address, length });
}

function parseV1Messages(c: Cursor, sb: Superblock, out: HeaderMessage[], pending: Block[], io: Hdf5Io): void {
  while (c.remaining >= 8) {
    const type = c.u16('message type');
    const size = c.u16('message size');
    const flags = c.u8('message flags');
    c.skip(3);
    const offset = c.fileOffset;
    const data = c.bytes(size, 'header message');
    if (type === MSG_CONTINUATION) continuation(new Cursor(data, offset), sb, pending);
    else if (type !== 0) push(out, { type, flags, data, offset }, io);
  }
}

function parseV2Messages(
  c: Cursor,
  end: number,
  trackOrder: boolean,
  sb: Superblock,
  out: HeaderMessage[],
  pending: Block[],
  io: Hdf5Io,
): void {
  const headerSize = trackOrder ? 6 : 4;
  // Anything shorter than a message header at the end is the gap before the checksum.
  while (end - c.pos >= headerSize) {
    const type = c.u8('message type');
    const size = c.u16('message size');
    const flags = c.u8('message flags');
    if (trackOrder) c.skip(2);
    if (c.pos + size > end) fail('truncated', 'HDF5 header message runs past its chunk', c.fileOffset);
    const offset = c.fileOffset;
    const data = c.bytes(size, 'header message');
    if (type === MSG_CONTINUATION) continuation(new Cursor(data, offset), sb, pending);
    else if (type !== 0) push(out, { type, flags, data, offset }, io);
  }
}
