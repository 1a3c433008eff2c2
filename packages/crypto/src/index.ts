export * from './common.js';
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
export { measureVerifyRate, VerifierPool, type VerifierPoolOptions } from './pool.js';
export { addressOf, createSuite } from './suite.js';
/** Which backend this entry is: 'node' here, 'browser' in the browser entry. */
export const CRYPTO_BACKEND: 'node' | 'browser' = 'node';
