/**
 * Domain types of everything that has a canonical byte form. Integers are JS numbers limited
 * to Number.MAX_SAFE_INTEGER (heights, times in ms since epoch, nonces, counts); byte strings
 * are Uint8Array. Hashes/IDs are 32 bytes (the suite's hash).
 *
 * Canonical form: protobuf bytes produced by `encodeX`; `decodeX` rejects (CODEC_NON_CANONICAL)
 * any bytes that differ from encodeX(decodeX(bytes)), and malformed bytes (CODEC_MALFORMED).
 */

/** The signed part of a transaction. txId = suite.hash(encodeTxBody(body)). */
export interface TxBody {
  readonly chainId: string;
  /** Raw public key of the signer (see @xinlian/crypto PublicKey.bytes). */
  readonly signer: Uint8Array;
  /** Client-chosen unique number; together with expiryHeight it is the replay guard. */
  readonly nonce: number;
  /** Last height at which this tx may be included. Must be <= current height + maxTxLifetime. */
  readonly expiryHeight: number;
  readonly module: string;
  readonly method: string;
  /** Module-defined arguments: canonical JSON bytes (see canonicalJson). */
  readonly args: Uint8Array;
}

/** A transaction as submitted and stored. The signature covers exactly `bodyBytes`. */
export interface SignedTx {
  readonly body: TxBody;
  /** Canonical bytes of body, kept as received (so txId needs no re-encode). */
  readonly bodyBytes: Uint8Array;
  readonly signature: Uint8Array;
}

export interface BlockHeader {
  readonly chainId: string;
  readonly height: number;
  /** Proposer time, ms since epoch. Strictly greater than the parent's. */
  readonly time: number;
  /** Block ID of the parent; 32 zero bytes for height 1's parent (genesis has no block). */
  readonly parentId: Uint8Array;
  /** RFC 6962 root (suite hash) whose leaf data are the encoded SignedTx bytes, in block order. */
  readonly txRoot: Uint8Array;
  /** RFC 6962 root (suite hash) whose leaf data are the encoded TxReceipt bytes, in tx order. */
  readonly receiptRoot: Uint8Array;
  /** Commitment to the state after executing this block. */
  readonly appHash: Uint8Array;
  /** Hash of the validator set that must sign this block's commit certificate. */
  readonly validatorSetHash: Uint8Array;
  /** Hash of the validator set for the next height (equal unless a change takes effect). */
  readonly nextValidatorSetHash: Uint8Array;
  /** Raw public key of the proposer. */
  readonly proposer: Uint8Array;
  readonly txCount: number;
}

export type VoteType = 'prevote' | 'precommit';

/** A validator's vote. The signature covers encodeVoteSignBytes(vote). */
export interface Vote {
  readonly chainId: string;
  readonly type: VoteType;
  readonly height: number;
  readonly round: number;
  /** Block ID voted for; empty (length 0) for a nil vote. */
  readonly blockId: Uint8Array;
  /** Index of the validator in the validator set. */
  readonly validatorIndex: number;
  readonly signature: Uint8Array;
}

/**
 * A proposer's signed block proposal for one round (Tendermint PROPOSAL). The signature covers
 * encodeProposalSignBytes(proposal).
 */
export interface Proposal {
  readonly chainId: string;
  readonly height: number;
  readonly round: number;
  /** Round of a proof of lock (prevotes of > 2/3 of the power) for this block, or -1 for none. */
  readonly polRound: number;
  /** The proposed block's bytes (opaque to consensus; the application decodes them). */
  readonly blockBytes: Uint8Array;
  /** Index of the proposer in the validator set. */
  readonly proposerIndex: number;
  readonly signature: Uint8Array;
}

/** A consensus message between validators. */
export type ConsensusMessage =
  | { readonly kind: 'proposal'; readonly proposal: Proposal }
  | { readonly kind: 'vote'; readonly vote: Vote };

/**
 * A validator's write-ahead-log record: a message it signed, written durably before it is sent.
 * `lock` is a precommit for a block together with the round's proposal of that block and the
 * prevotes (> 2/3 of the power) it locked on.
 */
export type WalRecord =
  | { readonly kind: 'proposal'; readonly proposal: Proposal }
  | { readonly kind: 'vote'; readonly vote: Vote }
  | {
      readonly kind: 'lock';
      readonly vote: Vote;
      readonly proposal: Proposal;
      readonly prevotes: readonly Vote[];
    };

/** Quorum certificate for a block: precommits of validators holding > 2/3 of the voting power. */
export interface CommitCertificate {
  readonly height: number;
  readonly round: number;
  readonly blockId: Uint8Array;
  /** Sorted by validatorIndex, no duplicates. */
  readonly signatures: readonly { readonly validatorIndex: number; readonly signature: Uint8Array }[];
}

export interface Block {
  readonly header: BlockHeader;
  readonly txs: readonly SignedTx[];
  /** The certificate committing this block (blockId = suite.hash(encodeBlockHeader(header))). */
  readonly certificate: CommitCertificate;
}

export interface Validator {
  readonly name: string;
  readonly publicKey: Uint8Array;
  readonly power: number;
}

export interface ValidatorSet {
  readonly validators: readonly Validator[];
}

export interface EventAttribute {
  readonly key: string;
  readonly value: string;
}
export interface TxEvent {
  readonly type: string;
  readonly attributes: readonly EventAttribute[];
}

/** Result of executing one transaction; receipts of a block are committed by receiptRoot. */
export interface TxReceipt {
  readonly txId: Uint8Array;
  /** 'ok' or 'failed'. A failed tx is still included (its nonce is spent) and has no state effect. */
  readonly status: 'ok' | 'failed';
  /** Stable error code when failed, '' when ok. */
  readonly code: string;
  readonly message: string;
  readonly events: readonly TxEvent[];
  /** Module-defined result (canonical JSON bytes), empty when none. */
  readonly result: Uint8Array;
}

/** JSON-compatible value allowed in canonical JSON: no floats, no undefined. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue };
