/**
 * `@xinlian/crypto` for browsers and Web Workers (the package's "browser" export condition, also
 * importable as `@xinlian/crypto/browser`): the same suites, keys and key files as the Node entry,
 * built on @noble/curves, @noble/hashes, @noble/ciphers and sm-crypto-v2 (SM4), with no Node
 * imports. Not here: the worker-thread VerifierPool and measureVerifyRate (Node only).
 */
export * from '../common.js';
export { type AeadAlgorithm, aeadDecrypt, aeadEncrypt } from './gcm.js';
export { createHasher } from './hasher.js';
export { decryptKeyFile, encryptKeyFile } from './keyfile.js';
export {
  exportPrivateKeyPem,
  exportPublicKeyPem,
  importPrivateKeyPem,
  importPublicKeyPem,
  privateKeyFromRaw,
  privateKeyToRaw,
} from './keys.js';
export { addressOf, createSuite } from './suite.js';
/** Which backend this entry is: 'browser' here, 'node' in the Node entry. */
export const CRYPTO_BACKEND: 'node' | 'browser' = 'browser';
