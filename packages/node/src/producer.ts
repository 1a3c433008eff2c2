import {
  type Block,
  type BlockHeader,
  type CommitCertificate,
  encodeBlockWithTxBytes,
  type MerkleTree,
  parseCanonicalJson,
} from '@xinlian/codec';
import type { BlockExecution, BlockInput, CheckedTx } from '@xinlian/execution';
import type { BlockCommit, ChainStore, StateWrite } from '@xinlian/store';
import { type Clock, fromHex, isHex, toHex, XinlianError } from '@xinlian/utils';
import type { Logger } from 'pino';
import { batchAuxWrites, isBatchIndexed } from './batch.js';
import type { Mempool, MempoolTx } from './mempool.js';
import type { NodeMetrics } from './metrics.js';
import type { TimerHandle, Timers } from './timers.js';

/** A transaction admitted to the mempool. */
export interface PendingTx extends MempoolTx {
  readonly checked: CheckedTx;
  /** Clock time of admission (for the commit-latency metric). */
  readonly admittedAt: number;
  /** evidence.anchorBatch submitted with its leaves: what to index once it commits. */
  readonly batch?: {
    readonly root: Uint8Array;
    readonly algorithm: string;
    readonly leaves: Uint8Array;
    /** The batch's tree, built by the root check (the node keeps it for the batch's receipts). */
    readonly tree?: MerkleTree;
  };
}

/** The in-memory chain head. Height 0 is the genesis (no block). */
export interface HeadState {
  readonly height: number;
  readonly blockId: Uint8Array;
  readonly appHash: Uint8Array;
  /** Time of the head block (genesis time at height 0). */
  readonly time: number;
}

/** A block that is durably stored. */
export interface CommittedBlock {
  readonly block: Block;
  readonly blockId: Uint8Array;
  readonly execution: BlockExecution;
  readonly txs: readonly PendingTx[];
}

/** A signed block and what the store needs to commit it. */
interface Proposal {
  readonly committed: CommittedBlock;
  readonly commit: BlockCommit;
}

export interface ProducerOptions {
  readonly chainId: string;
  readonly blockIntervalMs: number;
  /** An empty block is produced only when no block was made for this long (ms). */
  readonly heartbeatMs: number;
  readonly maxBlockTxs: number;
  readonly maxBlockBytes: number;
  readonly validatorSetHash: Uint8Array;
  readonly proposer: Uint8Array;
}

export interface ProducerModules {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly store: ChainStore;
  readonly mempool: Mempool<PendingTx>;
  readonly executor: { executeBlock(input: BlockInput): BlockExecution };
  /** Consensus: signs the header and returns its block ID and commit certificate. */
  readonly certify: (header: BlockHeader) => { blockId: Uint8Array; certificate: CommitCertificate };
  readonly logger: Logger;
  readonly metrics: NodeMetrics;
  /** Called once a block is durably stored (acknowledge txs, publish the block). */
  readonly onCommit: (committed: CommittedBlock) => void;
  /** Called for txs dropped from the mempool without being committed. */
  readonly onDrop: (txs: readonly PendingTx[], err: XinlianError) => void;
  /**
   * The current block limits and interval (chain params changed by governance); read before each
   * block. Absent: the options' values.
   */
  readonly limits?: () => BlockLimits;
}

/** Block limits and interval of the next block (from the chain params). */
export interface BlockLimits {
  readonly blockIntervalMs: number;
  readonly maxBlockTxs: number;
  readonly maxBlockBytes: number;
}

/**
 * The block production loop of a single validator. Every `blockIntervalMs` it takes the
 * oldest mempool txs (up to the block limits), executes them, signs the certificate, and
 * commits the block atomically; only after the store has it durably are waiters acknowledged.
 * Empty blocks are made only as a heartbeat (at most one per `heartbeatMs`).
 */
export class BlockProducer {
  readonly #opts: ProducerOptions;
  readonly #m: ProducerModules;
  #head: HeadState;
  #timer: TimerHandle | undefined;
  #running: Promise<void> | undefined;
  /** A signed block whose commit failed: retried as is. */
  #proposal: Proposal | undefined;
  #stopped = true;

  constructor(opts: ProducerOptions, modules: ProducerModules, head: HeadState) {
    this.#opts = opts;
    this.#m = modules;
    this.#head = head;
  }

  get head(): HeadState {
    return this.#head;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(this.#limits().blockIntervalMs);
  }

