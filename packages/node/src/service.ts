import {
  type Block,
  decodeBlock,
  decodeTxReceipt,
  type JsonValue,
  MerkleTree,
  type TxReceipt,
} from '@xinlian/codec';
import type { ValidatorSetLink } from '@xinlian/consensus';
import { addressOf, type CryptoSuite } from '@xinlian/crypto';
import { type Executor, namespacePrefix } from '@xinlian/execution';
import type { DigestAlgorithm, EvidenceRecord, RecordPage } from '@xinlian/module-evidence';
import { eventHash } from '@xinlian/module-traceability';
import type {
  AccountTx,
  AccountTxsResponse,
  BlockView,
  ConsensusStatus,
  EvidenceListQuery,
  Genesis,
  Receipt,
  StatusResponse,
  TxAccepted,
  TxCommitted,
  TxResponse,
  VerificationReport,
} from '@xinlian/schemas';
import { type BuildReceiptInput, buildReceipt, verifyReceipt } from '@xinlian/sdk';
import type { LmdbChainStore } from '@xinlian/store';
import { concatBytes, fromHex, toHex, XinlianError } from '@xinlian/utils';
import type { Admission } from './admission.js';
import { type BatchLocation, batchLeaves, type DigestIndex } from './batch.js';
import type { HeightValidatorSet } from './bft/valsets.js';
import type { NodeApi, SubmitRequest } from './http/routes.js';
import type { EventStream } from './http/sse.js';
import type { Mempool } from './mempool.js';
import type { NodeMetrics } from './metrics.js';
import type { BlockProducer, CommittedBlock, PendingTx } from './producer.js';
import type { ChainRules } from './upgrades.js';
import { blockView, resultView, txView } from './views.js';
import type { CommitWaiters } from './waiters.js';

/** Where a committed tx landed and how it ended. */
export interface TxOutcome {
  readonly height: number;
  readonly index: number;
  readonly receipt: TxReceipt;
}

export interface NodeServiceOptions {
  readonly genesis: Genesis;
  readonly genesisHash: Uint8Array;
  readonly nodeVersion: string;
}

export interface NodeServiceModules {
  readonly suite: CryptoSuite;
  readonly store: LmdbChainStore;
  /** Lookups of batch-anchored digests (over `store`). */
  readonly digestIndex: DigestIndex;
  /** Background merging of the digest index's runs; scheduled after blocks that anchor batches. */
  readonly compactor?: { schedule(): void };
  readonly executor: Executor;
  readonly mempool: Mempool<PendingTx>;
  readonly admission: Admission;
  /** The block source: the solo producer or the BFT driver (only its head is read). */
  readonly producer: Pick<BlockProducer, 'head'>;
  /** The consensus view of a BFT node, shown in the status. */
  readonly consensus?: () => ConsensusStatus;
  /** The validator sets from committed governance state (BFT nodes; spec/consensus.md §11). */
  readonly validatorSets?: {
    at(height: number): HeightValidatorSet;
    links(): ValidatorSetLink[];
  };
  readonly waiters: CommitWaiters<TxOutcome>;
  readonly metrics: NodeMetrics;
  readonly blockStream: EventStream;
  /** Current chain params and scheduled upgrades (status); absent: the genesis params, no upgrades. */
  readonly rules?: Pick<ChainRules, 'params' | 'upgrades' | 'halted'>;
}

/** Leaves of the batch trees kept for receipts (a tree holds ~64 bytes per leaf). */
const TREE_CACHE_LEAVES = 1_000_000;

function notFound(what: string, details: Record<string, unknown>): XinlianError {
  return new XinlianError('API_NOT_FOUND', `${what} not found`, details);
}

/** The node's API operations on top of store, mempool and producer (the HTTP layer's NodeApi). */
export class NodeService implements NodeApi {
  readonly #o: NodeServiceOptions;
  readonly #m: NodeServiceModules;
  readonly blockStream: EventStream;
  readonly #trees = new Map<string, MerkleTree>();

