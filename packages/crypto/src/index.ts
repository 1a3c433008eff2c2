// Contract only; the implementation is being written. See src/types.ts.
export * from './types.js';