  #limits(): BlockLimits {
    return this.#m.limits?.() ?? this.#opts;
  }

  /** Stops the loop and waits for a block being produced. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#m.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #schedule(delayMs: number): void {
    this.#timer = this.#m.timers.setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.#tick();
    }, delayMs);
  }

  async #tick(): Promise<void> {
    const started = this.#m.clock.now();
    try {
      await this.produce();
    } catch (e) {
      this.#m.logger.error({ err: e, height: this.#head.height + 1 }, 'block production failed; retrying');
    }
    if (!this.#stopped) {
      this.#schedule(Math.max(0, this.#limits().blockIntervalMs - (this.#m.clock.now() - started)));
    }
  }

  /**
   * Produces and commits one block if there is work (or a heartbeat is due); returns it. A block
   * whose commit failed was already signed: the next call retries exactly that block.
   */
  async produce(): Promise<CommittedBlock | undefined> {
    const { clock, mempool, store, metrics } = this.#m;
    const started = clock.now();
    const proposal = this.#proposal ?? this.#propose();
    if (proposal === undefined) return undefined;
    this.#proposal = proposal;

    const storeStart = clock.now();
    await store.commitBlock(proposal.commit);
    this.#proposal = undefined;
    const done = clock.now();
    metrics.storeCommit.observe((done - storeStart) / 1000);

    const { block, blockId, execution, txs } = proposal.committed;
    const { height, time } = block.header;
    this.#head = { height, blockId, appHash: execution.appHash, time };
    mempool.remove(txs.map((t) => t.txId));
    metrics.blockHeight.set(height);
    metrics.blocksCommitted.inc();
    metrics.txsCommitted.inc(txs.length);
    for (const t of txs) metrics.commitLatency.observe((done - t.admittedAt) / 1000);
    metrics.blockCommitLatency.observe((done - started) / 1000);
    this.#m.logger.debug({ height, txCount: txs.length, blockId: toHex(blockId) }, 'block committed');
    this.#m.onCommit(proposal.committed);
    return proposal.committed;
  }

  /** Picks txs, executes them and signs the block; undefined when there is nothing to do. */
  #propose(): Proposal | undefined {
    const { clock, mempool, store, metrics, logger } = this.#m;
    const parent = this.#head;
    const height = parent.height + 1;

    const expired = mempool.removeExpired(height);
    if (expired.length > 0)
      this.#drop(expired, new XinlianError('TX_EXPIRED', 'transaction expired before inclusion', { height }));
    const limits = this.#limits();
    let txs = mempool.peek(limits.maxBlockTxs, limits.maxBlockBytes);
    const now = clock.now();
    if (txs.length === 0 && now - parent.time < this.#opts.heartbeatMs) return undefined;

    const time = Math.max(now, parent.time + 1);
    const execute = (): BlockExecution => {
      const execStart = clock.now();
      const out = this.#m.executor.executeBlock({
        height,
        time,
        prevAppHash: parent.appHash,
        txs: txs.map((t) => t.checked),
      });
      metrics.blockExecution.observe((clock.now() - execStart) / 1000);
      return out;
    };
    let execution = execute();
    // Admission re-checks the tx index after its async signature check, so this only guards the
    // tx index against a tx committed twice. executeBlock has looked every tx up in it: a tx whose
    // receipt is 'ok' is not committed; only failed ones need a look here.
    const committed = txs.filter(
      (t, i) => execution.receipts[i]?.status !== 'ok' && store.getTxLocation(t.checked.txId) !== undefined,
    );
    if (committed.length > 0) {
      mempool.remove(committed.map((t) => t.txId));
      this.#drop(committed, new XinlianError('TX_DUPLICATE', 'transaction already committed', {}));
      txs = txs.filter((t) => !committed.includes(t));
      if (txs.length === 0 && now - parent.time < this.#opts.heartbeatMs) return undefined;
      execution = execute();
    }

    const header: BlockHeader = {
      chainId: this.#opts.chainId,
      height,
      time,
      parentId: parent.blockId,
      txRoot: execution.txRoot,
      receiptRoot: execution.receiptRoot,
      appHash: execution.appHash,
      validatorSetHash: this.#opts.validatorSetHash,
      nextValidatorSetHash: this.#opts.validatorSetHash,
      proposer: this.#opts.proposer,
      txCount: txs.length,
    };
    const { blockId, certificate } = this.#m.certify(header);
    const block: Block = { header, txs: txs.map((t) => t.checked.tx), certificate };
    logger.debug({ height, txCount: txs.length }, 'block proposed');
    return {
      committed: { block, blockId, execution, txs },
      commit: {
        height,
        blockId,
        blockBytes: encodeBlockWithTxBytes(
          block,
          txs.map((t) => t.checked.bytes),
        ),
        receipts: execution.receiptBytes,
        txIds: execution.txIds,
        appHash: execution.appHash,
        stateWrites: execution.stateWrites,
        auxWrites: blockAuxWrites(this.#m.store, height, txs, execution),
        txSenders: txSenders(txs),
      },
    };
  }

  #drop(txs: readonly PendingTx[], err: XinlianError): void {
    for (const t of txs)
      this.#m.logger.debug({ txId: t.txId, code: err.code }, 'tx dropped from the mempool');
    this.#m.onDrop(txs, err);
  }
}

/**
 * Batch leaves of a block's successful anchorBatch txs (submitted to this node with their
 * leaves), indexed once per root. Used by the solo producer and the BFT app alike.
 */
export function blockAuxWrites(
  store: ChainStore,
  height: number,
  txs: readonly PendingTx[],
  execution: BlockExecution,
): StateWrite[] {
  const out: StateWrite[] = [];
  const seen = new Set<string>();
  txs.forEach((t, i) => {
    const receipt = execution.receipts[i];
    if (t.batch === undefined || receipt?.status !== 'ok') return;
    const rootHex = toHex(t.batch.root);
    if (seen.has(rootHex) || isBatchIndexed(store, t.batch.root)) return;
    seen.add(rootHex);
    const recordId = recordIdOf(receipt.result, t.checked.txId);
    for (const w of batchAuxWrites({ ...t.batch, height, recordId })) out.push(w);
  });
  return out;
}

/** The sender index entries of a block's txs: each signer's address bytes (store.txsBySender). */
export function txSenders(txs: readonly PendingTx[]): Uint8Array[] {
  return txs.map((t) => fromHex(t.checked.sender.address));
}

/** The record ID an evidence tx result names (`{ recordId, existing }`), else the txId. */
function recordIdOf(result: Uint8Array, txId: Uint8Array): Uint8Array {
  const json = result.length === 0 ? null : parseCanonicalJson(result);
  const id =
    json !== null && typeof json === 'object' ? (json as { recordId?: unknown }).recordId : undefined;
  return typeof id === 'string' && isHex(id, 32) ? fromHex(id) : txId;
}
