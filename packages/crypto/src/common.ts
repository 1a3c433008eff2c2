/** The part of the public entry that both backends export unchanged (no Node imports). */
export type { VerifyItem } from './batch.js';
export type { CryptoErrorCode } from './errors.js';
export { KEY_FILE_FORMAT, type KeyFile, type KeyFileOptions } from './keyfile-core.js';
export { sm2SignatureFromDer, sm2SignatureToDer } from './sm2-params.js';
export { isSuiteId, type SuiteOptions } from './suite-core.js';
export * from './types.js';
