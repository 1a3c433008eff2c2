import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LmdbChainStore, type StateWrite } from '@xinlian/store';
import { compareBytes, concatBytes, toHex, u64be, utf8 } from '@xinlian/utils';
import fc from 'fast-check';
import {
  type AuxReader,
  batchAuxWrites,
  batchLeaves,
  CHUNK_RECORDS,
  DigestIndex,
  DigestIndexCompactor,
  FAN_IN,
  findBatch,
  isBatchIndexed,
  sortRecords,
} from '../src/batch.js';
import { TreeBuilder } from '../src/tree-builder.js';

/** An in-memory aux store: keys in byte order like lmdb's; writes applied all at once. */
class MemAux implements AuxReader {
  readonly #entries = new Map<string, { key: Uint8Array; value: Uint8Array }>();
  #sorted: { key: Uint8Array; value: Uint8Array }[] | undefined;

  apply(writes: readonly StateWrite[]): void {
    for (const w of writes) {
      const k = toHex(w.key);
      if (w.value === null) this.#entries.delete(k);
      else this.#entries.set(k, { key: Uint8Array.from(w.key), value: Uint8Array.from(w.value) });
    }
    this.#sorted = undefined;
  }
  async commitAux(writes: readonly StateWrite[]): Promise<void> {
    this.apply(writes);
  }
  get size(): number {
    return this.#entries.size;
  }
  keys(): Uint8Array[] {
    return this.#all().map((e) => e.key);
  }
  getAux(key: Uint8Array): Uint8Array | undefined {
    return this.#entries.get(toHex(key))?.value;
  }
  scanAux(prefix: Uint8Array, opts?: { readonly limit?: number }) {
    const hasPrefix = (k: Uint8Array) =>
      k.length >= prefix.length && compareBytes(k.subarray(0, prefix.length), prefix) === 0;
    return this.#all()
      .filter((e) => hasPrefix(e.key))
      .slice(0, opts?.limit);
  }
  #all() {
    this.#sorted ??= [...this.#entries.values()].sort((a, b) => compareBytes(a.key, b.key));
    return this.#sorted;
  }
}

/** The index entries the pre-run format wrote (`ev/digest/`), for the compatibility tests. */
function legacyDigestWrites(
  algorithm: string,
  height: number,
  root: Uint8Array,
  leaves: Uint8Array,
): StateWrite[] {
  const out: StateWrite[] = [];
  for (let i = 0; i < leaves.length / 32; i++) {
    out.push({
      key: concatBytes(
        utf8('ev/digest/'),
        utf8(algorithm),
        Uint8Array.of(0),
        leaves.subarray(i * 32, (i + 1) * 32),
        u64be(height),
        root,
      ),
      value: u64be(i),
    });
  }
  return out;
}

const digestAt = (leaves: Uint8Array, i: number) => leaves.subarray(i * 32, (i + 1) * 32);
const silent = { info: () => {}, error: () => {} };

async function compactAll(aux: MemAux, index: DigestIndex): Promise<number> {
  let steps = 0;
  for (let s = index.compactionStep(); s !== undefined; s = index.compactionStep()) {
    aux.apply(s.writes);
    steps++;
  }
  return steps;
}

