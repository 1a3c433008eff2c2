export type { VerifyItem } from './batch.js';
export type { CryptoErrorCode } from './errors.js';
export { type AeadAlgorithm, aeadDecrypt, aeadEncrypt } from './gcm.js';
export { createHasher } from './hasher.js';
export {
  decryptKeyFile,
  encryptKeyFile,
  KEY_FILE_FORMAT,
  type KeyFile,
  type KeyFileOptions,
} from './keyfile.js';
export {
  exportPrivateKeyPem,
  exportPublicKeyPem,
  importPrivateKeyPem,
  importPublicKeyPem,
  privateKeyFromRaw,
  privateKeyToRaw,
} from './keys.js';
export { measureVerifyRate, VerifierPool, type VerifierPoolOptions } from './pool.js';
export { sm2SignatureFromDer, sm2SignatureToDer } from './sm2.js';
export { addressOf, createSuite, isSuiteId, type SuiteOptions } from './suite.js';
export * from './types.js';
/** Which backend this entry is: 'node' here, 'browser' in the browser entry. */
export const CRYPTO_BACKEND: 'node' | 'browser' = 'node';