  constructor(opts: NodeServiceOptions, modules: NodeServiceModules) {
    this.#o = opts;
    this.#m = modules;
    this.blockStream = modules.blockStream;
  }

  status(): StatusResponse {
    const { genesis } = this.#o;
    const head = this.#m.producer.head;
    return {
      chainId: genesis.chainId,
      suite: genesis.suite,
      genesisHash: toHex(this.#o.genesisHash),
      nodeVersion: this.#o.nodeVersion,
      height: head.height,
      blockId: head.height === 0 ? null : toHex(head.blockId),
      appHash: toHex(head.appHash),
      time: head.time,
      ...this.#validators(head.height),
      mempool: { size: this.#m.mempool.size, capacity: this.#m.mempool.capacity },
      ...(this.#m.consensus === undefined ? {} : { consensus: this.#m.consensus() }),
      governance: this.#governanceStatus(),
      params: this.#m.rules?.params() ?? genesis.params,
      upgrade: this.#upgradeStatus(head.height),
    };
  }

  /** Upgrades scheduled at a later height than the head, and the halt this node is in. */
  #upgradeStatus(height: number): NonNullable<StatusResponse['upgrade']> {
    const rules = this.#m.rules;
    const halted = rules?.halted;
    return {
      pending: (rules?.upgrades() ?? []).filter((u) => u.height > height),
      halted: halted === undefined ? null : { ...halted },
    };
  }

  /** The validators deciding the next height (the genesis set without BFT). */
  #validators(height: number): Pick<StatusResponse, 'validators' | 'validatorSet'> {
    const sets = this.#m.validatorSets;
    if (sets === undefined) {
      return {
        validators: this.#o.genesis.validators.map((v) => ({
          ...v,
          address: addressOf(this.#m.suite, fromHex(v.publicKey)),
        })),
      };
    }
    const current = sets.at(height + 1);
    const next = sets.at(height + 2);
    return {
      validators: current.set.validators.map((v, i) => {
        const org = current.organizations[i];
        return {
          name: v.name,
          ...(org === null || org === undefined ? {} : { organization: org }),
          publicKey: toHex(v.publicKey),
          power: v.power,
          address: addressOf(this.#m.suite, v.publicKey),
        };
      }),
      validatorSet: {
        since: current.since,
        hash: current.hashHex,
        ...(next.hashHex === current.hashHex
          ? {}
          : {
              next: {
                since: next.since,
                hash: next.hashHex,
                validators: next.set.validators.map((v) => v.name),
              },
            }),
      },
    };
  }

