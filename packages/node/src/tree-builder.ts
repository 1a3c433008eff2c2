import { Worker } from 'node:worker_threads';
import { MerkleTree } from '@xinlian/codec';
import type { SuiteId } from '@xinlian/crypto';
import { XinlianError } from '@xinlian/utils';
import type { SortedRun } from './batch.js';
import type { TreeRequest, TreeResponse } from './tree-worker.js';

interface Pending {
  /** Turns the worker's answer into the caller's result (throws if it is not one). */
  readonly settle: (response: TreeResponse) => void;
  readonly reject: (err: unknown) => void;
}

const WORKER_URL = new URL('./tree-worker.js', import.meta.url);

/**
 * Builds the Merkle trees of anchored batches on a worker thread, so that the root check of a
 * 100,000-leaf batch (2 hashes per leaf) does not hold the main thread. The worker sends the
 * tree's levels back as transferred buffers; the main thread wraps them without hashing.
 */
export class TreeBuilder {
  readonly #suite: SuiteId;
  readonly #pending = new Map<number, Pending>();
  #worker: Worker;
  #nextId = 0;
  #closed = false;

  constructor(opts: { readonly suite: SuiteId }) {
    this.#suite = opts.suite;
    this.#worker = this.#spawn();
  }

  /** The tree over `leaves` (leaf data of `leafBytes` each, concatenated; not modified). */
  build(leaves: Uint8Array, leafBytes: number): Promise<MerkleTree> {
    // postMessage copies the leaves: the caller keeps its buffer.
    return this.#request(
      (id) => ({ id, kind: 'tree', leaves, leafBytes }),
      [],
      ({ size, levels, error }) => {
        if (levels === undefined)
          throw new XinlianError('NODE_WORKER_FAILED', `the batch tree could not be built: ${error}`, {});
        return MerkleTree.fromLevels(size, levels);
      },
    );
  }

  /**
   * The digest index's sortRun (a merge's sort, de-duplication and Bloom filter) on the worker.
   * `records` is transferred: the caller must not use it afterwards.
   */
  sortRun(records: Uint8Array): Promise<SortedRun> {
    return this.#request(
      (id) => ({ id, kind: 'run', records }),
      [records.buffer as ArrayBuffer],
      ({ run, error }) => {
        if (run === undefined)
          throw new XinlianError('NODE_WORKER_FAILED', `the index run could not be sorted: ${error}`, {});
        return run;
      },
    );
  }

  #request<T>(
    make: (id: number) => TreeRequest,
    transfer: ArrayBuffer[],
    result: (response: TreeResponse) => T,
  ): Promise<T> {
    if (this.#closed) {
      return Promise.reject(
        new XinlianError('NODE_STOPPING', 'the node is shutting down', { retryAfterSeconds: 1 }),
      );
    }
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { settle: (response) => resolve(result(response)), reject });
      this.#worker.postMessage(make(id), transfer);
    });
  }

  /** Stops the worker; pending and later builds fail with NODE_STOPPING. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#failPending(
      new XinlianError('NODE_STOPPING', 'the node is shutting down', { retryAfterSeconds: 1 }),
    );
    await this.#worker.terminate();
  }

  #spawn(): Worker {
    const worker = new Worker(WORKER_URL, { workerData: { suite: this.#suite } });
    worker.unref();
    let failure: unknown;
    worker.on('message', (response: TreeResponse) => {
      const pending = this.#pending.get(response.id);
      this.#pending.delete(response.id);
      if (this.#pending.size === 0) worker.unref();
      if (pending === undefined) return;
      try {
        pending.settle(response);
      } catch (e) {
        pending.reject(e);
      }
    });
    worker.on('error', (err) => {
      failure = err;
    });
    worker.on('exit', (code) => {
      if (this.#closed) return;
      this.#failPending(
        new XinlianError(
          'NODE_WORKER_FAILED',
          'the batch tree worker stopped',
          { exitCode: code },
          { cause: failure },
        ),
      );
      this.#worker = this.#spawn();
    });
    return worker;
  }

  #failPending(err: unknown): void {
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }
}
