import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { digestOf, evidenceArgs, generateKey } from '@xinlian/sdk';
import { toBase64 } from '@xinlian/utils';
import { http, makeTx, type NodeProcess, spawnNode, tempHome } from './helpers.js';

describe('overload (real process, mempool capacity 3, no block production during the test)', {
  timeout: 60_000,
}, () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  let node: NodeProcess;

  before(async () => {
    // blockIntervalMs 60 s: the mempool is not drained while the test runs.
    home = await tempHome('intl', { blockIntervalMs: 60_000, mempool: { capacity: 3, maxBytes: 64 * 1024 } });
    node = await spawnNode(home.home);
  });
  after(async () => {
    await node?.kill();
    await home?.cleanup();
  });

  it('answers 503 MEMPOOL_FULL with Retry-After beyond the bound and never grows the mempool', async () => {
    const key = generateKey('intl');
    const { chainId } = (await http(`${node.url}/v1/genesis`)).body as { chainId: string };
    const txs = Array.from({ length: 60 }, () =>
      makeTx(key, chainId, evidenceArgs.submit({ digests: [digestOf('sha256', randomBytes(8))] }), 100),
    );
    const results = await Promise.all(
      txs.map((tx) => http(`${node.url}/v1/evidence`, { body: { tx: toBase64(tx.bytes) } })),
    );
    const accepted = results.filter((r) => r.status === 202);
    const full = results.filter((r) => r.status === 503);
    assert.equal(accepted.length, 3);
    assert.equal(full.length, 57);
    for (const r of full) {
      assert.equal(r.body.code, 'MEMPOOL_FULL');
      assert.equal(r.headers.get('retry-after'), '1');
    }
    const status = (await http(`${node.url}/v1/status`)).body as {
      mempool: { size: number; capacity: number };
    };
    assert.deepEqual(status.mempool, { size: 3, capacity: 3 });

    // A resubmission of a pending tx is not a new entry; pending txs are visible.
    const pendingId = (accepted[0]!.body as { txId: string }).txId;
    const pending = (await http(`${node.url}/v1/txs/${pendingId}`)).body as { status: string };
    assert.equal(pending.status, 'pending');
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    assert.match(metrics, /xinlian_mempool_size 3\n/);
    assert.match(metrics, /xinlian_tx_rejected_total\{code="MEMPOOL_FULL"\} 57\n/);

    // A batch when nothing fits: the whole request is 503 with Retry-After.
    const batch = await http(`${node.url}/v1/txs/batch`, {
      body: { txs: txs.slice(3, 6).map((tx) => toBase64(tx.bytes)) },
    });
    assert.equal(batch.status, 503);
    assert.equal(batch.body.code, 'MEMPOOL_FULL');
    assert.equal(batch.headers.get('retry-after'), '1');
  });
});