  /** Membership mode and filing (备案) data from the governance module's committed state. */
  #governanceStatus(): NonNullable<StatusResponse['governance']> {
    const s = this.#m.executor.query('governance', 'status', {}) as {
      permissioned: boolean;
      organizations: string[];
      filing: { operator: string; serviceName: string; filingNumber: string } | null;
    };
    return { permissioned: s.permissioned, organizations: s.organizations, filing: s.filing };
  }

  genesis(): Genesis {
    return this.#o.genesis;
  }

  async submit(req: SubmitRequest): Promise<TxAccepted | TxCommitted> {
    // Shed load before admitting, so a 503 never leaves a tx behind that the client was refused.
    if (req.wait) this.#m.waiters.checkCapacity();
    const entry = await this.#m.admission.admit(req);
    if (!req.wait) return { txId: entry.txId };
    const waiting = this.#m.waiters.wait(entry.txId);
    // A resubmitted tx may have committed before the waiter was registered.
    const loc = this.#m.store.getTxLocation(entry.checked.txId);
    const stored = loc === undefined ? undefined : this.#m.store.getReceipt(loc.height, loc.index);
    if (loc !== undefined && stored !== undefined) {
      this.#m.waiters.resolve(entry.txId, { ...loc, receipt: decodeTxReceipt(stored) });
    }
    const outcome = await waiting;
    return {
      txId: entry.txId,
      height: outcome.height,
      index: outcome.index,
      result: resultView(outcome.receipt),
    };
  }

  async submitTxs(txs: readonly Uint8Array[]): Promise<(TxAccepted | XinlianError)[]> {
    const out = await this.#m.admission.admitMany(txs);
    return out.map((r) => (r instanceof XinlianError ? r : { txId: r.txId }));
  }

  /** Acknowledges the txs of a durably committed block and publishes it. */
  onCommit(c: CommittedBlock): void {
    const height = c.block.header.height;
    c.txs.forEach((t, index) => {
      this.#m.waiters.resolve(t.txId, { height, index, receipt: c.execution.receipts[index]! });
    });
    this.#m.metrics.mempoolSize.set(this.#m.mempool.size);
    this.#m.metrics.mempoolBytes.set(this.#m.mempool.bytes);
    if (this.blockStream.clientCount > 0)
      this.blockStream.publish('block', blockView(this.#m.suite, c.block));
    // The root check built each anchored batch's tree: keep it for the receipts that follow.
    let anchored = false;
    c.txs.forEach((t, index) => {
      if (t.batch === undefined || c.execution.receipts[index]?.status !== 'ok') return;
      anchored = true;
      if (t.batch.tree !== undefined) this.#cacheTree(toHex(t.batch.root), t.batch.tree);
    });
    if (anchored) this.#m.compactor?.schedule();
  }

  /** Fails the waiters of txs dropped from the mempool. */
  onDrop(txs: readonly PendingTx[], err: XinlianError): void {
    for (const t of txs) this.#m.waiters.reject(t.txId, err);
  }

  tx(txIdHex: string): TxResponse {
    const pending = this.#m.mempool.get(txIdHex);
    if (pending !== undefined) {
      return { txId: txIdHex, status: 'pending', tx: txView(this.#m.suite, pending.checked.tx) };
    }
    const loc = this.#m.store.getTxLocation(fromHex(txIdHex));
    const block = loc === undefined ? undefined : this.#block(loc.height);
    const receipt = loc === undefined ? undefined : this.#m.store.getReceipt(loc.height, loc.index);
    if (loc === undefined || block === undefined || receipt === undefined)
      throw notFound('transaction', { txId: txIdHex });
    return {
      txId: txIdHex,
      status: 'committed',
      height: loc.height,
      index: loc.index,
      tx: txView(this.#m.suite, block.txs[loc.index]!),
      result: resultView(decodeTxReceipt(receipt)),
    };
  }

  /**
   * Committed txs signed by an account, newest first, from the store's sender index: at most
   * `limit`, before `cursor` (`height-index` of the last tx of the previous page).
   */
  accountTxs(address: string, limit: number, cursor: string | undefined): AccountTxsResponse {
    let before: { height: number; index: number } | undefined;
    if (cursor !== undefined) {
      const [h, i] = cursor.split('-').map(Number);
      if (!Number.isSafeInteger(h) || !Number.isSafeInteger(i) || (i as number) > 0xffffffff) {
        throw new XinlianError('API_BAD_REQUEST', 'bad cursor', { in: 'query', field: 'cursor' });
      }
      before = { height: h as number, index: i as number };
    }
    // One more than asked: says whether there is a next page.
    const found = this.#m.store.txsBySender(fromHex(address), {
      limit: limit + 1,
      ...(before === undefined ? {} : { before }),
    });
    const page = found.slice(0, limit);
    const blocks = new Map<number, Block | undefined>();
    const txs: AccountTx[] = [];
    for (const t of page) {
      if (!blocks.has(t.height)) blocks.set(t.height, this.#block(t.height));
      const block = blocks.get(t.height);
      const tx = block?.txs[t.index];
      const receiptBytes = this.#m.store.getReceipt(t.height, t.index);
      if (block === undefined || tx === undefined || receiptBytes === undefined) {
        throw new XinlianError('STORE_CORRUPT', 'an indexed tx is missing', {
          height: t.height,
          index: t.index,
        });
      }
      const receipt = decodeTxReceipt(receiptBytes);
      txs.push({
        txId: toHex(t.txId),
        height: t.height,
        index: t.index,
        time: block.header.time,
        module: tx.body.module,
        method: tx.body.method,
        status: receipt.status,
        code: receipt.code,
      });
    }
    const last = page[page.length - 1];
    return {
      address,
      txs,
      ...(found.length > limit && last !== undefined ? { nextCursor: `${last.height}-${last.index}` } : {}),
    };
  }

  #block(height: number): Block | undefined {
    const bytes = this.#m.store.getBlockBytes(height);
    return bytes === undefined ? undefined : decodeBlock(bytes);
  }

  block(ref: 'latest' | number | string): BlockView {
    const height =
      ref === 'latest'
        ? this.#m.producer.head.height
        : typeof ref === 'number'
          ? ref
          : this.#m.store.getHeightByBlockId(fromHex(ref));
    const block = height === undefined || height === 0 ? undefined : this.#block(height);
    if (block === undefined) throw notFound('block', { ref });
    return blockView(this.#m.suite, block);
  }

  blocks(before: number | undefined, limit: number): BlockView[] {
    const out: BlockView[] = [];
    const top = Math.min(
      this.#m.producer.head.height,
      before === undefined ? Number.MAX_SAFE_INTEGER : before - 1,
    );
    for (let h = top; h >= 1 && out.length < limit; h--) {
      const block = this.#block(h);
      if (block !== undefined) out.push(blockView(this.#m.suite, block));
    }
    return out;
  }

  state(module: string, keyHex: string, history: boolean) {
    const key = concatBytes(namespacePrefix(module), fromHex(keyHex));
    const b64 = (v: Uint8Array | null | undefined) => (v == null ? null : Buffer.from(v).toString('base64'));
    if (!history) return { key: keyHex, value: b64(this.#m.store.get(key)) };
    return {
      key: keyHex,
      history: this.#m.store.history(key).map((h) => ({ height: h.height, value: b64(h.value) })),
    };
  }

  query(module: string, query: string, params: unknown): JsonValue {
    return this.#m.executor.query(module, query, params as JsonValue);
  }

  /**
   * The record proving a digest: its own record if it was notarized directly, else the record
   * of the earliest batch anchoring it; `batch` locates the digest in that batch.
   */
  evidenceByDigest(
    algorithm: string,
    digestHex: string,
  ): { record: EvidenceRecord | null; batch: BatchLocation | null } {
    const { record, batch } = this.#lookup(algorithm, digestHex);
    return { record, batch };
  }

  #lookup(algorithm: string, digestHex: string) {
    const direct = this.query('evidence', 'byDigest', {
      algorithm,
      value: digestHex,
    }) as EvidenceRecord | null;
    const batch = this.#m.digestIndex.find(algorithm, fromHex(digestHex));
    if (direct !== null || batch === null) return { direct: true, record: direct, batch };
    return { direct: false, record: this.evidenceRecord(batch.recordId), batch };
  }

  evidenceRecord(id: string): EvidenceRecord {
    const record = this.query('evidence', 'get', { id });
    if (record === null) throw notFound('record', { id });
    return record as EvidenceRecord;
  }

  evidenceList(q: EvidenceListQuery) {
    const page = { limit: q.limit ?? 20, ...(q.cursor === undefined ? {} : { cursor: q.cursor }) };
    const result =
      q.submitter !== undefined
        ? this.query('evidence', 'bySubmitter', { address: q.submitter, ...page })
        : this.query('evidence', 'byTime', {
            from: q.from ?? 0,
            to: q.to ?? Number.MAX_SAFE_INTEGER,
            ...page,
          });
    return result as RecordPage;
  }

  /** The offline-verifiable receipt of a digest (built by the SDK's buildReceipt). */
  evidenceReceipt(algorithm: string, digestHex: string): Receipt {
    const { direct, record, batch } = this.#lookup(algorithm, digestHex);
    if (record === null) throw notFound('digest', { algorithm, digest: digestHex });
    return this.#receiptOfTx(
      record.txId,
      { recordId: record.id },
      {
        digest: { algorithm: algorithm as DigestAlgorithm, value: digestHex },
        record: record as JsonValue,
        ...(direct || batch === null
          ? {}
          : { batch: { index: batch.leafIndex, tree: this.#batchTree(batch.root) } }),
      },
    );
  }

  /**
   * The offline-verifiable receipt of a committed tx proving `digest` for `module` (e.g. a
   * traceability event: sha256 of its CBV 2.0 hash), with the module's record.
   */
  receiptOfTx(
    txIdHex: string,
    module: string,
    digest: { algorithm: DigestAlgorithm; value: string },
    record: JsonValue,
  ): Receipt {
    return this.#receiptOfTx(txIdHex, { txId: txIdHex }, { digest, record, module });
  }

  /**
   * buildReceipt for committed tx `txIdHex` from its stored block, with `input` (digest, record,
   * …); STORE_CORRUPT with `details` when the block is missing.
   */
  #receiptOfTx(
    txIdHex: string,
    details: Record<string, unknown>,
    input: Omit<BuildReceiptInput, 'suite' | 'genesis' | 'genesisHash' | 'block' | 'receipts' | 'txIndex'>,
  ): Receipt {
    const loc = this.#m.store.getTxLocation(fromHex(txIdHex));
    const block = loc === undefined ? undefined : this.#m.store.getBlockBytes(loc.height);
    const receipts = loc === undefined ? undefined : this.#m.store.getReceipts(loc.height);
    if (loc === undefined || block === undefined || receipts === undefined) {
      throw new XinlianError('STORE_CORRUPT', 'the block of a record is missing', details);
    }
    return buildReceipt({
      suite: this.#m.suite,
      genesis: this.#o.genesis,
      genesisHash: this.#o.genesisHash,
      block,
      receipts,
      txIndex: loc.index,
      // Validator-set changes from genesis up to the block (buildReceipt keeps those ≤ its height):
      // every receipt (evidence, traceability events, …) verifies from genesis across them.
      ...(this.#m.validatorSets === undefined ? {} : { validatorSetChain: this.#m.validatorSets.links() }),
      ...input,
    });
  }

  /** The Merkle tree of a stored batch (the last few are cached: receipts of one batch come in bursts). */
  #batchTree(rootHex: string): MerkleTree {
    const cached = this.#trees.get(rootHex);
    if (cached !== undefined) return cached;
    const leaves = batchLeaves(this.#m.store, fromHex(rootHex));
    if (leaves === undefined)
      throw new XinlianError('STORE_CORRUPT', 'batch leaves missing', { root: rootHex });
    const tree = new MerkleTree(this.#m.suite.hash, leaves);
    this.#cacheTree(rootHex, tree);
    return tree;
  }

  /** Adds a batch tree to the cache, dropping the oldest beyond TREE_CACHE_LEAVES leaves in all. */
  #cacheTree(rootHex: string, tree: MerkleTree): void {
    this.#trees.delete(rootHex);
    this.#trees.set(rootHex, tree);
    let leaves = 0;
    for (const t of this.#trees.values()) leaves += t.size;
    for (const [key, t] of this.#trees) {
      if (leaves <= TREE_CACHE_LEAVES || this.#trees.size === 1) break;
      this.#trees.delete(key);
      leaves -= t.size;
    }
  }

  verifyReceipt(receipt: unknown, digestHex: string | undefined): VerificationReport {
    return verifyReceipt(receipt, {
      genesis: this.#o.genesis,
      eventHash: (event) => eventHash(event),
      ...(digestHex === undefined ? {} : { file: { digest: fromHex(digestHex) } }),
    });
  }

  async metrics(): Promise<{ contentType: string; text: string }> {
    const { metrics, mempool } = this.#m;
    metrics.mempoolSize.set(mempool.size);
    metrics.mempoolBytes.set(mempool.bytes);
    return { contentType: metrics.registry.contentType, text: await metrics.registry.metrics() };
  }
}
