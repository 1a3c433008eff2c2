/**
 * Passphrase-encrypted key files (`xinlian-key/1`): scrypt derives a key for the suite's own AEAD
 * cipher, which encrypts the PKCS#8 DER of the private key. The format logic is shared by the Node
 * and browser backends, which supply the primitives (no Node imports here).
 */
import { equalBytes, fromHex, isHex, toHex } from '@xinlian/utils';
import { cryptoError } from './errors.js';
import type { PrivateKey, SuiteId } from './types.js';

/** The primitives a backend supplies. */
export interface KeyFileBackend {
  randomBytes(n: number): Uint8Array;
  scrypt(
    passphrase: string,
    salt: Uint8Array,
    keyLength: number,
    N: number,
    r: number,
    p: number,
  ): Uint8Array;
  aeadEncrypt(
    alg: 'sm4-gcm' | 'aes-256-gcm',
    key: Uint8Array,
    nonce: Uint8Array,
    pt: Uint8Array,
    aad: Uint8Array,
  ): Uint8Array;
  aeadDecrypt(
    alg: 'sm4-gcm' | 'aes-256-gcm',
    key: Uint8Array,
    nonce: Uint8Array,
    ct: Uint8Array,
    aad: Uint8Array,
  ): Uint8Array;
  toPkcs8(key: PrivateKey): Uint8Array;
  fromPkcs8(der: Uint8Array, suite: SuiteId): PrivateKey;
}

const GCM_NONCE_LENGTH = 12;
const isSuiteId = (id: unknown): id is SuiteId => id === 'gm' || id === 'intl';

export const KEY_FILE_FORMAT = 'xinlian-key/1';

/** The JSON document of a key file. */
export interface KeyFile {
  readonly format: typeof KEY_FILE_FORMAT;
  readonly suite: SuiteId;
  readonly publicKey: string;
  readonly kdf: {
    readonly name: 'scrypt';
    readonly N: number;
    readonly r: number;
    readonly p: number;
    readonly salt: string;
  };
  readonly cipher: { readonly name: 'sm4-gcm' | 'aes-256-gcm'; readonly nonce: string };
  readonly ciphertext: string;
}

export interface KeyFileOptions {
  /** scrypt cost N, a power of two (default 2^15). Tests may pass a small N. */
  readonly scryptN?: number;
}

const DEFAULT_N = 2 ** 15;
const MAX_N = 2 ** 20;
const MAX_MEMORY = 2 ** 30;
const SALT_LENGTH = 16;
const CIPHER: Readonly<Record<SuiteId, { name: 'sm4-gcm' | 'aes-256-gcm'; keyLength: number }>> =
  Object.freeze({
    gm: { name: 'sm4-gcm', keyLength: 16 },
    intl: { name: 'aes-256-gcm', keyLength: 32 },
  });

const isPowerOfTwo = (n: number): boolean => Number.isSafeInteger(n) && n >= 2 && (n & (n - 1)) === 0;

function deriveKey(
  be: KeyFileBackend,
  suite: SuiteId,
  passphrase: string,
  N: number,
  r: number,
  p: number,
  salt: Uint8Array,
) {
  return be.scrypt(passphrase.normalize('NFC'), salt, CIPHER[suite].keyLength, N, r, p);
}

const aadOf = (suite: SuiteId): Uint8Array => new TextEncoder().encode(`${KEY_FILE_FORMAT}\n${suite}`);

/** Encrypts a private key under a passphrase; returns the key file as pretty-printed JSON. */
export function encryptKeyFileWith(
  be: KeyFileBackend,
  key: PrivateKey,
  passphrase: string,
  opts: KeyFileOptions = {},
): string {
  const N = opts.scryptN ?? DEFAULT_N;
  if (!isPowerOfTwo(N) || N > MAX_N) {
    throw cryptoError('CRYPTO_INVALID_ARGUMENT', 'scryptN must be a power of two between 2 and 2^20', { N });
  }
  const r = 8;
  const p = 1;
  const salt = be.randomBytes(SALT_LENGTH);
  const nonce = be.randomBytes(GCM_NONCE_LENGTH);
  const cipher = CIPHER[key.suite];
  const secret = deriveKey(be, key.suite, passphrase, N, r, p, salt);
  const ciphertext = be.aeadEncrypt(cipher.name, secret, nonce, be.toPkcs8(key), aadOf(key.suite));
  const file: KeyFile = {
    format: KEY_FILE_FORMAT,
    suite: key.suite,
    publicKey: toHex(key.publicKey.bytes),
    kdf: { name: 'scrypt', N, r, p, salt: toHex(salt) },
    cipher: { name: cipher.name, nonce: toHex(nonce) },
    ciphertext: toHex(ciphertext),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function badFile(reason: string): never {
  throw cryptoError('CRYPTO_BAD_KEY_FILE', `invalid key file: ${reason}`, { reason });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hexField(v: unknown, name: string, min: number, max: number): Uint8Array {
  if (typeof v !== 'string' || !isHex(v) || v.length < 2 * min || v.length > 2 * max) return badFile(name);
  return fromHex(v);
}

function intField(v: unknown, name: string, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > max) return badFile(name);
  return v;
}

/**
 * Decrypts a key file. Throws CRYPTO_BAD_PASSPHRASE if authentication fails (wrong passphrase or
 * altered ciphertext) and CRYPTO_BAD_KEY_FILE if it is malformed or its publicKey does not match the key.
 */
export function decryptKeyFileWith(be: KeyFileBackend, text: string, passphrase: string): PrivateKey {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return badFile('not JSON');
  }
  if (!isRecord(doc) || doc.format !== KEY_FILE_FORMAT) return badFile('format');
  const suite = doc.suite;
  if (!isSuiteId(suite)) return badFile('suite');
  const { kdf, cipher } = doc;
  if (!isRecord(kdf) || kdf.name !== 'scrypt') return badFile('kdf');
  if (!isRecord(cipher) || cipher.name !== CIPHER[suite].name) return badFile('cipher');
  const publicKey = hexField(doc.publicKey, 'publicKey', 32, 65);
  const N = intField(kdf.N, 'kdf.N', MAX_N);
  const r = intField(kdf.r, 'kdf.r', 32);
  const p = intField(kdf.p, 'kdf.p', 16);
  if (!isPowerOfTwo(N) || 128 * N * r > MAX_MEMORY) return badFile('kdf.N');
  const salt = hexField(kdf.salt, 'kdf.salt', 8, 64);
  const nonce = hexField(cipher.nonce, 'cipher.nonce', GCM_NONCE_LENGTH, GCM_NONCE_LENGTH);
  const ciphertext = hexField(doc.ciphertext, 'ciphertext', 17, 4096);

  const secret = deriveKey(be, suite, passphrase, N, r, p, salt);
  let der: Uint8Array;
  try {
    der = be.aeadDecrypt(CIPHER[suite].name, secret, nonce, ciphertext, aadOf(suite));
  } catch (e) {
    throw cryptoError('CRYPTO_BAD_PASSPHRASE', 'wrong passphrase (or the key file was altered)', {}, e);
  }
  let key: PrivateKey;
  try {
    key = be.fromPkcs8(der, suite);
  } catch {
    return badFile('encrypted content is not a key of the suite');
  }
  if (!equalBytes(key.publicKey.bytes, publicKey)) return badFile('publicKey does not match the key');
  return key;
}
