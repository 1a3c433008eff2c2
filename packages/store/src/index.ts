export { MAX_KEY_BYTES } from './keys.js';
export { LmdbChainStore } from './lmdb-store.js';
export * from './types.js';
