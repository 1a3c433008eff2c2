// Worker thread of the bench client's batch trees (lib/batch.mjs): the RFC 6962 tree over one
// batch's digests with the suite's hash, its levels sent back as transferred buffers.
import { parentPort, workerData } from 'node:worker_threads';
import { MerkleTree } from '@xinlian/codec';
import { createSuite } from '@xinlian/crypto';

const suite = createSuite(workerData.suite);
parentPort.on('message', ({ id, blob }) => {
  const n = blob.length / 32;
  const digests = new Array(n);
  for (let i = 0; i < n; i++) digests[i] = blob.subarray(i * 32, (i + 1) * 32);
  const levels = new MerkleTree(suite.hash, digests).levels.slice();
  parentPort.postMessage(
    { id, size: n, levels },
    levels.map((l) => l.buffer),
  );
});
