import { createHash } from 'node:crypto';

/**
 * Hash identifiers as the OMS reference implementation writes them in `hash_type` and
 * `resources[].algorithm`: `sha256` (default), `blake2b` (BLAKE2b-512, Python's
 * `hashlib.blake2b()` default) and `blake3` (32-byte output).
 */
export const HASH_ALGORITHMS = ['sha256', 'blake2b', 'blake3'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** Older tooling and users write `blake2`; the reference CLI accepts it as an option name. */
const ALIASES: Readonly<Record<string, HashAlgorithm>> = {
  sha256: 'sha256',
  'sha-256': 'sha256',
  blake2b: 'blake2b',
  blake2: 'blake2b',
  blake3: 'blake3',
};

export function parseHashAlgorithm(name: string): HashAlgorithm | undefined {
  return ALIASES[name.toLowerCase()];
}

/** node:crypto's name for the algorithms it implements natively (OpenSSL, SHA-NI when present). */
export const NODE_HASH_NAME: Readonly<Partial<Record<HashAlgorithm, string>>> = {
  sha256: 'sha256',
  blake2b: 'blake2b512',
};

export interface StreamHasher {
  update(data: Uint8Array): void;
  digest(): Uint8Array;
}

/** BLAKE3 is not in OpenSSL; hash-wasm's WebAssembly build is ~10x faster than pure-JS ports. */
export async function createHasher(alg: HashAlgorithm): Promise<StreamHasher> {
  const nodeName = NODE_HASH_NAME[alg];
  if (nodeName !== undefined) {
    const h = createHash(nodeName);
    return {
      update: (d) => {
        h.update(d);
      },
      digest: () => new Uint8Array(h.digest()),
    };
  }
  // Imported on first use: its inlined WebAssembly costs ~10 ms to load, and few commands hash.
  const { createBLAKE3 } = await import('hash-wasm');
  const b3 = await createBLAKE3();
  b3.init();
  return {
    update: (d) => {
      b3.update(d);
    },
    digest: () => b3.digest('binary'),
  };
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
