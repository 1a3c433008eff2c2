import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { SuiteId } from '@xinlian/crypto';
import { equalBytes, readU64be, u64be, utf8 } from '@xinlian/utils';
import { type BlockSource, BlockSyncer, BlockSyncServer, type PeerNetwork } from '../src/index.js';
import { makeChain, makeNode, type TestChain, waitFor } from './helpers.js';

/**
 * Test blocks: `u64 height ‖ parent hash ‖ body`; the "certificate" is a signature of the chain's
 * validator key (keys[0]) over the block hash — standing in for consensus' commit certificate.
 */
function buildChain(chain: TestChain, n: number): { block: Uint8Array; certificate: Uint8Array }[] {
  const out: { block: Uint8Array; certificate: Uint8Array }[] = [];
  let parent: Uint8Array = new Uint8Array(32);
  for (let h = 1; h <= n; h++) {
    const block = Buffer.concat([u64be(h), parent, utf8(`block ${h}`)]);
    parent = chain.suite.hash(block);
    out.push({ block, certificate: chain.suite.sign(chain.keys[0]!, parent) });
  }
  return out;
}

function sourceOf(blocks: { block: Uint8Array; certificate: Uint8Array }[]): BlockSource {
  return { head: () => blocks.length, getBlock: (h) => blocks[h - 1] };
}

for (const suiteId of ['gm', 'intl'] as SuiteId[]) {
  describe(`block sync (${suiteId})`, () => {
    const chain = makeChain(suiteId, 4);
    const nets: PeerNetwork[] = [];
    after(async () => {
      await Promise.all(nets.map((n) => n.stop()));
    });

    it('catches up 200 blocks from peers and rejects a block whose verification fails', async () => {
      const good = buildChain(chain, 200);
      // The bad peer serves a fork from height 70 on whose certificates come from a non-validator
      // key, so whichever range it is asked for after 69 contains a block that fails verification.
      const bad = good.map((b, i) => {
        if (i < 69) return b;
        const forged = Buffer.concat([u64be(i + 1), chain.suite.hash(good[i - 1]!.block), utf8('forged')]);
        return { block: forged, certificate: chain.suite.sign(chain.keys[3]!, chain.suite.hash(forged)) };
      });

      const servers: BlockSyncServer[] = [];
      const ports: number[] = [];
      for (const [i, blocks] of [
        [1, bad],
        [2, good],
      ] as const) {
        const net = makeNode(chain, chain.keys[i]!);
        nets.push(net);
        ports.push((await net.start()).port);
        servers.push(
          new BlockSyncServer({ maxBlocksPerResponse: 50 }, { network: net, source: sourceOf(blocks) }),
        );
      }
      const me = makeNode(
        chain,
        chain.keys[0]!,
        ports.map((port) => ({ host: '127.0.0.1', port })),
      );
      nets.push(me);
      await me.start();
      await waitFor(() => me.peers().length === 2, 8000, 'peers');

      const applied: Uint8Array[] = [];
      let parent: Uint8Array = new Uint8Array(32);
      const syncer = new BlockSyncer(
        { batchSize: 64, requestTimeoutMs: 3000 },
        {
          network: me,
          localHeight: () => applied.length,
          async verifyAndApply(block, certificate) {
            const height = readU64be(block, 0);
            const hash = chain.suite.hash(block);
            if (height !== applied.length + 1) throw new Error('wrong height');
            if (!equalBytes(block.subarray(8, 40), parent)) throw new Error('wrong parent');
            if (!chain.suite.verify(chain.keys[0]!.publicKey, hash, certificate))
              throw new Error('bad certificate');
            applied.push(block);
            parent = hash;
          },
        },
      );
      const height = await syncer.sync();
      assert.equal(height, 200);
      assert.equal(applied.length, 200);
      for (let h = 1; h <= 200; h++) assert.ok(equalBytes(applied[h - 1]!, good[h - 1]!.block), `block ${h}`);
      const s = syncer.stats();
      assert.ok(s.rejected >= 1, 'the forged block was rejected');
      assert.deepEqual(s.penalized, [me.peers().find((p) => p.member.org === 'org1')!.key]);
      // Already caught up: another sync asks and applies nothing.
      assert.equal(await syncer.sync(), 200);
      assert.equal(applied.length, 200);
      syncer.close();
      for (const srv of servers) srv.close();
    });

    it('returns at the local height when no peer is connected', async () => {
      const lonely = makeNode(chain, chain.keys[0]!);
      nets.push(lonely);
      await lonely.start();
      const syncer = new BlockSyncer(
        {},
        {
          network: lonely,
          localHeight: () => 7,
          verifyAndApply: async () => assert.fail('nothing to apply'),
        },
      );
      assert.equal(await syncer.sync(), 7);
      assert.equal(syncer.stats().requests, 0);
      syncer.close();
    });
  });
}
