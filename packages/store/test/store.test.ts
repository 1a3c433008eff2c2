import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromUtf8, isXinlianError, utf8 } from '@xinlian/utils';
import { open } from 'lmdb';
import {
  type BlockCommit,
  type KeyValue,
  LmdbChainStore,
  MAX_KEY_BYTES,
  type ScanOptions,
  type StoreLogger,
} from '../src/index.js';
import { withTempDir } from './helpers.js';

const b = (s: string): Uint8Array => utf8(s);
const id = (s: string): Uint8Array => utf8(`id:${s}`);

function block(height: number, parts: Partial<BlockCommit> = {}): BlockCommit {
  return {
    height,
    blockId: id(`block${height}`),
    blockBytes: b(`block bytes ${height}`),
    receipts: [],
    txIds: [],
    appHash: b(`app${height}`),
    stateWrites: [],
    ...parts,
  };
}

function errorCode(code: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(isXinlianError(e), `expected XinlianError, got ${String(e)}`);
    assert.equal(e.code, code);
    return true;
  };
}

async function withStore(fn: (store: LmdbChainStore, dir: string) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const store = await LmdbChainStore.open({ path: dir }, {});
    try {
      await fn(store, dir);
    } finally {
      await store.close();
    }
  });
}

const keysOf = (kvs: KeyValue[]): string[] => kvs.map((kv) => fromUtf8(kv.key));

describe('LmdbChainStore: blocks, receipts, indexes', () => {
  it('round-trips blocks, receipts, tx index, state, aux and meta', () =>
    withStore(async (store) => {
      assert.equal(store.head(), undefined);
      await store.commitBlock(
        block(1, {
          txIds: [id('tx1'), id('tx2')],
          receipts: [b('r1'), b('r2')],
          stateWrites: [
            { key: b('a'), value: b('A1') },
            { key: b('b'), value: b('B1') },
          ],
          auxWrites: [{ key: b('leaves/1'), value: b('L1') }],
        }),
      );
      await store.commitBlock(block(2));
      await store.putMeta('genesis', b('G'));

      assert.deepEqual(store.head(), { height: 2, blockId: id('block2'), appHash: b('app2') });
      assert.deepEqual(store.getBlockBytes(1), b('block bytes 1'));
      assert.deepEqual(store.getBlockBytes(2), b('block bytes 2'));
      assert.equal(store.getBlockBytes(3), undefined);
      assert.equal(store.getHeightByBlockId(id('block1')), 1);
      assert.equal(store.getHeightByBlockId(id('block2')), 2);
      assert.equal(store.getHeightByBlockId(id('nope')), undefined);
      assert.deepEqual(store.getReceipts(1), [b('r1'), b('r2')]);
      assert.deepEqual(store.getReceipts(2), []);
      assert.equal(store.getReceipts(3), undefined);
      assert.deepEqual(store.getReceipt(1, 1), b('r2'));
      assert.equal(store.getReceipt(1, 2), undefined);
      assert.deepEqual(store.getTxLocation(id('tx2')), { height: 1, index: 1 });
      assert.equal(store.getTxLocation(id('tx3')), undefined);
      assert.deepEqual(store.get(b('a')), b('A1'));
      assert.equal(store.get(b('c')), undefined);
      assert.deepEqual(store.getAux(b('leaves/1')), b('L1'));
      assert.deepEqual(store.getMeta('genesis'), b('G'));
      assert.equal(store.getMeta('other'), undefined);
    }));

  it('returns independent copies that later reads do not overwrite', () =>
    withStore(async (store) => {
      await store.commitBlock(
        block(1, {
          stateWrites: [
            { key: b('x'), value: b('first') },
            { key: b('y'), value: b('second') },
            { key: b('big'), value: new Uint8Array(100_000).fill(7) },
          ],
        }),
      );
      const x = store.get(b('x'))!;
      const y = store.get(b('y'))!;
      const big = store.get(b('big'))!;
      store.scan(b(''));
      assert.deepEqual(x, b('first'));
      assert.deepEqual(y, b('second'));
      assert.equal(big.length, 100_000);
      assert.ok(big.every((v) => v === 7));
      x[0] = 0;
      assert.deepEqual(store.get(b('x')), b('first'));
      assert.equal(Object.getPrototypeOf(x), Uint8Array.prototype);
    }));

  it('accepts pipelined commits in order', () =>
    withStore(async (store) => {
      await Promise.all([
        store.commitBlock(block(1)),
        store.commitBlock(block(2)),
        store.commitBlock(block(3)),
      ]);
      assert.equal(store.head()?.height, 3);
      assert.equal(store.getHeightByBlockId(id('block3')), 3);
    }));

  it('stateVersion changes when a commit starts and when it settles, also when it fails', () =>
    withStore(async (store) => {
      const v0 = store.stateVersion();
      const committing = store.commitBlock(block(1));
      const v1 = store.stateVersion();
      assert.notEqual(v1, v0);
      await committing;
      const v2 = store.stateVersion();
      assert.notEqual(v2, v1);
      assert.notEqual(v2, v0);
      store.get(b('k'));
      assert.equal(store.stateVersion(), v2, 'reads do not change it');
      await assert.rejects(store.commitBlock(block(5)), errorCode('STORE_BAD_HEIGHT'));
      assert.ok(store.stateVersion() > v2);
    }));

  it('starts at initialHeight', () =>
    withTempDir(async (dir) => {
      const store = await LmdbChainStore.open({ path: dir, initialHeight: 0 }, {});
      await assert.rejects(store.commitBlock(block(1)), errorCode('STORE_BAD_HEIGHT'));
      await store.commitBlock(block(0));
      assert.equal(store.head()?.height, 0);
      await store.close();
    }));
});

