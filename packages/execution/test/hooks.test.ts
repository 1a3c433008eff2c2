/** The host seams for governance: the TxAuthorizer (checkTx and block) and Module.beginBlock. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSuite } from '@xinlian/crypto';
import { fromUtf8, isXinlianError, utf8, XinlianError } from '@xinlian/utils';
import {
  type AuthRequest,
  Executor,
  genesisAppHash,
  MemoryState,
  type Module,
  namespacePrefix,
  type StateView,
} from '../src/index.js';
import { CHAIN_ID, kvModule, PARAMS, signTx } from './helpers.js';

const suite = createSuite('intl');

/** Refuses kv.set when the key "deny/<address>" is set in the kv namespace (written by earlier txs). */
function denyList(seen: AuthRequest[]) {
  return {
    authorize(req: AuthRequest, state: StateView) {
      seen.push(req);
      const key = new Uint8Array([...namespacePrefix('kv'), ...utf8(`deny/${req.sender.address}`)]);
      if (req.method === 'set' && state.get(key) !== undefined) {
        throw new XinlianError('PERM_TEST_DENIED', 'denied', { address: req.sender.address });
      }
    },
  };
}

function chain(modules: Module[], authorizer?: ReturnType<typeof denyList>) {
  const state = new MemoryState();
  const executor = new Executor(
    { chainId: CHAIN_ID, params: PARAMS },
    { suite, modules, state, txIndex: state, ...(authorizer ? { authorizer } : {}) },
  );
  return { state, executor, appHash: genesisAppHash(suite, suite.hash(utf8('g'))) };
}

describe('TxAuthorizer', () => {
  it('sees module, method, decoded args, sender, height and time; refuses at checkTx', () => {
    const seen: AuthRequest[] = [];
    const c = chain([kvModule('kv')], denyList(seen));
    const key = suite.generateKey();
    c.executor.checkTx(signTx(suite, key, { args: { key: 'k', value: 'v' } }).bytes, { height: 1, time: 5 });
    assert.equal(seen[0]!.module, 'kv');
    assert.equal(seen[0]!.method, 'set');
    assert.deepEqual(seen[0]!.args, { key: 'k', value: 'v' });
    assert.equal(seen[0]!.height, 1);
    assert.equal(seen[0]!.time, 5);
    c.executor.checkTx(signTx(suite, key).bytes, { height: 1 });
    assert.equal('time' in seen[1]!, false);
    c.executor.checkTx(signTx(suite, key).bytes, { height: 1 }, { skipAuthorizer: true });
    assert.equal(seen.length, 2);
  });

  it('in a block, sees the writes of earlier txs of the same block (effective at once)', () => {
    const c = chain([kvModule('kv')], denyList([]));
    const key = suite.generateKey();
    const other = suite.generateKey();
    const address = Buffer.from(suite.hash(key.publicKey.bytes).subarray(0, 20)).toString('hex');
    const txs = [
      signTx(suite, key, { args: { key: 'a', value: '1' } }),
      signTx(suite, other, { args: { key: `deny/${address}`, value: '1' } }),
      signTx(suite, key, { args: { key: 'b', value: '2' } }),
    ].map((t) => c.executor.checkTx(t.bytes, { height: 1 }));
    const out = c.executor.executeBlock({ height: 1, time: 10, prevAppHash: c.appHash, txs });
    assert.deepEqual(
      out.receipts.map((r) => r.code),
      ['', '', 'PERM_TEST_DENIED'],
    );
    c.state.commit(1, out);
    assert.throws(
      () => c.executor.checkTx(signTx(suite, key, { expiryHeight: 20 }).bytes, { height: 2 }),
      (e: unknown) => isXinlianError(e) && e.code === 'PERM_TEST_DENIED',
    );
  });
});

describe('Module.beginBlock', () => {
  it('runs before the txs with the block context; its writes count in the state writes; a throwing hook changes nothing', () => {
    const calls: number[] = [];
    const ticker: Module = {
      ...kvModule('tick'),
      beginBlock: (ctx, state) => {
        calls.push(ctx.height);
        state.set(utf8('last'), utf8(`${ctx.height}@${ctx.blockTime}`));
        if (ctx.height === 2) throw new XinlianError('TEST_HOOK', 'boom');
      },
    };
    const c = chain([kvModule('kv'), ticker]);
    const readFirst = c.executor.checkTx(
      signTx(suite, suite.generateKey(), { module: 'tick', method: 'read', args: { key: 'last' } }).bytes,
      { height: 1 },
    );
    const out = c.executor.executeBlock({ height: 1, time: 77, prevAppHash: c.appHash, txs: [readFirst] });
    assert.equal(fromUtf8(out.receipts[0]!.result), '"1@77"');
    assert.equal(out.stateWrites.length, 1);
    c.state.commit(1, out);
    const out2 = c.executor.executeBlock({ height: 2, time: 78, prevAppHash: out.appHash, txs: [] });
    assert.equal(out2.stateWrites.length, 0);
    assert.deepEqual(calls, [1, 2]);
  });
});
