/**
 * Key objects: the PrivateKey implementation, raw/DER/PEM key encodings and suite detection.
 * SM2 keys are always (re)imported from PKCS#8/SPKI DER carrying the SM2 curve OID, so OpenSSL
 * treats them as SM2 keys (see BRIEF: GB/T 32918 signing through createSign('sm3')).
 */
import { createECDH, createPrivateKey, createPublicKey, ECDH, type KeyObject } from 'node:crypto';
import { readChildren, readTlv } from './der.js';
import { ED25519_PKCS8_PREFIX, ED25519_SPKI_PREFIX, isEd25519Point } from './ed25519.js';
import { cryptoError, unknownSuite } from './errors.js';
import { inScalarRange, SM2_N_MINUS_2, SM2_PKCS8_MIDDLE, SM2_PKCS8_PREFIX, SM2_SPKI_PREFIX } from './sm2.js';
import type { CryptoSuite, PrivateKey, PublicKey, SuiteId } from './types.js';

/** A PrivateKey whose material stays in a Node KeyObject. */
export class SuitePrivateKey implements PrivateKey {
  readonly suite: SuiteId;
  readonly publicKey: PublicKey;
  readonly #keyObject: KeyObject;

  constructor(suite: SuiteId, publicKey: PublicKey, keyObject: KeyObject) {
    this.suite = suite;
    this.publicKey = publicKey;
    this.#keyObject = keyObject;
  }

  /** The Node KeyObject of a key made by this package; throws CRYPTO_INVALID_KEY for any other object. */
  static keyObjectOf(key: PrivateKey): KeyObject {
    if (!(key instanceof SuitePrivateKey)) {
      throw cryptoError('CRYPTO_INVALID_KEY', 'not a private key created by @xinlian/crypto', {});
    }
    return key.#keyObject;
  }

  toJSON(): { suite: SuiteId; publicKey: string } {
    return { suite: this.suite, publicKey: Buffer.from(this.publicKey.bytes).toString('hex') };
  }
}

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);

function invalidKey(message: string, details: Record<string, unknown> = {}, cause?: unknown): never {
  throw cryptoError('CRYPTO_INVALID_KEY', message, details, cause);
}

const OID_ED25519 = '06032b6570';
const OID_EC_PUBLIC_KEY = '06072a8648ce3d0201';
const OID_SM2 = '06082a811ccf5501822d';

/** What a key object is: its suite (undefined for P-256, RSA, ...) and raw public key bytes. */
interface KeyInfo {
  readonly suite: SuiteId | undefined;
  readonly publicKey: Uint8Array;
  readonly description: string;
}

/**
 * Reads the suite and public key from the key's SPKI DER. Node reports no asymmetricKeyType for
 * keys OpenSSL decoded as SM2, so the algorithm and curve OIDs are checked here directly.
 */
function inspectKeyObject(ko: KeyObject): KeyInfo {
  const pub = ko.type === 'public' ? ko : createPublicKey(ko);
  const spki = pub.export({ type: 'spki', format: 'der' });
  const seq = readTlv(spki, 0);
  const parts = seq === undefined ? undefined : readChildren(spki, seq);
  const alg = parts?.[0];
  const algParts = alg?.tag === 0x30 ? readChildren(spki, alg) : undefined;
  const bits = parts?.[1];
  if (algParts === undefined || bits?.tag !== 0x03 || spki[bits.start] !== 0) {
    return invalidKey('malformed SubjectPublicKeyInfo');
  }
  const oids = algParts.map((t) => spki.subarray(t.start - 2, t.end).toString('hex'));
  const point = new Uint8Array(spki.subarray(bits.start + 1, bits.end));
  const curve = ko.asymmetricKeyDetails?.namedCurve;
  const description = `${ko.asymmetricKeyType ?? 'unknown'}${curve === undefined ? '' : `/${curve}`}`;
  if (oids.length === 1 && oids[0] === OID_ED25519) return { suite: 'intl', publicKey: point, description };
  const sm2 = oids[0] === OID_SM2 || (oids[0] === OID_EC_PUBLIC_KEY && oids[1] === OID_SM2);
  if (!sm2) return { suite: undefined, publicKey: point, description };
  const uncompressed =
    point[0] === 0x04
      ? point
      : u8(ECDH.convertKey(point, 'SM2', undefined, undefined, 'uncompressed') as Buffer);
  return { suite: 'gm', publicKey: uncompressed, description: 'sm2' };
}

/** Throws CRYPTO_WRONG_SUITE unless the key belongs to `expected` (or, without it, to any suite). */
function requireSuite(info: KeyInfo, expected?: SuiteId): SuiteId {
  const { suite, description } = info;
  if (suite === undefined || (expected !== undefined && suite !== expected)) {
    throw cryptoError(
      'CRYPTO_WRONG_SUITE',
      expected === undefined
        ? `a ${description} key belongs to no suite (expected SM2 or Ed25519)`
        : `a ${description} key does not belong to suite ${expected}`,
      { expected: expected ?? 'gm|intl', actual: description },
    );
  }
  return suite;
}

/** Builds the SPKI DER of raw public key bytes and imports it (validating the point). */
export function publicKeyObjectFromBytes(suite: SuiteId, bytes: Uint8Array): KeyObject {
  if (suite === 'gm') {
    if (bytes.length !== 65 || bytes[0] !== 0x04) {
      invalidKey('SM2 public key must be a 65-byte uncompressed point', { length: bytes.length });
    }
    try {
      return createPublicKey({ key: Buffer.concat([SM2_SPKI_PREFIX, bytes]), format: 'der', type: 'spki' });
    } catch (e) {
      return invalidKey('SM2 public key is not a point on the SM2 curve', {}, e);
    }
  }
  if (!isEd25519Point(bytes))
    invalidKey('Ed25519 public key must be a valid 32-byte point', { length: bytes.length });
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, bytes]), format: 'der', type: 'spki' });
}

