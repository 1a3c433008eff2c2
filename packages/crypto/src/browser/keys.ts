/**
 * Keys of the browser backend: the private key material (SM2 scalar d or Ed25519 seed) stays in a
 * private field; raw, PKCS#8 and SPKI (DER and PEM) encodings byte-identical to what the Node
 * backend writes, so keys move freely between the two (e.g. a key file made by `xinlian keys`).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { concatBytes, fromBase64, toBase64, toHex } from '@xinlian/utils';
import { readChildren, readTlv, type Tlv } from '../der.js';
import { cryptoError, unknownSuite } from '../errors.js';
import {
  inScalarRange,
  SM2_N_MINUS_2,
  SM2_PKCS8_MIDDLE,
  SM2_PKCS8_PREFIX,
  SM2_SPKI_PREFIX,
} from '../sm2-params.js';
import type { CryptoSuite, PrivateKey, PublicKey, SuiteId } from '../types.js';
import { Sm2Point, sm2PointFromBytes, sm2PublicOf } from './sm2.js';

const hex = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
};
/** DER prefix of an Ed25519 SPKI (OID 1.3.101.112) before the 32-byte key. */
const ED25519_SPKI_PREFIX = hex('302a300506032b6570032100');
/** DER prefix of an Ed25519 PKCS#8 key before the 32-byte seed. */
const ED25519_PKCS8_PREFIX = hex('302e020100300506032b657004220420');

const OID_ED25519 = '06032b6570';
const OID_EC_PUBLIC_KEY = '06072a8648ce3d0201';
const OID_SM2 = '06082a811ccf5501822d';

/** A private key of the browser backend. */
export class BrowserPrivateKey implements PrivateKey {
  readonly suite: SuiteId;
  readonly publicKey: PublicKey;
  readonly #raw: Uint8Array;

  constructor(suite: SuiteId, raw: Uint8Array, publicKey: Uint8Array) {
    this.suite = suite;
    this.#raw = raw;
    this.publicKey = { suite, bytes: publicKey };
  }

  /** The raw 32 bytes of a key made by this backend; throws CRYPTO_INVALID_KEY for any other object. */
  static rawOf(key: PrivateKey): Uint8Array {
    if (!(key instanceof BrowserPrivateKey)) {
      throw cryptoError('CRYPTO_INVALID_KEY', 'not a private key created by @xinlian/crypto/browser', {});
    }
    return key.#raw;
  }

  toJSON(): { suite: SuiteId; publicKey: string } {
    return { suite: this.suite, publicKey: toHex(this.publicKey.bytes) };
  }
}

function invalidKey(message: string, details: Record<string, unknown> = {}, cause?: unknown): never {
  throw cryptoError('CRYPTO_INVALID_KEY', message, details, cause);
}

/** Validates raw public key bytes of a suite (SM2: uncompressed point on the curve; Ed25519: RFC 8032 point). */
export function checkPublicKeyBytes(suite: SuiteId, bytes: Uint8Array): void {
  if (suite === 'gm') {
    if (bytes.length !== 65 || bytes[0] !== 0x04) {
      invalidKey('SM2 public key must be a 65-byte uncompressed point', { length: bytes.length });
    }
    if (sm2PointFromBytes(bytes) === undefined) invalidKey('SM2 public key is not a point on the SM2 curve');
    return;
  }
  if (bytes.length !== 32)
    invalidKey('Ed25519 public key must be a valid 32-byte point', { length: bytes.length });
  try {
    ed25519.Point.fromBytes(bytes, false);
  } catch (e) {
    invalidKey('Ed25519 public key must be a valid 32-byte point', { length: bytes.length }, e);
  }
}

/**
 * A private key from its raw 32 bytes: the SM2 scalar d (1 <= d <= n-2, big-endian) or the Ed25519 seed.
 */
export function privateKeyFromRaw(suite: SuiteId | CryptoSuite, raw: Uint8Array): PrivateKey {
  const id = typeof suite === 'string' ? suite : suite.id;
  if (id === 'gm') {
    if (!inScalarRange(raw, SM2_N_MINUS_2)) invalidKey('SM2 private key must be 32 bytes in [1, n-2]');
    return new BrowserPrivateKey('gm', raw.slice(), sm2PublicOf(bytesToNumberBE(raw)));
  }
  if (id === 'intl') {
    if (raw.length !== 32) invalidKey('Ed25519 seed must be 32 bytes', { length: raw.length });
    return new BrowserPrivateKey('intl', raw.slice(), ed25519.getPublicKey(raw));
  }
  throw unknownSuite(id);
}

