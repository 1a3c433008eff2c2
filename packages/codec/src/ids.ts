/** Identifiers derived from canonical bytes with the chain's suite hash. */
import type { HashFn } from './merkle.js';
import { encodeBlockHeader, encodeValidatorSet } from './messages.js';
import type { BlockHeader, SignedTx, ValidatorSet } from './types.js';

/** hash(bodyBytes): re-signing a body cannot create a second ID. */
export function txId(hash: HashFn, tx: SignedTx): Uint8Array {
  return hash(tx.bodyBytes);
}

/** hash(encodeBlockHeader(header)). */
export function blockId(hash: HashFn, header: BlockHeader): Uint8Array {
  return hash(encodeBlockHeader(header));
}

/** hash(encodeValidatorSet(set)). */
export function validatorSetHash(hash: HashFn, set: ValidatorSet): Uint8Array {
  return hash(encodeValidatorSet(set));
}
