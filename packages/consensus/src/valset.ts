/**
 * Validator-set changes (spec/consensus.md §11): which set decides a height, and how a light
 * client gets from the trusted genesis set to the set that signed a later block through a chain of
 * links, each certified by a quorum of the previous set.
 *
 * The rule: a change scheduled by block h (governance `setValidators` executed in h) takes effect
 * at height h+2. So the sets for heights H and H+1 are both fixed by the state committed at H−1,
 * and the header of H commits to both (`validatorSetHash`, `nextValidatorSetHash`).
 */
import {
  type BlockHeader,
  type CommitCertificate,
  blockId as computeBlockId,
  type ValidatorSet,
  validatorSetHash,
} from '@xinlian/codec';
import type { CryptoSuite } from '@xinlian/crypto';
import { equalBytes, toHex, XinlianError } from '@xinlian/utils';
import { verifyCommitCertificate } from './certificate.js';

/** How many heights after the scheduling block a change takes effect. */
export const VALSET_CHANGE_DELAY = 2;

/** A set and the first height it decides. */
export interface ScheduledValidatorSet {
  readonly height: number;
  readonly validatorSet: ValidatorSet;
}

/**
 * One step of a validator-set chain: `validatorSet` decides `height` and later (until the next
 * link). `header` is the header of block `height − 1`, certified by `certificate` of the previous
 * set; its `nextValidatorSetHash` commits to `validatorSet`.
 */
export interface ValidatorSetLink {
  readonly height: number;
  readonly validatorSet: ValidatorSet;
  readonly header: BlockHeader;
  readonly certificate: CommitCertificate;
}

/** Why a chain was rejected (`details.reason` of CONSENSUS_BAD_VALSET_CHAIN). */
export type ValidatorSetChainFailure =
  | 'unordered'
  | 'bad_height'
  | 'wrong_chain'
  | 'wrong_header_height'
  | 'wrong_validator_set'
  | 'wrong_next_validator_set'
  | 'bad_certificate'
  | 'empty_set';

function chainFail(
  reason: ValidatorSetChainFailure,
  message: string,
  details: Record<string, unknown>,
): never {
  throw new XinlianError('CONSENSUS_BAD_VALSET_CHAIN', message, { reason, ...details });
}

/**
 * The set deciding `height` in a schedule (entries sorted by ascending height, the first at a
 * height ≤ every height asked for, e.g. the genesis set at 0): the last entry at or below it.
 */
export function validatorSetAt(schedule: readonly ScheduledValidatorSet[], height: number): ValidatorSet {
  let found: ValidatorSet | undefined;
  for (const s of schedule) {
    if (s.height > height) break;
    found = s.validatorSet;
  }
  if (found === undefined) {
    throw new XinlianError('CONSENSUS_NO_VALIDATOR_SET', `no validator set for height ${height}`, {
      height,
    });
  }
  return found;
}

/**
 * Verifies a validator-set chain from the trusted `genesisSet` (deciding height 1 on): links in
 * strictly ascending height, each at height ≥ 2, each link's header of height `height − 1` on
 * `chainId` committing to the trusted set (`validatorSetHash`) and to the link's set
 * (`nextValidatorSetHash`), certified by a quorum of the trusted set. Returns the trusted schedule
 * (genesis at 0, then each link). Throws CONSENSUS_BAD_VALSET_CHAIN with `details.reason` and
 * `details.link` (its index).
 */
export function verifyValidatorSetChain(
  suite: CryptoSuite,
  chainId: string,
  genesisSet: ValidatorSet,
  links: readonly ValidatorSetLink[],
): ScheduledValidatorSet[] {
  const hash = (...p: Uint8Array[]) => suite.hash(...p);
  const schedule: ScheduledValidatorSet[] = [{ height: 0, validatorSet: genesisSet }];
  let trusted = genesisSet;
  let last = 1;
  links.forEach((link, i) => {
    if (!Number.isSafeInteger(link.height) || link.height < 2) {
      chainFail('bad_height', `link ${i}: height ${link.height} is not ≥ 2`, { link: i });
    }
    if (link.height <= last) {
      chainFail('unordered', `link ${i}: height ${link.height} does not follow ${last}`, { link: i });
    }
    if (link.validatorSet.validators.length === 0) {
      chainFail('empty_set', `link ${i}: empty validator set`, { link: i });
    }
    const h = link.header;
    if (h.chainId !== chainId)
      chainFail('wrong_chain', `link ${i}: header of chain ${h.chainId}`, { link: i });
    if (h.height !== link.height - 1) {
      chainFail('wrong_header_height', `link ${i}: header ${h.height}, expected ${link.height - 1}`, {
        link: i,
      });
    }
    if (!equalBytes(h.validatorSetHash, validatorSetHash(hash, trusted))) {
      chainFail('wrong_validator_set', `link ${i}: header is not signed by the trusted set`, {
        link: i,
      });
    }
    if (!equalBytes(h.nextValidatorSetHash, validatorSetHash(hash, link.validatorSet))) {
      chainFail('wrong_next_validator_set', `link ${i}: header does not commit to the new set`, {
        link: i,
        expected: toHex(h.nextValidatorSetHash),
      });
    }
    try {
      verifyCommitCertificate(suite, chainId, trusted, link.certificate, computeBlockId(hash, h), h.height);
    } catch (e) {
      const cause = e instanceof XinlianError ? e.details.reason : undefined;
      chainFail('bad_certificate', `link ${i}: certificate does not verify`, { link: i, cause });
    }
    trusted = link.validatorSet;
    last = link.height;
    schedule.push({ height: link.height, validatorSet: link.validatorSet });
  });
  return schedule;
}

/**
 * Verifies a block header and its certificate across validator-set changes: the chain from
 * genesis (as {@link verifyValidatorSetChain}), then the header's `validatorSetHash` must be the
 * hash of the chain's set at its height (so a link left out is detected) and the certificate must
 * verify against that set. Returns the set that signed. Throws CONSENSUS_BAD_VALSET_CHAIN, or
 * CONSENSUS_BAD_CERTIFICATE for the block's own certificate.
 */
export function verifyHeaderAcrossChanges(
  suite: CryptoSuite,
  chainId: string,
  genesisSet: ValidatorSet,
  links: readonly ValidatorSetLink[],
  header: BlockHeader,
  certificate: CommitCertificate,
): ValidatorSet {
  const hash = (...p: Uint8Array[]) => suite.hash(...p);
  const schedule = verifyValidatorSetChain(suite, chainId, genesisSet, links);
  const set = validatorSetAt(schedule, header.height);
  if (!equalBytes(header.validatorSetHash, validatorSetHash(hash, set))) {
    chainFail('wrong_validator_set', `header ${header.height} is not signed by the chain's set`, {
      link: links.length,
      height: header.height,
    });
  }
  verifyCommitCertificate(suite, chainId, set, certificate, computeBlockId(hash, header), header.height);
  return set;
}

/**
 * The sets for heights H and H+1 from the sets scheduled in committed state up to height H−1
 * (the rule: a change scheduled by h decides h+2 on). Deterministic: a pure function of the
 * schedule, so every node with the same committed state derives the same sets.
 */
export function headerValidatorSets(
  schedule: readonly ScheduledValidatorSet[],
  height: number,
): { current: ValidatorSet; next: ValidatorSet } {
  return { current: validatorSetAt(schedule, height), next: validatorSetAt(schedule, height + 1) };
}