/** The raw 32 bytes of a private key (SM2 scalar d or Ed25519 seed); for tests and tools. */
export function privateKeyToRaw(key: PrivateKey): Uint8Array {
  return BrowserPrivateKey.rawOf(key).slice();
}

/** PKCS#8 DER of a private key, byte-identical to Node's export. */
export function privateKeyToPkcs8(key: PrivateKey): Uint8Array {
  const raw = BrowserPrivateKey.rawOf(key);
  return key.suite === 'gm'
    ? concatBytes(SM2_PKCS8_PREFIX, raw, SM2_PKCS8_MIDDLE, key.publicKey.bytes)
    : concatBytes(ED25519_PKCS8_PREFIX, raw);
}

/** SPKI DER of a public key. */
export function publicKeyToSpki(pub: PublicKey): Uint8Array {
  checkPublicKeyBytes(pub.suite, pub.bytes);
  return concatBytes(pub.suite === 'gm' ? SM2_SPKI_PREFIX : ED25519_SPKI_PREFIX, pub.bytes);
}

const hexOf = (der: Uint8Array, t: Tlv): string => toHex(der.subarray(t.start - 2, t.end));

function wrongSuite(actual: string, expected?: SuiteId): never {
  throw cryptoError(
    'CRYPTO_WRONG_SUITE',
    expected === undefined
      ? `a ${actual} key belongs to no suite (expected SM2 or Ed25519)`
      : `a ${actual} key does not belong to suite ${expected}`,
    { expected: expected ?? 'gm|intl', actual },
  );
}

/** The suite named by an AlgorithmIdentifier (its OIDs), or the description of another algorithm. */
function algorithmSuite(der: Uint8Array, alg: Tlv | undefined): SuiteId | string {
  const parts = alg?.tag === 0x30 ? readChildren(der, alg) : undefined;
  if (parts === undefined || parts.length === 0 || parts[0].tag !== 0x06) return invalidKey('malformed key');
  const oids = parts.map((t) => hexOf(der, t));
  if (oids.length === 1 && oids[0] === OID_ED25519) return 'intl';
  if (oids[0] === OID_SM2 || (oids[0] === OID_EC_PUBLIC_KEY && oids[1] === OID_SM2)) return 'gm';
  return oids[0] === OID_EC_PUBLIC_KEY ? `ec/${oids[1] ?? 'unknown'}` : `oid/${oids[0]}`;
}

function requireSuite(found: SuiteId | string, expected?: SuiteId): SuiteId {
  if (found !== 'gm' && found !== 'intl') return wrongSuite(found, expected);
  if (expected !== undefined && found !== expected)
    return wrongSuite(found === 'gm' ? 'sm2' : 'ed25519', expected);
  return found;
}

/** Reads an SEC1 ECPrivateKey: d (≤ 32 bytes) and the optional public point. */
function readEcPrivateKey(der: Uint8Array, t: Tlv): { d: Uint8Array; pub?: Uint8Array; curve?: string } {
  const f = t.tag === 0x30 ? readChildren(der, t) : undefined;
  if (f === undefined || f.length < 2 || f[1].tag !== 0x04 || f[1].end - f[1].start > 32) {
    return invalidKey('malformed EC private key');
  }
  const d = new Uint8Array(32);
  d.set(der.subarray(f[1].start, f[1].end), 32 - (f[1].end - f[1].start));
  const out: { d: Uint8Array; pub?: Uint8Array; curve?: string } = { d };
  for (const extra of f.slice(2)) {
    const inner = readTlv(der, extra.start, extra.end);
    if (inner === undefined) return invalidKey('malformed EC private key');
    if (extra.tag === 0xa0 && inner.tag === 0x06) out.curve = hexOf(der, inner);
    if (extra.tag === 0xa1 && inner.tag === 0x03 && der[inner.start] === 0) {
      out.pub = der.slice(inner.start + 1, inner.end);
    }
  }
  return out;
}

function gmKeyFromEc(ec: { d: Uint8Array; pub?: Uint8Array }): PrivateKey {
  const key = privateKeyFromRaw('gm', ec.d);
  if (ec.pub !== undefined && toHex(ec.pub) !== toHex(key.publicKey.bytes)) {
    invalidKey('the public key in the private key does not match it');
  }
  return key;
}

