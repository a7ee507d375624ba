import type { ByteSource } from '../../core/byte-source.js';
import type { Caps, Decompressed } from './caps.js';
import { bunzipCapped, unxzCapped } from './decoders.js';

export type Decoder = (src: ByteSource, caps: Caps, signal?: AbortSignal) => Promise<Decompressed>;

/** Zip compression methods decoded besides stored (0) and deflate (8), which the zip scanner handles itself. */
const ZIP_METHODS: Record<number, Decoder> = {
  12: bunzipCapped,
  95: unxzCapped,
};

export function decoderFor(method: number): Decoder | undefined {
  return ZIP_METHODS[method];
}
