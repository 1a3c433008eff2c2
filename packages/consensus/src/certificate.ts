import type { CommitCertificate, ValidatorSet, Vote } from '@xinlian/codec';
import { encodeVoteSignBytes } from '@xinlian/codec';
import type { CryptoSuite } from '@xinlian/crypto';
import { equalBytes, toHex, XinlianError } from '@xinlian/utils';
import { quorumPower } from './quorum.js';
import { checkSignature } from './vote.js';

/** Why a certificate was rejected (`details.reason` of CONSENSUS_BAD_CERTIFICATE). */
export type CertificateFailure =
  | 'wrong_height'
  | 'wrong_block'
  | 'empty_block_id'
  | 'bad_index'
  | 'duplicate_index'
  | 'unsorted'
  | 'no_quorum'
  | 'bad_public_key'
  | 'bad_signature';

function fail(reason: CertificateFailure, message: string, details: Record<string, unknown>): never {
  throw new XinlianError('CONSENSUS_BAD_CERTIFICATE', message, { reason, ...details });
}

/**
 * Assembles a commit certificate from precommit votes for one block (signatures are not
 * re-verified: verify each vote when it is received). Throws CONSENSUS_BAD_VOTE when the votes
 * disagree (type, chain, height, round, block) or repeat a validator, and CONSENSUS_NO_QUORUM when
 * their power is not more than 2/3 of the set's.
 */
export function makeCommitCertificate(set: ValidatorSet, votes: readonly Vote[]): CommitCertificate {
  const first = votes[0];
  if (first === undefined) throw new XinlianError('CONSENSUS_NO_QUORUM', 'no votes', { power: 0 });
  const sorted = [...votes].sort((a, b) => a.validatorIndex - b.validatorIndex);
  let power = 0;
  for (const [i, v] of sorted.entries()) {
    const same =
      v.type === 'precommit' &&
      v.chainId === first.chainId &&
      v.height === first.height &&
      v.round === first.round &&
      v.blockId.length > 0 &&
      equalBytes(v.blockId, first.blockId);
    if (!same) {
      throw new XinlianError('CONSENSUS_BAD_VOTE', 'votes are not precommits for the same block', {
        reason: 'mismatch',
        validatorIndex: v.validatorIndex,
      });
    }
    if (i > 0 && sorted[i - 1]?.validatorIndex === v.validatorIndex) {
      throw new XinlianError('CONSENSUS_BAD_VOTE', `two votes of validator ${v.validatorIndex}`, {
        reason: 'duplicate_index',
        validatorIndex: v.validatorIndex,
      });
    }
    const validator = set.validators[v.validatorIndex];
    if (validator === undefined) {
      throw new XinlianError('CONSENSUS_BAD_VOTE', `no validator at index ${v.validatorIndex}`, {
        reason: 'bad_index',
        validatorIndex: v.validatorIndex,
      });
    }
    power += validator.power;
  }
  const needed = quorumPower(set);
  if (power < needed) {
    throw new XinlianError('CONSENSUS_NO_QUORUM', `votes hold power ${power}, ${needed} needed`, {
      power,
      needed,
    });
  }
  return {
    height: first.height,
    round: first.round,
    blockId: first.blockId,
    signatures: sorted.map((v) => ({ validatorIndex: v.validatorIndex, signature: v.signature })),
  };
}

/**
 * Checks that `cert` commits `blockId` (at `height` when given) on `chainId`: indexes strictly
 * increasing and inside `set`, more than 2/3 of the power, and every signature valid over the
 * precommit vote sign bytes. Throws CONSENSUS_BAD_CERTIFICATE with `details.reason`
 * ({@link CertificateFailure}) and the failing `validatorIndex`, or `power`/`needed`.
 */
export function verifyCommitCertificate(
  suite: CryptoSuite,
  chainId: string,
  set: ValidatorSet,
  cert: CommitCertificate,
  blockId: Uint8Array,
  height?: number,
): void {
  if (height !== undefined && cert.height !== height) {
    fail('wrong_height', `certificate is for height ${cert.height}, expected ${height}`, {
      expected: height,
      actual: cert.height,
    });
  }
  if (blockId.length === 0) fail('empty_block_id', 'a certificate cannot commit a nil block', {});
  if (!equalBytes(cert.blockId, blockId)) {
    fail('wrong_block', 'certificate is for another block', {
      expected: toHex(blockId),
      actual: toHex(cert.blockId),
    });
  }
  let power = 0;
  let previous = -1;
  for (const { validatorIndex } of cert.signatures) {
    if (validatorIndex === previous) {
      fail('duplicate_index', `validator ${validatorIndex} signed twice`, { validatorIndex });
    }
    if (validatorIndex < previous) {
      fail('unsorted', `validator ${validatorIndex} listed after ${previous}`, { validatorIndex });
    }
    const validator = set.validators[validatorIndex];
    if (!Number.isSafeInteger(validatorIndex) || validator === undefined) {
      fail('bad_index', `no validator at index ${validatorIndex}`, {
        validatorIndex,
        validators: set.validators.length,
      });
    }
    power += validator.power;
    previous = validatorIndex;
  }
  const needed = quorumPower(set);
  if (power < needed) fail('no_quorum', `signers hold power ${power}, ${needed} needed`, { power, needed });
  for (const { validatorIndex, signature } of cert.signatures) {
    const vote: Vote = {
      chainId,
      type: 'precommit',
      height: cert.height,
      round: cert.round,
      blockId,
      validatorIndex,
      signature,
    };
    const publicKey = set.validators[validatorIndex]?.publicKey ?? new Uint8Array(0);
    const check = checkSignature(suite, publicKey, encodeVoteSignBytes(vote), signature);
    if (check !== 'ok')
      fail(check, `validator ${validatorIndex}: ${check}`, { validatorIndex, power, needed });
  }
}
