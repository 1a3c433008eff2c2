// Worker: builds and signs `count` evidence.submit txs (one random digest each) with its own keys.
import { randomBytes } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { buildTx, createSuite, evidenceArgs } from '@xinlian/sdk';

const { suite: suiteId, chainId, expiryHeight, count, keyCount } = workerData;
const suite = createSuite(suiteId);
const keys = Array.from({ length: keyCount }, () => suite.generateKey());
const payloads = new Array(count);
const txIds = new Array(count);
for (let i = 0; i < count; i++) {
  const digest = { algorithm: suite.hashAlgorithm, value: randomBytes(32).toString('hex') };
  const tx = buildTx({
    chainId,
    ...evidenceArgs.submit({ digests: [digest] }),
    key: keys[i % keyCount],
    expiryHeight,
    suite,
  });
  payloads[i] = `{"tx":"${Buffer.from(tx.bytes).toString('base64')}"}`;
  txIds[i] = tx.txId;
}
parentPort.postMessage({ payloads, txIds });
