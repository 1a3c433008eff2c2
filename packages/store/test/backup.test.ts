import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { LmdbChainStore } from '../src/index.js';
import { COUNTER_KEY, commitFor } from './fixtures/chain.js';
import { withTempDir } from './helpers.js';

test('a hot backup taken while the store is open reopens with the same head, blocks and state', async () => {
  await withTempDir(async (dir) => {
    const store = await LmdbChainStore.open({ path: join(dir, 'live') });
    try {
      for (let h = 1; h <= 5; h++) await store.commitBlock(commitFor(h));
      await store.backup(join(dir, 'backup'));
      await assert.rejects(store.backup(join(dir, 'backup')), { code: 'STORE_BAD_ARGUMENT' });
      // Writes after the snapshot must not appear in it.
      await store.commitBlock(commitFor(6));
      const copy = await LmdbChainStore.open({ path: join(dir, 'backup') });
      try {
        assert.equal(copy.head()?.height, 5);
        assert.deepEqual(copy.getBlockBytes(5), store.getBlockBytes(5));
        assert.equal(copy.getBlockBytes(6), undefined);
        assert.deepEqual(copy.getAt(COUNTER_KEY, 5), store.getAt(COUNTER_KEY, 5));
        // The restored store continues the chain.
        await copy.commitBlock(commitFor(6));
        assert.deepEqual(copy.get(COUNTER_KEY), store.get(COUNTER_KEY));
      } finally {
        await copy.close();
      }
    } finally {
      await store.close();
    }
  });
});
