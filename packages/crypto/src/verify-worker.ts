/** Worker-thread entry of VerifierPool: verifies packed batches with its own suite (and key cache). */
import { parentPort, workerData } from 'node:worker_threads';
import { unpackItems } from './batch.js';
import { createSuite } from './suite.js';
import type { SuiteId } from './types.js';

/** A request from the pool: a packed batch. */
export interface VerifyRequest {
  readonly id: number;
  readonly packed: Uint8Array;
}

/** The answer: one byte per item, 1 = valid. */
export interface VerifyResponse {
  readonly id: number;
  readonly results: Uint8Array;
}

function main(port: NonNullable<typeof parentPort>, suiteId: SuiteId): void {
  const suite = createSuite(suiteId);
  port.on('message', ({ id, packed }: VerifyRequest) => {
    const items = unpackItems(packed);
    const results = new Uint8Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const { publicKey, message, signature } = items[i];
      try {
        results[i] = suite.verify({ suite: suiteId, bytes: publicKey }, message, signature) ? 1 : 0;
      } catch {
        results[i] = 0; // a malformed public key cannot have signed anything
      }
    }
    const response: VerifyResponse = { id, results };
    port.postMessage(response, [results.buffer]);
  });
}

if (parentPort !== null) main(parentPort, (workerData as { suite: SuiteId }).suite);
