// Pre-builds and pre-signs transactions on all cores BEFORE any timing starts.
import os from 'node:os';
import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./sign-worker.mjs', import.meta.url);

/**
 * `count` signed evidence.submit txs of `suite` from `keys` client keys, as ready-to-send JSON
 * bodies `{"tx":"<base64>"}` with their txIds. Returns `{ payloads, txIds, seconds }`.
 */
export async function presignSubmits({ suite, chainId, expiryHeight, count, keys = 64 }) {
  const threads = Math.max(1, Math.min(os.availableParallelism(), Math.ceil(count / 1000)));
  const started = performance.now();
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, t) => {
      const share = Math.floor(count / threads) + (t < count % threads ? 1 : 0);
      const keyCount = Math.max(1, Math.floor(keys / threads));
      return new Promise((resolve, reject) => {
        const worker = new Worker(WORKER_URL, {
          workerData: { suite, chainId, expiryHeight, count: share, keyCount },
        });
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => code !== 0 && reject(new Error(`sign worker exited with ${code}`)));
      });
    }),
  );
  return {
    payloads: parts.flatMap((p) => p.payloads),
    txIds: parts.flatMap((p) => p.txIds),
    seconds: (performance.now() - started) / 1000,
  };
}
