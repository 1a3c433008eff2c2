/**
 * Canonical protobuf codecs of the chain's messages (schema: proto/xinlian.proto).
 *
 * Every `decodeX(bytes)` decodes, converts to the plain domain object, re-encodes and requires the
 * result to equal the input: so each value has exactly one accepted byte form.
 */
import { concatBytes, utf8 } from '@xinlian/utils';
import type protobuf from 'protobufjs';
import { codecError } from './errors.js';
import {
  bytesFrom,
  bytesTo,
  checkFields,
  decodeWith,
  encodeWith,
  enumValues,
  listTo,
  PB,
  type PbMessage,
  requireSame,
  roundOrNoneTo,
  stringTo,
  u64From,
  u64To,
} from './schema.js';
import { fastDecodeSignedTx, fastDecodeTxBody, fastEncodeTxReceipt } from './tx-wire.js';
import type {
  Block,
  BlockHeader,
  CommitCertificate,
  ConsensusMessage,
  EventAttribute,
  Proposal,
  SignedTx,
  TxBody,
  TxEvent,
  TxReceipt,
  Validator,
  ValidatorSet,
  Vote,
  VoteType,
  WalRecord,
} from './types.js';

/** Domain tag prefixed to a vote's sign bytes (UTF-8), so they can never be another message. */
export const VOTE_SIGN_DOMAIN = 'xinlian/vote/v1';
/** Domain tag prefixed to a proposal's sign bytes (UTF-8). */
export const PROPOSAL_SIGN_DOMAIN = 'xinlian/proposal/v1';
const VOTE_DOMAIN_BYTES = utf8(VOTE_SIGN_DOMAIN);
const PROPOSAL_DOMAIN_BYTES = utf8(PROPOSAL_SIGN_DOMAIN);

const VOTE_TYPES = enumValues('VoteType');
const VOTE_TYPE_NUMBERS: Readonly<Record<VoteType, number>> = Object.freeze({
  prevote: VOTE_TYPES.VOTE_TYPE_PREVOTE,
  precommit: VOTE_TYPES.VOTE_TYPE_PRECOMMIT,
});
const TX_STATUSES = enumValues('TxStatus');
const TX_STATUS_NUMBERS: Readonly<Record<TxReceipt['status'], number>> = Object.freeze({
  ok: TX_STATUSES.TX_STATUS_OK,
  failed: TX_STATUSES.TX_STATUS_FAILED,
});

function enumTo<K extends string>(
  t: string,
  field: string,
  table: Readonly<Record<K, number>>,
  v: K,
): number {
  if (typeof v !== 'string' || !Object.hasOwn(table, v)) {
    throw codecError('CODEC_MALFORMED', `${t}.${field} has an unknown value`, { type: t, field });
  }
  return table[v];
}

function enumFrom<K extends string>(
  t: string,
  field: string,
  table: Readonly<Record<K, number>>,
  n: unknown,
): K {
  for (const name of Object.keys(table) as K[]) if (table[name] === n) return name;
  throw codecError('CODEC_MALFORMED', `${t}.${field} has an unknown enum value`, {
    type: t,
    field,
    value: n,
  });
}

/** Decodes, converts and requires the canonical re-encoding to equal the input. */
function decodeCanonical<T>(
  t: protobuf.Type,
  bytes: Uint8Array,
  fromPb: (m: PbMessage) => T,
  encode: (v: T) => Uint8Array,
): T {
  const value = fromPb(decodeWith(t, bytes));
  requireSame(t.name, bytes, encode(value));
  return value;
}

/** An embedded message that the encoder always writes; absent means malformed. */
function embedded(t: string, field: string, v: unknown): PbMessage {
  if (v === null || v === undefined) {
    throw codecError('CODEC_MALFORMED', `${t}.${field} is missing`, { type: t, field });
  }
  return v as PbMessage;
}

// ---- TxBody ----

