import { MerkleTree, parseCanonicalJson } from '@xinlian/codec';
import type { CryptoSuite, VerifyItem } from '@xinlian/crypto';
import { type CheckedTx, type TxIndexReader, txTooLarge } from '@xinlian/execution';
import { type Clock, equalBytes, fromHex, isXinlianError, toHex, XinlianError } from '@xinlian/utils';
import { LEAF_BYTES } from './batch.js';
import type { Mempool } from './mempool.js';
import type { NodeMetrics } from './metrics.js';
import type { PendingTx } from './producer.js';
import type { VerifyBatcher } from './verify-batcher.js';

export interface AdmissionRequest {
  readonly bytes: Uint8Array;
  /** The module the endpoint accepts (API_WRONG_MODULE otherwise). */
  readonly module?: string;
  /** Leaf data of an evidence.anchorBatch tx. */
  readonly leaves?: readonly Uint8Array[];
}

export interface AdmissionModules {
  readonly suite: CryptoSuite;
  readonly clock: Clock;
  readonly mempool: Mempool<PendingTx>;
  readonly txIndex: TxIndexReader;
  /**
   * The store's stateVersion: when it has not changed while a signature was verified, no block
   * committed meanwhile and the tx index need not be read again. Absent: always read again.
   */
  readonly stateVersion?: () => number;
  readonly metrics: NodeMetrics;
  /** Executor.checkTx at the next height; `skipSignature` when the batcher verifies it. */
  readonly checkTx: (bytes: Uint8Array, skipSignature: boolean) => CheckedTx;
  /** Verifies signatures on worker threads; without it checkTx verifies inline. */
  readonly verifier?: VerifyBatcher;
  /**
   * Whether this node already verified this tx's signature elsewhere (a BFT node: in a proposal
   * it validated); such a tx is not verified again.
   */
  readonly signatureKnown?: (txId: Uint8Array, signature: Uint8Array) => boolean;
  /** Called for each tx newly added to the mempool (e.g. to gossip it to peers). */
  readonly onAdmitted?: (entry: PendingTx) => void;
  /** Builds batch trees (the root check) on a worker thread; without it they are built inline. */
  readonly treeBuilder?: { build(leaves: Uint8Array, leafBytes: number): Promise<MerkleTree> };
  /**
   * The chain's maxTxBytes now: re-checked just before a tx enters the mempool, as governance may
   * have lowered it while the signature was being verified (checkTx saw the old value).
   */
  readonly maxTxBytes?: () => number;
}

/**
 * Mempool admission: bounds first (a cheap MEMPOOL_FULL before any crypto, counting txs still
 * being verified), then the executor's checkTx, endpoint rules (module, batch leaves), the
 * signature (batched on worker threads), de-duplication and insertion. Every rejection is
 * counted in xinlian_tx_rejected_total{code}.
 */
export class Admission {
  readonly #m: AdmissionModules;
  readonly #inFlight = { count: 0, bytes: 0 };
  /** Txs (by txId hex) whose signature is being verified, settled when their admission ends. */
  readonly #verifying = new Map<string, Promise<void>>();

  constructor(modules: AdmissionModules) {
    this.#m = modules;
  }

  /** Admits a tx; resolves with its mempool entry (the existing one for a resubmission). */
  async admit(req: AdmissionRequest): Promise<PendingTx> {
    try {
      return await this.#admit(req);
    } catch (e) {
      this.#m.metrics.txRejected.inc({ code: isXinlianError(e) ? e.code : 'INTERNAL' });
      throw e;
    }
  }

  /** Settles when the admission of this tx, now verifying its signature, ends; else undefined. */
  admitting(txId: string): Promise<void> | undefined {
    return this.#verifying.get(txId);
  }

