export * from './api.js';
export * from './common.js';
export * from './genesis.js';
export * from './receipt.js';
