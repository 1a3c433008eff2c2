/** The gm and intl suites without Node: @noble/curves (SM2 curve, Ed25519), ./sm3.ts, @noble/hashes, @noble/ciphers. */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { toHex } from '@xinlian/utils';
import { checkSuiteId, type SuiteBackend, SuiteBase, type SuiteOptions } from '../suite-core.js';
import type { CryptoSuite, PrivateKey, PublicKey, SignOptions, SuiteId } from '../types.js';
import { aeadDecrypt, aeadEncrypt } from './gcm.js';
import { hashParts } from './hasher.js';
import { BrowserPrivateKey, checkPublicKeyBytes, scalarBytes } from './keys.js';
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

export { isSuiteId, type SuiteOptions } from '../suite-core.js';

/** A validated public key plus, for SM2, its point and Z under the default user ID. */
interface CachedKey {
  readonly point: Sm2PointT | undefined;
  readonly z: Uint8Array | undefined;
}

const BROWSER_BACKEND: SuiteBackend<CachedKey> = {
  randomBytes,
  aeadEncrypt,
  aeadDecrypt,
  cacheKey: toHex,
  importKey: (suite, bytes) => {
    checkPublicKeyBytes(suite, bytes);
    if (suite === 'intl') return { point: undefined, z: undefined };
    return { point: sm2PointFromBytes(bytes), z: sm2ZBrowser(bytes) };
  },
};

/** Creates a suite instance with its own cache of imported public keys. Throws CRYPTO_UNKNOWN_SUITE. */
export function createSuite(id: SuiteId, opts: SuiteOptions = {}): CryptoSuite {
  checkSuiteId(id);
  return new BrowserSuite(id, opts);
}

class BrowserSuite extends SuiteBase<CachedKey> {
  constructor(id: SuiteId, opts: SuiteOptions) {
    super(id, opts, BROWSER_BACKEND);
  }

  /** Bound to the instance, so `suite.hash` can be passed around as a plain HashFn. */
  override readonly hash = (...parts: readonly Uint8Array[]): Uint8Array =>
    hashParts(this.hashAlgorithm, parts);

  override generateKey(): PrivateKey {
    if (this.id === 'gm') {
      const d = sm2RandomPrivate();
      return new BrowserPrivateKey('gm', scalarBytes(d), sm2PublicOf(d));
    }
    const seed = ed25519.utils.randomSecretKey();
    return new BrowserPrivateKey('intl', seed, ed25519.getPublicKey(seed));
  }

  protected override signChecked(key: PrivateKey, message: Uint8Array, opts?: SignOptions): Uint8Array {
    const raw = BrowserPrivateKey.rawOf(key);
    if (this.id === 'intl') return ed25519.sign(message, raw);
    const z = sm2ZBrowser(key.publicKey.bytes, opts?.userId);
    return sm2Sign(bytesToNumberBE(raw), sm2E(z, message));
  }

  protected override verifyChecked(
    cached: CachedKey,
    publicKey: PublicKey,
    message: Uint8Array,
    signature: Uint8Array,
    opts?: SignOptions,
  ): boolean {
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
}

/** Address of a public key: lower-case hex of the first 20 bytes of suite.hash(publicKey). */
export function addressOf(suite: CryptoSuite, publicKey: Uint8Array): string {
  return toHex(suite.hash(publicKey).subarray(0, 20));
}