function txBodyFields(b: TxBody) {
  const t = 'TxBody';
  return {
    chainId: stringTo(t, 'chainId', b.chainId),
    signer: bytesTo(t, 'signer', b.signer),
    nonce: u64To(t, 'nonce', b.nonce),
    expiryHeight: u64To(t, 'expiryHeight', b.expiryHeight),
    module: stringTo(t, 'module', b.module),
    method: stringTo(t, 'method', b.method),
    args: bytesTo(t, 'args', b.args),
  };
}

function txBodyFromPb(m: PbMessage): TxBody {
  checkFields(PB.TxBody, m);
  return {
    chainId: m.chainId as string,
    signer: bytesFrom(m.signer),
    nonce: u64From('TxBody', 'nonce', m.nonce),
    expiryHeight: u64From('TxBody', 'expiryHeight', m.expiryHeight),
    module: m.module as string,
    method: m.method as string,
    args: bytesFrom(m.args),
  };
}

/** Canonical bytes of a transaction body (what the signer signs; txId = hash of these bytes). */
export function encodeTxBody(body: TxBody): Uint8Array {
  return encodeWith(PB.TxBody, txBodyFields(body));
}

/** Decodes canonical TxBody bytes; CODEC_MALFORMED / CODEC_NON_CANONICAL otherwise. */
export function decodeTxBody(bytes: Uint8Array): TxBody {
  return fastDecodeTxBody(bytes) ?? decodeTxBodyReference(bytes);
}

/** The reference TxBody decoder (protobufjs decode, re-encode, compare); decodeTxBody's fallback. */
export function decodeTxBodyReference(bytes: Uint8Array): TxBody {
  return decodeCanonical(PB.TxBody, bytes, txBodyFromPb, encodeTxBody);
}

// ---- SignedTx ----

/** Canonical bytes of a signed transaction. Writes `tx.bodyBytes` as they are (not re-encoded from `tx.body`). */
export function encodeSignedTx(tx: SignedTx): Uint8Array {
  return encodeWith(PB.SignedTx, {
    body: bytesTo('SignedTx', 'bodyBytes', tx.bodyBytes),
    signature: bytesTo('SignedTx', 'signature', tx.signature),
  });
}

/** Decodes a canonical SignedTx and its canonical body; `bodyBytes` is a view of the received body bytes. */
export function decodeSignedTx(bytes: Uint8Array): SignedTx {
  return fastDecodeSignedTx(bytes) ?? decodeSignedTxReference(bytes);
}

/** The reference decoder: protobufjs decode, re-encode, compare (precise errors). */
export function decodeSignedTxReference(bytes: Uint8Array): SignedTx {
  const m = decodeWith(PB.SignedTx, bytes);
  checkFields(PB.SignedTx, m);
  const bodyBytes = bytesFrom(m.body);
  const signature = bytesFrom(m.signature);
  requireSame('SignedTx', bytes, encodeWith(PB.SignedTx, { body: bodyBytes, signature }));
  return { body: decodeTxBodyReference(bodyBytes), bodyBytes, signature };
}

// ---- BlockHeader ----

function headerFields(h: BlockHeader) {
  const t = 'BlockHeader';
  return {
    chainId: stringTo(t, 'chainId', h.chainId),
    height: u64To(t, 'height', h.height),
    time: u64To(t, 'time', h.time),
    parentId: bytesTo(t, 'parentId', h.parentId),
    txRoot: bytesTo(t, 'txRoot', h.txRoot),
    receiptRoot: bytesTo(t, 'receiptRoot', h.receiptRoot),
    appHash: bytesTo(t, 'appHash', h.appHash),
    validatorSetHash: bytesTo(t, 'validatorSetHash', h.validatorSetHash),
    nextValidatorSetHash: bytesTo(t, 'nextValidatorSetHash', h.nextValidatorSetHash),
    proposer: bytesTo(t, 'proposer', h.proposer),
    txCount: u64To(t, 'txCount', h.txCount),
  };
}

function headerFromPb(m: PbMessage): BlockHeader {
  checkFields(PB.BlockHeader, m);
  const t = 'BlockHeader';
  return {
    chainId: m.chainId as string,
    height: u64From(t, 'height', m.height),
    time: u64From(t, 'time', m.time),
    parentId: bytesFrom(m.parentId),
    txRoot: bytesFrom(m.txRoot),
    receiptRoot: bytesFrom(m.receiptRoot),
    appHash: bytesFrom(m.appHash),
    validatorSetHash: bytesFrom(m.validatorSetHash),
    nextValidatorSetHash: bytesFrom(m.nextValidatorSetHash),
    proposer: bytesFrom(m.proposer),
    txCount: u64From(t, 'txCount', m.txCount),
  };
}