/** Wraps a key object of a known suite as a PrivateKey, re-importing it from its PKCS#8 DER. */
export function wrapPrivateKeyObject(ko: KeyObject, expected?: SuiteId): SuitePrivateKey {
  const info = inspectKeyObject(ko);
  const suite = requireSuite(info, expected);
  const der = ko.export({ type: 'pkcs8', format: 'der' });
  const canonical = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return new SuitePrivateKey(suite, { suite, bytes: info.publicKey }, canonical);
}

/** A PrivateKey from a PKCS#8 DER key of the given (or any) suite. */
export function privateKeyFromPkcs8(der: Uint8Array, expected?: SuiteId): SuitePrivateKey {
  let ko: KeyObject;
  try {
    ko = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  } catch (e) {
    return invalidKey('not a PKCS#8 private key', {}, e);
  }
  return wrapPrivateKeyObject(ko, expected);
}

/** PKCS#8 DER of a private key. */
export function privateKeyToPkcs8(key: PrivateKey): Uint8Array {
  return u8(SuitePrivateKey.keyObjectOf(key).export({ type: 'pkcs8', format: 'der' }));
}

/**
 * A private key from its raw 32 bytes: the SM2 scalar d (1 <= d <= n-2, big-endian) or the Ed25519 seed.
 * Meant for tests and tools; keys for use come from generateKey() or key files.
 */
export function privateKeyFromRaw(suite: SuiteId | CryptoSuite, raw: Uint8Array): PrivateKey {
  const id = typeof suite === 'string' ? suite : suite.id;
  if (id === 'gm') {
    if (!inScalarRange(raw, SM2_N_MINUS_2)) invalidKey('SM2 private key must be 32 bytes in [1, n-2]');
    const ecdh = createECDH('SM2');
    ecdh.setPrivateKey(raw);
    return privateKeyFromPkcs8(
      Buffer.concat([SM2_PKCS8_PREFIX, raw, SM2_PKCS8_MIDDLE, ecdh.getPublicKey()]),
      'gm',
    );
  }
  if (id === 'intl') {
    if (raw.length !== 32) invalidKey('Ed25519 seed must be 32 bytes', { length: raw.length });
    return privateKeyFromPkcs8(Buffer.concat([ED25519_PKCS8_PREFIX, raw]), 'intl');
  }
  throw unknownSuite(id);
}

/** The raw 32 bytes of a private key (SM2 scalar d or Ed25519 seed); for tests and tools. */
export function privateKeyToRaw(key: PrivateKey): Uint8Array {
  const der = privateKeyToPkcs8(key);
  const outer = readTlv(der, 0);
  const fields = outer === undefined ? undefined : readChildren(der, outer);
  const inner = fields?.[2];
  if (inner?.tag !== 0x04) return invalidKey('malformed PKCS#8 key');
  // Ed25519: OCTET STRING { seed }; SM2: ECPrivateKey SEQUENCE { version, OCTET STRING d, ... }.
  const body = readTlv(der, inner.start, inner.end);
  const ecFields = body?.tag === 0x30 ? readChildren(der, body) : undefined;
  const value = key.suite === 'gm' ? ecFields?.[1] : body;
  if (value?.tag !== 0x04) return invalidKey('malformed PKCS#8 key');
  const bytes = der.subarray(value.start, value.end);
  if (bytes.length > 32) return invalidKey('malformed PKCS#8 key');
  const out = new Uint8Array(32);
  out.set(bytes, 32 - bytes.length);
  return out;
}

/** Exports a private key as PKCS#8 PEM (SM2 keys carry the SM2 curve OID; `openssl pkey` reads them). */
export function exportPrivateKeyPem(key: PrivateKey): string {
  return SuitePrivateKey.keyObjectOf(key).export({ type: 'pkcs8', format: 'pem' }) as string;
}

/**
 * Imports a PEM private key (PKCS#8, or SEC1 "EC PRIVATE KEY"). With `suiteId`, a key of another
 * suite or curve (e.g. P-256 for gm) is refused with CRYPTO_WRONG_SUITE; unreadable PEM is CRYPTO_INVALID_KEY.
 */
export function importPrivateKeyPem(pem: string, suiteId?: SuiteId): PrivateKey {
  let ko: KeyObject;
  try {
    ko = createPrivateKey({ key: pem, format: 'pem' });
  } catch (e) {
    return invalidKey('not a readable unencrypted PEM private key', {}, e);
  }
  return wrapPrivateKeyObject(ko, suiteId);
}

/** Exports a public key as SPKI PEM. */
export function exportPublicKeyPem(pub: PublicKey): string {
  return publicKeyObjectFromBytes(pub.suite, pub.bytes).export({ type: 'spki', format: 'pem' }) as string;
}

/** Imports an SPKI PEM public key (SM2 or Ed25519); other key types give CRYPTO_WRONG_SUITE. */
export function importPublicKeyPem(pem: string, suiteId?: SuiteId): PublicKey {
  let ko: KeyObject;
  try {
    ko = createPublicKey({ key: pem, format: 'pem' });
  } catch (e) {
    return invalidKey('not a readable PEM public key', {}, e);
  }
  const info = inspectKeyObject(ko);
  const suite = requireSuite(info, suiteId);
  publicKeyObjectFromBytes(suite, info.publicKey);
  return { suite, bytes: info.publicKey };
}