describe('LmdbChainStore: rejected commits', () => {
  it('rejects non-consecutive and repeated heights', () =>
    withStore(async (store) => {
      await assert.rejects(store.commitBlock(block(2)), errorCode('STORE_BAD_HEIGHT'));
      await store.commitBlock(block(1));
      await assert.rejects(
        store.commitBlock(block(1, { blockId: id('other') })),
        errorCode('STORE_BAD_HEIGHT'),
      );
      await assert.rejects(store.commitBlock(block(3)), errorCode('STORE_BAD_HEIGHT'));
      await assert.rejects(store.commitBlock(block(-1)), errorCode('STORE_BAD_HEIGHT'));
      assert.equal(store.head()?.height, 1);
      assert.equal(store.stats().commitErrors, 4);
    }));

  it('rejects a stored blockId or txId and writes nothing of the rejected block', () =>
    withStore(async (store) => {
      await store.commitBlock(block(1, { txIds: [id('t1')], receipts: [b('r')] }));
      await assert.rejects(
        store.commitBlock(block(2, { blockId: id('block1') })),
        errorCode('STORE_DUPLICATE'),
      );
      const bad = block(2, {
        txIds: [id('t2'), id('t1')],
        receipts: [b('r2'), b('r1')],
        stateWrites: [{ key: b('s'), value: b('v') }],
        auxWrites: [{ key: b('x'), value: b('v') }],
      });
      await assert.rejects(store.commitBlock(bad), errorCode('STORE_DUPLICATE'));
      const dupInBlock = block(2, { txIds: [id('t3'), id('t3')], receipts: [b('r'), b('r')] });
      await assert.rejects(store.commitBlock(dupInBlock), errorCode('STORE_DUPLICATE'));
      assert.equal(store.head()?.height, 1);
      assert.equal(store.getBlockBytes(2), undefined);
      assert.equal(store.getHeightByBlockId(id('block2')), undefined);
      assert.equal(store.getTxLocation(id('t2')), undefined);
      assert.equal(store.getTxLocation(id('t3')), undefined);
      assert.equal(store.get(b('s')), undefined);
      assert.deepEqual(store.history(b('s')), []);
      assert.equal(store.getAux(b('x')), undefined);
      await store.commitBlock(block(2));
      assert.equal(store.head()?.height, 2);
    }));

  it('rejects malformed commits', () =>
    withStore(async (store) => {
      const cases: BlockCommit[] = [
        block(1, { txIds: [id('t')] }),
        block(1, { blockId: new Uint8Array(0) }),
        block(1, { stateWrites: [{ key: new Uint8Array(0), value: b('v') }] }),
        block(1, { stateWrites: [{ key: new Uint8Array(MAX_KEY_BYTES + 1), value: b('v') }] }),
        block(1, { auxWrites: [{ key: new Uint8Array(0), value: null }] }),
      ];
      for (const c of cases) await assert.rejects(store.commitBlock(c), errorCode('STORE_BAD_ARGUMENT'));
      await store.commitBlock(
        block(1, { stateWrites: [{ key: new Uint8Array(MAX_KEY_BYTES), value: b('v') }] }),
      );
      assert.throws(() => store.scan(b(''), { limit: -1 }), errorCode('STORE_BAD_ARGUMENT'));
      assert.throws(() => store.getBlockBytes(1.5), errorCode('STORE_BAD_HEIGHT'));
      await assert.rejects(store.putMeta('', b('v')), errorCode('STORE_BAD_ARGUMENT'));
    }));
});