/** Canonical bytes of a block header (blockId = hash of these bytes). */
export function encodeBlockHeader(header: BlockHeader): Uint8Array {
  return encodeWith(PB.BlockHeader, headerFields(header));
}

/** Decodes canonical BlockHeader bytes. */
export function decodeBlockHeader(bytes: Uint8Array): BlockHeader {
  return decodeCanonical(PB.BlockHeader, bytes, headerFromPb, encodeBlockHeader);
}

// ---- CommitCertificate ----

function certificateFields(c: CommitCertificate) {
  const t = 'CommitCertificate';
  return {
    height: u64To(t, 'height', c.height),
    round: u64To(t, 'round', c.round),
    blockId: bytesTo(t, 'blockId', c.blockId),
    signatures: listTo(t, 'signatures', c.signatures).map((s) => ({
      validatorIndex: u64To('CommitSignature', 'validatorIndex', s.validatorIndex),
      signature: bytesTo('CommitSignature', 'signature', s.signature),
    })),
  };
}

function certificateFromPb(m: PbMessage): CommitCertificate {
  checkFields(PB.CommitCertificate, m);
  const t = 'CommitCertificate';
  return {
    height: u64From(t, 'height', m.height),
    round: u64From(t, 'round', m.round),
    blockId: bytesFrom(m.blockId),
    signatures: (m.signatures as readonly PbMessage[]).map((s) => {
      checkFields(PB.CommitSignature, s);
      return {
        validatorIndex: u64From('CommitSignature', 'validatorIndex', s.validatorIndex),
        signature: bytesFrom(s.signature),
      };
    }),
  };
}

/** Canonical bytes of a commit certificate (signatures written in the given order). */
export function encodeCommitCertificate(certificate: CommitCertificate): Uint8Array {
  return encodeWith(PB.CommitCertificate, certificateFields(certificate));
}

/** Decodes canonical CommitCertificate bytes. */
export function decodeCommitCertificate(bytes: Uint8Array): CommitCertificate {
  return decodeCanonical(PB.CommitCertificate, bytes, certificateFromPb, encodeCommitCertificate);
}

// ---- Block ----

function blockFields(b: Block) {
  return {
    header: headerFields(b.header),
    txs: listTo('Block', 'txs', b.txs).map(encodeSignedTx),
    certificate: certificateFields(b.certificate),
  };
}

function blockFromPb(m: PbMessage): Block {
  checkFields(PB.Block, m);
  return {
    header: headerFromPb(embedded('Block', 'header', m.header)),
    txs: (m.txs as readonly Uint8Array[]).map((tx) => decodeSignedTx(bytesFrom(tx))),
    certificate: certificateFromPb(embedded('Block', 'certificate', m.certificate)),
  };
}

/** Canonical bytes of a block: header, the encoded SignedTx of each tx in order, certificate. */
export function encodeBlock(block: Block): Uint8Array {
  return encodeWith(PB.Block, blockFields(block));
}

/**
 * encodeBlock for a block whose transactions are already encoded: `txBytes[i]` must be the
 * canonical encoding of `block.txs[i]` (e.g. the bytes a canonical decode accepted), and is
 * written as is instead of being encoded again. Same output as encodeBlock(block).
 */
export function encodeBlockWithTxBytes(block: Block, txBytes: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(txBytes) || txBytes.length !== listTo('Block', 'txs', block.txs).length) {
    throw codecError('CODEC_MALFORMED', 'Block.txs and the encoded txs differ in number', {
      type: 'Block',
      field: 'txs',
    });
  }
  return encodeWith(PB.Block, {
    header: headerFields(block.header),
    txs: txBytes.map((b) => bytesTo('Block', 'txs', b)),
    certificate: certificateFields(block.certificate),
  });
}

