/**
 * The consensus application of a BFT node (spec/consensus.md §9): builds proposals from the
 * mempool, validates proposed blocks deterministically against the committed state, and turns a
 * decided block with its certificate into the store's atomic block commit.
 */
import {
  type Block,
  type BlockHeader,
  type CommitCertificate,
  decodeBlock,
  encodeBlockHeader,
  encodeBlockWithTxBytes,
  encodeSignedTx,
  type ValidatorSet,
} from '@xinlian/codec';
import type { ConsensusApp } from '@xinlian/consensus';
import type { CryptoSuite } from '@xinlian/crypto';
import type { BlockExecution, BlockInput, CheckedTx } from '@xinlian/execution';
import type { BlockCommit, ChainStore } from '@xinlian/store';
import { type Clock, concatBytes, equalBytes, toHex, utf8, XinlianError } from '@xinlian/utils';
import type { Logger } from 'pino';
import type { Mempool } from '../mempool.js';
import {
  blockAuxWrites,
  type CommittedBlock,
  type HeadState,
  type PendingTx,
  txSenders,
} from '../producer.js';
import type { HeightValidatorSet } from './valsets.js';

export interface BftAppOptions {
  readonly chainId: string;
  readonly maxBlockTxs: number;
  readonly maxBlockBytes: number;
  readonly validatorSetHash: Uint8Array;
  /** This node's public key (the header's proposer field of blocks it proposes). */
  readonly proposer: Uint8Array;
  /** How many verified (txId, signature) pairs to remember beyond the mempool. */
  readonly verifiedCacheSize?: number;
  /**
   * At most this many txs per proposed block (a local choice below `maxBlockTxs`, not a validity
   * rule): a block every validator can validate and commit well within the propose timeout.
   */
  readonly proposeMaxTxs?: number;
  /**
   * Execution time a proposal may take at this node's recent speed (ms): the tx cap adapts so
   * that a loaded machine proposes smaller blocks (validators' propose timeouts keep running
   * while the proposer executes). Undefined: no adaptive cap.
   */
  readonly proposeBudgetMs?: number;
}

