import { Value } from '@sinclair/typebox/value';
import {
  type Block,
  type BlockHeader,
  canonicalJson,
  decodeBlock,
  decodeBlockHeader,
  decodeCommitCertificate,
  decodeSignedTx,
  decodeTxReceipt,
  encodeBlockHeader,
  encodeCommitCertificate,
  encodeSignedTx,
  encodeTxReceipt,
  type HashFn,
  type JsonValue,
  MerkleTree,
  merkleLeafHash,
  parseCanonicalJson,
  rootFromInclusionProof,
  type SignedTx,
  type TxReceipt,
  type ValidatorSet,
  validatorSetHash,
} from '@xinlian/codec';
import {
  genesisHash,
  genesisValidatorSet,
  quorumPower,
  type ValidatorSetLink,
  validatorSetAt,
  verifyCommitCertificate,
  verifyValidatorSetChain,
} from '@xinlian/consensus';
import { addressOf, type CryptoSuite, createSuite } from '@xinlian/crypto';
import {
  type Digest,
  Genesis,
  Receipt,
  type ValidatorSetLinkJson,
  type VerificationReport,
  type VerificationStep,
} from '@xinlian/schemas';
import { equalBytes, fromBase64, fromHex, toBase64, toHex, XinlianError } from '@xinlian/utils';
import { type BatchAnchor, buildBatch, suiteOfAlgorithm } from './evidence.js';

/**
 * The checks of verifyReceipt, in order: from the trusted genesis down to the file.
 * - schema: the JSON is an `xinlian-receipt/1`
 * - genesis: chain ID, suite and genesis hash are the trusted genesis'
 * - validatorSet: the receipt's validator set is the genesis validator set (source 'genesis')
 * - validatorSetChain: each link of validatorSetChain is certified by a quorum of the previous set
 *   from genesis, and the chain's set at the block's height is the receipt's (no links: genesis)
 * - header: the header hashes to the block ID; its chain ID and height are the receipt's
 * - validatorSetHash: the header commits to that validator set
 * - certificate: validators with > 2/3 of the power signed the block ID at that height
 * - txInclusion: the tx bytes are in header.txRoot (tree size = header.txCount)
 * - txId: the tx ID is the hash of the tx body
 * - txSignature: the tx is for this chain and signed by its signer
 * - result: the tx result (same position) is in header.receiptRoot, is for this tx, status ok
 * - txArgs: the tx (of subject.module) carries the digest, or the batch root, size and algorithm
 * - record: the included record (if any) agrees with the tx, its args and the block
 * - anchor: the digest is leaf anchor.leafIndex of the batch root (batch anchoring only)
 * - fileDigest: the file (if given) has the subject digest
 */
export const RECEIPT_STEPS = Object.freeze([
  'schema',
  'genesis',
  'validatorSet',
  'validatorSetChain',
  'header',
  'validatorSetHash',
  'certificate',
  'txInclusion',
  'txId',
  'txSignature',
  'result',
  'txArgs',
  'record',
  'anchor',
  'fileDigest',
] as const);
export type ReceiptStep = (typeof RECEIPT_STEPS)[number];

export interface VerifyReceiptOptions {
  /** The trusted genesis document. */
  readonly genesis: Genesis;
  /** The file the receipt is about, or its digest (same algorithm as the receipt's). */
  readonly file?: Uint8Array | { readonly digest: Uint8Array };
  /**
   * The CBV 2.0 event hash (`eventHash` of @xinlian/module-traceability): given, a traceability
   * receipt's event is hashed again offline (otherwise the chain's certified result vouches for it).
   */
  readonly eventHash?: (event: unknown) => string;
}

const METHOD_KINDS: Readonly<Record<string, string>> = Object.freeze({
  submit: 'evidence',
  registerCopyright: 'copyright',
  grantLicense: 'license',
  reportInfringement: 'infringement',
  anchorBatch: 'batch',
});

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new XinlianError('RECEIPT_CHECK_FAILED', message, {});
}

