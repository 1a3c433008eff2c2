/** Passphrase-encrypted key files (`xinlian-key/1`) with Node's scrypt and ciphers. */
import { randomBytes, scryptSync } from 'node:crypto';
import { aeadDecrypt, aeadEncrypt } from './gcm.js';
import {
  decryptKeyFileWith,
  encryptKeyFileWith,
  type KeyFileBackend,
  type KeyFileOptions,
} from './keyfile-core.js';
import { privateKeyFromPkcs8, privateKeyToPkcs8 } from './keys.js';
import type { PrivateKey } from './types.js';

export { KEY_FILE_FORMAT, type KeyFile, type KeyFileOptions } from './keyfile-core.js';

const NODE_BACKEND: KeyFileBackend = Object.freeze({
  randomBytes: (n: number) => new Uint8Array(randomBytes(n)),
  scrypt: (passphrase: string, salt: Uint8Array, keyLength: number, N: number, r: number, p: number) =>
    new Uint8Array(scryptSync(passphrase, salt, keyLength, { N, r, p, maxmem: 256 * N * r + 2 ** 20 })),
  aeadEncrypt,
  aeadDecrypt,
  toPkcs8: privateKeyToPkcs8,
  fromPkcs8: privateKeyFromPkcs8,
});

/** Encrypts a private key under a passphrase; returns the key file as pretty-printed JSON. */
export function encryptKeyFile(key: PrivateKey, passphrase: string, opts: KeyFileOptions = {}): string {
  return encryptKeyFileWith(NODE_BACKEND, key, passphrase, opts);
}

/**
 * Decrypts a key file. Throws CRYPTO_BAD_PASSPHRASE if authentication fails (wrong passphrase or
 * altered ciphertext) and CRYPTO_BAD_KEY_FILE if it is malformed or its publicKey does not match the key.
 */
export function decryptKeyFile(text: string, passphrase: string): PrivateKey {
  return decryptKeyFileWith(NODE_BACKEND, text, passphrase);
}
