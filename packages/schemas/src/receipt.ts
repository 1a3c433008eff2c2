import { type Static, type TProperties, Type } from '@sinclair/typebox';
import { Base64, Hash, Hex, SuiteId } from './common.js';

/**
 * The offline-verifiable receipt (format `xinlian-receipt/1`). Everything needed to check a
 * claim against a trusted genesis, with no network access:
 *
 *   file ──hash──▶ subject.digest ──anchor.path──▶ batch root (batch anchoring only)
 *   subject/anchor ⊂ tx args; tx signature by tx signer
 *   tx bytes ──tx.path──▶ header.txRoot;  result bytes (status ok) ──result.path──▶ header.receiptRoot
 *   header ──hash──▶ blockId;  certificate: > 2/3 power of validatorSet signed blockId
 *   validatorSet ──hash──▶ header.validatorSetHash; validatorSet == trusted genesis validators, or
 *   (source 'chain') the set that validatorSetChain reaches from them at the block's height
 *
 * All Merkle proofs are RFC 6962 audit paths using the chain suite's hash.
 */
export const MerklePath = Type.Object(
  {
    leafIndex: Type.Integer({ minimum: 0 }),
    treeSize: Type.Integer({ minimum: 1 }),
    path: Type.Array(Hash),
  },
  { additionalProperties: false },
);

/** A Merkle path object extended with more fields (one flat object, no extra properties allowed). */
const pathWith = <T extends TProperties>(extra: T) =>
  Type.Object({ ...MerklePath.properties, ...extra }, { additionalProperties: false });

export const Digest = Type.Object(
  {
    algorithm: Type.Union([Type.Literal('sm3'), Type.Literal('sha256')]),
    value: Hash,
  },
  { additionalProperties: false },
);

const ReceiptValidator = Type.Object(
  { name: Type.String(), publicKey: Hex(), power: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

/**
 * One validator-set change in a receipt: `validators` decide `height` and later; `header` (encoded
 * BlockHeader of height − 1, whose nextValidatorSetHash is the hash of `validators`) is certified
 * by `certificate` (encoded CommitCertificate) of the previous set.
 */
export const ValidatorSetLinkJson = Type.Object(
  {
    height: Type.Integer({ minimum: 2 }),
    validators: Type.Array(ReceiptValidator, { minItems: 1 }),
    header: Base64,
    certificate: Base64,
  },
  { additionalProperties: false },
);
export type ValidatorSetLinkJson = Static<typeof ValidatorSetLinkJson>;

export const Receipt = Type.Object(
  {
    format: Type.Literal('xinlian-receipt/1'),
    chainId: Type.String(),
    suite: SuiteId,
    /** Hash of the genesis document this receipt is checked against. */
    genesisHash: Hash,
    subject: Type.Object(
      {
        /** Module that recorded the claim, e.g. 'evidence'. */
        module: Type.String(),
        /** The digest being proven. */
        digest: Digest,
        /** The module's record as stored on chain (informational; checked against the tx args). */
        record: Type.Optional(Type.Unknown()),
      },
      { additionalProperties: false },
    ),
    /** Present for batch-anchored digests: digest (leaf data) → batch root. */
    anchor: Type.Optional(pathWith({ batchRoot: Hash })),
    /** The signed transaction (encoded SignedTx) and its path to header.txRoot. */
    tx: pathWith({ bytes: Base64, id: Hash }),
    /** The execution result (encoded TxReceipt) and its path to header.receiptRoot. */
    result: pathWith({ bytes: Base64 }),
    block: Type.Object(
      {
        height: Type.Integer({ minimum: 1 }),
        id: Hash,
        /** Encoded BlockHeader. */
        header: Base64,
        /** Encoded CommitCertificate. */
        certificate: Base64,
      },
      { additionalProperties: false },
    ),
    validatorSet: Type.Object(
      {
        validators: Type.Array(ReceiptValidator),
        /**
         * How the verifier reaches this set from the trusted genesis: 'genesis' = it is the genesis
         * set; 'chain' = it is the set that `validatorSetChain` reaches at the block's height.
         */
        source: Type.Union([Type.Literal('genesis'), Type.Literal('chain')]),
      },
      { additionalProperties: false },
    ),
    /**
     * Validator-set changes up to the block (spec/consensus.md §11), ascending by height: each link
     * is certified by a quorum of the previous set (the genesis set for the first). Absent or empty
     * when the genesis set signed the block.
     */
    validatorSetChain: Type.Optional(Type.Array(ValidatorSetLinkJson)),
  },
  { additionalProperties: false },
);
export type Receipt = Static<typeof Receipt>;
export type MerklePath = Static<typeof MerklePath>;
export type Digest = Static<typeof Digest>;

/** One step of an offline receipt verification (names: the SDK's RECEIPT_STEPS). */
export const VerificationStep = Type.Object(
  {
    name: Type.String(),
    ok: Type.Boolean(),
    /** What was checked, or why it failed / was not checked. */
    detail: Type.String(),
  },
  { additionalProperties: false },
);

/** Result of verifying a receipt (SDK verifyReceipt, POST /v1/evidence/verify): every step, in order. */
export const VerificationReport = Type.Object(
  { ok: Type.Boolean(), steps: Type.Array(VerificationStep) },
  { additionalProperties: false },
);
export type VerificationStep = Static<typeof VerificationStep>;
export type VerificationReport = Static<typeof VerificationReport>;