  /**
   * Admits many txs, each independently (results in order: the entry or the XinlianError that
   * rejected it). Throws MEMPOOL_FULL for the whole call only when not even the smallest fits.
   *
   * Same checks and order as admit() per tx, but done in three passes over the batch: the
   * synchronous checks, then one verifier-pool call for all signatures still to check, then the
   * post-verification checks and mempool insertion in request order (so a tx that appears twice
   * in one request is admitted once and both results name the same entry).
   */
  async admitMany(txs: readonly Uint8Array[]): Promise<(PendingTx | XinlianError)[]> {
    const smallest = txs.reduce((min, t) => Math.min(min, t.length), Number.POSITIVE_INFINITY);
    const { mempool, verifier, metrics } = this.#m;
    try {
      mempool.ensureRoom(1, smallest, this.#inFlight);
    } catch (e) {
      metrics.txRejected.inc({ code: isXinlianError(e) ? e.code : 'INTERNAL' }, txs.length);
      throw e;
    }
    if (verifier === undefined) {
      return Promise.all(
        txs.map((bytes) =>
          this.admit({ bytes }).catch((e: unknown) => {
            if (isXinlianError(e)) return e;
            throw e;
          }),
        ),
      );
    }
    const out: (PendingTx | XinlianError | undefined)[] = new Array(txs.length);
    const reject = (i: number, e: unknown): void => {
      metrics.txRejected.inc({ code: isXinlianError(e) ? e.code : 'INTERNAL' });
      if (!isXinlianError(e)) throw e;
      out[i] = e;
    };
    // Pass 1: bounds, checkTx (signature deferred), resubmissions of pending txs.
    const waiting: number[] = [];
    const checkedOf: CheckedTx[] = [];
    const items: VerifyItem[] = [];
    let reservedBytes = 0;
    let valid: boolean[] = [];
    const version = this.#m.stateVersion?.();
    try {
      for (let i = 0; i < txs.length; i++) {
        const bytes = txs[i]!;
        try {
          mempool.ensureRoom(1, bytes.length, this.#inFlight);
          const checked = this.#m.checkTx(bytes, true);
          const pending = mempool.get(toHex(checked.txId));
          if (pending !== undefined) {
            out[i] = pending;
            continue;
          }
          waiting.push(i);
          checkedOf.push(checked);
          items.push({
            publicKey: checked.tx.body.signer,
            message: checked.tx.bodyBytes,
            signature: checked.tx.signature,
          });
          this.#inFlight.count += 1;
          this.#inFlight.bytes += bytes.length;
          reservedBytes += bytes.length;
        } catch (e) {
          reject(i, e);
        }
      }
      // Pass 2: every signature in one call (the pool splits it over its threads).
      if (items.length > 0) valid = await verifier.verifyMany(items);
    } finally {
      this.#inFlight.count -= items.length;
      this.#inFlight.bytes -= reservedBytes;
    }
    // Pass 3: in request order, as admit() does after its signature check.
    const now = this.#m.clock.now();
    for (let k = 0; k < waiting.length; k++) {
      const i = waiting[k]!;
      const checked = checkedOf[k]!;
      try {
        out[i] = this.#insert(checked, valid[k] === true, now, version);
      } catch (e) {
        reject(i, e);
      }
    }
    return out as (PendingTx | XinlianError)[];
  }

  /** After the signature check: refuses a bad signature or a committed tx, else adds (or finds) the entry. */
  #insert(
    checked: CheckedTx,
    signatureOk: boolean,
    admittedAt: number,
    version: number | undefined,
  ): PendingTx {
    if (!signatureOk)
      throw new XinlianError('TX_BAD_SIGNATURE', 'signature does not verify with the signer key', {});
    const txId = toHex(checked.txId);
    // While verifying, the same tx may have been admitted or even committed.
    if (this.#committedSince(version, checked.txId)) {
      throw new XinlianError('TX_DUPLICATE', 'transaction already committed', { txId });
    }
    const { mempool } = this.#m;
    const raced = mempool.get(txId);
    if (raced !== undefined) return raced;
    this.#checkSize(checked);
    const entry: PendingTx = {
      txId,
      size: checked.bytes.length,
      expiryHeight: checked.tx.body.expiryHeight,
      checked,
      admittedAt,
    };
    mempool.add(entry);
    this.#m.onAdmitted?.(entry);
    return entry;
  }

  #checkSize(checked: CheckedTx): void {
    const limit = this.#m.maxTxBytes?.();
    const size = checked.bytes.length;
    if (limit !== undefined && size > limit) {
      throw txTooLarge(size, limit);
    }
  }

  /** Whether txId may have been committed since checkTx ran at `version` (the index is read only if a commit happened since). */
  #committedSince(version: number | undefined, txId: Uint8Array): boolean {
    if (version !== undefined && this.#m.stateVersion?.() === version) return false;
    return this.#m.txIndex.getTxLocation(txId) !== undefined;
  }