const isObject = (v: unknown): v is { readonly [k: string]: JsonValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const sameJson = (a: JsonValue | undefined, b: JsonValue): boolean =>
  a !== undefined && equalBytes(canonicalJson(a), canonicalJson(b));

function pathRoot(
  hash: HashFn,
  leaf: Uint8Array,
  p: { leafIndex: number; treeSize: number; path: string[] },
) {
  const proof = p.path.map((h) => fromHex(h));
  return rootFromInclusionProof(hash, merkleLeafHash(hash, leaf), p.leafIndex, p.treeSize, proof);
}

function validatorSetOfJson(
  validators: readonly { name: string; publicKey: string; power: number }[],
): ValidatorSet {
  return {
    validators: validators.map((v) => ({ name: v.name, publicKey: fromHex(v.publicKey), power: v.power })),
  };
}

function validatorSetLinkOfJson(l: ValidatorSetLinkJson): ValidatorSetLink {
  return {
    height: l.height,
    validatorSet: validatorSetOfJson(l.validators),
    header: decodeBlockHeader(fromBase64(l.header)),
    certificate: decodeCommitCertificate(fromBase64(l.certificate)),
  };
}

/** A validator-set link as a receipt carries it (hex keys, encoded header and certificate). */
export function validatorSetLinkToJson(link: ValidatorSetLink): ValidatorSetLinkJson {
  return {
    height: link.height,
    validators: link.validatorSet.validators.map((v) => ({
      name: v.name,
      publicKey: toHex(v.publicKey),
      power: v.power,
    })),
    header: toBase64(encodeBlockHeader(link.header)),
    certificate: toBase64(encodeCommitCertificate(link.certificate)),
  };
}

/**
 * Verifies an `xinlian-receipt/1` offline against a trusted genesis (and optionally the file).
 * Never throws for a bad receipt: every step of {@link RECEIPT_STEPS} is listed; checking stops
 * at the first failure (later steps say "not checked").
 */
export function verifyReceipt(receipt: unknown, opts: VerifyReceiptOptions): VerificationReport {
  const steps: VerificationStep[] = [];
  let failed: ReceiptStep | undefined;
  const run = (name: ReceiptStep, fn: () => string): void => {
    if (failed !== undefined) {
      steps.push({ name, ok: false, detail: `not checked: step ${failed} failed` });
      return;
    }
    try {
      steps.push({ name, ok: true, detail: fn() });
    } catch (e) {
      failed = name;
      steps.push({ name, ok: false, detail: e instanceof Error ? e.message : String(e) });
    }
  };

  const genesis = opts.genesis;
  let r!: Receipt;
  let suite!: CryptoSuite;
  let hash!: HashFn;
  let set!: ValidatorSet;
  let header!: BlockHeader;
  let blockId!: Uint8Array;
  let tx!: SignedTx;
  let args!: { readonly [k: string]: JsonValue };
  /** The traceability event the receipt proves (its JSON text in the tx). */
  let traceEvent: string | undefined;
  /** The capturing organization the traceability tx's certified result names. */
  let traceOrg: JsonValue | undefined;

  run('schema', () => {
    const error = Value.Errors(Receipt, receipt).First();
    check(error === undefined, `not an xinlian-receipt/1: ${error?.path || '/'} ${error?.message}`);
    r = receipt as Receipt;
    return `xinlian-receipt/1 for ${r.subject.digest.algorithm}:${r.subject.digest.value}`;
  });
  run('genesis', () => {
    const error = Value.Errors(Genesis, genesis).First();
    check(error === undefined, `the trusted genesis is invalid: ${error?.path || '/'} ${error?.message}`);
    check(r.chainId === genesis.chainId, `receipt is for chain ${r.chainId}, genesis is ${genesis.chainId}`);
    check(r.suite === genesis.suite, `receipt uses suite ${r.suite}, genesis ${genesis.suite}`);
    suite = createSuite(genesis.suite);
    hash = suite.hash;
    const id = toHex(genesisHash(suite, genesis));
    check(r.genesisHash === id, `genesis hash ${r.genesisHash} differs from the trusted genesis' ${id}`);
    return `chain ${r.chainId}, suite ${r.suite}, genesis ${id}`;
  });
  run('validatorSet', () => {
    const mine = r.validatorSet.validators;
    if (r.validatorSet.source === 'chain') {
      check(mine.length > 0, 'the validator set is empty');
      set = validatorSetOfJson(mine);
      return `${mine.length} validators, reached by the validator-set chain`;
    }
    const trusted = genesis.validators;
    check(mine.length === trusted.length, `${mine.length} validators, genesis has ${trusted.length}`);
    mine.forEach((v, i) => {
      const g = trusted[i]!;
      check(
        v.name === g.name && v.publicKey === g.publicKey && v.power === g.power,
        `validator ${i} is not the genesis'`,
      );
    });
    set = genesisValidatorSet(genesis);
    return `${mine.length} genesis validators`;
  });
  run('validatorSetChain', () => {
    const links = r.validatorSetChain ?? [];
    if (links.length === 0) {
      check(r.validatorSet.source === 'genesis', "validatorSet.source is 'chain' but there is no chain");
      return 'no validator-set change: the genesis set';
    }
    check(r.validatorSet.source === 'chain', "a validator-set chain needs validatorSet.source 'chain'");
    const schedule = verifyValidatorSetChain(
      suite,
      r.chainId,
      genesisValidatorSet(genesis),
      links.map(validatorSetLinkOfJson),
    );
    const atHeight = validatorSetAt(schedule, r.block.height);
    check(
      equalBytes(validatorSetHash(hash, atHeight), validatorSetHash(hash, set)),
      `the receipt's validator set is not the chain's set at height ${r.block.height}`,
    );
    return `${links.length} change(s) from genesis, at heights ${links.map((l) => l.height).join(', ')}`;
  });
  run('header', () => {
    const bytes = fromBase64(r.block.header);
    header = decodeBlockHeader(bytes);
    blockId = suite.hash(bytes);
    check(toHex(blockId) === r.block.id, `header hashes to ${toHex(blockId)}, not block id ${r.block.id}`);
    check(header.chainId === r.chainId, `header is for chain ${header.chainId}`);
    check(header.height === r.block.height, `header is for height ${header.height}, not ${r.block.height}`);
    return `block ${r.block.id} at height ${header.height}`;
  });
  run('validatorSetHash', () => {
    const setHash = validatorSetHash(hash, set);
    check(
      equalBytes(setHash, header.validatorSetHash),
      'header.validatorSetHash is not the hash of the validator set',
    );
    return `validator set ${toHex(setHash)}`;
  });
  run('certificate', () => {
    const cert = decodeCommitCertificate(fromBase64(r.block.certificate));
    verifyCommitCertificate(suite, r.chainId, set, cert, blockId, header.height);
    const signers = cert.signatures.map((s) => s.validatorIndex);
    return `signed by validators [${signers.join(', ')}], quorum ${quorumPower(set)}`;
  });
  run('txInclusion', () => {
    check(r.tx.treeSize === header.txCount, `tx tree size ${r.tx.treeSize}, block has ${header.txCount} txs`);
    check(
      equalBytes(pathRoot(hash, fromBase64(r.tx.bytes), r.tx), header.txRoot),
      'tx path does not lead to header.txRoot',
    );
    return `tx ${r.tx.leafIndex} of ${r.tx.treeSize} in txRoot`;
  });
  run('txId', () => {
    tx = decodeSignedTx(fromBase64(r.tx.bytes));
    const id = toHex(suite.hash(tx.bodyBytes));
    check(id === r.tx.id, `tx body hashes to ${id}, not ${r.tx.id}`);
    return `tx ${id}`;
  });
  run('txSignature', () => {
    check(tx.body.chainId === r.chainId, `tx is for chain ${tx.body.chainId}`);
    const signer = suite.publicKeyFromBytes(tx.body.signer);
    check(suite.verify(signer, tx.bodyBytes, tx.signature), 'tx signature is invalid');
    return `signed by ${addressOf(suite, tx.body.signer)}`;
  });
  run('result', () => {
    check(
      r.result.leafIndex === r.tx.leafIndex && r.result.treeSize === r.tx.treeSize,
      'result is not at the tx position',
    );
    const bytes = fromBase64(r.result.bytes);
    check(
      equalBytes(pathRoot(hash, bytes, r.result), header.receiptRoot),
      'result path does not lead to header.receiptRoot',
    );
    const result = decodeTxReceipt(bytes);
    check(toHex(result.txId) === r.tx.id, 'result is for another tx');
    check(result.status === 'ok', `tx failed: ${result.code} ${result.message}`);
    return 'tx executed: ok';
  });
  run('txArgs', () => {
    check(tx.body.module === r.subject.module, `tx is for module ${tx.body.module}, not ${r.subject.module}`);
    const parsed = parseCanonicalJson(tx.body.args);
    check(isObject(parsed), 'tx args are not an object');
    args = parsed;
    const { algorithm, value } = r.subject.digest;
    if (r.anchor !== undefined) {
      check(args.root === r.anchor.batchRoot, 'tx does not anchor the batch root');
      check(
        args.size === r.anchor.treeSize,
        `tx anchors a batch of ${String(args.size)}, not ${r.anchor.treeSize}`,
      );
      check(args.algorithm === algorithm, `tx anchors ${String(args.algorithm)} digests, not ${algorithm}`);
      return `${tx.body.method} anchors root ${r.anchor.batchRoot} of ${r.anchor.treeSize} ${algorithm} digests`;
    }
    if (r.subject.module === 'traceability') {
      // The tx carries event JSON texts; its certified result names the CBV 2.0 hash of each recorded one.
      check(algorithm === 'sha256', 'a traceability receipt proves a sha256 event hash');
      const id = `ni:///sha-256;${value}?ver=CBV2.0`;
      const outcome = parseCanonicalJson(decodeTxReceipt(fromBase64(r.result.bytes)).result);
      const captured = isObject(outcome) && Array.isArray(outcome.captured) ? outcome.captured : [];
      const entry = captured.find((c) => isObject(c) && c.eventId === id);
      check(isObject(entry) && typeof entry.index === 'number', `the tx did not record event ${id}`);
      const events = args.events;
      const text = Array.isArray(events) ? events[entry.index as number] : undefined;
      check(typeof text === 'string', `the tx has no event ${String(entry.index)}`);
      if (opts.eventHash !== undefined) {
        let hashed: string;
        try {
          hashed = opts.eventHash(JSON.parse(text));
        } catch {
          hashed = 'unhashable';
        }
        check(hashed === id, `the event in the tx hashes to ${hashed}, not ${id}`);
      }
      traceEvent = text;
      traceOrg = isObject(outcome) ? outcome.org : undefined;
      return `${tx.body.method} recorded event ${id}${opts.eventHash === undefined ? '' : ' (hash recomputed)'}`;
    }
    const digests = args.digests;
    check(
      Array.isArray(digests) &&
        digests.some((d) => isObject(d) && d.algorithm === algorithm && d.value === value),
      `tx args do not contain ${algorithm}:${value}`,
    );
    return `${tx.body.method} carries ${algorithm}:${value}`;
  });
  run('record', () => {
    const record = r.subject.record;
    if (record === undefined) return 'no record included';
    check(isObject(record), 'record is not an object');
    const id = r.tx.id;
    check(record.id === undefined || record.id === id, 'record id is not the tx id');
    check(record.txId === undefined || record.txId === id, 'record txId is not the tx id');
    check(
      record.height === undefined || record.height === header.height,
      'record height is not the block height',
    );
    check(record.time === undefined || record.time === header.time, 'record time is not the block time');
    const submitter = addressOf(suite, tx.body.signer);
    check(
      record.submitter === undefined || record.submitter === submitter,
      'record submitter is not the tx signer',
    );
    if (traceEvent !== undefined) {
      check(record.event === traceEvent, 'record event differs from the event in the tx');
      check(record.capturedBy === submitter, 'record capturedBy is not the tx signer');
      check(
        typeof traceOrg === 'string' && record.org === traceOrg,
        'record org is not the organization in the certified tx result',
      );
      check(record.blockTime === header.time, 'record blockTime is not the block time');
      check(
        record.eventId === `ni:///sha-256;${r.subject.digest.value}?ver=CBV2.0`,
        'record eventId is not the subject',
      );
    }
    const kind = METHOD_KINDS[tx.body.method];
    check(
      record.kind === undefined || kind === undefined || record.kind === kind,
      `record kind is not ${kind}`,
    );
    for (const [key, value] of Object.entries(args)) {
      check(!(key in record) || sameJson(record[key], value), `record field ${key} differs from the tx args`);
    }
    return 'record matches the tx';
  });
  run('anchor', () => {
    if (r.anchor === undefined) return 'not batch-anchored';
    const root = pathRoot(hash, fromHex(r.subject.digest.value), r.anchor);
    check(toHex(root) === r.anchor.batchRoot, 'anchor path does not lead to the batch root');
    return `digest ${r.anchor.leafIndex} of ${r.anchor.treeSize} in batch ${r.anchor.batchRoot}`;
  });
  run('fileDigest', () => {
    const file = opts.file;
    if (file === undefined) return 'no file given: the receipt proves the digest';
    const { algorithm, value } = r.subject.digest;
    const digest = file instanceof Uint8Array ? suiteOfAlgorithm(algorithm).hash(file) : file.digest;
    check(toHex(digest) === value, `the file's ${algorithm} digest is ${toHex(digest)}, not ${value}`);
    return `file ${algorithm} digest matches`;
  });

  return { ok: failed === undefined, steps };
}

/** Inputs of buildReceipt: what the node has for a committed evidence tx. */
export interface BuildReceiptInput {
  readonly suite: CryptoSuite;
  readonly genesis: Genesis;
  /** The committed block (encoded, as stored, or decoded). */
  readonly block: Uint8Array | Block;
  /** The block's tx results in tx order (encoded or decoded). */
  readonly receipts: readonly (Uint8Array | TxReceipt)[];
  /** Position of the tx in the block. */
  readonly txIndex: number;
  /** The digest being proven (for a batch: leaf `batch.index`). */
  readonly digest: Digest;
  /** Module of the tx (default: the tx's module). */
  readonly module?: string;
  /** The module's record of the claim, as the API returns it. */
  readonly record?: JsonValue;
  /** For a batch-anchored digest: the batch leaves (raw digests, in order) or its tree, and the index. */
  readonly batch?: { readonly index: number } & (
    | { readonly leaves: readonly Uint8Array[] }
    | { readonly tree: MerkleTree }
  );
  /** genesisHash(suite, genesis), when the caller has it already. */
  readonly genesisHash?: Uint8Array;
  /**
   * Validator-set changes from genesis (ascending; spec/consensus.md §11). Links above the block's
   * height are left out; with none up to it the receipt names the genesis set.
   */
  readonly validatorSetChain?: readonly ValidatorSetLink[];
}

function bad(message: string, details: Record<string, unknown> = {}): never {
  throw new XinlianError('SDK_BAD_RECEIPT_INPUT', message, details);
}

/**
 * Assembles the `xinlian-receipt/1` of a digest recorded by tx `txIndex` of `block` (used by the
 * node for GET /v1/evidence/:alg/:digest/receipt, so node and SDK produce identical receipts).
 * Throws SDK_BAD_RECEIPT_INPUT for inconsistent inputs.
 */
export function buildReceipt(input: BuildReceiptInput): Receipt {
  const { suite, genesis, txIndex } = input;
  const block = input.block instanceof Uint8Array ? decodeBlock(input.block) : input.block;
  const signedTx = block.txs[txIndex];
  if (signedTx === undefined) bad(`block has no tx ${txIndex}`, { txIndex, txCount: block.txs.length });
  if (input.receipts.length !== block.txs.length) {
    bad(`${input.receipts.length} results for ${block.txs.length} txs`, { receipts: input.receipts.length });
  }
  const txLeaves = block.txs.map((t) => encodeSignedTx(t));
  const resultLeaves = input.receipts.map((x) => (x instanceof Uint8Array ? x : encodeTxReceipt(x)));
  const hash = suite.hash;
  const txTree = new MerkleTree(hash, txLeaves);
  const resultTree = new MerkleTree(hash, resultLeaves);
  let anchor: BatchAnchor | undefined;
  if (input.batch !== undefined) {
    const { index } = input.batch;
    const tree = 'tree' in input.batch ? input.batch.tree : buildBatch(input.batch.leaves, suite).tree;
    if (!Number.isSafeInteger(index) || index < 0 || index >= tree.size)
      bad(`batch has no leaf ${index}`, { index });
    const leaf = 'leaves' in input.batch ? input.batch.leaves[index] : undefined;
    if (leaf !== undefined && toHex(leaf) !== input.digest.value)
      bad(`batch leaf ${index} is not the digest`, { index });
    // One receipt: hex of its own path only (batchProof would convert the whole tree to hex, which
    // pays off for many receipts of one tree, not for the node serving one at a time).
    const path = tree.inclusionProof(index).map((h) => toHex(h));
    anchor = { leafIndex: index, treeSize: tree.size, path, batchRoot: toHex(tree.root) };
  }
  const treePath = (tree: MerkleTree) => ({
    leafIndex: txIndex,
    treeSize: tree.size,
    path: tree.inclusionProof(txIndex).map((h) => toHex(h)),
  });
  const header = encodeBlockHeader(block.header);
  // Links up to the block's height (later ones do not concern it).
  const chain = (input.validatorSetChain ?? []).filter((l) => l.height <= block.header.height);
  const subject = {
    module: input.module ?? signedTx.body.module,
    digest: { algorithm: input.digest.algorithm, value: input.digest.value },
    ...(input.record === undefined ? {} : { record: input.record }),
  };
  return {
    format: 'xinlian-receipt/1',
    chainId: genesis.chainId,
    suite: genesis.suite,
    genesisHash: toHex(input.genesisHash ?? genesisHash(suite, genesis)),
    subject,
    ...(anchor === undefined ? {} : { anchor }),
    tx: {
      ...treePath(txTree),
      bytes: toBase64(txLeaves[txIndex]!),
      id: toHex(suite.hash(signedTx.bodyBytes)),
    },
    result: { ...treePath(resultTree), bytes: toBase64(resultLeaves[txIndex]!) },
    block: {
      height: block.header.height,
      id: toHex(suite.hash(header)),
      header: toBase64(header),
      certificate: toBase64(encodeCommitCertificate(block.certificate)),
    },
    ...(chain.length === 0
      ? {
          validatorSet: {
            validators: genesis.validators.map((v) => ({
              name: v.name,
              publicKey: v.publicKey,
              power: v.power,
            })),
            source: 'genesis' as const,
          },
        }
      : {
          validatorSet: {
            validators: validatorSetLinkToJson(chain[chain.length - 1]!).validators,
            source: 'chain' as const,
          },
          validatorSetChain: chain.map(validatorSetLinkToJson),
        }),
  };
}

/** A batch as the client built it: its tree and its digests (leaf data, in order). */
export interface BatchOfReceipts {
  readonly tree: MerkleTree;
  readonly digests: readonly Uint8Array[];
}

/**
 * Every digest's `xinlian-receipt/1` for a batch, from any one receipt of that batch (`base`, e.g.
 * the node's receipt of its first digest, or buildReceipt's): the shared parts (tx, result, block,
 * validator set) are reused as they are and each receipt adds only its digest and anchor path.
 * Yields receipt i for digest i. Throws SDK_BAD_RECEIPT_INPUT if `base` anchors another batch.
 */
export function* batchReceipts(base: Receipt, batch: BatchOfReceipts): Generator<Receipt, void, undefined> {
  const { tree, digests } = batch;
  const rootHex = toHex(tree.root);
  if (base.anchor === undefined || base.anchor.batchRoot !== rootHex || base.anchor.treeSize !== tree.size)
    bad('the base receipt does not anchor this batch', { root: rootHex });
  if (digests.length !== tree.size) bad(`${digests.length} digests for a tree of ${tree.size}`, {});
  // Object literals of one fixed shape (not spreads): several times faster for 100k receipts.
  const { format, chainId, suite, genesisHash, subject, tx, result, block, validatorSet, validatorSetChain } =
    base;
  const { module, record } = subject;
  const { algorithm } = subject.digest;
  const size = tree.size;
  // Hex of all digests in one conversion, then slices (a toHex per digest costs ~1 µs each).
  const ends = new Array<number>(size);
  let total = 0;
  for (let i = 0; i < size; i++) ends[i] = total += digests[i]!.length;
  const blob = new Uint8Array(total);
  for (let i = 0; i < size; i++) blob.set(digests[i]!, ends[i]! - digests[i]!.length);
  const hex = toHex(blob);
  for (let i = 0; i < size; i++) {
    const digest = { algorithm, value: hex.slice(2 * (ends[i]! - digests[i]!.length), 2 * ends[i]!) };
    yield {
      format,
      chainId,
      suite,
      genesisHash,
      subject: record === undefined ? { module, digest } : { module, digest, record },
      anchor: { leafIndex: i, treeSize: size, path: tree.inclusionProofHex(i), batchRoot: rootHex },
      tx,
      result,
      block,
      validatorSet,
      ...(validatorSetChain === undefined ? {} : { validatorSetChain }),
    };
  }
}

/**
 * Every digest's receipt for a batch anchored by tx `txIndex` of `block`: the shared part is built
 * once (as buildReceipt would), then see batchReceipts.
 */
export function buildBatchReceipts(
  input: Omit<BuildReceiptInput, 'digest' | 'batch'> &
    BatchOfReceipts & { readonly algorithm: Digest['algorithm'] },
): Generator<Receipt, void, undefined> {
  const { tree, digests, algorithm, ...common } = input;
  if (digests.length === 0) bad('a batch needs at least one digest', {});
  const base = buildReceipt({
    ...common,
    digest: { algorithm, value: toHex(digests[0]!) },
    batch: { index: 0, tree },
  });
  return batchReceipts(base, { tree, digests });
}
