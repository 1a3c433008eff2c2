/**
 * Worker-thread entry of TreeBuilder: builds batch Merkle trees (the batch root check) and sorts
 * digest-index runs (merges, spec/batch-index.md) off the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MerkleTree } from '@xinlian/codec';
import { createSuite, type SuiteId } from '@xinlian/crypto';
import { type SortedRun, sortRun } from './batch.js';

/** A request: the batch's leaf data, `leafBytes` each, concatenated; or run records to sort. */
export type TreeRequest =
  | { readonly id: number; readonly kind: 'tree'; readonly leaves: Uint8Array; readonly leafBytes: number }
  | { readonly id: number; readonly kind: 'run'; readonly records: Uint8Array };

/**
 * The answer: the tree's levels (MerkleTree.levels, transferred) or the sorted run (transferred),
 * or why it could not be done.
 */
export interface TreeResponse {
  readonly id: number;
  readonly size: number;
  readonly levels?: readonly Uint8Array[];
  readonly run?: SortedRun;
  readonly error?: string;
}

function main(port: NonNullable<typeof parentPort>, suiteId: SuiteId): void {
  const suite = createSuite(suiteId);
  port.on('message', (request: TreeRequest) => {
    if (request.kind === 'run') {
      const { id } = request;
      try {
        const run = sortRun(request.records);
        const response: TreeResponse = { id, size: run.count, run };
        port.postMessage(response, [run.records.buffer as ArrayBuffer, run.bloom.buffer as ArrayBuffer]);
      } catch (e) {
        const response: TreeResponse = { id, size: 0, error: e instanceof Error ? e.message : String(e) };
        port.postMessage(response);
      }
      return;
    }
    const { id, leaves, leafBytes } = request;
    const size = leaves.length / leafBytes;
    try {
      const views = new Array<Uint8Array>(size);
      for (let i = 0; i < size; i++) views[i] = leaves.subarray(i * leafBytes, (i + 1) * leafBytes);
      const levels = new MerkleTree(suite.hash, views).levels.slice();
      const response: TreeResponse = { id, size, levels };
      port.postMessage(
        response,
        levels.map((l) => l.buffer as ArrayBuffer),
      );
    } catch (e) {
      const response: TreeResponse = { id, size, error: e instanceof Error ? e.message : String(e) };
      port.postMessage(response);
    }
  });
}

if (parentPort !== null) main(parentPort, (workerData as { suite: SuiteId }).suite);