  async #admit(req: AdmissionRequest): Promise<PendingTx> {
    const { mempool, verifier } = this.#m;
    const version = this.#m.stateVersion?.();
    const size = req.bytes.length + (req.leaves?.length ?? 0) * LEAF_BYTES;
    mempool.ensureRoom(1, size, this.#inFlight);
    const checked = this.#m.checkTx(req.bytes, verifier !== undefined);
    const { body } = checked.tx;
    if (req.module !== undefined && body.module !== req.module) {
      throw new XinlianError('API_WRONG_MODULE', `this endpoint accepts only ${req.module} transactions`, {
        field: 'tx',
        expected: req.module,
        actual: body.module,
      });
    }
    const txId = toHex(checked.txId);
    const pending = mempool.get(txId);
    if (pending !== undefined) return pending;
    // The batch root check (possibly on a worker) runs while the signature is verified.
    const building = req.leaves === undefined ? undefined : this.#batch(checked, req.leaves);
    building?.catch(() => undefined); // awaited below; this only marks a rejection as handled
    // Others (a BFT node preparing a proposal) may wait for this admission instead of verifying
    // the same signature again; settled once the tx is in the mempool or refused.
    let settle: (() => void) | undefined;
    if (verifier !== undefined && !this.#verifying.has(txId)) {
      this.#verifying.set(
        txId,
        new Promise<void>((resolve) => {
          settle = resolve;
        }),
      );
    }
    try {
      if (verifier !== undefined || building !== undefined) {
        this.#inFlight.count += 1;
        this.#inFlight.bytes += size;
        let ok = true;
        try {
          if (
            verifier !== undefined &&
            !(this.#m.signatureKnown?.(checked.txId, checked.tx.signature) ?? false)
          ) {
            ok = await verifier.verify({
              publicKey: body.signer,
              message: checked.tx.bodyBytes,
              signature: checked.tx.signature,
            });
          }
          if (building !== undefined) await building; // a leaves mismatch is reported first
        } finally {
          this.#inFlight.count -= 1;
          this.#inFlight.bytes -= size;
        }
        if (!ok)
          throw new XinlianError('TX_BAD_SIGNATURE', 'signature does not verify with the signer key', {});
        // While verifying, the same tx may have been admitted or even committed.
        if (this.#committedSince(version, checked.txId)) {
          throw new XinlianError('TX_DUPLICATE', 'transaction already committed', { txId });
        }
        const raced = mempool.get(txId);
        if (raced !== undefined) return raced;
      }
      const batch = building === undefined ? undefined : await building; // settled above
      this.#checkSize(checked);
      const entry: PendingTx = {
        txId,
        size,
        expiryHeight: body.expiryHeight,
        checked,
        admittedAt: this.#m.clock.now(),
        ...(batch === undefined ? {} : { batch }),
      };
      mempool.add(entry);
      this.#m.onAdmitted?.(entry);
      return entry;
    } finally {
      if (settle !== undefined) {
        this.#verifying.delete(txId);
        settle();
      }
    }
  }

  /** Checks that the leaves are exactly the batch the anchorBatch tx commits to. */
  async #batch(checked: CheckedTx, leaves: readonly Uint8Array[]): Promise<NonNullable<PendingTx['batch']>> {
    const body = checked.tx.body;
    if (body.module !== 'evidence' || body.method !== 'anchorBatch') {
      throw mismatch('the batch endpoint accepts only evidence.anchorBatch transactions', 'tx');
    }
    const args = parseCanonicalJson(body.args) as { root: string; size: number; algorithm: string };
    if (leaves.length !== args.size) {
      throw mismatch(`args.size is ${args.size} but ${leaves.length} leaves were sent`, 'leaves', {
        expected: args.size,
        actual: leaves.length,
      });
    }
    const blob = new Uint8Array(leaves.length * LEAF_BYTES);
    leaves.forEach((leaf, i) => {
      if (leaf.length !== LEAF_BYTES) {
        throw mismatch(`leaf ${i} is ${leaf.length} bytes, not ${LEAF_BYTES}`, 'leaves', { index: i });
      }
      blob.set(leaf, i * LEAF_BYTES);
    });
    const { treeBuilder } = this.#m;
    const tree =
      treeBuilder === undefined
        ? new MerkleTree(this.#m.suite.hash, leaves)
        : await treeBuilder.build(blob, LEAF_BYTES);
    const root = tree.root;
    if (!equalBytes(root, fromHex(args.root))) {
      throw mismatch('the Merkle root of the leaves does not equal args.root', 'leaves', {
        expected: args.root,
        actual: toHex(root),
      });
    }
    return { root, algorithm: args.algorithm, leaves: blob, tree };
  }
}

/**
 * The admission rule of a solo node (no p2p, one validator signing alone): it refuses a
 * governance proposal of a validator-set change (NODE_SOLO_VALIDATOR_SET). Such a chain only ever
 * runs its genesis validator, so the proposal would pass and be recorded but never take effect.
 * A solo chain has exactly one node, so this node-local rule is the chain's rule.
 */
export function refuseSoloValidatorSet(checked: CheckedTx): void {
  const { body } = checked.tx;
  if (body.module !== 'governance' || body.method !== 'propose') return;
  let args: unknown;
  try {
    args = parseCanonicalJson(body.args);
  } catch {
    return; // malformed args: the governance module refuses them when the tx executes
  }
  const action = (args as { action?: unknown } | null)?.action;
  if (
    typeof action === 'object' &&
    action !== null &&
    (action as { type?: unknown }).type === 'setValidators'
  ) {
    throw new XinlianError(
      'NODE_SOLO_VALIDATOR_SET',
      'this is a single-validator (solo) chain: it always signs with its genesis validator key, so a setValidators proposal would never take effect. Validator sets (and validator key rotation) apply on a BFT network: start one (xinlian net up, docs/network.md) and propose the change there',
      { field: 'args.action.type', action: 'setValidators' },
    );
  }
}

function mismatch(message: string, field: string, details: Record<string, unknown> = {}): XinlianError {
  return new XinlianError('API_BATCH_MISMATCH', message, { field, ...details });
}
