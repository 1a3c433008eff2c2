import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromUtf8, isXinlianError, toHex, utf8 } from '@xinlian/utils';
import fc from 'fast-check';
import { open } from 'lmdb';
import { type BlockCommit, LmdbChainStore, type SenderTx } from '../src/index.js';
import { withTempDir } from './helpers.js';

const b = (s: string): Uint8Array => utf8(s);

/** A block whose txs are `tx<height>.<index>`, signed by `senders` (in order). */
function block(height: number, senders: readonly string[], withSenders = true): BlockCommit {
  const txIds = senders.map((_, i) => b(`tx${height}.${i}`));
  return {
    height,
    blockId: b(`block${height}`),
    blockBytes: b(JSON.stringify(senders)),
    receipts: senders.map(() => b('r')),
    txIds,
    appHash: b(`app${height}`),
    stateWrites: [],
    ...(withSenders ? { txSenders: senders.map(b) } : {}),
  };
}

const ids = (txs: readonly SenderTx[]): string[] => txs.map((t) => fromUtf8(t.txId));

const code =
  (c: string) =>
  (e: unknown): boolean => {
    assert.ok(isXinlianError(e), String(e));
    assert.equal(e.code, c);
    return true;
  };

describe('LmdbChainStore: sender index', () => {
  it('indexes txs by sender at commit; newest first, paged strictly before a location', () =>
    withTempDir(async (dir) => {
      const store = await LmdbChainStore.open({ path: dir }, {});
      try {
        assert.equal(store.senderIndexGap(), 0, 'a new store has the whole index');
        await store.commitBlock(block(1, ['alice', 'bob', 'alice']));
        await store.commitBlock(block(2, []));
        await store.commitBlock(block(3, ['bob', 'alice']));
        // 'a' is a prefix of 'alice': the length prefix keeps it apart.
        await store.commitBlock(block(4, ['a']));
        const all = store.txsBySender(b('alice'), { limit: 10 });
        assert.deepEqual(ids(all), ['tx3.1', 'tx1.2', 'tx1.0']);
        assert.deepEqual(
          all.map((t) => [t.height, t.index]),
          [
            [3, 1],
            [1, 2],
            [1, 0],
          ],
        );
        const p1 = store.txsBySender(b('alice'), { limit: 2 });
        assert.deepEqual(ids(p1), ['tx3.1', 'tx1.2']);
        const p2 = store.txsBySender(b('alice'), { limit: 2, before: p1[1]! });
        assert.deepEqual(ids(p2), ['tx1.0']);
        assert.deepEqual(store.txsBySender(b('alice'), { limit: 2, before: p2[0]! }), []);
        assert.deepEqual(ids(store.txsBySender(b('bob'), { limit: 10 })), ['tx3.0', 'tx1.1']);
        assert.deepEqual(ids(store.txsBySender(b('a'), { limit: 10 })), ['tx4.0']);
        assert.deepEqual(store.txsBySender(b('carol'), { limit: 10 }), []);
        assert.deepEqual(store.txsBySender(b('alice'), { limit: 0 }), []);
      } finally {
        await store.close();
      }
    }));

  it('writes nothing of a failed commit and rejects malformed senders', () =>
    withTempDir(async (dir) => {
      const store = await LmdbChainStore.open({ path: dir }, {});
      try {
        await store.commitBlock(block(1, ['alice']));
        // tx1.0 again: STORE_DUPLICATE aborts the whole block, its sender entries included.
        const dup = { ...block(2, ['alice', 'alice']), txIds: [b('tx2.0'), b('tx1.0')] };
        await assert.rejects(store.commitBlock(dup), code('STORE_DUPLICATE'));
        assert.deepEqual(ids(store.txsBySender(b('alice'), { limit: 10 })), ['tx1.0']);
        await assert.rejects(
          store.commitBlock({ ...block(2, ['alice']), txSenders: [] }),
          code('STORE_BAD_ARGUMENT'),
        );
        await assert.rejects(
          store.commitBlock({ ...block(2, ['alice']), txSenders: [new Uint8Array(0)] }),
          code('STORE_BAD_ARGUMENT'),
        );
        assert.throws(() => store.txsBySender(b('alice'), { limit: -1 }), code('STORE_BAD_ARGUMENT'));
        assert.throws(() => store.txsBySender(new Uint8Array(0), { limit: 1 }), code('STORE_BAD_ARGUMENT'));
        assert.equal(store.head()?.height, 1);
      } finally {
        await store.close();
      }
    }));

  it('a store from before the index reports the gap and rebuilds it once', () =>
    withTempDir(async (dir) => {
      let store = await LmdbChainStore.open({ path: dir }, {});
      await store.commitBlock(block(1, ['alice', 'bob'], false));
      await store.commitBlock(block(2, ['alice'], false));
      await store.close();
      // What an older version left: no gap marker (it did not know about the index).
      const env = open<Uint8Array, Uint8Array>({ path: dir, maxDbs: 12 });
      const meta = env.openDB<Uint8Array, Uint8Array>('meta', { keyEncoding: 'binary', encoding: 'binary' });
      await meta.remove(b('s/senderIndexGap'));
      await env.close();

      store = await LmdbChainStore.open({ path: dir }, {});
      try {
        assert.equal(store.senderIndexGap(), 2);
        assert.deepEqual(store.txsBySender(b('alice'), { limit: 10 }), []);
        // Blocks committed meanwhile are indexed at commit.
        await store.commitBlock(block(3, ['alice']));
        const n = await store.rebuildSenderIndex((height, bytes) =>
          (JSON.parse(fromUtf8(bytes)) as string[]).map((s, i) => ({
            txId: b(`tx${height}.${i}`),
            sender: b(s),
          })),
        );
        assert.equal(n, 3);
        assert.equal(store.senderIndexGap(), 0);
        assert.deepEqual(ids(store.txsBySender(b('alice'), { limit: 10 })), ['tx3.0', 'tx2.0', 'tx1.0']);
        assert.deepEqual(ids(store.txsBySender(b('bob'), { limit: 10 })), ['tx1.1']);
        // Nothing left to do on the next start.
        assert.equal(await store.rebuildSenderIndex(() => assert.fail('no block to decode')), 0);
      } finally {
        await store.close();
      }
    }));

  it('paging through any sender visits exactly its txs, newest first (property)', () =>
    withTempDir(async (dir) => {
      const store = await LmdbChainStore.open({ path: dir, noSync: true }, {});
      let height = 0;
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.array(fc.constantFrom('s', 'ss', 't', 'u'), { maxLength: 6 }), {
              minLength: 1,
              maxLength: 8,
            }),
            fc.integer({ min: 1, max: 4 }),
            async (blocks, pageSize) => {
              const first = height + 1;
              for (const senders of blocks) {
                height++;
                await store.commitBlock({
                  ...block(height, senders),
                  blockId: b(`block${height}`),
                });
              }
              for (const sender of ['s', 'ss', 't', 'u']) {
                const want: string[] = [];
                for (const [i, senders] of blocks.entries()) {
                  for (const [j, s] of senders.entries()) if (s === sender) want.push(`tx${first + i}.${j}`);
                }
                want.reverse();
                const got: SenderTx[] = [];
                let before: SenderTx | undefined;
                for (;;) {
                  const page = store.txsBySender(b(sender), {
                    limit: pageSize,
                    ...(before === undefined ? {} : { before }),
                  });
                  got.push(...page);
                  if (page.length < pageSize) break;
                  before = page[page.length - 1];
                }
                // Only this run's blocks (earlier runs indexed older heights).
                const mine = ids(got.filter((t) => t.height >= first));
                assert.deepEqual(mine, want, `${sender} ${toHex(b(sender))}`);
              }
            },
          ),
          { numRuns: 40 },
        );
      } finally {
        await store.close();
      }
    }));
});
