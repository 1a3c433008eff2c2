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
import { aeadDecrypt, aeadEncrypt } from './gcm.js';
import { publicKeyObjectFromBytes, SuitePrivateKey, wrapPrivateKeyObject } from './keys.js';
import { sm2SignatureFromDer, sm2SignatureToDer, sm2Z } from './sm2.js';
import { checkSuiteId, type SuiteBackend, SuiteBase, type SuiteOptions } from './suite-core.js';
import type { CryptoSuite, PrivateKey, PublicKey, SignOptions, SuiteId } from './types.js';

export { isSuiteId, type SuiteOptions } from './suite-core.js';

/** Imported public key plus, for SM2, its Z under the default user ID. */
interface CachedKey {
  readonly keyObject: KeyObject;
  readonly z: Uint8Array | undefined;
}

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);

const NODE_BACKEND: SuiteBackend<CachedKey> = {
  randomBytes: (length) => u8(randomBytes(length)),
  aeadEncrypt,
  aeadDecrypt,
  cacheKey: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'),
  importKey: (suite, bytes) => ({
    keyObject: publicKeyObjectFromBytes(suite, bytes),
    z: suite === 'gm' ? sm2Z(bytes) : undefined,
  }),
};

/** Creates a suite instance with its own cache of imported public keys. Throws CRYPTO_UNKNOWN_SUITE. */
export function createSuite(id: SuiteId, opts: SuiteOptions = {}): CryptoSuite {
  checkSuiteId(id);
  return new Suite(id, opts);
}

class Suite extends SuiteBase<CachedKey> {
  constructor(id: SuiteId, opts: SuiteOptions) {
    super(id, opts, NODE_BACKEND);
  }

  /** Bound to the instance, so `suite.hash` can be passed around as a plain HashFn. */
  override readonly hash = (...parts: readonly Uint8Array[]): Uint8Array => {
    // One part (the common case, e.g. every Merkle node): the one-shot hash skips the Hash object.
    if (parts.length === 1) return u8(oneShotHash(this.hashAlgorithm, parts[0], 'buffer'));
    const h = createHash(this.hashAlgorithm);
    for (const p of parts) h.update(p);
    return u8(h.digest());
  };

  override generateKey(): PrivateKey {
    const { privateKey } =
      this.id === 'gm' ? generateKeyPairSync('ec', { namedCurve: 'SM2' }) : generateKeyPairSync('ed25519');
    return wrapPrivateKeyObject(privateKey, this.id);
  }

  protected override signChecked(key: PrivateKey, message: Uint8Array, opts?: SignOptions): Uint8Array {
    const keyObject = SuitePrivateKey.keyObjectOf(key);
    if (this.id === 'intl') return u8(nodeSign(null, message, keyObject));
    const z = sm2Z(key.publicKey.bytes, opts?.userId);
    return sm2SignatureFromDer(createSign('sm3').update(z).update(message).sign(keyObject));
  }

  protected override verifyChecked(
    cached: CachedKey,
    publicKey: PublicKey,
    message: Uint8Array,
    signature: Uint8Array,
    opts?: SignOptions,
  ): boolean {
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
}

/** Address of a public key: lower-case hex of the first 20 bytes of suite.hash(publicKey). */
export function addressOf(suite: CryptoSuite, publicKey: Uint8Array): string {
  return Buffer.from(suite.hash(publicKey).subarray(0, 20)).toString('hex');
}
