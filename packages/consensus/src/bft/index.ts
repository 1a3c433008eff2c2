export { TendermintCore, type TendermintModules } from './core.js';
export { suiteSigner, suiteVerifier } from './crypto.js';
export { comparePositions, type SignedPosition, SignedVoteGuard, walRecordPosition } from './guard.js';
export { ProposerSchedule } from './proposer.js';
export type * from './types.js';