export interface BftAppModules {
  readonly suite: CryptoSuite;
  readonly clock: Clock;
  readonly store: ChainStore;
  readonly mempool: Mempool<PendingTx>;
  readonly executor: {
    executeBlock(input: BlockInput): BlockExecution;
    checkTx(
      bytes: Uint8Array,
      ctx: { readonly height: number },
      opts?: { skipSignature?: boolean; skipAuthorizer?: boolean },
    ): CheckedTx;
  };
  /** The fixed set of a chain without validator-set changes (used when `validatorSets` is absent). */
  readonly validatorSet: ValidatorSet;
  /**
   * The set deciding a height, from committed governance state (spec/consensus.md §11): the header
   * of H commits to the sets of H and H+1, both fixed once H−1 is committed.
   */
  readonly validatorSets?: { at(height: number): Pick<HeightValidatorSet, 'hash' | 'index'> };
  readonly logger: Logger;
  /** The committed head (height h−1 while deciding h). */
  readonly head: () => HeadState;
  /** Observes the time of each block execution (seconds). */
  readonly onExecuted?: (seconds: number) => void;
  /** The current block limits (chain params changed by governance); absent: the options' values. */
  readonly limits?: () => { readonly maxBlockTxs: number; readonly maxBlockBytes: number };
  /**
   * The admission of a tx (by txId hex) that is verifying its signature now, if any: `prepare`
   * waits for it (the tx then is in the mempool) instead of verifying the same signature again.
   */
  readonly admitting?: (txId: string) => Promise<unknown> | undefined;
  /**
   * Verifies signatures off the main thread (the node's verifier worker pool): `prepare` uses it
   * for the txs of a proposal this node has not verified yet.
   */
  readonly verifier?: {
    verifyBatch(
      items: readonly { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[],
    ): Promise<boolean[]>;
  };
}

/** A block that validated, with everything needed to commit it. */
interface Prepared {
  readonly header: BlockHeader;
  readonly block: Block;
  readonly execution: BlockExecution;
  readonly txs: readonly PendingTx[];
}

/** The placeholder certificate inside a proposed block (not covered by the block ID). */
function placeholderCertificate(height: number): CommitCertificate {
  return { height, round: 0, blockId: new Uint8Array(0), signatures: [] };
}

const INVALID_ID_DOMAIN = utf8('xinlian/invalid-block/v1');
/** Key of a verified (txId, signature) pair: the signature itself, not a hash of it (cheaper). */
function verifiedKey(txIdHex: string, signature: Uint8Array): string {
  return `${txIdHex}:${toHex(signature)}`;
}

/** The adaptive proposal cap never goes below this many txs. */
const MIN_ADAPTIVE_TXS = 500;

export class BftApp implements ConsensusApp {
  readonly #o: BftAppOptions;
  readonly #m: BftAppModules;
  /** Blocks of the current height that validated (or that this node proposed), by block ID hex. */
  #prepared = new Map<string, Prepared>();
  #preparedHeight = 0;
  /** (txId, signature) pairs (hex) of txs whose signature this node verified outside the mempool. */
  readonly #verified = new Map<string, true>();
  readonly #verifiedCap: number;
  readonly #fixedSet: Pick<HeightValidatorSet, 'hash' | 'index'>;
  readonly #decodeCache = new WeakMap<
    Uint8Array,
    { readonly id: Uint8Array; readonly block: Block | undefined }
  >();
  readonly #txIds = new WeakMap<Block, string[]>();
  /** Signature verifications done synchronously while validating blocks (txs not already verified). */
  signaturesVerified = 0;
  /** Signature verifications done ahead of validation on the verifier pool (`prepare`). */
  signaturesPreverified = 0;
  /** Recent block execution time per tx (ms, moving average over blocks of ≥ 20 txs). */
  #msPerTx: number | undefined;

  constructor(opts: BftAppOptions, modules: BftAppModules) {
    this.#o = opts;
    this.#m = modules;
    this.#verifiedCap = opts.verifiedCacheSize ?? 200_000;
    this.#fixedSet = {
      hash: opts.validatorSetHash,
      index: new Map(modules.validatorSet.validators.map((v, i) => [toHex(v.publicKey), i])),
    };
  }

