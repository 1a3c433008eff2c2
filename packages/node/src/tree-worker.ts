/** Worker-thread entry of TreeBuilder: builds batch Merkle trees (the batch root check) off the main thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { MerkleTree } from '@xinlian/codec';
import { createSuite, type SuiteId } from '@xinlian/crypto';

/** A request: the batch's leaf data, `leafBytes` each, concatenated. */
export interface TreeRequest {
  readonly id: number;
  readonly leaves: Uint8Array;
  readonly leafBytes: number;
}

/** The answer: the tree's levels (MerkleTree.levels, transferred), or why it could not be built. */
export interface TreeResponse {
  readonly id: number;
  readonly size: number;
  readonly levels?: readonly Uint8Array[];
  readonly error?: string;
}

function main(port: NonNullable<typeof parentPort>, suiteId: SuiteId): void {
  const suite = createSuite(suiteId);
  port.on('message', ({ id, leaves, leafBytes }: TreeRequest) => {
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
