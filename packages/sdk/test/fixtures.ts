/** A real (in-memory) chain for tests: genesis, keys, a committed block with evidence txs. */
import {
  type BlockHeader,
  blockId,
  canonicalJson,
  encodeBlock,
  encodeTxReceipt,
  type JsonValue,
  merkleRoot,
  parseCanonicalJson,
  type TxReceipt,
  validatorSetHash,
} from '@xinlian/codec';
import { genesisValidatorSet, makeCommitCertificate, signVote } from '@xinlian/consensus';
import { addressOf, type CryptoSuite, createSuite, type PrivateKey, type SuiteId } from '@xinlian/crypto';
import { DEFAULT_CHAIN_PARAMS, type Genesis } from '@xinlian/schemas';
import { fromHex, toHex } from '@xinlian/utils';
import {
  type BuiltTx,
  buildBatch,
  buildTx,
  type DigestAlgorithm,
  digestOf,
  evidenceArgs,
} from '../src/index.js';

export interface Chain {
  readonly suite: CryptoSuite;
  readonly algorithm: DigestAlgorithm;
  readonly genesis: Genesis;
  readonly validatorKeys: readonly PrivateKey[];
  readonly client: PrivateKey;
}

export function makeChain(suiteId: SuiteId, validators: number): Chain {
  const suite = createSuite(suiteId);
  const validatorKeys = Array.from({ length: validators }, () => suite.generateKey());
  const genesis: Genesis = {
    format: 'xinlian-genesis/1',
    chainId: `test-${suiteId}-${validators}`,
    suite: suiteId,
    genesisTime: 1_700_000_000_000,
    validators: validatorKeys.map((k, i) => ({
      name: `org-${i}`,
      publicKey: toHex(k.publicKey.bytes),
      power: 10 + i,
    })),
    params: DEFAULT_CHAIN_PARAMS,
  };
  return {
    suite,
    algorithm: suiteId === 'gm' ? 'sm3' : 'sha256',
    genesis,
    validatorKeys,
    client: suite.generateKey(),
  };
}

export interface Fixture {
  readonly chain: Chain;
  /** Encoded block at height 3. */
  readonly block: Uint8Array;
  readonly header: BlockHeader;
  readonly receipts: readonly TxReceipt[];
  readonly txs: readonly BuiltTx[];
  /** The file notarized by tx SINGLE_INDEX. */
  readonly file: Uint8Array;
  /** Leaves of the batch anchored by tx BATCH_INDEX; leaf BATCH_LEAF is `batchFile`'s digest. */
  readonly leaves: readonly Uint8Array[];
  readonly batchFile: Uint8Array;
  readonly records: readonly JsonValue[];
}

export const SINGLE_INDEX = 1;
export const BATCH_INDEX = 2;
export const FAILED_INDEX = 4;
export const BATCH_LEAF = 3;
export const HEIGHT = 3;

const text = (s: string) => new TextEncoder().encode(s);

/**
 * A block of 5 txs: submit, submit (the single-digest subject), anchorBatch (10 leaves), submit,
 * and a tx whose result is 'failed'. Signed by validators holding a quorum, or by `signers`.
 */
export function makeFixture(chain: Chain, signers?: readonly number[]): Fixture {
  const { suite, algorithm, genesis, client } = chain;
  const hash = suite.hash;
  const file = text(`the contract, signed ${chain.genesis.chainId}`);
  const batchFile = text('photo 3 of the batch');
  const leaves = Array.from({ length: 10 }, (_, i) =>
    i === BATCH_LEAF ? fromHex(digestOf(algorithm, batchFile).value) : suite.hash(text(`leaf ${i}`)),
  );
  const batch = buildBatch(leaves, suite);
  const base = { chainId: genesis.chainId, key: client, expiryHeight: 100, suite };
  const calls = [
    evidenceArgs.submit({ digests: [digestOf(algorithm, text('first'))] }),
    evidenceArgs.submit({
      digests: [digestOf(algorithm, file)],
      fileName: 'contract.pdf',
      size: file.length,
      tags: ['a'],
    }),
    evidenceArgs.anchorBatch({ root: toHex(batch.root), size: batch.size, algorithm, label: 'photos' }),
    evidenceArgs.submit({ digests: [digestOf(algorithm, text('third'))] }),
    evidenceArgs.submit({ digests: [digestOf(algorithm, text('failing'))] }),
  ];
  const txs = calls.map((c) => buildTx({ ...base, ...c }));
  const receipts: TxReceipt[] = txs.map((t, i) => ({
    txId: fromHex(t.txId),
    status: i === FAILED_INDEX ? 'failed' : 'ok',
    code: i === FAILED_INDEX ? 'EVIDENCE_BAD_ARGS' : '',
    message: i === FAILED_INDEX ? 'bad args' : '',
    events:
      i === FAILED_INDEX ? [] : [{ type: 'evidence.recorded', attributes: [{ key: 'id', value: t.txId }] }],
    result: i === FAILED_INDEX ? new Uint8Array(0) : canonicalJson({ existing: false, recordId: t.txId }),
  }));
  const set = genesisValidatorSet(genesis);
  const setHash = validatorSetHash(hash, set);
  const header: BlockHeader = {
    chainId: genesis.chainId,
    height: HEIGHT,
    time: genesis.genesisTime + 3000,
    parentId: suite.hash(text('parent')),
    txRoot: merkleRoot(
      hash,
      txs.map((t) => t.bytes),
    ),
    receiptRoot: merkleRoot(hash, receipts.map(encodeTxReceipt)),
    appHash: suite.hash(text('app')),
    validatorSetHash: setHash,
    nextValidatorSetHash: setHash,
    proposer: chain.validatorKeys[0]!.publicKey.bytes,
    txCount: txs.length,
  };
  const id = blockId(hash, header);
  const votes = chain.validatorKeys.map((key, validatorIndex) =>
    signVote(suite, key, {
      chainId: genesis.chainId,
      type: 'precommit',
      height: HEIGHT,
      round: 0,
      blockId: id,
      validatorIndex,
    }),
  );
  let certificate = makeCommitCertificate(set, votes);
  if (signers !== undefined) {
    certificate = {
      ...certificate,
      signatures: certificate.signatures.filter((s) => signers.includes(s.validatorIndex)),
    };
  }
  const block = encodeBlock({ header, txs: txs.map((t) => t.signedTx), certificate });
  const submitter = addressOf(suite, client.publicKey.bytes);
  const records = txs.map((t): JsonValue => {
    const args = parseCanonicalJson(t.signedTx.body.args) as { readonly [k: string]: JsonValue };
    const kind = t.signedTx.body.method === 'anchorBatch' ? 'batch' : 'evidence';
    return { id: t.txId, kind, submitter, height: HEIGHT, time: header.time, txId: t.txId, ...args };
  });
  return { chain, block, header, receipts, txs, file, leaves, batchFile, records };
}
