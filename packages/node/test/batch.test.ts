import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { concatBytes, toHex, u64be, utf8 } from '@xinlian/utils';
import { type AuxReader, batchAuxWrites, batchLeaves, findBatch, isBatchIndexed } from '../src/batch.js';

/** An AuxReader over writes, with keys in byte order like the store's. */
function readerOf(writes: readonly { key: Uint8Array; value: Uint8Array | null }[]): AuxReader {
  const entries = writes
    .map((w) => ({ key: Uint8Array.from(w.key), value: Uint8Array.from(w.value ?? []) }))
    .sort((a, b) => Buffer.compare(a.key, b.key));
  const hasPrefix = (k: Uint8Array, p: Uint8Array) => Buffer.from(k.subarray(0, p.length)).equals(p);
  return {
    getAux: (key) => entries.find((e) => Buffer.from(e.key).equals(key))?.value,
    scanAux: (prefix, opts) => entries.filter((e) => hasPrefix(e.key, prefix)).slice(0, opts?.limit),
  };
}

describe('batch index', () => {
  const leaves = randomBytes(32 * 5);
  const root = randomBytes(32);
  const recordId = randomBytes(32);
  const writes = batchAuxWrites({ height: 7, root, algorithm: 'sm3', leaves, recordId });

  it('writes the documented keys: root meta, leaves and one entry per digest', () => {
    assert.equal(writes.length, 2 + 5);
    for (let i = 0; i < 5; i++) {
      const digest = leaves.subarray(i * 32, (i + 1) * 32);
      const key = concatBytes(utf8('ev/digest/sm3'), Uint8Array.of(0), digest, u64be(7), root);
      const w = writes.find((x) => Buffer.from(x.key).equals(key));
      assert.ok(w, `digest entry ${i}`);
      assert.deepEqual(Uint8Array.from(w.value ?? []), u64be(i));
    }
  });

  it('finds every digest, its index and the batch leaves; unknown digests and roots are absent', () => {
    const aux = readerOf(writes);
    assert.equal(isBatchIndexed(aux, root), true);
    assert.equal(isBatchIndexed(aux, randomBytes(32)), false);
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(findBatch(aux, 'sm3', leaves.subarray(i * 32, (i + 1) * 32)), {
        root: toHex(root),
        leafIndex: i,
        treeSize: 5,
        recordId: toHex(recordId),
      });
    }
    assert.equal(findBatch(aux, 'sha256', leaves.subarray(0, 32)), null);
    assert.equal(findBatch(aux, 'sm3', randomBytes(32)), null);
    assert.deepEqual(Buffer.concat(batchLeaves(aux, root) ?? []), leaves);
  });

  it('a digest in two batches is found in the earliest', () => {
    const later = batchAuxWrites({ height: 9, root: randomBytes(32), algorithm: 'sm3', leaves, recordId });
    const aux = readerOf([...later, ...writes]);
    assert.equal(findBatch(aux, 'sm3', leaves.subarray(32, 64))?.root, toHex(root));
  });
});
