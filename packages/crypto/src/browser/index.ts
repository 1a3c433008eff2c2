/**
 * `@xinlian/crypto` for browsers and Web Workers (the package's "browser" export condition, also
 * importable as `@xinlian/crypto/browser`): the same suites, keys and key files as the Node entry,
 * built on @noble/curves, @noble/hashes, @noble/ciphers and sm-crypto-v2 (SM4), with no Node
 * imports. Not here: the worker-thread VerifierPool and measureVerifyRate (Node only).
 */
export type { VerifyItem } from '../batch.js';
export type { CryptoErrorCode } from '../errors.js';
export { KEY_FILE_FORMAT, type KeyFile, type KeyFileOptions } from '../keyfile-core.js';
export { sm2SignatureFromDer, sm2SignatureToDer } from '../sm2-params.js';
export * from '../types.js';
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
export { addressOf, createSuite, isSuiteId, type SuiteOptions } from './suite.js';
/** Which backend this entry is: 'browser' here, 'node' in the Node entry. */
export const CRYPTO_BACKEND: 'node' | 'browser' = 'browser';
