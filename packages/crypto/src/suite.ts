/** The two chain-wide crypto suites: gm (SM2/SM3/SM4-GCM) and intl (Ed25519/SHA-256/AES-256-GCM). */
import {
  createHash,
  createSign,
  createVerify,
  generateKeyPairSync,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
  hash as oneShotHash,
  randomBytes,
} from 'node:crypto';
import { cryptoError } from './errors.js';
import { type AeadAlgorithm, aeadDecrypt, aeadEncrypt, GCM_NONCE_LENGTH } from './gcm.js';
import { publicKeyObjectFromBytes, SuitePrivateKey, unknownSuite, wrapPrivateKeyObject } from './keys.js';
import { LruCache } from './lru.js';
import { sm2SignatureFromDer, sm2SignatureToDer, sm2Z } from './sm2.js';
import type { CryptoSuite, PrivateKey, PublicKey, Sealed, SignOptions, SuiteId } from './types.js';

export interface SuiteOptions {
  /** How many imported public keys to keep (default 10,000). */
  readonly keyCacheSize?: number;
}

/** Imported public key plus, for SM2, its Z under the default user ID. */
interface CachedKey {
  readonly keyObject: KeyObject;
  readonly z: Uint8Array | undefined;
}

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);

/** true iff `id` names a suite. */
export function isSuiteId(id: unknown): id is SuiteId {
  return id === 'gm' || id === 'intl';
}

/** Creates a suite instance with its own cache of imported public keys. Throws CRYPTO_UNKNOWN_SUITE. */
export function createSuite(id: SuiteId, opts: SuiteOptions = {}): CryptoSuite {
  if (!isSuiteId(id)) throw unknownSuite(id);
  return new Suite(id, opts);
}

class Suite implements CryptoSuite {
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
  readonly hash = (...parts: readonly Uint8Array[]): Uint8Array => {
    // One part (the common case, e.g. every Merkle node): the one-shot hash skips the Hash object.
    if (parts.length === 1) return u8(oneShotHash(this.hashAlgorithm, parts[0], 'buffer'));
    const h = createHash(this.hashAlgorithm);
    for (const p of parts) h.update(p);
    return u8(h.digest());
  };

  generateKey(): PrivateKey {
    const { privateKey } =
      this.id === 'gm' ? generateKeyPairSync('ec', { namedCurve: 'SM2' }) : generateKeyPairSync('ed25519');
    return wrapPrivateKeyObject(privateKey, this.id);
  }

  sign(key: PrivateKey, message: Uint8Array, opts?: SignOptions): Uint8Array {
    this.#checkSuite(key.suite);
    const keyObject = SuitePrivateKey.keyObjectOf(key);
    if (this.id === 'intl') return u8(nodeSign(null, message, keyObject));
    const z = sm2Z(key.publicKey.bytes, opts?.userId);
    return sm2SignatureFromDer(createSign('sm3').update(z).update(message).sign(keyObject));
  }

  verify(publicKey: PublicKey, message: Uint8Array, signature: Uint8Array, opts?: SignOptions): boolean {
    this.#checkSuite(publicKey.suite);
    const cached = this.#cached(publicKey.bytes);
    if (signature.length !== 64) return false;
    if (this.id === 'intl') return nodeVerify(null, message, cached.keyObject, signature);
    let der: Uint8Array;
    try {
      der = sm2SignatureToDer(signature);
    } catch {
      return false;
    }
    const z = opts?.userId === undefined ? (cached.z as Uint8Array) : sm2Z(publicKey.bytes, opts.userId);
    return createVerify('sm3').update(z).update(message).verify(cached.keyObject, der);
  }

  publicKeyFromBytes(bytes: Uint8Array): PublicKey {
    this.#cached(bytes);
    return { suite: this.id, bytes: new Uint8Array(bytes) };
  }

  seal(key: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Sealed {
    const nonce = u8(randomBytes(GCM_NONCE_LENGTH));
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
    const cacheKey = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    return this.#keys.getOrCreate(cacheKey, () => ({
      keyObject: publicKeyObjectFromBytes(this.id, bytes),
      z: this.id === 'gm' ? sm2Z(bytes) : undefined,
    }));
  }
}

/** Address of a public key: lower-case hex of the first 20 bytes of suite.hash(publicKey). */
export function addressOf(suite: CryptoSuite, publicKey: Uint8Array): string {
  return Buffer.from(suite.hash(publicKey).subarray(0, 20)).toString('hex');
}