describe('batch index (sorted runs)', () => {
  const leaves = randomBytes(32 * 5);
  const root = randomBytes(32);
  const recordId = randomBytes(32);
  const writes = batchAuxWrites({ height: 7, root, algorithm: 'sm3', leaves, recordId });

  it('writes per batch, not per digest: meta, leaves, one run summary, run meta and the chunks', () => {
    assert.equal(writes.length, 2 + 2 + 1);
    const big = batchAuxWrites({
      height: 1,
      root,
      algorithm: 'sm3',
      leaves: randomBytes(32 * 100_000),
      recordId,
    });
    assert.equal(big.length, 4 + Math.ceil(100_000 / CHUNK_RECORDS));
    assert.ok(
      !writes.some((w) => toHex(w.key).startsWith(toHex(utf8('ev/digest/')))),
      'no per-digest entries',
    );
  });

  it('finds every digest, its index and the batch leaves; unknown digests and roots are absent', () => {
    const aux = new MemAux();
    aux.apply(writes);
    assert.equal(isBatchIndexed(aux, root), true);
    assert.equal(isBatchIndexed(aux, randomBytes(32)), false);
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(findBatch(aux, 'sm3', digestAt(leaves, i)), {
        root: toHex(root),
        leafIndex: i,
        treeSize: 5,
        recordId: toHex(recordId),
      });
    }
    assert.equal(findBatch(aux, 'sha256', digestAt(leaves, 0)), null);
    assert.equal(findBatch(aux, 'sm3', randomBytes(32)), null);
    assert.equal(findBatch(aux, 'sm3', new Uint8Array(31)), null);
    assert.deepEqual(Buffer.concat(batchLeaves(aux, root) ?? []), leaves);
  });

  it('a digest in two batches is found in the earliest, before and after compaction', async () => {
    const aux = new MemAux();
    const laterRoot = randomBytes(32);
    aux.apply(batchAuxWrites({ height: 9, root: laterRoot, algorithm: 'sm3', leaves, recordId }));
    aux.apply(writes);
    const index = new DigestIndex({ aux });
    assert.equal(index.find('sm3', digestAt(leaves, 1))?.root, toHex(root));
    for (let h = 10; h < 10 + FAN_IN; h++) {
      aux.apply(batchAuxWrites({ height: h, root: randomBytes(32), algorithm: 'sm3', leaves, recordId }));
    }
    assert.ok((await compactAll(aux, index)) >= 1);
    assert.equal(index.find('sm3', digestAt(leaves, 1))?.root, toHex(root));
    assert.equal(index.find('sm3', digestAt(leaves, 1))?.leafIndex, 1);
  });

  it('a digest twice in one batch resolves to its first position', () => {
    const dup = Buffer.concat([digestAt(leaves, 0), digestAt(leaves, 1), digestAt(leaves, 0)]);
    const aux = new MemAux();
    aux.apply(batchAuxWrites({ height: 1, root, algorithm: 'sm3', leaves: dup, recordId }));
    assert.equal(findBatch(aux, 'sm3', digestAt(leaves, 0))?.leafIndex, 0);
    assert.equal(findBatch(aux, 'sm3', digestAt(leaves, 0))?.treeSize, 3);
  });

  it('indexes leaves at any byte offset (an unaligned view is copied, not misread)', () => {
    const backing = new Uint8Array(1 + leaves.length);
    backing.set(leaves, 1);
    const aux = new MemAux();
    aux.apply(batchAuxWrites({ height: 1, root, algorithm: 'sm3', leaves: backing.subarray(1), recordId }));
    for (let i = 0; i < 5; i++) assert.equal(findBatch(aux, 'sm3', digestAt(leaves, i))?.leafIndex, i);
  });

  it('keeps reading the old per-digest entries (ev/digest/) of an existing data directory', async () => {
    const aux = new MemAux();
    const oldRoot = randomBytes(32);
    const oldLeaves = randomBytes(32 * 4);
    const shared = digestAt(leaves, 2);
    oldLeaves.set(shared, 32 * 3);
    aux.apply([
      { key: concatBytes(utf8('ev/root/'), oldRoot), value: concatBytes(recordId, u64be(4), u64be(3)) },
      { key: concatBytes(utf8('ev/leaves/'), oldRoot), value: oldLeaves },
      ...legacyDigestWrites('sm3', 3, oldRoot, oldLeaves),
    ]);
    aux.apply(writes); // height 7, new format
    const index = new DigestIndex({ aux });
    assert.deepEqual(index.find('sm3', digestAt(oldLeaves, 1)), {
      root: toHex(oldRoot),
      leafIndex: 1,
      treeSize: 4,
      recordId: toHex(recordId),
    });
    // In both: the old batch (height 3) is the earliest.
    assert.equal(index.find('sm3', shared)?.root, toHex(oldRoot));
    assert.equal(index.find('sm3', shared)?.leafIndex, 3);
    assert.equal(index.find('sm3', digestAt(leaves, 4))?.root, toHex(root));
  });

  it('sortRecords orders records like a bytewise comparison sort (shared prefixes too)', () => {
    const record = fc.uint8Array({ minLength: 12, maxLength: 12 });
    // Few distinct first bytes: many equal 4-byte prefixes, so the tie pass is exercised.
    const prefixed = fc
      .tuple(fc.constantFrom(0, 1, 255), fc.constantFrom(0, 7), record)
      .map(([a, b, r]) => Uint8Array.from([a, a, b, b, ...r.subarray(4)]));
    fc.assert(
      fc.property(fc.array(fc.oneof(record, prefixed), { maxLength: 300 }), (records) => {
        const buf = Buffer.concat(records);
        const order = sortRecords(buf, 12);
        const got = Array.from(order, (i) => toHex(buf.subarray(i * 12, (i + 1) * 12)));
        const want = records.map((r) => toHex(r)).sort();
        assert.deepEqual(got, want);
        assert.equal(new Set(order).size, records.length);
      }),
      { numRuns: 200 },
    );
  });

  it('lookups agree with a simple model through batches, duplicates and compaction (property)', async () => {
    const pool = Array.from({ length: 40 }, (_, i) => createHash('sha256').update(`d${i}`).digest());
    const batchArb = fc.record({
      sameHeight: fc.boolean(),
      picks: fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { minLength: 1, maxLength: 30 }),
      compact: fc.boolean(),
      algorithm: fc.constantFrom('sha256', 'sm3'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 40 }), async (batches) => {
        const aux = new MemAux();
        const index = new DigestIndex({ aux });
        const compactor = new DigestIndexCompactor({ index, store: aux, logger: silent });
        /** model: alg → digest hex → earliest { height, root, leafIndex }. */
        const model = new Map<string, Map<string, { height: number; root: Uint8Array; leafIndex: number }>>();
        let height = 1;
        for (const b of batches) {
          if (!b.sameHeight) height++;
          const root = createHash('sha256').update(randomBytes(8)).digest();
          const blob = Buffer.concat(b.picks.map((p) => pool[p]!));
          aux.apply(batchAuxWrites({ height, root, algorithm: b.algorithm, leaves: blob, recordId: root }));
          const m = model.get(b.algorithm) ?? new Map();
          model.set(b.algorithm, m);
          b.picks.forEach((p, leafIndex) => {
            const key = toHex(pool[p]!);
            const cur = m.get(key);
            const earlier =
              cur === undefined ||
              height < cur.height ||
              (height === cur.height && compareBytes(root, cur.root) < 0);
            if (earlier) m.set(key, { height, root, leafIndex });
          });
          if (b.compact) {
            compactor.schedule();
            await compactor.idle();
          }
        }
        for (const algorithm of ['sha256', 'sm3']) {
          for (const d of pool) {
            const want = model.get(algorithm)?.get(toHex(d));
            const got = index.find(algorithm, d);
            if (want === undefined) assert.equal(got, null);
            else {
              assert.equal(got?.root, toHex(want.root));
              assert.equal(got?.leafIndex, want.leafIndex);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('compaction merges FAN_IN runs per level into one and removes the inputs', async () => {
    const aux = new MemAux();
    const index = new DigestIndex({ aux });
    const all: { leaves: Uint8Array; root: Uint8Array }[] = [];
    for (let h = 1; h <= FAN_IN * FAN_IN; h++) {
      const b = { leaves: randomBytes(32 * 50), root: randomBytes(32) };
      all.push(b);
      aux.apply(batchAuxWrites({ height: h, ...b, algorithm: 'sha256', recordId: b.root }));
    }
    const runs = () => aux.scanAux(utf8('ev/run/sha256\0')).length;
    assert.equal(runs(), FAN_IN * FAN_IN);
    const before = aux.size;
    assert.equal(await compactAll(aux, index), FAN_IN + 1);
    assert.equal(runs(), 1);
    assert.ok(aux.size < before);
    for (const [i, b] of all.entries()) {
      const at = (i * 13) % 50;
      assert.deepEqual(index.find('sha256', digestAt(b.leaves, at)), {
        root: toHex(b.root),
        leafIndex: at,
        treeSize: 50,
        recordId: toHex(b.root),
      });
    }
  });

  it('on lmdb: compaction commits atomically, the index survives a reopen and lookups stay exact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xinlian-digest-index-'));
    try {
      let store = await LmdbChainStore.open({ path: dir });
      const batches: { leaves: Uint8Array; root: Uint8Array; height: number }[] = [];
      for (let h = 1; h <= FAN_IN + 3; h++) {
        const b = { leaves: randomBytes(32 * 3000), root: randomBytes(32), height: h };
        batches.push(b);
        await store.commitAux(batchAuxWrites({ ...b, algorithm: 'sha256', recordId: b.root }));
      }
      const index = new DigestIndex({ aux: store });
      const trees = new TreeBuilder({ suite: 'intl' });
      // The merge's sort on the worker thread, as in the node.
      const compactor = new DigestIndexCompactor({
        index,
        store,
        logger: silent,
        sortRun: (records) => trees.sortRun(records),
      });
      compactor.schedule();
      await compactor.idle();
      await compactor.close();
      await trees.close();
      assert.equal(store.scanAux(utf8('ev/run/sha256\0')).length, 1 + 3);
      await store.close();
      store = await LmdbChainStore.open({ path: dir });
      const reopened = new DigestIndex({ aux: store });
      let n = 0;
      const started = performance.now();
      for (const b of batches) {
        for (let i = 0; i < 3000; i += 37) {
          const got = reopened.find('sha256', digestAt(b.leaves, i));
          assert.equal(got?.root, toHex(b.root));
          assert.equal(got?.leafIndex, i);
          n++;
        }
      }
      const us = ((performance.now() - started) * 1000) / n;
      assert.equal(reopened.find('sha256', randomBytes(32)), null);
      // Informational only (speed is measured by benchmarks, never asserted).
      console.log(`# lookup: ${us.toFixed(1)} µs each over 4 runs (${n} lookups)`);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
