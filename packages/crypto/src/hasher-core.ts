/** Backend-independent incremental hashing (no Node imports): the Hasher over a backend's hash object. */
import { cryptoError } from './errors.js';
import type { HashAlgorithm, Hasher } from './types.js';

/** An incremental hash object of a backend (OpenSSL Hash, noble HashMD), adapted to plain bytes. */
export interface IncrementalHash {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}

class StreamHasher implements Hasher {
  readonly algorithm: HashAlgorithm;
  #hash: IncrementalHash | undefined;

  constructor(algorithm: HashAlgorithm, hash: IncrementalHash) {
    this.algorithm = algorithm;
    this.#hash = hash;
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
    return out;
  }
}

const finished = () => cryptoError('CRYPTO_INVALID_ARGUMENT', 'the hasher was already digested', {});

/**
 * A new incremental hasher over `create(algorithm)`. Throws CRYPTO_INVALID_ARGUMENT for an unknown
 * algorithm (before calling `create`).
 */
export function createHasherWith(
  algorithm: HashAlgorithm,
  create: (algorithm: HashAlgorithm) => IncrementalHash,
): Hasher {
  if (algorithm !== 'sm3' && algorithm !== 'sha256') {
    throw cryptoError('CRYPTO_INVALID_ARGUMENT', `unknown hash algorithm ${String(algorithm)}`, {
      algorithm: String(algorithm),
    });
  }
  return new StreamHasher(algorithm, create(algorithm));
}
