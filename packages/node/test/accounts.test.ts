import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addressOf, createSuite } from '@xinlian/crypto';
import { type AccountTxsResponse, digestOf, evidenceArgs, generateKey, XinlianClient } from '@xinlian/sdk';
import { LmdbChainStore } from '@xinlian/store';
import { fromHex, isXinlianError, toHex } from '@xinlian/utils';
import { senderIndexEntries } from '../src/views.js';
import { http, makeTx, type NodeProcess, spawnNode, tempHome } from './helpers.js';

const suite = createSuite('intl');

describe('GET /v1/accounts/:address/txs (real process)', { timeout: 90_000 }, () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  let node: NodeProcess | undefined;
  let client: XinlianClient;
  const alice = generateKey('intl');
  const bob = generateKey('intl');
  const aliceAddr = addressOf(suite, alice.publicKey.bytes);
  const bobAddr = addressOf(suite, bob.publicKey.bytes);
  /** Alice's txIds in commit order (oldest first). */
  const aliceTxs: string[] = [];
  const bobTxs: string[] = [];

  before(async () => {
    home = await tempHome('intl');
    node = await spawnNode(home.home);
    client = new XinlianClient({ url: node.url });
    const { chainId } = await client.genesis();
    const expiry = async () => (await client.status()).height + 100;
    const submit = async (
      key: typeof alice,
      args = evidenceArgs.submit({ digests: [digestOf('sha256', randomBytes(8))] }),
    ) => client.submitTx(makeTx(key, chainId, args, await expiry()), { wait: 'commit' });
    for (let i = 0; i < 7; i++) {
      aliceTxs.push((await submit(alice)).txId);
      if (i % 2 === 0) bobTxs.push((await submit(bob)).txId);
    }
  });

  after(async () => {
    await node?.kill();
    await home?.cleanup();
  });

  it("pages through an account's txs, newest first, with block time, module, method and result", async () => {
    const seen: AccountTxsResponse['txs'] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.accountTxs(aliceAddr, {
        limit: 3,
        ...(cursor === undefined ? {} : { cursor }),
      });
      assert.equal(page.address, aliceAddr);
      assert.ok(page.txs.length <= 3);
      seen.push(...page.txs);
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 10);
    assert.equal(pages, 3, 'seven txs in pages of three');
    assert.deepEqual(
      seen.map((t) => t.txId),
      [...aliceTxs].reverse(),
    );
    for (const t of seen) {
      const tx = await client.getTx(t.txId);
      assert.equal(tx.height, t.height);
      assert.equal(tx.index, t.index);
      assert.equal(tx.tx.signerAddress, aliceAddr);
      assert.equal(t.module, 'evidence');
      assert.equal(t.method, 'submit');
      assert.equal((await client.getBlock(t.height)).time, t.time);
      assert.equal(t.status, tx.result?.status);
      assert.equal(t.code, tx.result?.code);
    }
    assert.ok(seen.every((t) => t.status === 'ok' && t.code === ''));
    const bobs = await client.accountTxs(bobAddr.toUpperCase());
    assert.deepEqual(
      bobs.txs.map((t) => t.txId),
      [...bobTxs].reverse(),
    );
    assert.equal(bobs.nextCursor, undefined);
  });

  it('answers an empty list for an unknown account and 400 for a bad address, limit or cursor', async () => {
    const none = await client.accountTxs('00'.repeat(20));
    assert.deepEqual(none, { address: '00'.repeat(20), txs: [] });
    for (const q of [
      'xyz/txs',
      `${aliceAddr}/txs?limit=0`,
      `${aliceAddr}/txs?limit=101`,
      `${aliceAddr}/txs?cursor=abc`,
    ]) {
      const res = await http(`${node!.url}/v1/accounts/${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.code, 'API_BAD_REQUEST', q);
    }
    await assert.rejects(
      client.accountTxs(aliceAddr, { cursor: 'x' }),
      (e) => isXinlianError(e) && e.code === 'API_BAD_REQUEST',
    );
    // Every block is timed by xinlian_block_commit_latency_seconds (the console's latency chart).
    const metrics = await (await fetch(`${node!.url}/metrics`)).text();
    const count = Number(/^xinlian_block_commit_latency_seconds_count (\d+)$/m.exec(metrics)?.[1]);
    const height = (await client.status()).height;
    assert.ok(count >= 1 && count <= height, `${count} observations for ${height} blocks`);
    assert.match(metrics, /^xinlian_block_commit_latency_seconds_sum [0-9.e-]+$/m);
    const doc = (await http(`${node!.url}/v1/openapi.json`)).body as { paths: Record<string, unknown> };
    assert.ok(doc.paths['/v1/accounts/{address}/txs'], Object.keys(doc.paths).join(' '));
  });

  it('the rebuild of an older store indexes stored blocks exactly as commits did', async () => {
    await node!.stop();
    node = undefined;
    const store = await LmdbChainStore.open({ path: join(home.home, 'data') }, {});
    try {
      const head = store.head()?.height ?? 0;
      const fromBlocks = new Map<string, string[]>();
      for (let h = 1; h <= head; h++) {
        for (const e of senderIndexEntries(suite, store.getBlockBytes(h)!)) {
          const list = fromBlocks.get(toHex(e.sender)) ?? [];
          list.unshift(toHex(e.txId));
          fromBlocks.set(toHex(e.sender), list);
        }
      }
      for (const address of [aliceAddr, bobAddr]) {
        const indexed = store.txsBySender(fromHex(address), { limit: 100 }).map((t) => toHex(t.txId));
        assert.deepEqual(fromBlocks.get(address), indexed);
      }
    } finally {
      await store.close();
    }
  });
});