describe('LmdbChainStore: state, scans and history', () => {
  const keys = ['a', 'ab', 'abc', 'abd', 'b', 'b\u00ff', 'c'];

  async function seeded(fn: (store: LmdbChainStore) => Promise<void>): Promise<void> {
    await withStore(async (store) => {
      await store.commitBlock(
        block(1, {
          stateWrites: keys.map((k) => ({ key: b(k), value: b(`v:${k}`) })),
          auxWrites: keys.map((k) => ({ key: b(k), value: b(`aux:${k}`) })),
        }),
      );
      await fn(store);
    });
  }

  const cases: [string, ScanOptions, string[]][] = [
    ['a', {}, ['a', 'ab', 'abc', 'abd']],
    ['ab', {}, ['ab', 'abc', 'abd']],
    ['a', { start: b('ab') }, ['ab', 'abc', 'abd']],
    ['a', { start: b('abc'), end: b('abd') }, ['abc']],
    ['a', { end: b('abc') }, ['a', 'ab']],
    ['a', { reverse: true }, ['abd', 'abc', 'ab', 'a']],
    ['a', { reverse: true, limit: 2 }, ['abd', 'abc']],
    ['a', { reverse: true, end: b('abd') }, ['abc', 'ab', 'a']],
    ['a', { reverse: true, start: b('ab'), end: b('abd') }, ['abc', 'ab']],
    ['a', { limit: 0 }, []],
    ['a', { start: b('b') }, []],
    ['a', { start: b('0'), end: b('zz') }, ['a', 'ab', 'abc', 'abd']],
    ['', {}, keys],
    ['', { reverse: true, limit: 3 }, ['c', 'b\u00ff', 'b']],
    ['', { start: b('abd'), limit: 3 }, ['abd', 'b', 'b\u00ff']],
    ['b', {}, ['b', 'b\u00ff']],
    ['d', {}, []],
  ];

  it('scans latest state with prefix, bounds, limit and reverse', () =>
    seeded(async (store) => {
      for (const [prefix, opts, want] of cases) {
        assert.deepEqual(keysOf(store.scan(b(prefix), opts)), want, `scan ${prefix} ${JSON.stringify(opts)}`);
      }
      const [first] = store.scan(b('abc'));
      assert.deepEqual(first, { key: b('abc'), value: b('v:abc') });
    }));

  it('scans aux data the same way', () =>
    seeded(async (store) => {
      for (const [prefix, opts, want] of cases)
        assert.deepEqual(keysOf(store.scanAux(b(prefix), opts)), want);
      assert.deepEqual(store.scanAux(b('c')), [{ key: b('c'), value: b('aux:c') }]);
    }));

  it('handles 0x00 and 0xff edge keys', () =>
    withStore(async (store) => {
      const ff = Uint8Array.of(0xff);
      const keys2 = [Uint8Array.of(0xfe), ff, Uint8Array.of(0xff, 0x00), Uint8Array.of(0xff, 0xff)];
      const zero = [Uint8Array.of(0x00), Uint8Array.of(0x00, 0x00)];
      const stateWrites = [...zero, ...keys2].map((key) => ({ key, value: key }));
      await store.commitBlock(block(1, { stateWrites }));
      const all = [...zero, ...keys2];
      assert.deepEqual(
        store.scan(new Uint8Array(0), { reverse: true }).map((kv) => kv.key),
        [...all].reverse(),
      );
      assert.deepEqual(
        store.scan(Uint8Array.of(0x00), { reverse: true }).map((kv) => kv.key),
        [zero[1], zero[0]],
      );
      assert.deepEqual(
        store.scan(ff).map((kv) => kv.key),
        keys2.slice(1),
      );
      assert.deepEqual(
        store.scan(ff, { reverse: true }).map((kv) => kv.key),
        keys2.slice(1).reverse(),
      );
      assert.deepEqual(
        store.scan(Uint8Array.of(0xff, 0xff)).map((kv) => kv.key),
        [keys2[3]],
      );
    }));

  it('keeps every version: getAt, history, deletions', () =>
    withStore(async (store) => {
      const k = b('k');
      const kk = b('kk'); // k is a prefix of kk: their histories must not mix
      await store.commitBlock(block(1, { stateWrites: [{ key: k, value: b('1') }] }));
      await store.commitBlock(block(2, { stateWrites: [{ key: kk, value: b('x') }] }));
      await store.commitBlock(block(3, { stateWrites: [{ key: k, value: b('3') }] }));
      await store.commitBlock(block(4, { stateWrites: [{ key: k, value: null }] }));
      await store.commitBlock(block(5));
      await store.commitBlock(block(6, { stateWrites: [{ key: k, value: new Uint8Array(0) }] }));

      const want = [
        undefined,
        b('1'),
        b('1'),
        b('3'),
        undefined,
        undefined,
        new Uint8Array(0),
        new Uint8Array(0),
      ];
      for (const [h, v] of want.entries()) assert.deepEqual(store.getAt(k, h), v, `getAt(k, ${h})`);
      assert.equal(store.getAt(kk, 1), undefined);
      assert.deepEqual(store.getAt(kk, 2), b('x'));
      assert.deepEqual(store.getAt(kk, 6), b('x'));
      assert.deepEqual(store.get(k), new Uint8Array(0));

      const full = [
        { height: 1, value: b('1') },
        { height: 3, value: b('3') },
        { height: 4, value: null },
        { height: 6, value: new Uint8Array(0) },
      ];
      assert.deepEqual(store.history(k), full);
      assert.deepEqual(store.history(k, { reverse: true }), [...full].reverse());
      assert.deepEqual(store.history(k, { limit: 2 }), full.slice(0, 2));
      assert.deepEqual(store.history(k, { reverse: true, limit: 1 }), [full[3]]);
      assert.deepEqual(store.history(kk), [{ height: 2, value: b('x') }]);
      assert.deepEqual(store.history(b('none')), []);
    }));

  it('writes no history entry for a write with history: false', () =>
    withStore(async (store) => {
      const k = b('idx');
      await store.commitBlock(block(1, { stateWrites: [{ key: k, value: b('1') }] }));
      await store.commitBlock(block(2, { stateWrites: [{ key: k, value: b('2'), history: false }] }));
      await store.commitBlock(block(3, { stateWrites: [{ key: b('u'), value: b('x'), history: false }] }));
      assert.deepEqual(store.get(k), b('2'));
      assert.deepEqual(store.history(k), [{ height: 1, value: b('1') }]);
      assert.deepEqual(store.getAt(k, 2), b('1'), 'getAt sees versioned writes only');
      assert.deepEqual(store.get(b('u')), b('x'));
      assert.deepEqual(store.history(b('u')), []);
    }));

  it('keeps deleted keys out of get and scan', () =>
    withStore(async (store) => {
      await store.commitBlock(block(1, { stateWrites: [{ key: b('p1'), value: b('v') }] }));
      await store.commitBlock(block(2, { stateWrites: [{ key: b('p1'), value: null }] }));
      assert.equal(store.get(b('p1')), undefined);
      assert.deepEqual(store.scan(b('p')), []);
    }));
});