/** A PrivateKey from a PKCS#8 DER key of the given (or any) suite. */
export function privateKeyFromPkcs8(der: Uint8Array, expected?: SuiteId): PrivateKey {
  const outer = readTlv(der, 0);
  const f = outer?.tag === 0x30 && outer.end === der.length ? readChildren(der, outer) : undefined;
  if (f === undefined || f.length < 3 || f[0].tag !== 0x02 || f[2].tag !== 0x04) {
    return invalidKey('not a PKCS#8 private key');
  }
  const suite = requireSuite(algorithmSuite(der, f[1]), expected);
  const body = readTlv(der, f[2].start, f[2].end);
  if (body === undefined || body.end !== f[2].end) return invalidKey('malformed PKCS#8 key');
  if (suite === 'gm') return gmKeyFromEc(readEcPrivateKey(der, body));
  if (body.tag !== 0x04 || body.end - body.start !== 32) return invalidKey('malformed Ed25519 PKCS#8 key');
  return privateKeyFromRaw('intl', der.slice(body.start, body.end));
}

interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

/** The first PEM block of a text. Throws CRYPTO_INVALID_KEY if there is none or it is not base64. */
function readPem(pem: string, what: string): PemBlock {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (m === null) return invalidKey(`not a readable ${what}`);
  if (/Proc-Type:|DEK-Info:/.test(m[2])) return invalidKey(`not a readable unencrypted ${what}`);
  try {
    return { label: m[1], der: fromBase64(m[2].replace(/\s+/g, '')) };
  } catch (e) {
    return invalidKey(`not a readable ${what}`, {}, e);
  }
}

function writePem(label: string, der: Uint8Array): string {
  const b64 = toBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Exports a private key as PKCS#8 PEM (byte-identical to the Node backend's). */
export function exportPrivateKeyPem(key: PrivateKey): string {
  return writePem('PRIVATE KEY', privateKeyToPkcs8(key));
}

/**
 * Imports a PEM private key (PKCS#8, or SEC1 "EC PRIVATE KEY" on the SM2 curve). With `suiteId`, a
 * key of another suite or curve is refused with CRYPTO_WRONG_SUITE; unreadable PEM is CRYPTO_INVALID_KEY.
 */
export function importPrivateKeyPem(pem: string, suiteId?: SuiteId): PrivateKey {
  const { label, der } = readPem(pem, 'PEM private key');
  if (label === 'PRIVATE KEY') return privateKeyFromPkcs8(der, suiteId);
  if (label === 'EC PRIVATE KEY') {
    const t = readTlv(der, 0);
    if (t === undefined || t.end !== der.length) return invalidKey('malformed EC private key');
    const ec = readEcPrivateKey(der, t);
    if (ec.curve !== OID_SM2) return wrongSuite(`ec/${ec.curve ?? 'unknown'}`, suiteId);
    requireSuite('gm', suiteId);
    return gmKeyFromEc(ec);
  }
  return invalidKey('not a readable unencrypted PEM private key', { label });
}

/** Exports a public key as SPKI PEM. */
export function exportPublicKeyPem(pub: PublicKey): string {
  return writePem('PUBLIC KEY', publicKeyToSpki(pub));
}

/** Imports an SPKI PEM public key (SM2 or Ed25519); other key types give CRYPTO_WRONG_SUITE. */
export function importPublicKeyPem(pem: string, suiteId?: SuiteId): PublicKey {
  const { label, der } = readPem(pem, 'PEM public key');
  if (label !== 'PUBLIC KEY') return invalidKey('not a readable PEM public key', { label });
  const outer = readTlv(der, 0);
  const f = outer?.tag === 0x30 && outer.end === der.length ? readChildren(der, outer) : undefined;
  if (f === undefined || f.length !== 2 || f[1].tag !== 0x03 || der[f[1].start] !== 0) {
    return invalidKey('malformed SubjectPublicKeyInfo');
  }
  const suite = requireSuite(algorithmSuite(der, f[0]), suiteId);
  let bytes = der.slice(f[1].start + 1, f[1].end);
  if (suite === 'gm' && bytes[0] !== 0x04) {
    // compressed SM2 point: decompress through the curve
    try {
      bytes = Sm2Point.fromBytes(bytes).toBytes(false);
    } catch (e) {
      return invalidKey('SM2 public key is not a point on the SM2 curve', {}, e);
    }
  }
  checkPublicKeyBytes(suite, bytes);
  return { suite, bytes };
}

/** 32-byte big-endian encoding of a scalar (exported for the suite). */
export const scalarBytes = (d: bigint): Uint8Array => numberToBytesBE(d, 32);
