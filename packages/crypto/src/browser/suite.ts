/** The gm and intl suites without Node: @noble/curves (SM2 curve, Ed25519), ./sm3.ts, @noble/hashes, @noble/ciphers. */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { toHex } from '@xinlian/utils';
import { cryptoError } from '../errors.js';
import { LruCache } from '../lru.js';
import type { CryptoSuite, PrivateKey, PublicKey, Sealed, SignOptions, SuiteId } from '../types.js';
import { type AeadAlgorithm, aeadDecrypt, aeadEncrypt, GCM_NONCE_LENGTH } from './gcm.js';
import { hashParts } from './hasher.js';
import { BrowserPrivateKey, checkPublicKeyBytes, scalarBytes, unknownSuite } from './keys.js';
import {
  type Sm2PointT,
  sm2E,
  sm2PointFromBytes,
  sm2PublicOf,
  sm2RandomPrivate,
  sm2Sign,
  sm2Verify,
  sm2ZBrowser,
} from './sm2.js';

export interface SuiteOptions {
  /** How many imported public keys to keep (default 10,000). */
  readonly keyCacheSize?: number;
}

/** A validated public key plus, for SM2, its point and Z under the default user ID. */
interface CachedKey {
  readonly point: Sm2PointT | undefined;
  readonly z: Uint8Array | undefined;
}

/** true iff `id` names a suite. */
export function isSuiteId(id: unknown): id is SuiteId {
  return id === 'gm' || id === 'intl';
}

/** Creates a suite instance with its own cache of imported public keys. Throws CRYPTO_UNKNOWN_SUITE. */
export function createSuite(id: SuiteId, opts: SuiteOptions = {}): CryptoSuite {
  if (!isSuiteId(id)) throw unknownSuite(id);
  return new BrowserSuite(id, opts);
}

class BrowserSuite implements CryptoSuite {
  readonly id: SuiteId;
  readonly hashAlgorithm: 'sm3' | 'sha256';
  readonly signatureAlgorithm: 'sm2' | 'ed25519';
  readonly cipherAlgorithm: AeadAlgorithm;
  readonly cipherKeyLength: number;
  readonly publicKeyLength: number;
  readonly signatureLength = 64;
  readonly #keys: LruCache<CachedKey>;

  constructor(id: SuiteId, opts: SuiteOptions) {
    const gm = id === 'gm';
    this.id = id;
    this.hashAlgorithm = gm ? 'sm3' : 'sha256';
    this.signatureAlgorithm = gm ? 'sm2' : 'ed25519';
    this.cipherAlgorithm = gm ? 'sm4-gcm' : 'aes-256-gcm';
    this.cipherKeyLength = gm ? 16 : 32;
    this.publicKeyLength = gm ? 65 : 32;
    this.#keys = new LruCache(opts.keyCacheSize ?? 10_000);
  }

  /** Bound to the instance, so `suite.hash` can be passed around as a plain HashFn. */
  readonly hash = (...parts: readonly Uint8Array[]): Uint8Array => hashParts(this.hashAlgorithm, parts);

  generateKey(): PrivateKey {
    if (this.id === 'gm') {
      const d = sm2RandomPrivate();
      return new BrowserPrivateKey('gm', scalarBytes(d), sm2PublicOf(d));
    }
    const seed = ed25519.utils.randomSecretKey();
    return new BrowserPrivateKey('intl', seed, ed25519.getPublicKey(seed));
  }

  sign(key: PrivateKey, message: Uint8Array, opts?: SignOptions): Uint8Array {
    this.#checkSuite(key.suite);
    const raw = BrowserPrivateKey.rawOf(key);
    if (this.id === 'intl') return ed25519.sign(message, raw);
    const z = sm2ZBrowser(key.publicKey.bytes, opts?.userId);
    return sm2Sign(bytesToNumberBE(raw), sm2E(z, message));
  }

  verify(publicKey: PublicKey, message: Uint8Array, signature: Uint8Array, opts?: SignOptions): boolean {
    this.#checkSuite(publicKey.suite);
    const cached = this.#cached(publicKey.bytes);
    if (signature.length !== 64) return false;
    if (this.id === 'intl') {
      try {
        // zip215: false = strict RFC 8032 / FIPS 186-5 decoding (canonical A and R, S < L, no small-order A).
        // noble checks the cofactored equation, OpenSSL the cofactorless one: they can disagree only on
        // crafted signatures with small-order components (never produced by a signer).
        return ed25519.verify(signature, message, publicKey.bytes, { zip215: false });
      } catch {
        return false;
      }
    }
    const z =
      opts?.userId === undefined ? (cached.z as Uint8Array) : sm2ZBrowser(publicKey.bytes, opts.userId);
    return sm2Verify(cached.point as Sm2PointT, sm2E(z, message), signature);
  }

  publicKeyFromBytes(bytes: Uint8Array): PublicKey {
    this.#cached(bytes);
    return { suite: this.id, bytes: new Uint8Array(bytes) };
  }

  seal(key: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Sealed {
    const nonce = randomBytes(GCM_NONCE_LENGTH);
    return { nonce, ciphertext: aeadEncrypt(this.cipherAlgorithm, key, nonce, plaintext, aad) };
  }

  open(key: Uint8Array, sealed: Sealed, aad?: Uint8Array): Uint8Array {
    if (sealed.nonce.length !== GCM_NONCE_LENGTH) {
      throw cryptoError('CRYPTO_DECRYPT_FAILED', `nonce must be ${GCM_NONCE_LENGTH} bytes`, {
        length: sealed.nonce.length,
      });
    }
    return aeadDecrypt(this.cipherAlgorithm, key, sealed.nonce, sealed.ciphertext, aad);
  }

  #checkSuite(suite: SuiteId): void {
    if (suite !== this.id) {
      throw cryptoError('CRYPTO_WRONG_SUITE', `a ${suite} key was used with the ${this.id} suite`, {
        expected: this.id,
        actual: suite,
      });
    }
  }

  #cached(bytes: Uint8Array): CachedKey {
    return this.#keys.getOrCreate(toHex(bytes), () => {
      checkPublicKeyBytes(this.id, bytes);
      if (this.id === 'intl') return { point: undefined, z: undefined };
      return { point: sm2PointFromBytes(bytes), z: sm2ZBrowser(bytes) };
    });
  }
}

/** Address of a public key: lower-case hex of the first 20 bytes of suite.hash(publicKey). */
export function addressOf(suite: CryptoSuite, publicKey: Uint8Array): string {
  return toHex(suite.hash(publicKey).subarray(0, 20));
}
