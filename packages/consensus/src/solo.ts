import {
  type BlockHeader,
  type CommitCertificate,
  blockId as computeBlockId,
  type ValidatorSet,
  type Vote,
  validatorSetHash,
} from '@xinlian/codec';
import type { CryptoSuite, PrivateKey } from '@xinlian/crypto';
import { equalBytes, XinlianError } from '@xinlian/utils';
import { makeCommitCertificate } from './certificate.js';
import { quorumPower } from './quorum.js';
import { signVote } from './vote.js';

export interface SoloProposerOptions {
  readonly chainId: string;
  /** This node's validator key. */
  readonly key: PrivateKey;
  readonly validatorSet: ValidatorSet;
  /** Highest height already signed (e.g. the stored head after a restart); it never signs at or below it. */
  readonly lastSignedHeight?: number;
}

/** What the proposer produces for one header. */
export interface SoloCommit {
  readonly blockId: Uint8Array;
  readonly vote: Vote;
  readonly certificate: CommitCertificate;
}

/**
 * Consensus for a validator whose power alone is a quorum (a single-validator chain): it signs
 * the precommit (round 0) for each header the node proposes and turns it into the certificate.
 * Pure: the node drives timing. It refuses to sign twice at a height.
 */
export class SoloProposer {
  readonly validatorIndex: number;
  readonly validatorSetHash: Uint8Array;
  private readonly opts: SoloProposerOptions;
  private readonly suite: CryptoSuite;
  private lastSignedHeight: number;

  constructor(opts: SoloProposerOptions, modules: { readonly suite: CryptoSuite }) {
    this.opts = opts;
    this.suite = modules.suite;
    this.lastSignedHeight = opts.lastSignedHeight ?? 0;
    const own = opts.key.publicKey.bytes;
    this.validatorIndex = opts.validatorSet.validators.findIndex((v) => equalBytes(v.publicKey, own));
    const validator = opts.validatorSet.validators[this.validatorIndex];
    if (validator === undefined) {
      throw new XinlianError('CONSENSUS_NOT_VALIDATOR', 'the key is not in the validator set', {});
    }
    const needed = quorumPower(opts.validatorSet);
    if (validator.power < needed) {
      throw new XinlianError('CONSENSUS_NO_QUORUM', 'a solo proposer needs a quorum of power on its own', {
        power: validator.power,
        needed,
      });
    }
    this.validatorSetHash = validatorSetHash(this.suite.hash, opts.validatorSet);
  }

  /**
   * Signs the round-0 precommit for `header` and returns it with its certificate. Throws
   * CONSENSUS_BAD_PROPOSAL (`details.reason`: 'wrong_chain' | 'wrong_validator_set' | 'wrong_proposer'
   * | 'height_already_signed') for a header this validator must not sign.
   */
  commit(header: BlockHeader): SoloCommit {
    const reject = (reason: string, message: string): never => {
      throw new XinlianError('CONSENSUS_BAD_PROPOSAL', message, { reason, height: header.height });
    };
    if (header.chainId !== this.opts.chainId) reject('wrong_chain', `header is for chain ${header.chainId}`);
    if (!equalBytes(header.validatorSetHash, this.validatorSetHash)) {
      reject('wrong_validator_set', 'header names another validator set');
    }
    if (!equalBytes(header.proposer, this.opts.key.publicKey.bytes)) {
      reject('wrong_proposer', 'header names another proposer');
    }
    if (header.height <= this.lastSignedHeight) {
      reject('height_already_signed', `height ${header.height} is not above ${this.lastSignedHeight}`);
    }
    const blockId = computeBlockId(this.suite.hash, header);
    const vote = signVote(this.suite, this.opts.key, {
      chainId: this.opts.chainId,
      type: 'precommit',
      height: header.height,
      round: 0,
      blockId,
      validatorIndex: this.validatorIndex,
    });
    this.lastSignedHeight = header.height;
    return { blockId, vote, certificate: makeCommitCertificate(this.opts.validatorSet, [vote]) };
  }
}
