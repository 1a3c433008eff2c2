/** Incremental hashing with Node's OpenSSL (SM3, SHA-256). */
import { createHash, type Hash } from 'node:crypto';
import { cryptoError } from './errors.js';
import type { HashAlgorithm, Hasher } from './types.js';

class NodeHasher implements Hasher {
  readonly algorithm: HashAlgorithm;
  #hash: Hash | undefined;

  constructor(algorithm: HashAlgorithm) {
    this.algorithm = algorithm;
    this.#hash = createHash(algorithm);
  }

  update(data: Uint8Array): Hasher {
    if (this.#hash === undefined) throw finished();
    this.#hash.update(data);
    return this;
  }

  digest(): Uint8Array {
    if (this.#hash === undefined) throw finished();
    const out = this.#hash.digest();
    this.#hash = undefined;
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }
}

const finished = () => cryptoError('CRYPTO_INVALID_ARGUMENT', 'the hasher was already digested', {});

/** A new incremental hasher. Throws CRYPTO_INVALID_ARGUMENT for an unknown algorithm. */
export function createHasher(algorithm: HashAlgorithm): Hasher {
  if (algorithm !== 'sm3' && algorithm !== 'sha256') {
    throw cryptoError('CRYPTO_INVALID_ARGUMENT', `unknown hash algorithm ${String(algorithm)}`, {
      algorithm: String(algorithm),
    });
  }
  return new NodeHasher(algorithm);
}
