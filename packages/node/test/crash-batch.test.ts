import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createSuite } from '@xinlian/crypto';
import { buildBatch, evidenceArgs, generateKey, type Receipt, verifyReceipt } from '@xinlian/sdk';
import { toBase64, toHex } from '@xinlian/utils';
import { http, loadUntilKilled, makeTx, metric, type NodeProcess, spawnNode, tempHome } from './helpers.js';

interface AckedBatch {
  readonly root: string;
  readonly digests: readonly Uint8Array[];
  readonly height: number;
}

const ROUNDS = 3;
const WORKERS = 3;
const BATCH = 600;

/**
 * The digest index (sorted runs written with the block, merged in the background) under kill -9:
 * every digest of every acknowledged batch is found at its earliest batch after restarts, with a
 * receipt that verifies. Enough batches per round that runs are merged while the node is killed.
 */
describe('crash safety of batch anchoring and the digest index (kill -9)', { timeout: 180_000 }, () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  let node: NodeProcess | undefined;
  const suite = createSuite('intl');

  before(async () => {
    home = await tempHome('intl', { blockIntervalMs: 20 });
  });
  after(async () => {
    await node?.kill();
    await home?.cleanup();
  });

  it(`keeps every digest of every acknowledged batch findable across ${ROUNDS} SIGKILLs`, async () => {
    const key = generateKey('intl');
    const acked: AckedBatch[] = [];
    // A digest anchored again in a later batch must still resolve to the earliest one.
    const repeated = suite.hash(randomBytes(16));
    let chainId = '';
    /** Anchors one batch (with `repeated` in it); records it when acknowledged. */
    const anchorOne = async (url: string, expiry: number) => {
      const digests = Array.from({ length: BATCH }, () => suite.hash(randomBytes(16)));
      digests[randomInt(BATCH)] = repeated;
      const batch = buildBatch(digests, suite);
      const args = evidenceArgs.anchorBatch({ root: toHex(batch.root), size: BATCH, algorithm: 'sha256' });
      const tx = makeTx(key, chainId, args, expiry);
      const res = await http(`${url}/v1/evidence/batch?wait=commit`, {
        body: { tx: toBase64(tx.bytes), leavesBase64: Buffer.concat(digests).toString('base64') },
      });
      if (res.status === 200)
        acked.push({ root: toHex(batch.root), digests, height: (res.body as { height: number }).height });
      return res.status;
    };
    for (let round = 0; round < ROUNDS; round++) {
      node = await spawnNode(home.home);
      const url = node.url;
      if (round === 0) chainId = ((await http(`${url}/v1/genesis`)).body as { chainId: string }).chainId;
      const startHeight = ((await http(`${url}/v1/status`)).body as { height: number }).height;
      await loadUntilKilled(node, WORKERS, [1500, 3000], () => anchorOne(url, startHeight + 500));
    }
    assert.ok(acked.length >= 8, `only ${acked.length} batches acknowledged: too few to merge runs`);

    node = await spawnNode(home.home);
    const url = node.url;
    // 8 more batches on the restarted node: at least one merge (FAN_IN = 8 level-0 runs → one).
    const head = ((await http(`${url}/v1/status`)).body as { height: number }).height;
    for (let i = 0; i < 8; i++) assert.equal(await anchorOne(url, head + 500), 200);
    const deadline = Date.now() + 20_000;
    while ((await metric(url, 'xinlian_digest_index_merges_total')) < 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    assert.ok((await metric(url, 'xinlian_digest_index_merges_total')) >= 1, 'no merge after restart');
    const earliest = (
      (await http(`${url}/v1/evidence/sha256/${toHex(repeated)}`)).body as { batch: { root: string } | null }
    ).batch;
    // Earliest = lowest height, then root bytes. A batch committed but not acknowledged (its answer
    // lost in a kill) may precede every acknowledged one; otherwise it is the first acknowledged.
    const first = [...acked].sort((a, b) => a.height - b.height || (a.root < b.root ? -1 : 1))[0]!;
    assert.ok(earliest !== null);
    if (acked.some((a) => a.root === earliest.root)) assert.equal(earliest.root, first.root);
    for (const a of acked) {
      for (const i of [0, randomInt(BATCH), BATCH - 1]) {
        const d = toHex(a.digests[i]!);
        if (d === toHex(repeated)) continue;
        const got = (await http(`${url}/v1/evidence/sha256/${d}`)).body as {
          batch: { root: string; leafIndex: number; treeSize: number } | null;
        };
        assert.deepEqual(
          got.batch && { root: got.batch.root, leafIndex: got.batch.leafIndex, size: got.batch.treeSize },
          {
            root: a.root,
            leafIndex: i,
            size: BATCH,
          },
        );
      }
    }
    const last = acked.at(-1)!;
    const receipt = (await http(`${url}/v1/evidence/sha256/${toHex(last.digests[5]!)}/receipt`))
      .body as Receipt;
    const genesis = (await http(`${url}/v1/genesis`)).body as Parameters<typeof verifyReceipt>[1]['genesis'];
    assert.equal(verifyReceipt(receipt, { genesis }).ok, true);
    assert.equal(receipt.anchor?.batchRoot, last.root);

    assert.equal(await node.stop(), 0, 'SIGTERM must stop the node cleanly');
    node = undefined;
  });
});
