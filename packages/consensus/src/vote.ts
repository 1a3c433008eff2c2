import { encodeVoteSignBytes, type ValidatorSet, type Vote } from '@xinlian/codec';
import type { CryptoSuite, PrivateKey } from '@xinlian/crypto';
import { XinlianError } from '@xinlian/utils';

/** A vote before signing. */
export type UnsignedVote = Omit<Vote, 'signature'>;

/** Outcome of checking one validator signature. */
export type SignatureCheck = 'ok' | 'bad_signature' | 'bad_public_key';

/** Signs a vote: the signature covers encodeVoteSignBytes(vote). */
export function signVote(suite: CryptoSuite, key: PrivateKey, vote: UnsignedVote): Vote {
  const signature = suite.sign(key, encodeVoteSignBytes({ ...vote, signature: new Uint8Array(0) }));
  return { ...vote, signature };
}

/**
 * Checks that `vote` is signed by the validator at `vote.validatorIndex` of `set`.
 * Throws CONSENSUS_BAD_VOTE with `details.reason` ('bad_index' | 'bad_public_key' | 'bad_signature').
 */
export function verifyVote(suite: CryptoSuite, set: ValidatorSet, vote: Vote): void {
  const validator = set.validators[vote.validatorIndex];
  if (!Number.isSafeInteger(vote.validatorIndex) || validator === undefined) {
    throw new XinlianError('CONSENSUS_BAD_VOTE', `no validator at index ${vote.validatorIndex}`, {
      reason: 'bad_index',
      validatorIndex: vote.validatorIndex,
      validators: set.validators.length,
    });
  }
  const check = checkSignature(suite, validator.publicKey, encodeVoteSignBytes(vote), vote.signature);
  if (check !== 'ok') {
    throw new XinlianError('CONSENSUS_BAD_VOTE', `vote of validator ${vote.validatorIndex}: ${check}`, {
      reason: check,
      validatorIndex: vote.validatorIndex,
    });
  }
}

/** Verifies one validator signature without throwing. */
export function checkSignature(
  suite: CryptoSuite,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): SignatureCheck {
  let key: ReturnType<CryptoSuite['publicKeyFromBytes']>;
  try {
    key = suite.publicKeyFromBytes(publicKey);
  } catch {
    return 'bad_public_key';
  }
  return suite.verify(key, message, signature) ? 'ok' : 'bad_signature';
}
