import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeSignedTx, decodeTxReceipt, merkleRoot, parseCanonicalJson } from '@xinlian/codec';
import { addressOf } from '@xinlian/crypto';
import { concatBytes, equalBytes, fromUtf8, utf8, XinlianError } from '@xinlian/utils';
import {
  type CheckedTx,
  type ExecutionStateReader,
  Executor,
  MemoryState,
  namespacePrefix,
} from '../src/index.js';
import { CHAIN_ID, kvModule, PARAMS, signTx, TestChain } from './helpers.js';

const kvKey = (module: string, key: string) => concatBytes(namespacePrefix(module), utf8(key));
const result = (bytes: Uint8Array) => (bytes.length === 0 ? undefined : parseCanonicalJson(bytes));

/** A CheckedTx built by hand (not by this executor's checkTx): its claims must not be trusted. */
function handMade(bytes: Uint8Array, claims: Partial<CheckedTx> = {}): CheckedTx {
  const tx = decodeSignedTx(bytes);
  return {
    tx,
    txId: new Uint8Array(32),
    bytes,
    sender: { publicKey: tx.body.signer, address: '00'.repeat(20) },
    ...claims,
  };
}

describe('executeBlock', () => {
  test('executes txs in order, with context, events, results, roots and receipts', () => {
    const chain = new TestChain();
    const a = chain.check({ args: { key: 'a', value: '1' } });
    const b = chain.check({ method: 'read', args: { key: 'a' } });
    const out = chain.block([a, b], 1234);
    assert.equal(out.receipts.length, 2);
    assert.deepEqual(
      out.receipts.map((r) => r.status),
      ['ok', 'ok'],
    );
    assert.deepEqual(result(out.receipts[0]!.result), {
      sender: addressOf(chain.suite, chain.key.publicKey.bytes),
      height: 1,
      time: 1234,
      index: 0,
    });
    assert.equal(result(out.receipts[1]!.result), '1', 'a later tx sees an earlier tx of the block');
    assert.deepEqual(out.receipts[0]!.events, [{ type: 'kv.set', attributes: [{ key: 'key', value: 'a' }] }]);
    assert.deepEqual(out.txIds, [a.txId, b.txId]);
    out.receipts.forEach((r, i) => {
      assert.deepEqual(decodeTxReceipt(out.receiptBytes[i]!), r);
      assert.ok(equalBytes(r.txId, out.txIds[i]!));
    });
    const hash = (...p: Uint8Array[]) => chain.suite.hash(...p);
    assert.ok(equalBytes(out.txRoot, merkleRoot(hash, [a.bytes, b.bytes])));
    assert.ok(equalBytes(out.receiptRoot, merkleRoot(hash, [...out.receiptBytes])));
    assert.deepEqual(out.stateWrites, [{ key: kvKey('kv', 'a'), value: utf8('1') }]);
    assert.equal(fromUtf8(chain.state.get(kvKey('kv', 'a'))!), '1');
  });

  test('is deterministic: two fresh executors give identical results (checked vs hand-made txs)', () => {
    for (const suiteId of ['intl', 'gm'] as const) {
      const one = new TestChain(suiteId);
      const two = new TestChain(suiteId, undefined, one.key);
      const fixtures = [
        one.tx({ args: { key: 'x', value: '1' } }),
        one.tx({ method: 'setThenFail', args: { key: 'y', value: '2' } }),
        one.tx({ method: 'del', args: { key: 'x' } }),
        one.tx({ args: { key: 'z', value: '3' } }),
        one.tx({ module: 'kvx', args: { key: 'z', value: '4' } }),
      ];
      const r1 = one.block(
        fixtures.map((f) => one.executor.checkTx(f.bytes, { height: 1 })),
        99,
      );
      const r2 = two.block(
        fixtures.map((f) => handMade(f.bytes)),
        99,
      );
      assert.deepEqual(r1, r2);
      assert.equal(r1.stateWrites.length, 2, 'x set then deleted in the block leaves no write');
    }
  });

  test('a failed tx has no state effect but is included with its code', () => {
    const chain = new TestChain();
    chain.block([chain.check({ args: { key: 'k', value: 'before' } })]);
    const failing = chain.check({ method: 'setThenFail', args: { key: 'k', value: 'after' } });
    const crash = chain.check({ method: 'crash', args: { key: 'k' } });
    const float = chain.check({ method: 'float', args: { key: 'k' } });
    const read = chain.check({ method: 'read', args: { key: 'k' } });
    const out = chain.block([failing, crash, float, read]);
    assert.deepEqual(
      out.receipts.map((r) => [r.status, r.code]),
      [
        ['failed', 'KV_FAIL'],
        ['failed', 'EXEC_MODULE_ERROR'],
        ['failed', 'EXEC_BAD_RESULT'],
        ['ok', ''],
      ],
    );
    assert.equal(out.receipts[0]!.message, 'deliberate failure');
    assert.equal(out.receipts[0]!.result.length, 0);
    assert.equal(result(out.receipts[3]!.result), 'before');
    assert.deepEqual(out.stateWrites, []);
    assert.equal(fromUtf8(chain.state.get(kvKey('kv', 'k'))!), 'before');
    assert.equal(out.txIds.length, 4);
  });

  test('a duplicate in the block and a replay of a committed tx fail with TX_DUPLICATE', () => {
    const chain = new TestChain();
    const fx = chain.tx({ args: { key: 'd', value: '1' } });
    const checked = chain.check({ args: { key: 'd', value: '1' } });
    const first = chain.executor.checkTx(fx.bytes, { height: 1 });
    const out = chain.block([first, checked, first, handMade(fx.bytes)]);
    assert.deepEqual(
      out.receipts.map((r) => r.code),
      ['', '', 'TX_DUPLICATE', 'TX_DUPLICATE'],
    );
    const again = chain.block([first]);
    assert.equal(again.receipts[0]!.code, 'TX_DUPLICATE');
    assert.deepEqual(again.stateWrites, []);
  });

  test('stateful checks are re-run at execution time', () => {
    const chain = new TestChain();
    const expiring = chain.check({ expiryHeight: 1, args: { key: 'e', value: '1' } });
    chain.block([]);
    const out = chain.block([expiring]);
    assert.equal(out.receipts[0]!.code, 'TX_EXPIRED');
    assert.equal(chain.state.get(kvKey('kv', 'e')), undefined);
  });

  test('hand-made CheckedTx cannot skip verification or claim another sender', () => {
    const chain = new TestChain();
    const fx = chain.tx({ args: { key: 's', value: '1' } });
    const badSig = new Uint8Array(chain.tx().bytes);
    badSig[badSig.length - 1]! ^= 1;
    const other = chain.suite.generateKey();
    const out = chain.block([
      handMade(badSig),
      handMade(chain.tx({ chainId: 'other' }).bytes),
      handMade(fx.bytes, {
        sender: { publicKey: other.publicKey.bytes, address: addressOf(chain.suite, other.publicKey.bytes) },
      }),
    ]);
    assert.deepEqual(
      out.receipts.map((r) => r.code),
      ['TX_BAD_SIGNATURE', 'TX_WRONG_CHAIN', ''],
    );
    assert.equal(
      (result(out.receipts[2]!.result) as { sender: string }).sender,
      addressOf(chain.suite, chain.key.publicKey.bytes),
    );
    assert.ok(equalBytes(out.receipts[2]!.txId, chain.suite.hash(fx.bodyBytes)), 'txId recomputed');
    // The failed tx spent its txId; a CheckedTx admitted with skipSignature is trusted by contract.
    assert.equal(chain.block([handMade(fx.bytes)]).receipts[0]!.code, 'TX_DUPLICATE');
    const unsigned = new Uint8Array(chain.tx().bytes);
    unsigned[unsigned.length - 1]! ^= 1;
    const trusted = chain.executor.checkTx(unsigned, { height: chain.height + 1 }, { skipSignature: true });
    assert.equal(chain.block([trusted]).receipts[0]!.status, 'ok');
  });

  test('modules are isolated by namespace', () => {
    const chain = new TestChain('intl', [kvModule('kv'), kvModule('kvx'), kvModule('k')]);
    chain.block([
      chain.check({ args: { key: 'shared', value: 'kv' } }),
      chain.check({ module: 'k', args: { key: 'vx\u0000shared', value: 'k' } }),
    ]);
    const out = chain.block([
      chain.check({ module: 'kvx', method: 'read', args: { key: 'shared' } }),
      chain.check({ module: 'kvx', method: 'scan', args: { key: '' } }),
      chain.check({ module: 'kv', method: 'scan', args: { key: '' } }),
      chain.check({ module: 'kv', method: 'read', args: { key: 'shared' } }),
    ]);
    assert.deepEqual(
      out.receipts.map((r) => result(r.result)),
      [null, [], ['shared'], 'kv'],
    );
    assert.ok(chain.state.get(kvKey('kv', 'shared')));
    assert.ok(chain.state.get(concatBytes(utf8('k'), new Uint8Array([0]), utf8('vx\u0000shared'))));
    assert.equal(chain.executor.query('kvx', 'get', { key: 'shared' }), null);
  });

  test("writes under a module's unversioned prefixes are marked history: false", () => {
    const chain = new TestChain('intl', [
      { ...kvModule('kv'), unversioned: [utf8('idx/')] },
      kvModule('kvx'),
    ]);
    const out = chain.block([
      chain.check({ args: { key: 'idx/1', value: 'a' } }),
      chain.check({ args: { key: 'rec', value: 'b' } }),
      chain.check({ module: 'kvx', args: { key: 'idx/2', value: 'c' } }),
    ]);
    const flags = out.stateWrites.map((w) => [fromUtf8(w.key), w.history]);
    assert.deepEqual(flags, [
      ['kv\u0000idx/1', false],
      ['kv\u0000rec', undefined],
      ['kvx\u0000idx/2', undefined],
    ]);
  });

  test('rejects invalid block input with EXEC_BAD_BLOCK', () => {
    const chain = new TestChain();
    const ok = { height: 1, time: 1, prevAppHash: chain.appHash, txs: [] };
    const bad = [
      { ...ok, height: 0 },
      { ...ok, time: -1 },
      { ...ok, prevAppHash: new Uint8Array(31) },
      { ...ok, txs: Array.from({ length: PARAMS.maxBlockTxs + 1 }, () => chain.check()) },
    ];
    for (const input of bad) {
      assert.throws(
        () => chain.executor.executeBlock(input),
        (e: unknown) => e instanceof XinlianError && e.code === 'EXEC_BAD_BLOCK',
      );
    }
    assert.equal(chain.executor.executeBlock(ok).receipts.length, 0);
  });

  test('a failing state read aborts the block instead of producing a receipt', () => {
    const suiteChain = new TestChain();
    const broken: ExecutionStateReader = {
      get: () => {
        throw new XinlianError('STORE_IO', 'disk on fire');
      },
      scan: () => [],
      history: () => [],
    };
    const mem = new MemoryState();
    const executor = new Executor(
      { chainId: CHAIN_ID, params: PARAMS },
      { suite: suiteChain.suite, modules: [kvModule('kv')], state: broken, txIndex: mem },
    );
    const tx = executor.checkTx(
      signTx(suiteChain.suite, suiteChain.key, { method: 'read', args: { key: 'a' } }).bytes,
      {
        height: 1,
      },
    );
    assert.throws(
      () => executor.executeBlock({ height: 1, time: 1, prevAppHash: suiteChain.appHash, txs: [tx] }),
      (e: unknown) => e instanceof XinlianError && e.code === 'STORE_IO',
    );
  });

  test('module names are validated', () => {
    const chain = new TestChain();
    for (const modules of [[kvModule('Bad')], [kvModule('kv'), kvModule('kv')], [kvModule('a'.repeat(33))]]) {
      assert.throws(
        () =>
          new Executor(
            { chainId: CHAIN_ID, params: PARAMS },
            { suite: chain.suite, modules, state: chain.state, txIndex: chain.state },
          ),
        (e: unknown) => e instanceof XinlianError && e.code === 'EXEC_INVALID_MODULE',
      );
    }
  });
});
