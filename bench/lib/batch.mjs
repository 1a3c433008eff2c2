// Batch anchoring: many digests per signed evidence.anchorBatch tx, each digest with its own
// offline-verifiable receipt.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { batchReceipts, buildTx, evidenceArgs, verifyReceipt } from '@xinlian/sdk';
import { pickSample } from './chain.mjs';
import { cpuMeter } from './cpu.mjs';
import { TreePool } from './tree-pool.mjs';

/**
 * Anchors `batches` × `batchSize` random digests and builds every digest's receipt. Timed, end to
 * end: client Merkle tree (on worker threads, one per core, `inFlight` batches ahead: the client's
 * tree work is paid inside the window, spread over the cores), anchorBatch tx, JSON body (leavesBase64), POST /v1/evidence/batch
 * ?wait=commit (node: parse, root check, admission, block, durable commit with the leaf index),
 * then, as each batch commits, one GET .../receipt (the shared tx/result/block part) and, for
 * every digest, its own complete receipt = shared part + the digest + its audit path (SDK
 * batchReceipts). `inFlight` batches are pipelined; `clientWaiting` is the time the client had
 * nothing to do but wait for the node (commits, receipt GETs).
 * Not timed: generating the random digests; the sample checks afterwards (`sample` client-built
 * receipts verified with the SDK's verifyReceipt, and the node's receipt for the same digests
 * fetched, verified and compared field by field).
 */
export async function runBatch(
  client,
  { suite, chainId, genesis, batches, batchSize, inFlight, sample, nodePid },
) {
  const algorithm = suite.hashAlgorithm;
  const inputs = Array.from({ length: batches }, () => {
    const blob = randomBytes(32 * batchSize);
    return {
      blob,
      digests: Array.from({ length: batchSize }, (_, i) => blob.subarray(i * 32, (i + 1) * 32)),
    };
  });
  const trees = new TreePool(suite.id, availableParallelism());
  const key = suite.generateKey();
  const head = await client.getJson('/v1/status');
  const expiryHeight = head.height + genesis.params.maxTxLifetime;

  const t = { tree: 0, body: 0, receipts: 0 };
  const time = (name, fn) => {
    const s = performance.now();
    const out = fn();
    t[name] += performance.now() - s;
    return out;
  };
  const timeAsync = async (name, promise) => {
    const s = performance.now();
    const out = await promise;
    t[name] += performance.now() - s;
    return out;
  };
  let receiptCount = 0;
  const samples = [];
  const sampleSet = new Set(pickSample([...Array(batches * batchSize).keys()], sample));
  /** Every digest's receipt: the batch's shared part + the digest + its audit path. */
  const buildReceipts = (base, entry, b) => {
    const receipts = new Array(batchSize);
    let i = 0;
    for (const r of batchReceipts(base, { tree: entry.batch.tree, digests: entry.digests })) {
      receipts[i] = r;
      if (sampleSet.has(b * batchSize + i)) samples.push(r);
      i++;
    }
    return receipts.length;
  };
  let bodyBytes = 0;
  const errors = [];
  const built = [];
  const posts = new Set();
  const cpu = cpuMeter(nodePid);
  const started = performance.now();
  try {
    const pendingTrees = [];
    const requestTree = (k) => {
      if (k < inputs.length) pendingTrees[k] = trees.build(inputs[k].blob);
    };
    for (let k = 0; k < inFlight; k++) requestTree(k);
    for (const [k, { blob, digests }] of inputs.entries()) {
      const batch = await timeAsync('tree', pendingTrees[k]);
      requestTree(k + inFlight);
      const { body, hex } = time('body', () => {
        const tx = buildTx({
          chainId,
          ...evidenceArgs.anchorBatch({ root: toHex(batch.root), size: batch.size, algorithm }),
          key,
          expiryHeight,
          suite,
        });
        const hex = toHex(digests[0]); // names the batch in the receipt GET (the shared part)
        const body = `{"tx":"${Buffer.from(tx.bytes).toString('base64')}","leavesBase64":"${blob.toString('base64')}"}`;
        return { body, hex };
      });
      bodyBytes += body.length;
      const index = built.length;
      const entry = { batch, hex, digests, committed: undefined };
      built.push(entry);
      const p = client
        .request('POST', '/v1/evidence/batch?wait=commit', body)
        .then(async (res) => {
          if (res.status !== 200) {
            errors.push(`batch: HTTP ${res.status} ${res.text.slice(0, 300)}`);
            return;
          }
          entry.committed = JSON.parse(res.text);
          const base = await client.getJson(`/v1/evidence/${algorithm}/${hex}/receipt`);
          receiptCount += time('receipts', () => buildReceipts(base, entry, index));
        })
        .finally(() => posts.delete(p));
      posts.add(p);
      if (posts.size >= inFlight) await Promise.race(posts);
    }
    await Promise.all(posts);
  } finally {
    await trees.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const usage = cpu.stop();
  const digests = batches * batchSize;

  const check = await checkSample(client, samples, genesis);
  const committedBatches = built.filter((e) => e.committed?.result?.status === 'ok').length;
  return {
    batches,
    batchSize,
    digests,
    receiptsBuilt: receiptCount,
    committedBatches,
    ok: errors.length === 0 && committedBatches === batches && receiptCount === digests && check.ok,
    errors: errors.slice(0, 10),
    seconds,
    digestsPerSecond: receiptCount / seconds,
    bodyMiB: bodyBytes / 2 ** 20,
    breakdownSeconds: {
      clientTree: t.tree / 1000,
      clientTxAndBody: t.body / 1000,
      perDigestReceipts: t.receipts / 1000,
      clientWaiting: seconds - (t.tree + t.body + t.receipts) / 1000,
    },
    cpu: usage,
    sample: check,
  };
}

const toHex = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');

/** Verifies sampled client-built receipts offline and compares them with the node's receipts. */
async function checkSample(client, samples, genesis) {
  let verified = 0;
  let matchedNode = 0;
  const failures = [];
  for (const r of samples) {
    const mine = verifyReceipt(r, { genesis });
    if (mine.ok) verified++;
    else failures.push(`client receipt: ${mine.steps.find((s) => !s.ok)?.detail}`);
    const { algorithm, value } = r.subject.digest;
    const served = await client.getJson(`/v1/evidence/${algorithm}/${value}/receipt`);
    const report = verifyReceipt(served, { genesis });
    if (report.ok && isDeepStrictEqual(served, r)) matchedNode++;
    else failures.push(`node receipt for ${value}: ok=${report.ok}, equal=${isDeepStrictEqual(served, r)}`);
  }
  return {
    sampled: samples.length,
    verified,
    matchedNode,
    ok: samples.length > 0 && verified === samples.length && matchedNode === samples.length,
    failures: failures.slice(0, 5),
  };
}
