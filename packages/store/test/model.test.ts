import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { compareBytes, fromHex, toHex, utf8 } from '@xinlian/utils';
import fc from 'fast-check';
import { type HistoryEntry, type KeyValue, LmdbChainStore, type StateWrite } from '../src/index.js';
import { withTempDir } from './helpers.js';

/** The reference: per-key version lists (the last one is the latest state). */
class Model {
  readonly versions = new Map<string, HistoryEntry[]>();

  apply(height: number, writes: readonly StateWrite[]): void {
    for (const { key, value } of writes) {
      const list = this.versions.get(toHex(key)) ?? [];
      if (list.at(-1)?.height === height) list.pop(); // a later write in the same block wins
      list.push({ height, value });
      this.versions.set(toHex(key), list);
    }
  }

  getAt(key: Uint8Array, height: number): Uint8Array | undefined {
    const list = (this.versions.get(toHex(key)) ?? []).filter((v) => v.height <= height);
    return list.at(-1)?.value ?? undefined;
  }

  scan(prefix: Uint8Array, q: Query): KeyValue[] {
    const hasPrefix = (k: Uint8Array) => compareBytes(k.subarray(0, prefix.length), prefix) === 0;
    const out: KeyValue[] = [];
    for (const [hex, list] of this.versions) {
      const key = fromHex(hex);
      const value = list.at(-1)!.value;
      if (value === null || !hasPrefix(key)) continue;
      if (q.start !== undefined && compareBytes(key, q.start) < 0) continue;
      if (q.end !== undefined && compareBytes(key, q.end) >= 0) continue;
      out.push({ key, value });
    }
    out.sort((a, b) => compareBytes(a.key, b.key));
    if (q.reverse) out.reverse();
    return q.limit === undefined ? out : out.slice(0, q.limit);
  }
}

interface Query {
  prefix: Uint8Array;
  start?: Uint8Array;
  end?: Uint8Array;
  limit?: number;
  reverse: boolean;
}

// A tiny alphabet makes keys that are prefixes of each other and 0xff edge cases common.
const keyArb = fc
  .array(fc.constantFrom(0x00, 0x01, 0x02, 0xff), { minLength: 1, maxLength: 3 })
  .map((a) => Uint8Array.from(a));
const bytesArb = fc
  .array(fc.constantFrom(0x00, 0x01, 0x02, 0xff), { maxLength: 3 })
  .map((a) => Uint8Array.from(a));
const writeArb: fc.Arbitrary<StateWrite> = fc.record({
  key: keyArb,
  value: fc.option(fc.uint8Array({ maxLength: 4 }), { nil: null }),
});
const queryArb: fc.Arbitrary<Query> = fc.record(
  {
    prefix: bytesArb,
    start: bytesArb,
    end: bytesArb,
    limit: fc.nat({ max: 5 }),
    reverse: fc.boolean(),
  },
  { requiredKeys: ['prefix', 'reverse'] },
);

it('matches an in-memory model over random block sequences', { timeout: 120_000 }, () =>
  withTempDir(async (root) => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(writeArb, { maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        fc.array(queryArb, { minLength: 1, maxLength: 6 }),
        async (blocks, queries) => {
          const dir = join(root, String(run++));
          const store = await LmdbChainStore.open({ path: dir, noSync: true }, {});
          const model = new Model();
          try {
            for (const [i, stateWrites] of blocks.entries()) {
              const height = i + 1;
              await store.commitBlock({
                height,
                blockId: utf8(`b${height}`),
                blockBytes: utf8('x'),
                receipts: [],
                txIds: [],
                appHash: utf8('a'),
                stateWrites,
              });
              model.apply(height, stateWrites);
            }
            for (const [hex, list] of model.versions) {
              const key = fromHex(hex);
              assert.deepEqual(store.history(key), list);
              assert.deepEqual(
                store.history(key, { reverse: true, limit: 2 }),
                [...list].reverse().slice(0, 2),
              );
              assert.deepEqual(store.get(key), model.getAt(key, blocks.length));
              for (let h = 0; h <= blocks.length + 1; h++)
                assert.deepEqual(store.getAt(key, h), model.getAt(key, h));
            }
            for (const q of queries) assert.deepEqual(store.scan(q.prefix, q), model.scan(q.prefix, q));
          } finally {
            await store.close();
            await rm(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 100 },
    );
    assert.equal(run >= 100, true);
  }),
);