  /** The set deciding `height` (its hash and keys). */
  #setAt(height: number): Pick<HeightValidatorSet, 'hash' | 'index'> {
    return this.#m.validatorSets?.at(height) ?? this.#fixedSet;
  }

  propose(height: number, _round: number): Uint8Array {
    const { mempool, clock, logger } = this.#m;
    const parent = this.#m.head();
    this.#atHeight(height);
    const limits = this.#m.limits?.() ?? this.#o;
    let cap = Math.min(limits.maxBlockTxs, this.#o.proposeMaxTxs ?? limits.maxBlockTxs);
    const budget = this.#o.proposeBudgetMs;
    if (budget !== undefined && this.#msPerTx !== undefined) {
      cap = Math.min(cap, Math.max(MIN_ADAPTIVE_TXS, Math.floor(budget / this.#msPerTx)));
    }
    const picked = mempool.peek(limits.maxBlockTxs, limits.maxBlockBytes);
    const txs: PendingTx[] = [];
    const stale: string[] = [];
    // Oldest first (mempool order is admission order): they had the most time to reach the other
    // validators' mempools by gossip, so those verify nothing while validating them.
    for (const t of picked) {
      if (txs.length >= cap) break;
      // Admission checked everything at an earlier height; only expiry and replay can change.
      if (t.expiryHeight < height || this.#m.store.getTxLocation(t.checked.txId) !== undefined) {
        stale.push(t.txId);
      } else txs.push(t);
    }
    const checked = txs.map((t) => t.checked);
    if (stale.length > 0) {
      mempool.remove(stale);
      logger.debug({ height, count: stale.length }, 'dropped txs no longer valid from the mempool');
    }
    const time = Math.max(clock.now(), parent.time + 1);
    const execution = this.#execute({ height, time, prevAppHash: parent.appHash, txs: checked });
    const header: BlockHeader = {
      chainId: this.#o.chainId,
      height,
      time,
      parentId: parent.blockId,
      txRoot: execution.txRoot,
      receiptRoot: execution.receiptRoot,
      appHash: execution.appHash,
      validatorSetHash: this.#setAt(height).hash,
      nextValidatorSetHash: this.#setAt(height + 1).hash,
      proposer: this.#o.proposer,
      txCount: txs.length,
    };
    const block: Block = {
      header,
      txs: checked.map((c) => c.tx),
      certificate: placeholderCertificate(height),
    };
    // Each tx's canonical bytes (checked at admission) are written as they are, not re-encoded.
    const bytes = encodeBlockWithTxBytes(
      block,
      checked.map((c) => c.bytes),
    );
    this.#prepared.set(toHex(this.#m.suite.hash(encodeBlockHeader(header))), {
      header,
      block,
      execution,
      txs,
    });
    return bytes;
  }

  /**
   * Verifies, on the verifier pool, the signatures of a proposed block's txs that this node has
   * neither in its mempool nor in its verified cache, and remembers those that verify, so that
   * `validate` (synchronous, on the main thread) does not verify them again. Undefined when there
   * is nothing to verify. Only a cache: `validate` decides exactly as without it.
   */
  prepare(blockBytes: Uint8Array): Promise<void> | undefined {
    const verifier = this.#m.verifier;
    if (verifier === undefined) return undefined;
    const block = this.#decoded(blockBytes).block;
    if (block === undefined || block.txs.length > (this.#m.limits?.() ?? this.#o).maxBlockTxs)
      return undefined;
    const { mempool } = this.#m;
    const items: { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[] = [];
    const keys: string[] = [];
    const waits: Promise<unknown>[] = [];
    const ids = this.#txIdsOf(block);
    for (const [i, tx] of block.txs.entries()) {
      const txId = ids[i] as string;
      const pending = mempool.get(txId);
      if (pending !== undefined && equalBytes(pending.checked.tx.signature, tx.signature)) continue;
      const key = verifiedKey(txId, tx.signature);
      if (this.#verified.has(key)) continue;
      const admitting = this.#m.admitting?.(txId);
      if (admitting !== undefined) {
        waits.push(admitting.catch(() => undefined));
        continue;
      }
      items.push({ publicKey: tx.body.signer, message: tx.bodyBytes, signature: tx.signature });
      keys.push(key);
    }
    if (items.length === 0 && waits.length === 0) return undefined;
    const verifying =
      items.length === 0
        ? undefined
        : verifier.verifyBatch(items).then((results) => {
            results.forEach((ok, i) => {
              if (ok) this.#remember(keys[i] as string);
            });
            this.signaturesPreverified += items.length;
          });
    return Promise.all([verifying, ...waits]).then(() => undefined);
  }

  /** Whether this node verified the signature of this (txId, signature) outside the mempool. */
  hasVerified(txId: Uint8Array, signature: Uint8Array): boolean {
    if (this.#verified.size === 0) return false;
    return this.#verified.has(verifiedKey(toHex(txId), signature));
  }

  validate(height: number, blockBytes: Uint8Array): boolean {
    this.#atHeight(height);
    const id = this.blockId(blockBytes);
    if (this.#prepared.has(toHex(id))) return true;
    try {
      const prepared = this.#check(height, blockBytes);
      if (prepared === undefined) return false;
      this.#prepared.set(toHex(id), prepared);
      return true;
    } catch (e) {
      this.#m.logger.warn({ err: e, height }, 'proposed block failed validation');
      return false;
    }
  }

  blockId(blockBytes: Uint8Array): Uint8Array {
    return this.#decoded(blockBytes).id;
  }

  blockTime(blockBytes: Uint8Array): number {
    const { block } = this.#decoded(blockBytes);
    if (block === undefined) throw new XinlianError('NODE_BAD_BLOCK', 'block does not decode', {});
    return block.header.time;
  }

  /** The decoded block and its ID, computed once per bytes object (the core passes the same one). */
  #decoded(blockBytes: Uint8Array): { readonly id: Uint8Array; readonly block: Block | undefined } {
    const cached = this.#decodeCache.get(blockBytes);
    if (cached !== undefined) return cached;
    let entry: { id: Uint8Array; block: Block | undefined };
    try {
      const block = decodeBlock(blockBytes);
      entry = { id: this.#m.suite.hash(encodeBlockHeader(block.header)), block };
    } catch {
      entry = { id: this.#m.suite.hash(concatBytes(INVALID_ID_DOMAIN, blockBytes)), block: undefined };
    }
    this.#decodeCache.set(blockBytes, entry);
    return entry;
  }

  /**
   * The store commit of a decided block (validated earlier at this height, or now). Undefined if
   * the block does not validate (a certificate for an invalid block: more than 1/3 Byzantine).
   */
  committable(
    height: number,
    blockBytes: Uint8Array,
    certificate: CommitCertificate,
  ): { commit: BlockCommit; committed: CommittedBlock } | undefined {
    if (!this.validate(height, blockBytes)) return undefined;
    const blockId = this.blockId(blockBytes);
    const p = this.#prepared.get(toHex(blockId));
    if (p === undefined) return undefined;
    const block: Block = { header: p.header, txs: p.block.txs, certificate };
    return {
      committed: { block, blockId, execution: p.execution, txs: p.txs },
      commit: {
        height,
        blockId,
        blockBytes: encodeBlockWithTxBytes(
          block,
          p.txs.map((t) => t.checked.bytes),
        ),
        receipts: p.execution.receiptBytes,
        txIds: p.execution.txIds,
        appHash: p.execution.appHash,
        stateWrites: p.execution.stateWrites,
        auxWrites: blockAuxWrites(this.#m.store, height, p.txs, p.execution),
        txSenders: txSenders(p.txs),
      },
    };
  }

  /** Drops what was prepared for heights up to `height` (called after it is committed). */
  committed(height: number): void {
    if (this.#preparedHeight <= height) this.#prepared = new Map();
  }

  #atHeight(height: number): void {
    if (height !== this.#preparedHeight) {
      this.#prepared = new Map();
      this.#preparedHeight = height;
    }
  }

  /** Full deterministic validity of a proposed block at `height` on the committed head. */
  #check(height: number, blockBytes: Uint8Array): Prepared | undefined {
    const { executor, mempool, logger } = this.#m;
    const parent = this.#m.head();
    const fail = (reason: string, details: Record<string, unknown> = {}): undefined => {
      logger.warn({ height, reason, ...details }, 'invalid proposed block');
      return undefined;
    };
    if (parent.height !== height - 1) return fail('not_next_height', { head: parent.height });
    const limits = this.#m.limits?.() ?? this.#o;
    if (blockBytes.length > limits.maxBlockBytes + 64 * 1024) return fail('too_large');
    const block = this.#decoded(blockBytes).block;
    if (block === undefined) return fail('undecodable');
    const h = block.header;
    if (h.chainId !== this.#o.chainId) return fail('wrong_chain');
    if (h.height !== height) return fail('wrong_height');
    if (!equalBytes(h.parentId, parent.blockId)) return fail('wrong_parent');
    if (!(h.time > parent.time)) return fail('time_not_after_parent');
    // Both hashes are fixed by the committed state at height − 1 (spec/consensus.md §11).
    const current = this.#setAt(height);
    if (!equalBytes(h.validatorSetHash, current.hash)) return fail('wrong_validator_set');
    if (!equalBytes(h.nextValidatorSetHash, this.#setAt(height + 1).hash))
      return fail('wrong_next_validator_set');
    if (!current.index.has(toHex(h.proposer))) return fail('proposer_not_validator');
    if (h.txCount !== block.txs.length) return fail('wrong_tx_count');
    if (block.txs.length > limits.maxBlockTxs) return fail('too_many_txs');

    const seen = new Set<string>();
    const checked: CheckedTx[] = [];
    const txs: PendingTx[] = [];
    const now = this.#m.clock.now();
    const ids = this.#txIdsOf(block);
    for (const [i, tx] of block.txs.entries()) {
      const txId = ids[i] as string;
      if (seen.has(txId)) return fail('duplicate_tx', { index: i, txId });
      seen.add(txId);
      const pending = mempool.get(txId);
      if (pending !== undefined && equalBytes(pending.checked.tx.signature, tx.signature)) {
        // The same bytes (txId binds the body) passed this executor's checkTx at admission:
        // only expiry and replay can have changed since.
        if (tx.body.expiryHeight < height) return fail('bad_tx', { index: i, txId, code: 'TX_EXPIRED' });
        if (this.#m.store.getTxLocation(pending.checked.txId) !== undefined) {
          return fail('bad_tx', { index: i, txId, code: 'TX_DUPLICATE' });
        }
        checked.push(pending.checked);
        txs.push(pending);
        continue;
      }
      const key = verifiedKey(txId, tx.signature);
      const known = this.#verified.has(key);
      let c: CheckedTx;
      if (!known) this.signaturesVerified++;
      try {
        // Chain ID, signer, signature (unless already verified), expiry, replay, module, args.
        // Membership/roles/freezes (the governance authorizer) are not checked here: executeBlock
        // records a refusal in the tx's receipt; rejecting the block would depend on mempools.
        c = executor.checkTx(encodeSignedTx(tx), { height }, { skipSignature: known, skipAuthorizer: true });
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        return fail('bad_tx', { index: i, txId, code });
      }
      if (!known) this.#remember(key);
      checked.push(c);
      txs.push({
        txId,
        size: c.bytes.length,
        expiryHeight: c.tx.body.expiryHeight,
        checked: c,
        admittedAt: now,
      });
    }
    const execution = this.#execute({
      height,
      time: h.time,
      prevAppHash: parent.appHash,
      txs: checked,
    });
    if (!equalBytes(execution.txRoot, h.txRoot)) return fail('wrong_tx_root');
    if (!equalBytes(execution.receiptRoot, h.receiptRoot)) return fail('wrong_receipt_root');
    if (!equalBytes(execution.appHash, h.appHash)) return fail('wrong_app_hash');
    return { header: h, block, execution, txs };
  }

  /** The txIds (hex) of a decoded block's txs, computed once per block (prepare, then validate). */
  #txIdsOf(block: Block): string[] {
    let ids = this.#txIds.get(block);
    if (ids === undefined) {
      ids = block.txs.map((tx) => toHex(this.#m.suite.hash(tx.bodyBytes)));
      this.#txIds.set(block, ids);
    }
    return ids;
  }

  #execute(input: BlockInput): BlockExecution {
    const t0 = this.#m.clock.now();
    const execution = this.#m.executor.executeBlock(input);
    const ms = this.#m.clock.now() - t0;
    this.#m.onExecuted?.(ms / 1000);
    if (input.txs.length >= 20) {
      const perTx = ms / input.txs.length;
      this.#msPerTx = this.#msPerTx === undefined ? perTx : 0.7 * this.#msPerTx + 0.3 * perTx;
    }
    return execution;
  }

  #remember(key: string): void {
    this.#verified.set(key, true);
    if (this.#verified.size > this.#verifiedCap) {
      const oldest = this.#verified.keys().next().value;
      if (oldest !== undefined) this.#verified.delete(oldest);
    }
  }
}
