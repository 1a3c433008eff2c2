/**
 * Contract of the Tendermint consensus core: what it is given (options, injected modules) and
 * what it returns (outputs the driver carries out). See spec/consensus.md.
 */
import type {
  CommitCertificate,
  ConsensusMessage,
  Proposal,
  ValidatorSet,
  Vote,
  WalRecord,
} from '@xinlian/codec';

/** Step of a round (paper: step_p). */
export type Step = 'propose' | 'prevote' | 'precommit';

/** Base timeouts; round r waits `baseMs + r · deltaMs` (paper: timeoutPropose(r) etc.). */
export interface TimeoutParams {
  readonly proposeMs: number;
  readonly prevoteMs: number;
  readonly precommitMs: number;
  readonly deltaMs: number;
}

/**
 * Clock assumptions for the proposer-time bound: a proposal with a new block (polRound = -1) is
 * timely when `receivedAt − precisionMs − (messageDelayMs + round · deltaMs) ≤ time ≤ receivedAt + precisionMs`.
 */
export interface SynchronyParams {
  /** Bound on the difference between two correct validators' clocks. */
  readonly precisionMs: number;
  /** Bound on the delay of a proposal from a correct proposer (grows by deltaMs per round). */
  readonly messageDelayMs: number;
}

export interface TendermintOptions {
  readonly chainId: string;
  readonly validatorSet: ValidatorSet;
  /** This node's index in the validator set; undefined for an observer (never signs). */
  readonly selfIndex?: number;
  readonly timeouts: TimeoutParams;
  readonly synchrony: SynchronyParams;
}

/** Signs consensus sign bytes (votes and proposals) with this validator's key. */
export interface VoteSigner {
  sign(message: Uint8Array): Uint8Array;
}

/** Checks a signature by a validator's raw public key; false for a bad signature or key, never throws. */
export interface VoteVerifier {
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

/** The application side of consensus: builds, checks and identifies blocks (bytes are opaque here). */
export interface ConsensusApp {
  /** A new block for `height` (called when this validator proposes and has no valid value). */
  propose(height: number, round: number): Uint8Array;
  /**
   * Deterministic validity of a block at `height` (the paper's valid(v)): every correct validator
   * must answer the same. It includes "time > parent's time"; not the local clock.
   */
  validate(height: number, blockBytes: Uint8Array): boolean;
  /** The block's ID (hash of its header). Must not throw: any bytes get some deterministic ID. */
  blockId(blockBytes: Uint8Array): Uint8Array;
  /** The proposer time of a block (ms since epoch); only asked for blocks that validate. */
  blockTime(blockBytes: Uint8Array): number;
}

/** A timer the driver starts; when it fires the driver calls onTimeout with it. */
export interface Timeout {
  readonly height: number;
  readonly round: number;
  readonly step: Step;
}

/** Proof that a validator signed two conflicting messages for one height, round and step. */
export type Evidence =
  | { readonly kind: 'duplicateVote'; readonly first: Vote; readonly second: Vote }
  | { readonly kind: 'duplicateProposal'; readonly first: Proposal; readonly second: Proposal };

/** Why an incoming message was dropped without effect. */
export type RejectReason =
  | 'wrong_chain'
  | 'bad_index'
  | 'bad_signature'
  | 'wrong_proposer'
  | 'bad_round'
  | 'bad_certificate';

/**
 * What the core asks the driver to do, in order. A `persist` record MUST be durably written before
 * any later output of the same list is carried out (it precedes the broadcast of what it records).
 * Broadcasts go to every other validator (the core has already processed its own messages).
 */
export type Output =
  | { readonly kind: 'persist'; readonly record: WalRecord }
  | { readonly kind: 'broadcast'; readonly msg: ConsensusMessage }
  | {
      readonly kind: 'scheduleTimeout';
      readonly height: number;
      readonly round: number;
      readonly step: Step;
      readonly delayMs: number;
    }
  | {
      readonly kind: 'decide';
      readonly height: number;
      readonly round: number;
      readonly blockId: Uint8Array;
      readonly block: Uint8Array;
      readonly certificate: CommitCertificate;
    }
  | { readonly kind: 'evidence'; readonly evidence: Evidence }
  | {
      readonly kind: 'reject';
      readonly reason: RejectReason;
      readonly height: number;
      readonly round: number;
      /** The claimed signer (−1 for a certificate). */
      readonly validatorIndex: number;
    };
