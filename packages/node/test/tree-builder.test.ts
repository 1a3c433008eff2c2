// TreeBuilder: batch trees built on a worker thread equal the ones built inline.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { MerkleTree } from '@xinlian/codec';
import { createSuite } from '@xinlian/crypto';
import { isXinlianError } from '@xinlian/utils';
import { RECORD_BYTES, sortRun } from '../src/batch.js';
import { TreeBuilder } from '../src/tree-builder.js';

describe('TreeBuilder', () => {
  for (const suiteId of ['intl', 'gm'] as const) {
    it(`builds the same tree as MerkleTree on the main thread (${suiteId})`, async () => {
      const suite = createSuite(suiteId);
      const builder = new TreeBuilder({ suite: suiteId });
      try {
        for (const size of [1, 2, 3, 1000, 4097]) {
          const blob = new Uint8Array(randomBytes(size * 32));
          const leaves = Array.from({ length: size }, (_, i) => blob.subarray(i * 32, (i + 1) * 32));
          const before = blob.slice();
          const [built, again] = await Promise.all([builder.build(blob, 32), builder.build(blob, 32)]);
          const inline = new MerkleTree(suite.hash, leaves);
          assert.deepEqual(built.root, inline.root);
          assert.deepEqual(again.root, inline.root);
          assert.equal(built.size, size);
          for (const i of [0, size - 1, Math.floor(size / 2)]) {
            assert.deepEqual(built.inclusionProof(i), inline.inclusionProof(i));
          }
          assert.deepEqual(blob, before, 'the caller keeps its leaves');
        }
      } finally {
        await builder.close();
      }
    });
  }

  it('sorts digest-index runs on the worker exactly like sortRun inline', async () => {
    const builder = new TreeBuilder({ suite: 'intl' });
    try {
      for (const n of [1, 5, 3000]) {
        const records = new Uint8Array(randomBytes(n * RECORD_BYTES));
        // Some duplicate digests (different batch/leaf numbers) to exercise de-duplication.
        for (let i = 1; i < n; i += 7) records.copyWithin(i * RECORD_BYTES, 0, 32);
        const inline = sortRun(records.slice());
        const worker = await builder.sortRun(records.slice());
        assert.equal(worker.count, inline.count);
        assert.deepEqual(worker.records, inline.records);
        assert.deepEqual(worker.bloom, inline.bloom);
      }
    } finally {
      await builder.close();
    }
  });

  it('fails builds after close with NODE_STOPPING', async () => {
    const builder = new TreeBuilder({ suite: 'intl' });
    await builder.close();
    await assert.rejects(
      builder.build(new Uint8Array(32), 32),
      (e) => isXinlianError(e) && e.code === 'NODE_STOPPING',
    );
  });
});
