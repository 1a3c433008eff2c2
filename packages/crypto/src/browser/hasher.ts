/** Incremental hashing without Node: SM3 (noble HashMD, ./sm3.ts) and SHA-256 (@noble/hashes). */
import { sha256 } from '@noble/hashes/sha2.js';
import { createHasherWith, type IncrementalHash } from '../hasher-core.js';
import type { HashAlgorithm, Hasher } from '../types.js';
import { sm3 } from './sm3.js';

const nobleHash = (algorithm: HashAlgorithm): IncrementalHash =>
  algorithm === 'sm3' ? sm3.create() : sha256.create();

/** A new incremental hasher. Throws CRYPTO_INVALID_ARGUMENT for an unknown algorithm. */
export function createHasher(algorithm: HashAlgorithm): Hasher {
  return createHasherWith(algorithm, nobleHash);
}

/** One-shot hash of the concatenation of the parts. */
export function hashParts(algorithm: HashAlgorithm, parts: readonly Uint8Array[]): Uint8Array {
  const h = nobleHash(algorithm);
  for (const p of parts) h.update(p);
  return h.digest();
}
