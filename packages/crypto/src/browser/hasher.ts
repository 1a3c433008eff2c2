/** Incremental hashing without Node: SM3 (noble HashMD, ./sm3.ts) and SHA-256 (@noble/hashes). */
import { sha256 } from '@noble/hashes/sha2.js';
import { cryptoError } from '../errors.js';
import type { HashAlgorithm, Hasher } from '../types.js';
import { sm3 } from './sm3.js';

interface NobleHash {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}

class BrowserHasher implements Hasher {
  readonly algorithm: HashAlgorithm;
  #hash: NobleHash | undefined;

  constructor(algorithm: HashAlgorithm) {
    this.algorithm = algorithm;
    this.#hash = algorithm === 'sm3' ? sm3.create() : sha256.create();
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

/** A new incremental hasher. Throws CRYPTO_INVALID_ARGUMENT for an unknown algorithm. */
export function createHasher(algorithm: HashAlgorithm): Hasher {
  if (algorithm !== 'sm3' && algorithm !== 'sha256') {
    throw cryptoError('CRYPTO_INVALID_ARGUMENT', `unknown hash algorithm ${String(algorithm)}`, {
      algorithm: String(algorithm),
    });
  }
  return new BrowserHasher(algorithm);
}

/** One-shot hash of the concatenation of the parts. */
export function hashParts(algorithm: HashAlgorithm, parts: readonly Uint8Array[]): Uint8Array {
  const h = algorithm === 'sm3' ? sm3.create() : sha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
}