/**
 * Decodes a canonical Block, including every transaction (each must be canonical too). The
 * re-encoding that checks canonical form writes each tx's received bytes as they are: each was
 * accepted by decodeSignedTx, which accepts only a tx's canonical encoding, so this is the same
 * check as comparing with encodeBlock(block) without encoding every tx again.
 */
export function decodeBlock(bytes: Uint8Array): Block {
  const m = decodeWith(PB.Block, bytes);
  const block = blockFromPb(m);
  const txBytes = (m.txs as readonly Uint8Array[]).map(bytesFrom);
  requireSame(PB.Block.name, bytes, encodeBlockWithTxBytes(block, txBytes));
  return block;
}

// ---- Vote ----

function voteFields(v: Vote) {
  const t = 'Vote';
  return {
    chainId: stringTo(t, 'chainId', v.chainId),
    type: enumTo(t, 'type', VOTE_TYPE_NUMBERS, v.type),
    height: u64To(t, 'height', v.height),
    round: u64To(t, 'round', v.round),
    blockId: bytesTo(t, 'blockId', v.blockId),
    validatorIndex: u64To(t, 'validatorIndex', v.validatorIndex),
    signature: bytesTo(t, 'signature', v.signature),
  };
}

function voteFromPb(m: PbMessage): Vote {
  checkFields(PB.Vote, m);
  const t = 'Vote';
  return {
    chainId: m.chainId as string,
    type: enumFrom(t, 'type', VOTE_TYPE_NUMBERS, m.type),
    height: u64From(t, 'height', m.height),
    round: u64From(t, 'round', m.round),
    blockId: bytesFrom(m.blockId),
    validatorIndex: u64From(t, 'validatorIndex', m.validatorIndex),
    signature: bytesFrom(m.signature),
  };
}

/** Canonical bytes of a vote, signature included (gossip/WAL form). */
export function encodeVote(vote: Vote): Uint8Array {
  return encodeWith(PB.Vote, voteFields(vote));
}

/** Decodes canonical Vote bytes; the type must be prevote or precommit. */
export function decodeVote(bytes: Uint8Array): Vote {
  return decodeCanonical(PB.Vote, bytes, voteFromPb, encodeVote);
}

/** The bytes a validator signs: UTF-8 VOTE_SIGN_DOMAIN ‖ the vote encoded without its signature. */
export function encodeVoteSignBytes(vote: Vote): Uint8Array {
  const unsigned = encodeWith(PB.Vote, { ...voteFields(vote), signature: new Uint8Array(0) });
  return concatBytes(VOTE_DOMAIN_BYTES, unsigned);
}

// ---- Proposal ----

function proposalFields(p: Proposal) {
  const t = 'Proposal';
  return {
    chainId: stringTo(t, 'chainId', p.chainId),
    height: u64To(t, 'height', p.height),
    round: u64To(t, 'round', p.round),
    polRound: roundOrNoneTo(t, 'polRound', p.polRound),
    block: bytesTo(t, 'blockBytes', p.blockBytes),
    proposerIndex: u64To(t, 'proposerIndex', p.proposerIndex),
    signature: bytesTo(t, 'signature', p.signature),
  };
}

function proposalFromPb(m: PbMessage): Proposal {
  checkFields(PB.Proposal, m);
  const t = 'Proposal';
  return {
    chainId: m.chainId as string,
    height: u64From(t, 'height', m.height),
    round: u64From(t, 'round', m.round),
    polRound: roundOrNoneTo(t, 'polRound', m.polRound as number),
    blockBytes: bytesFrom(m.block),
    proposerIndex: u64From(t, 'proposerIndex', m.proposerIndex),
    signature: bytesFrom(m.signature),
  };
}

/** Canonical bytes of a proposal, signature included (gossip/WAL form). */
export function encodeProposal(proposal: Proposal): Uint8Array {
  return encodeWith(PB.Proposal, proposalFields(proposal));
}

/** Decodes canonical Proposal bytes; polRound must be -1 or more. */
export function decodeProposal(bytes: Uint8Array): Proposal {
  return decodeCanonical(PB.Proposal, bytes, proposalFromPb, encodeProposal);
}

