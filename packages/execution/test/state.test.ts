import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSuite } from '@xinlian/crypto';
import { compareBytes, concatBytes, toHex, utf8, XinlianError } from '@xinlian/utils';
import fc from 'fast-check';
import { computeAppHash, encodeStateWrites, genesisAppHash, MemoryState, queryModule } from '../src/index.js';
import { BlockOverlay, TxOverlay } from '../src/state.js';
import { kvModule } from './helpers.js';

const keyArb = fc.uint8Array({ minLength: 0, maxLength: 3, max: 2 });
const valueArb = fc.uint8Array({ minLength: 1, maxLength: 2 });
const opsArb = fc.array(fc.tuple(keyArb, fc.option(valueArb, { nil: null })), { maxLength: 12 });

describe('state overlays', () => {
  test('scan merges committed state, block writes and tx writes like a plain map (property)', () => {
    fc.assert(
      fc.property(
        opsArb,
        opsArb,
        opsArb,
        fc.record({
          prefix: fc.uint8Array({ maxLength: 1, max: 2 }),
          start: fc.option(keyArb, { nil: undefined }),
          end: fc.option(keyArb, { nil: undefined }),
          limit: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
          reverse: fc.boolean(),
        }),
        (committedOps, blockOps, txOps, q) => {
          const model = new Map<string, { key: Uint8Array; value: Uint8Array }>();
          const apply = (ops: typeof committedOps) => {
            for (const [key, value] of ops) {
              if (value === null) model.delete(toHex(key));
              else model.set(toHex(key), { key, value });
            }
          };
          const committed = new MemoryState();
          committed.commit(1, {
            stateWrites: [
              ...new Map(committedOps.map(([k, v]) => [toHex(k), { key: k, value: v }])).values(),
            ].sort((a, b) => compareBytes(a.key, b.key)),
            txIds: [],
          });
          apply(committedOps);
          const block = new BlockOverlay(committed);
          const first = new TxOverlay(block);
          for (const [k, v] of blockOps) first.put(k, v);
          first.commit();
          apply(blockOps);
          const tx = new TxOverlay(block);
          for (const [k, v] of txOps) tx.put(k, v);
          apply(txOps);
          const opts = {
            ...(q.start !== undefined ? { start: q.start } : {}),
            ...(q.end !== undefined ? { end: q.end } : {}),
            ...(q.limit !== undefined ? { limit: q.limit } : {}),
            reverse: q.reverse,
          };
          let expected = [...model.values()]
            .filter((kv) => toHex(kv.key).startsWith(toHex(q.prefix)))
            .filter((kv) => q.start === undefined || compareBytes(kv.key, q.start) >= 0)
            .filter((kv) => q.end === undefined || compareBytes(kv.key, q.end) < 0)
            .sort((a, b) => compareBytes(a.key, b.key));
          if (q.reverse) expected.reverse();
          if (q.limit !== undefined) expected = expected.slice(0, q.limit);
          assert.deepEqual(tx.scan(q.prefix, opts), expected);
          for (const kv of model.values()) assert.deepEqual(tx.get(kv.key), kv.value);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('net writes drop no-ops and are sorted', () => {
    const committed = new MemoryState();
    committed.commit(1, { stateWrites: [{ key: utf8('same'), value: utf8('v') }], txIds: [] });
    const block = new BlockOverlay(committed);
    const tx = new TxOverlay(block);
    tx.put(utf8('z'), utf8('1'));
    tx.put(utf8('same'), utf8('v'));
    tx.put(utf8('absent'), null);
    tx.put(utf8('a'), utf8('2'));
    tx.put(utf8('temp'), utf8('x'));
    tx.put(utf8('temp'), null);
    tx.commit();
    assert.deepEqual(block.netWrites(), [
      { key: utf8('a'), value: utf8('2') },
      { key: utf8('z'), value: utf8('1') },
    ]);
    const discarded = new TxOverlay(block);
    discarded.put(utf8('b'), utf8('3'));
    assert.equal(block.netWrites().length, 2, 'uncommitted tx writes are not in the block');
    assert.deepEqual(block.netWrites([toHex(utf8('z'))]), [
      { key: utf8('a'), value: utf8('2') },
      { key: utf8('z'), value: utf8('1'), history: false },
    ]);
  });
});

describe('app hash', () => {
  const suite = createSuite('intl');

  test('follows the spec formula with the writes encoding of spec/state.md', () => {
    const writes = [
      { key: utf8('ab'), value: null },
      { key: utf8('b'), value: utf8('xyz') },
    ];
    // u32be(2) ‖ [u32be(2) 'a' 'b' 0x00] ‖ [u32be(1) 'b' 0x01 u32be(3) 'x' 'y' 'z']
    const expected = new Uint8Array([
      0, 0, 0, 2, 0, 0, 0, 2, 0x61, 0x62, 0, 0, 0, 0, 1, 0x62, 1, 0, 0, 0, 3, 0x78, 0x79, 0x7a,
    ]);
    assert.deepEqual(encodeStateWrites(writes), expected);
    const prev = genesisAppHash(suite, suite.hash(utf8('g')));
    assert.deepEqual(prev, suite.hash(concatBytes(utf8('xinlian/app/v1/genesis'), suite.hash(utf8('g')))));
    assert.deepEqual(
      computeAppHash(suite, prev, writes),
      suite.hash(concatBytes(utf8('xinlian/app/v1'), prev, suite.hash(expected))),
    );
    assert.deepEqual(encodeStateWrites([]), new Uint8Array(4));
    assert.notDeepEqual(computeAppHash(suite, prev, []), prev, 'an empty block still advances the app hash');
  });

  test('distinct write sets give distinct app hashes (property)', () => {
    const writesArb = fc
      .uniqueArray(fc.tuple(keyArb, fc.option(valueArb, { nil: null })), {
        selector: ([k]) => toHex(k),
        maxLength: 6,
      })
      .map((ws) => ws.map(([key, value]) => ({ key, value })).sort((a, b) => compareBytes(a.key, b.key)));
    const prev = new Uint8Array(32);
    fc.assert(
      fc.property(writesArb, writesArb, (a, b) => {
        const same = toHex(encodeStateWrites(a)) === toHex(encodeStateWrites(b));
        assert.equal(
          same,
          JSON.stringify(a.map((w) => [toHex(w.key), w.value && toHex(w.value)])) ===
            JSON.stringify(b.map((w) => [toHex(w.key), w.value && toHex(w.value)])),
        );
        assert.equal(toHex(computeAppHash(suite, prev, a)) === toHex(computeAppHash(suite, prev, b)), same);
      }),
    );
  });

  test('unsorted or duplicate writes are refused', () => {
    for (const ws of [
      [
        { key: utf8('b'), value: null },
        { key: utf8('a'), value: null },
      ],
      [
        { key: utf8('a'), value: null },
        { key: utf8('a'), value: utf8('1') },
      ],
    ]) {
      assert.throws(
        () => encodeStateWrites(ws),
        (e: unknown) => e instanceof XinlianError && e.code === 'EXEC_BAD_BLOCK',
      );
    }
  });
});

describe('queryModule', () => {
  const state = new MemoryState();
  state.commit(3, {
    stateWrites: [{ key: concatBytes(utf8('kv'), new Uint8Array([0]), utf8('q')), value: utf8('v') }],
    txIds: [],
  });
  const modules = [kvModule('kv')];

  test('runs a query on committed, namespaced state', () => {
    assert.equal(queryModule(modules, 'kv', 'get', { key: 'q' }, state), 'v');
    assert.equal(queryModule(modules, 'kv', 'get', { key: 'other' }, state), null);
  });

  test('QUERY_UNKNOWN and QUERY_BAD_PARAMS', () => {
    for (const [mod, q] of [
      ['nope', 'get'],
      ['kv', 'nope'],
      ['kv', 'constructor'],
    ] as const) {
      assert.throws(
        () => queryModule(modules, mod, q, {}, state),
        (e: unknown) => e instanceof XinlianError && e.code === 'QUERY_UNKNOWN',
      );
    }
    assert.throws(
      () => queryModule(modules, 'kv', 'get', { key: 1 }, state),
      (e: unknown) =>
        e instanceof XinlianError &&
        e.code === 'QUERY_BAD_PARAMS' &&
        e.details.field === 'key' &&
        e.details.reason === 'KV_BAD_ARGS',
    );
  });
});
