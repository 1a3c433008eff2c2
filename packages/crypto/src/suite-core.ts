/**
 * Backend-independent part of the two suites (no Node imports): the suite's parameters, the
 * public-key cache, seal/open around the backend's AEAD, and the wrong-suite check. The Node and
 * browser backends subclass it and supply hashing, key generation, signing and verification.
 */
import { cryptoError, unknownSuite } from './errors.js';
import { type AeadAlgorithm, GCM_NONCE_LENGTH } from './gcm-core.js';
import { LruCache } from './lru.js';
import type { CryptoSuite, PrivateKey, PublicKey, Sealed, SignOptions, SuiteId } from './types.js';

export interface SuiteOptions {
  /** How many imported public keys to keep (default 10,000). */
  readonly keyCacheSize?: number;
}

/** What a backend supplies to the shared suite code. */
export interface SuiteBackend<K> {
  randomBytes(length: number): Uint8Array;
  aeadEncrypt(
    alg: AeadAlgorithm,
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array;
  aeadDecrypt(
    alg: AeadAlgorithm,
    key: Uint8Array,
    nonce: Uint8Array,
    sealed: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array;
  /** The cache key of a public key's bytes. */
  cacheKey(bytes: Uint8Array): string;
  /** Imports (and validates) a public key for `suite`; the result is cached. */
  importKey(suite: SuiteId, bytes: Uint8Array): K;
}

/** true iff `id` names a suite. */
export function isSuiteId(id: unknown): id is SuiteId {
  return id === 'gm' || id === 'intl';
}

/** Throws CRYPTO_UNKNOWN_SUITE unless `id` names a suite. */
export function checkSuiteId(id: SuiteId): void {
  if (!isSuiteId(id)) throw unknownSuite(id);
}

export abstract class SuiteBase<K> implements CryptoSuite {
  readonly id: SuiteId;
  readonly hashAlgorithm: 'sm3' | 'sha256';
  readonly signatureAlgorithm: 'sm2' | 'ed25519';
  readonly cipherAlgorithm: AeadAlgorithm;
  readonly cipherKeyLength: number;
  readonly publicKeyLength: number;
  readonly signatureLength = 64;
  readonly #keys: LruCache<K>;
  readonly #backend: SuiteBackend<K>;

  constructor(id: SuiteId, opts: SuiteOptions, backend: SuiteBackend<K>) {
    const gm = id === 'gm';
    this.id = id;
    this.hashAlgorithm = gm ? 'sm3' : 'sha256';
    this.signatureAlgorithm = gm ? 'sm2' : 'ed25519';
    this.cipherAlgorithm = gm ? 'sm4-gcm' : 'aes-256-gcm';
    this.cipherKeyLength = gm ? 16 : 32;
    this.publicKeyLength = gm ? 65 : 32;
    this.#keys = new LruCache(opts.keyCacheSize ?? 10_000);
    this.#backend = backend;
  }

  abstract readonly hash: (...parts: readonly Uint8Array[]) => Uint8Array;
  abstract generateKey(): PrivateKey;
  /** Signs with a key already checked to be of this suite. */
  protected abstract signChecked(key: PrivateKey, message: Uint8Array, opts?: SignOptions): Uint8Array;
  /** Verifies a 64-byte signature under a public key of this suite, imported as `cached`. */
  protected abstract verifyChecked(
    cached: K,
    publicKey: PublicKey,
    message: Uint8Array,
    signature: Uint8Array,
    opts?: SignOptions,
  ): boolean;

  sign(key: PrivateKey, message: Uint8Array, opts?: SignOptions): Uint8Array {
    this.checkSuite(key.suite);
    return this.signChecked(key, message, opts);
  }

  verify(publicKey: PublicKey, message: Uint8Array, signature: Uint8Array, opts?: SignOptions): boolean {
    this.checkSuite(publicKey.suite);
    const cached = this.cached(publicKey.bytes);
    if (signature.length !== 64) return false;
    return this.verifyChecked(cached, publicKey, message, signature, opts);
  }

  publicKeyFromBytes(bytes: Uint8Array): PublicKey {
    this.cached(bytes);
    return { suite: this.id, bytes: new Uint8Array(bytes) };
  }

  seal(key: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Sealed {
    const nonce = this.#backend.randomBytes(GCM_NONCE_LENGTH);
    return { nonce, ciphertext: this.#backend.aeadEncrypt(this.cipherAlgorithm, key, nonce, plaintext, aad) };
  }

  open(key: Uint8Array, sealed: Sealed, aad?: Uint8Array): Uint8Array {
    if (sealed.nonce.length !== GCM_NONCE_LENGTH) {
      throw cryptoError('CRYPTO_DECRYPT_FAILED', `nonce must be ${GCM_NONCE_LENGTH} bytes`, {
        length: sealed.nonce.length,
      });
    }
    return this.#backend.aeadDecrypt(this.cipherAlgorithm, key, sealed.nonce, sealed.ciphertext, aad);
  }

  /** Throws CRYPTO_WRONG_SUITE unless `suite` is this suite. */
  protected checkSuite(suite: SuiteId): void {
    if (suite !== this.id) {
      throw cryptoError('CRYPTO_WRONG_SUITE', `a ${suite} key was used with the ${this.id} suite`, {
        expected: this.id,
        actual: suite,
      });
    }
  }

  /** The imported public key, from the cache or imported now (throws as the backend's importKey). */
  protected cached(bytes: Uint8Array): K {
    return this.#keys.getOrCreate(this.#backend.cacheKey(bytes), () =>
      this.#backend.importKey(this.id, bytes),
    );
  }
}
