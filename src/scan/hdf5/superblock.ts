import { fail } from '../../core/result.js';
import { asciiAt, UNDEFINED_ADDRESS } from './cursor.js';
import type { Hdf5Io } from './io.js';

export const HDF5_SIGNATURE = '\x89HDF\r\n\x1a\n';

export interface Superblock {
  /** File offset of the signature (0, 512, 1024 … when a user block precedes it). */
  readonly offset: number;
  readonly version: number;
  readonly sizeOfOffsets: number;
  readonly sizeOfLengths: number;
  /** Addresses in the file are relative to this. */
  readonly baseAddress: number;
  /** Absolute file offset of the root group's object header. */
  readonly rootObjectHeader: number;
}

/** Offsets the signature may sit at: 0 and then powers of two from 512. */
export function signatureOffsets(max: number): number[] {
  const out = [0];
  for (let o = 512; o <= max; o *= 2) out.push(o);
  return out;
}

/** True when the head of a file shows the HDF5 signature at one of the allowed offsets. */
export function sniffHdf5(head: Uint8Array): boolean {
  return signatureOffsets(head.length).some((o) => asciiAt(head, o, HDF5_SIGNATURE));
}

async function findSignature(io: Hdf5Io): Promise<number> {
  for (const o of signatureOffsets(Math.min(io.limits.maxSignatureOffset, io.src.size))) {
    if (o + 8 > io.src.size) break;
    const c = await io.block(o, 8, 'signature');
    if (asciiAt(c.buf, 0, HDF5_SIGNATURE)) return o;
  }
  return fail('bad_magic', 'no HDF5 signature found', 0);
}

function checkWidth(n: number, what: string, at: number): void {
  if (n !== 2 && n !== 4 && n !== 8) fail('invalid_structure', `HDF5 superblock: size of ${what} is ${n}`, at);
}

/** Reads superblock versions 0–3 (the layout changed at version 2). */
export async function readSuperblock(io: Hdf5Io): Promise<Superblock> {
  const offset = await findSignature(io);
  const head = await io.block(offset, Math.min(128, io.src.size - offset), 'superblock');
  head.skip(8, 'signature');
  const version = head.u8('superblock version');
  if (version > 3) fail('unsupported_version', `HDF5 superblock version ${version}`, offset + 8);

  let sizeOfOffsets: number;
  let sizeOfLengths: number;
  let baseAddress: number;
  let rootAddress: number;
  if (version <= 1) {
    head.skip(4, 'superblock versions'); // free-space, root entry, reserved, shared-message versions
    sizeOfOffsets = head.u8('size of offsets');
    sizeOfLengths = head.u8('size of lengths');
    checkWidth(sizeOfOffsets, 'offsets', offset + 13);
    checkWidth(sizeOfLengths, 'lengths', offset + 14);
    head.skip(1 + 4 + 4, 'superblock node sizes and flags');
    if (version === 1) head.skip(4, 'indexed storage K');
    baseAddress = head.uint(sizeOfOffsets, 'base address');
    head.uint(sizeOfOffsets, 'free-space address');
    head.uint(sizeOfOffsets, 'end-of-file address');
    head.uint(sizeOfOffsets, 'driver info address');
    // Root group symbol table entry: link name offset, then the object header address.
    head.uint(sizeOfOffsets, 'root link name offset');
    rootAddress = head.uint(sizeOfOffsets, 'root object header address');
  } else {
    sizeOfOffsets = head.u8('size of offsets');
    sizeOfLengths = head.u8('size of lengths');
    checkWidth(sizeOfOffsets, 'offsets', offset + 9);
    checkWidth(sizeOfLengths, 'lengths', offset + 10);
    head.skip(1, 'consistency flags');
    baseAddress = head.uint(sizeOfOffsets, 'base address');
    head.uint(sizeOfOffsets, 'superblock extension address');
    head.uint(sizeOfOffsets, 'end-of-file address');
    rootAddress = head.uint(sizeOfOffsets, 'root object header address');
  }
  if (baseAddress === UNDEFINED_ADDRESS) baseAddress = 0;
  // A user block moves the superblock; writers record it as the base, but be lenient if they did not.
  if (baseAddress === 0 && offset > 0) baseAddress = offset;
  if (rootAddress === UNDEFINED_ADDRESS) fail('invalid_structure', 'HDF5 root group address is undefined', offset);
  return {
    offset,
    version,
    sizeOfOffsets,
    sizeOfLengths,
    baseAddress,
    rootObjectHeader: baseAddress + rootAddress,
  };
}
