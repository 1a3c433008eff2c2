import { XinlianError } from '@xinlian/utils';

/** What the mempool needs to know about a transaction. */
export interface MempoolTx {
  /** Lower-case hex txId: the de-duplication key. */
  readonly txId: string;
  /** Bytes the entry holds in memory (tx bytes plus any attached data such as batch leaves). */
  readonly size: number;
  /** Last height at which the tx may be included. */
  readonly expiryHeight: number;
}

export interface MempoolOptions {
  /** Maximum number of transactions. */
  readonly capacity: number;
  /** Maximum total `size` of all transactions. */
  readonly maxBytes: number;
}

/**
 * Pending transactions: FIFO, de-duplicated by txId, bounded by count and bytes. Admission
 * checks (signatures etc.) happen before `add`; the mempool only keeps order and bounds.
 */
export class Mempool<T extends MempoolTx> {
  readonly capacity: number;
  readonly maxBytes: number;
  readonly #txs = new Map<string, T>();
  #bytes = 0;

  constructor(opts: MempoolOptions) {
    this.capacity = opts.capacity;
    this.maxBytes = opts.maxBytes;
  }

  get size(): number {
    return this.#txs.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  has(txId: string): boolean {
    return this.#txs.has(txId);
  }

  get(txId: string): T | undefined {
    return this.#txs.get(txId);
  }

  /**
   * Throws MEMPOOL_FULL (with retryAfterSeconds) unless `count` more txs of `bytes` total fit
   * on top of `reserved` ones (txs already being admitted).
   */
  ensureRoom(count: number, bytes: number, reserved = { count: 0, bytes: 0 }): void {
    const size = this.#txs.size + reserved.count + count;
    const total = this.#bytes + reserved.bytes + bytes;
    if (size > this.capacity || total > this.maxBytes) {
      throw new XinlianError('MEMPOOL_FULL', 'mempool is full, retry later', {
        size: this.#txs.size,
        capacity: this.capacity,
        bytes: this.#bytes,
        maxBytes: this.maxBytes,
        retryAfterSeconds: 1,
      });
    }
  }

  /** Appends a tx; returns false (and keeps the first) if its txId is already pending. Throws MEMPOOL_FULL. */
  add(tx: T): boolean {
    if (this.#txs.has(tx.txId)) return false;
    this.ensureRoom(1, tx.size);
    this.#txs.set(tx.txId, tx);
    this.#bytes += tx.size;
    return true;
  }

  /** Oldest txs, in order, up to `maxTxs` and `maxBytes` in total (not removed). */
  peek(maxTxs: number, maxBytes: number): T[] {
    const out: T[] = [];
    let bytes = 0;
    for (const tx of this.#txs.values()) {
      if (out.length >= maxTxs || bytes + tx.size > maxBytes) break;
      out.push(tx);
      bytes += tx.size;
    }
    return out;
  }

  /** Removes the given txs (e.g. once committed); returns those that were present. */
  remove(txIds: Iterable<string>): T[] {
    const out: T[] = [];
    for (const id of txIds) {
      const tx = this.#txs.get(id);
      if (tx === undefined) continue;
      this.#txs.delete(id);
      this.#bytes -= tx.size;
      out.push(tx);
    }
    return out;
  }

  /** Removes and returns every tx that can no longer be included at `height` (expiryHeight < height). */
  removeExpired(height: number): T[] {
    const expired: string[] = [];
    for (const tx of this.#txs.values()) if (tx.expiryHeight < height) expired.push(tx.txId);
    return this.remove(expired);
  }

  /** Removes and returns every tx for which `pred` holds (e.g. over a lowered size limit). */
  removeWhere(pred: (tx: T) => boolean): T[] {
    const out: string[] = [];
    for (const tx of this.#txs.values()) if (pred(tx)) out.push(tx.txId);
    return this.remove(out);
  }

  /** Removes everything (used on shutdown). */
  clear(): T[] {
    return this.remove([...this.#txs.keys()]);
  }
}