/** The bytes a proposer signs: UTF-8 PROPOSAL_SIGN_DOMAIN ‖ the proposal encoded without its signature. */
export function encodeProposalSignBytes(proposal: Proposal): Uint8Array {
  const unsigned = encodeWith(PB.Proposal, { ...proposalFields(proposal), signature: new Uint8Array(0) });
  return concatBytes(PROPOSAL_DOMAIN_BYTES, unsigned);
}

// ---- ConsensusMessage ----

function consensusMessageFields(msg: ConsensusMessage) {
  switch (msg?.kind) {
    case 'proposal':
      return { proposal: proposalFields(msg.proposal) };
    case 'vote':
      return { vote: voteFields(msg.vote) };
    default:
      throw codecError('CODEC_MALFORMED', 'ConsensusMessage.kind has an unknown value', {
        type: 'ConsensusMessage',
        field: 'kind',
      });
  }
}

function consensusMessageFromPb(m: PbMessage): ConsensusMessage {
  checkFields(PB.ConsensusMessage, m);
  const hasProposal = m.proposal !== null && m.proposal !== undefined;
  const hasVote = m.vote !== null && m.vote !== undefined;
  if (hasProposal === hasVote) {
    throw codecError('CODEC_MALFORMED', 'ConsensusMessage must hold exactly one of proposal, vote', {
      type: 'ConsensusMessage',
    });
  }
  return hasProposal
    ? { kind: 'proposal', proposal: proposalFromPb(m.proposal as PbMessage) }
    : { kind: 'vote', vote: voteFromPb(m.vote as PbMessage) };
}

/** Canonical bytes of a consensus message (what validators send each other). */
export function encodeConsensusMessage(msg: ConsensusMessage): Uint8Array {
  return encodeWith(PB.ConsensusMessage, consensusMessageFields(msg));
}

/** Decodes a canonical ConsensusMessage holding exactly one proposal or vote. */
export function decodeConsensusMessage(bytes: Uint8Array): ConsensusMessage {
  return decodeCanonical(PB.ConsensusMessage, bytes, consensusMessageFromPb, encodeConsensusMessage);
}

// ---- WalRecord ----

function walRecordFields(r: WalRecord) {
  const t = 'WalRecord';
  switch (r?.kind) {
    case 'proposal':
      return { proposal: proposalFields(r.proposal) };
    case 'vote':
      return { vote: voteFields(r.vote) };
    case 'lock':
      return {
        proposal: proposalFields(r.proposal),
        vote: voteFields(r.vote),
        lockPrevotes: listTo(t, 'prevotes', r.prevotes).map(voteFields),
      };
    default:
      throw codecError('CODEC_MALFORMED', 'WalRecord.kind has an unknown value', { type: t, field: 'kind' });
  }
}

function walRecordFromPb(m: PbMessage): WalRecord {
  checkFields(PB.WalRecord, m);
  const proposal = m.proposal === null || m.proposal === undefined ? undefined : (m.proposal as PbMessage);
  const vote = m.vote === null || m.vote === undefined ? undefined : (m.vote as PbMessage);
  const prevotes = (m.lockPrevotes as readonly PbMessage[]).map(voteFromPb);
  if (proposal !== undefined && vote !== undefined) {
    return { kind: 'lock', vote: voteFromPb(vote), proposal: proposalFromPb(proposal), prevotes };
  }
  if (prevotes.length === 0 && proposal !== undefined)
    return { kind: 'proposal', proposal: proposalFromPb(proposal) };
  if (prevotes.length === 0 && vote !== undefined) return { kind: 'vote', vote: voteFromPb(vote) };
  throw codecError('CODEC_MALFORMED', 'WalRecord must hold a proposal, a vote, or both (a lock)', {
    type: 'WalRecord',
  });
}

/** Canonical bytes of a write-ahead-log record. */
export function encodeWalRecord(record: WalRecord): Uint8Array {
  return encodeWith(PB.WalRecord, walRecordFields(record));
}

