// Test helper (not a test file): fast-check arbitraries for every message type.
import fc from 'fast-check';
import {
  type Block,
  type BlockHeader,
  type CommitCertificate,
  type ConsensusMessage,
  encodeTxBody,
  type Proposal,
  type SignedTx,
  type TxBody,
  type TxReceipt,
  type ValidatorSet,
  type Vote,
  type WalRecord,
} from '../src/index.js';

/** fc.record with ordinary objects (the codecs return plain objects, never null-prototype ones). */
const rec = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;

/** uint64 values: zero (omitted on the wire), small, and up to Number.MAX_SAFE_INTEGER. */
export const u64 = fc.oneof(fc.constant(0), fc.nat(300), fc.maxSafeNat());
/** Any well-formed string (full Unicode, no lone surrogates), often empty. */
export const str = fc.oneof(fc.constant(''), fc.string({ unit: 'binary', maxLength: 12 }));
export const bytes = fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 40 }));

export const txBody: fc.Arbitrary<TxBody> = rec({
  chainId: str,
  signer: bytes,
  nonce: u64,
  expiryHeight: u64,
  module: str,
  method: str,
  args: bytes,
});

export const signedTx: fc.Arbitrary<SignedTx> = fc
  .record({ body: txBody, signature: bytes })
  .map(({ body, signature }) => ({ body, bodyBytes: encodeTxBody(body), signature }));

export const header: fc.Arbitrary<BlockHeader> = rec({
  chainId: str,
  height: u64,
  time: u64,
  parentId: bytes,
  txRoot: bytes,
  receiptRoot: bytes,
  appHash: bytes,
  validatorSetHash: bytes,
  nextValidatorSetHash: bytes,
  proposer: bytes,
  txCount: u64,
});

export const certificate: fc.Arbitrary<CommitCertificate> = rec({
  height: u64,
  round: u64,
  blockId: bytes,
  signatures: fc.array(rec({ validatorIndex: u64, signature: bytes }), { maxLength: 4 }),
});

export const block: fc.Arbitrary<Block> = rec({
  header,
  txs: fc.array(signedTx, { maxLength: 3 }),
  certificate,
});

export const vote: fc.Arbitrary<Vote> = rec({
  chainId: str,
  type: fc.constantFrom('prevote' as const, 'precommit' as const),
  height: u64,
  round: u64,
  blockId: bytes,
  validatorIndex: u64,
  signature: bytes,
});

export const validatorSet: fc.Arbitrary<ValidatorSet> = rec({
  validators: fc.array(rec({ name: str, publicKey: bytes, power: u64 }), { maxLength: 4 }),
});

export const receipt: fc.Arbitrary<TxReceipt> = rec({
  txId: bytes,
  status: fc.constantFrom('ok' as const, 'failed' as const),
  code: str,
  message: str,
  events: fc.array(
    rec({ type: str, attributes: fc.array(rec({ key: str, value: str }), { maxLength: 3 }) }),
    { maxLength: 3 },
  ),
  result: bytes,
});

/** polRound: -1 (none) or a round up to 2^31 - 1. */
export const polRound = fc.oneof(fc.constant(-1), fc.nat(300), fc.integer({ min: 0, max: 0x7fff_ffff }));

export const proposal: fc.Arbitrary<Proposal> = rec({
  chainId: str,
  height: u64,
  round: u64,
  polRound,
  blockBytes: bytes,
  proposerIndex: u64,
  signature: bytes,
});

export const consensusMessage: fc.Arbitrary<ConsensusMessage> = fc.oneof(
  rec({ kind: fc.constant('proposal' as const), proposal }),
  rec({ kind: fc.constant('vote' as const), vote }),
);

export const walRecord: fc.Arbitrary<WalRecord> = fc.oneof(
  rec({ kind: fc.constant('proposal' as const), proposal }),
  rec({ kind: fc.constant('vote' as const), vote }),
  rec({
    kind: fc.constant('lock' as const),
    vote,
    proposal,
    prevotes: fc.array(vote, { maxLength: 4 }),
  }),
);