describe('LmdbChainStore: commitAux', () => {
  it('writes and deletes aux data outside a block, all or nothing, durable across a reopen', () =>
    withTempDir(async (dir) => {
      let store = await LmdbChainStore.open({ path: dir }, {});
      await store.commitBlock(block(1, { auxWrites: [{ key: b('a/1'), value: b('one') }] }));
      await store.commitAux([
        { key: b('a/1'), value: null },
        { key: b('a/2'), value: b('two') },
      ]);
      assert.equal(store.getAux(b('a/1')), undefined);
      assert.deepEqual(store.getAux(b('a/2')), b('two'));
      // An invalid key anywhere: nothing of the call is written.
      await assert.rejects(
        store.commitAux([
          { key: b('a/3'), value: b('three') },
          { key: new Uint8Array(MAX_KEY_BYTES + 1), value: b('x') },
        ]),
        errorCode('STORE_BAD_ARGUMENT'),
      );
      assert.equal(store.getAux(b('a/3')), undefined);
      assert.equal(store.head()?.height, 1, 'aux commits do not touch the head');
      await store.close();
      store = await LmdbChainStore.open({ path: dir }, {});
      assert.deepEqual(keysOf(store.scanAux(b('a/'))), ['a/2']);
      await store.close();
      await assert.rejects(store.commitAux([]), errorCode('STORE_CLOSED'));
    }));
});