/** Decodes a canonical WalRecord (a proposal, a vote, or a lock: both plus its prevotes). */
export function decodeWalRecord(bytes: Uint8Array): WalRecord {
  return decodeCanonical(PB.WalRecord, bytes, walRecordFromPb, encodeWalRecord);
}

// ---- ValidatorSet ----

function validatorFields(v: Validator) {
  const t = 'Validator';
  return {
    name: stringTo(t, 'name', v.name),
    publicKey: bytesTo(t, 'publicKey', v.publicKey),
    power: u64To(t, 'power', v.power),
  };
}

function validatorSetFromPb(m: PbMessage): ValidatorSet {
  checkFields(PB.ValidatorSet, m);
  return {
    validators: (m.validators as readonly PbMessage[]).map((v) => {
      checkFields(PB.Validator, v);
      return {
        name: v.name as string,
        publicKey: bytesFrom(v.publicKey),
        power: u64From('Validator', 'power', v.power),
      };
    }),
  };
}

/** Canonical bytes of a validator set (validatorSetHash = hash of these bytes). */
export function encodeValidatorSet(set: ValidatorSet): Uint8Array {
  return encodeWith(PB.ValidatorSet, {
    validators: listTo('ValidatorSet', 'validators', set.validators).map(validatorFields),
  });
}

/** Decodes canonical ValidatorSet bytes. */
export function decodeValidatorSet(bytes: Uint8Array): ValidatorSet {
  return decodeCanonical(PB.ValidatorSet, bytes, validatorSetFromPb, encodeValidatorSet);
}

// ---- TxReceipt ----

function eventFields(e: TxEvent) {
  return {
    type: stringTo('TxEvent', 'type', e.type),
    attributes: listTo('TxEvent', 'attributes', e.attributes).map((a: EventAttribute) => ({
      key: stringTo('EventAttribute', 'key', a.key),
      value: stringTo('EventAttribute', 'value', a.value),
    })),
  };
}

function eventFromPb(m: PbMessage): TxEvent {
  checkFields(PB.TxEvent, m);
  return {
    type: m.type as string,
    attributes: (m.attributes as readonly PbMessage[]).map((a) => {
      checkFields(PB.EventAttribute, a);
      return { key: a.key as string, value: a.value as string };
    }),
  };
}

function receiptFields(r: TxReceipt) {
  const t = 'TxReceipt';
  return {
    txId: bytesTo(t, 'txId', r.txId),
    status: enumTo(t, 'status', TX_STATUS_NUMBERS, r.status),
    code: stringTo(t, 'code', r.code),
    message: stringTo(t, 'message', r.message),
    events: listTo(t, 'events', r.events).map(eventFields),
    result: bytesTo(t, 'result', r.result),
  };
}

function receiptFromPb(m: PbMessage): TxReceipt {
  checkFields(PB.TxReceipt, m);
  return {
    txId: bytesFrom(m.txId),
    status: enumFrom('TxReceipt', 'status', TX_STATUS_NUMBERS, m.status),
    code: m.code as string,
    message: m.message as string,
    events: (m.events as readonly PbMessage[]).map(eventFromPb),
    result: bytesFrom(m.result),
  };
}

/** Canonical bytes of a receipt (the leaf data of a block's receiptRoot). */
export function encodeTxReceipt(receipt: TxReceipt): Uint8Array {
  return fastEncodeTxReceipt(receipt, receiptStatusNumber) ?? encodeTxReceiptReference(receipt);
}

const receiptStatusNumber = (status: unknown): number | undefined =>
  typeof status === 'string' && Object.hasOwn(TX_STATUS_NUMBERS, status)
    ? TX_STATUS_NUMBERS[status as TxReceipt['status']]
    : undefined;

/** The reference encoder (protobufjs, with every field check); encodeTxReceipt's fallback. */
export function encodeTxReceiptReference(receipt: TxReceipt): Uint8Array {
  return encodeWith(PB.TxReceipt, receiptFields(receipt));
}

/** Decodes canonical TxReceipt bytes; the status must be ok or failed. */
export function decodeTxReceipt(bytes: Uint8Array): TxReceipt {
  return decodeCanonical(PB.TxReceipt, bytes, receiptFromPb, encodeTxReceipt);
}
