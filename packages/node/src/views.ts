import {
  type Block,
  blockId,
  decodeBlock,
  type JsonValue,
  parseCanonicalJson,
  type SignedTx,
  type TxReceipt,
} from '@xinlian/codec';
import { addressOf, type CryptoSuite } from '@xinlian/crypto';
import type { BlockView, TxResultView, TxView } from '@xinlian/schemas';
import { fromHex, toHex } from '@xinlian/utils';

/** JSON of canonical-JSON bytes; empty bytes are null. */
export function jsonOf(bytes: Uint8Array): JsonValue {
  return bytes.length === 0 ? null : parseCanonicalJson(bytes);
}

/** API view of a block (spec/api-v1.md BlockView). */
export function blockView(suite: CryptoSuite, block: Block): BlockView {
  const h = block.header;
  return {
    height: h.height,
    id: toHex(blockId(suite.hash, h)),
    time: h.time,
    parentId: toHex(h.parentId),
    txRoot: toHex(h.txRoot),
    receiptRoot: toHex(h.receiptRoot),
    appHash: toHex(h.appHash),
    validatorSetHash: toHex(h.validatorSetHash),
    nextValidatorSetHash: toHex(h.nextValidatorSetHash),
    proposer: toHex(h.proposer),
    txCount: h.txCount,
    txIds: block.txs.map((tx) => toHex(suite.hash(tx.bodyBytes))),
    certificate: {
      round: block.certificate.round,
      signatures: block.certificate.signatures.map((s) => ({
        validatorIndex: s.validatorIndex,
        signature: toHex(s.signature),
      })),
    },
  };
}

/** API view of a signed transaction. */
export function txView(suite: CryptoSuite, tx: SignedTx): TxView {
  const b = tx.body;
  return {
    chainId: b.chainId,
    signer: toHex(b.signer),
    signerAddress: addressOf(suite, b.signer),
    nonce: b.nonce,
    expiryHeight: b.expiryHeight,
    module: b.module,
    method: b.method,
    args: jsonOf(b.args),
    signature: toHex(tx.signature),
  };
}

/** API view of a tx's execution result. */
export function resultView(receipt: TxReceipt): TxResultView {
  return {
    status: receipt.status,
    code: receipt.code,
    message: receipt.message,
    events: receipt.events.map((e) => ({
      type: e.type,
      attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })),
    })),
    result: jsonOf(receipt.result),
  };
}

/** The sender index entries of a stored block (txId and signer address bytes per tx, in order). */
export function senderIndexEntries(
  suite: CryptoSuite,
  blockBytes: Uint8Array,
): { txId: Uint8Array; sender: Uint8Array }[] {
  return decodeBlock(blockBytes).txs.map((tx) => ({
    txId: suite.hash(tx.bodyBytes),
    sender: fromHex(addressOf(suite, tx.body.signer)),
  }));
}