describe('LmdbChainStore: lifecycle', () => {
  it('reopens with everything kept and refuses use after close', () =>
    withTempDir(async (dir) => {
      const logged: string[] = [];
      const logger: StoreLogger = {
        info: (_obj, msg) => logged.push(msg),
        warn: (_obj, msg) => logged.push(msg),
      };
      const store = await LmdbChainStore.open({ path: dir }, { logger });
      await store.commitBlock(
        block(1, {
          txIds: [id('t')],
          receipts: [b('r')],
          stateWrites: [{ key: b('s'), value: b('v') }],
          auxWrites: [{ key: b('x'), value: b('y') }],
        }),
      );
      await store.putMeta('m', b('meta'));
      const stats = store.stats();
      assert.equal(stats.commits, 1);
      assert.equal(stats.stateWrites, 1);
      assert.ok(stats.lastCommitBytes > 0);
      assert.ok(stats.dbSizeBytes > 0);
      await store.close();
      await store.close();
      assert.deepEqual(logged, ['store opened', 'store closed']);

      const closed = errorCode('STORE_CLOSED');
      assert.throws(() => store.head(), closed);
      assert.throws(() => store.get(b('s')), closed);
      assert.throws(() => store.scan(b('')), closed);
      assert.throws(() => store.getAt(b('s'), 1), closed);
      assert.throws(() => store.getBlockBytes(1), closed);
      assert.throws(() => store.getMeta('m'), closed);
      assert.throws(() => store.stats(), closed);
      await assert.rejects(store.commitBlock(block(2)), closed);
      await assert.rejects(store.putMeta('m', b('v')), closed);

      const again = await LmdbChainStore.open({ path: dir }, {});
      try {
        assert.deepEqual(again.head(), { height: 1, blockId: id('block1'), appHash: b('app1') });
        assert.deepEqual(again.getBlockBytes(1), b('block bytes 1'));
        assert.deepEqual(again.getReceipts(1), [b('r')]);
        assert.deepEqual(again.getTxLocation(id('t')), { height: 1, index: 0 });
        assert.deepEqual(again.get(b('s')), b('v'));
        assert.deepEqual(again.history(b('s')), [{ height: 1, value: b('v') }]);
        assert.deepEqual(again.getAux(b('x')), b('y'));
        assert.deepEqual(again.getMeta('m'), b('meta'));
        assert.equal(again.stats().commits, 0);
        await again.commitBlock(block(2));
        assert.equal(again.head()?.height, 2);
      } finally {
        await again.close();
      }
    }));

  it('refuses a store whose head does not match its blocks or whose format is unknown', () =>
    withTempDir(async (dir) => {
      const store = await LmdbChainStore.open({ path: dir }, {});
      await store.commitBlock(block(1));
      await store.close();

      // Tamper with the raw lmdb environment.
      const env = open({ path: dir, maxDbs: 12, overlappingSync: false });
      const meta = env.openDB<Uint8Array, Uint8Array>('meta', { keyEncoding: 'binary', encoding: 'binary' });
      await meta.remove(b('s/head'));
      await env.close();
      await assert.rejects(LmdbChainStore.open({ path: dir }, {}), errorCode('STORE_CORRUPT'));

      const env2 = open({ path: dir, maxDbs: 12, overlappingSync: false });
      const meta2 = env2.openDB<Uint8Array, Uint8Array>('meta', {
        keyEncoding: 'binary',
        encoding: 'binary',
      });
      await meta2.put(b('s/format'), Uint8Array.of(0, 0, 0, 99));
      await env2.close();
      await assert.rejects(LmdbChainStore.open({ path: dir }, {}), errorCode('STORE_CORRUPT'));
    }));
});
