/** Passphrase-encrypted key files (`xinlian-key/1`) with scrypt from @noble/hashes (same format as Node). */
import { scrypt } from '@noble/hashes/scrypt.js';
import { randomBytes } from '@noble/hashes/utils.js';
import {
  decryptKeyFileWith,
  encryptKeyFileWith,
  type KeyFileBackend,
  type KeyFileOptions,
} from '../keyfile-core.js';
import type { PrivateKey } from '../types.js';
import { aeadDecrypt, aeadEncrypt } from './gcm.js';
import { privateKeyFromPkcs8, privateKeyToPkcs8 } from './keys.js';

const BROWSER_BACKEND: KeyFileBackend = Object.freeze({
  randomBytes: (n: number) => randomBytes(n),
  scrypt: (passphrase: string, salt: Uint8Array, dkLen: number, N: number, r: number, p: number) =>
    scrypt(passphrase, salt, { N, r, p, dkLen, maxmem: 256 * N * r + 2 ** 20 }),
  aeadEncrypt,
  aeadDecrypt,
  toPkcs8: privateKeyToPkcs8,
  fromPkcs8: privateKeyFromPkcs8,
});

/**
 * Encrypts a private key under a passphrase; returns the key file as pretty-printed JSON. scrypt
 * (N = 2^15 by default) blocks for about a second: call it in a Web Worker in a UI.
 */
export function encryptKeyFile(key: PrivateKey, passphrase: string, opts: KeyFileOptions = {}): string {
  return encryptKeyFileWith(BROWSER_BACKEND, key, passphrase, opts);
}

/**
 * Decrypts a key file (e.g. one written by `xinlian keys`). Throws CRYPTO_BAD_PASSPHRASE if
 * authentication fails and CRYPTO_BAD_KEY_FILE if it is malformed.
 */
export function decryptKeyFile(text: string, passphrase: string): PrivateKey {
  return decryptKeyFileWith(BROWSER_BACKEND, text, passphrase);
}
