// The bench client's batch trees on worker threads (one per core): what a client anchoring many
// batches would do. The trees are still built inside the timed window; only their cost is spread
// over the cores and overlapped with waiting for the node.
import { Worker } from 'node:worker_threads';
import { MerkleTree } from '@xinlian/codec';

export class TreePool {
  #workers;
  #next = 0;
  #id = 0;
  #pending = new Map();

  constructor(suiteId, threads) {
    this.#workers = Array.from({ length: threads }, () => {
      const w = new Worker(new URL('./tree-worker.mjs', import.meta.url), { workerData: { suite: suiteId } });
      w.on('message', ({ id, size, levels }) => {
        const p = this.#pending.get(id);
        this.#pending.delete(id);
        const tree = MerkleTree.fromLevels(size, levels);
        p.resolve({ root: tree.root, size: tree.size, tree });
      });
      w.on('error', (err) => {
        for (const p of this.#pending.values()) p.reject(err);
        this.#pending.clear();
      });
      return w;
    });
  }

  /** `{ root, size, tree }` like the SDK's buildBatch, for the digests concatenated in `blob`. */
  build(blob) {
    const id = this.#id++;
    const worker = this.#workers[this.#next++ % this.#workers.length];
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, blob }); // copied: the caller keeps its buffer
    });
  }

  async close() {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
