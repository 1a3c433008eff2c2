/**
 * Chain params from committed state (ExecutorModules.params): a change written by block H applies
 * from block H+1 on, in checkTx and in executeBlock alike, also to txs checked before the change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSuite } from '@xinlian/crypto';
import { concatBytes, fromUtf8, utf8 } from '@xinlian/utils';
import {
  type ExecutionParams,
  Executor,
  genesisAppHash,
  MemoryState,
  namespacePrefix,
} from '../src/index.js';
import { CHAIN_ID, kvModule, PARAMS, signTx } from './helpers.js';

function chain() {
  const suite = createSuite('intl');
  const state = new MemoryState();
  const executor = new Executor(
    { chainId: CHAIN_ID, params: PARAMS },
    {
      suite,
      modules: [kvModule('kv')],
      state,
      txIndex: state,
      params: {
        key: concatBytes(namespacePrefix('kv'), utf8('params')),
        decode: (v) => JSON.parse(fromUtf8(v)) as Partial<ExecutionParams>,
      },
    },
  );
  const key = suite.generateKey();
  let height = 0;
  let appHash = genesisAppHash(suite, suite.hash(utf8('g')));
  const block = (txs: ReturnType<Executor['checkTx']>[]) => {
    height++;
    const r = executor.executeBlock({ height, time: 1_700_000_000_000 + height, prevAppHash: appHash, txs });
    state.commit(height, r);
    appHash = r.appHash;
    return r;
  };
  const tx = (args: { key: string; value: string }, expiryHeight = height + 5) =>
    signTx(suite, key, { args, expiryHeight }).bytes;
  const check = (bytes: Uint8Array) => executor.checkTx(bytes, { height: height + 1 });
  return { executor, block, tx, check };
}

describe('chain params from committed state', () => {
  it('a change applies from the next block: checkTx, executeBlock, and txs checked before', () => {
    const c = chain();
    assert.deepEqual(c.executor.params(), PARAMS);
    const big = c.tx({ key: 'big', value: 'x'.repeat(400) });
    const earlier = c.check(big); // checked under the old limit
    const set = c.check(c.tx({ key: 'params', value: JSON.stringify({ maxTxBytes: 300, maxBlockTxs: 2 }) }));
    // The same block: still the old params (a big tx after the change is fine).
    const r1 = c.block([set, c.check(c.tx({ key: 'b1', value: 'y'.repeat(400) }))]);
    assert.deepEqual(
      r1.receipts.map((r) => r.status),
      ['ok', 'ok'],
    );
    assert.deepEqual(c.executor.params(), { ...PARAMS, maxTxBytes: 300, maxBlockTxs: 2 });
    assert.throws(() => c.check(c.tx({ key: 'big2', value: 'x'.repeat(400) })), { code: 'TX_TOO_LARGE' });
    const r2 = c.block([earlier, c.check(c.tx({ key: 's', value: 'v' }))]);
    assert.equal(r2.receipts[0]!.code, 'TX_TOO_LARGE');
    assert.equal(r2.receipts[1]!.status, 'ok');
    const three = [1, 2, 3].map((i) => c.check(c.tx({ key: `k${i}`, value: 'v' })));
    assert.throws(() => c.block(three), { code: 'EXEC_BAD_BLOCK' });
  });

  it('maxTxLifetime and maxBlockBytes; a malformed record is ignored', () => {
    const c = chain();
    c.block([
      c.check(c.tx({ key: 'params', value: JSON.stringify({ maxTxLifetime: 3, maxBlockBytes: 700 }) })),
    ]);
    assert.throws(() => c.check(c.tx({ key: 'a', value: 'v' }, 10)), { code: 'TX_EXPIRY_TOO_FAR' });
    const ok = c.check(c.tx({ key: 'a', value: 'v' }, 4));
    const big = c.check(c.tx({ key: 'b', value: 'x'.repeat(500) }, 4));
    assert.throws(() => c.block([ok, big]), { code: 'EXEC_BAD_BLOCK' });
    c.block([ok]);
    c.block([c.check(c.tx({ key: 'params', value: 'not json' }, 5))]);
    assert.deepEqual(c.executor.params(), PARAMS);
  });
});
