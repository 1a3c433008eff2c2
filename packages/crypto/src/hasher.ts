/** Incremental hashing with Node's OpenSSL (SM3, SHA-256). */
import { createHash } from 'node:crypto';
import { createHasherWith, type IncrementalHash } from './hasher-core.js';
import type { HashAlgorithm, Hasher } from './types.js';

function openSslHash(algorithm: HashAlgorithm): IncrementalHash {
  const hash = createHash(algorithm);
  return {
    update: (data) => hash.update(data),
    digest: () => {
      const out = hash.digest();
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    },
  };
}

/** A new incremental hasher. Throws CRYPTO_INVALID_ARGUMENT for an unknown algorithm. */
export function createHasher(algorithm: HashAlgorithm): Hasher {
  return createHasherWith(algorithm, openSslHash);
}
