/**
 * Chain params from committed state (ExecutorModules.params): a change written by block H applies
 * from block H+1 on, in checkTx and in executeBlock alike, also to txs checked before the change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSuite } from '@xinlian/crypto';
import { concatBytes, fromUtf8, utf8, XinlianError } from '@xinlian/utils';
import {
  type ExecutionParams,
  type ExecutionStateReader,
  Executor,
  genesisAppHash,
  MemoryState,
  namespacePrefix,
  type TxAuthorizer,
} from '../src/index.js';
import { CHAIN_ID, kvModule, PARAMS, signTx } from './helpers.js';

function chain(opts: { readonly stateVersion?: () => number; readonly authorizer?: TxAuthorizer } = {}) {
  const suite = createSuite('intl');
  const state = new MemoryState();
  const counts = { gets: 0 };
  const counted: ExecutionStateReader = {
    get: (key) => {
      counts.gets++;
      return state.get(key);
    },
    scan: (prefix, o) => state.scan(prefix, o),
    history: (key) => state.history(key),
  };
  const executor = new Executor(
    { chainId: CHAIN_ID, params: PARAMS },
    {
      suite,
      modules: [kvModule('kv')],
      state: counted,
      txIndex: state,
      params: {
        key: concatBytes(namespacePrefix('kv'), utf8('params')),
        decode: (v) => JSON.parse(fromUtf8(v)) as Partial<ExecutionParams>,
      },
      ...(opts.stateVersion === undefined ? {} : { stateVersion: opts.stateVersion }),
      ...(opts.authorizer === undefined ? {} : { authorizer: opts.authorizer }),
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
  return { executor, block, tx, check, counts };
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

  it('with a stateVersion, checkTx reads params and authorizer state once per version; executeBlock always', () => {
    let version = 0;
    const reads: string[] = [];
    const authorizer: TxAuthorizer = {
      authorize: (_req, view) => {
        const v = view.get(concatBytes(namespacePrefix('kv'), utf8('deny')));
        reads.push(v === undefined ? '-' : fromUtf8(v));
        if (v !== undefined) throw new XinlianError('PERM_DENIED', 'denied', {});
      },
    };
    const c = chain({ stateVersion: () => version, authorizer });
    c.block([c.check(c.tx({ key: 'params', value: JSON.stringify({ maxTxBytes: 300 }) }))]);
    c.block([c.check(c.tx({ key: 'deny', value: 'yes' }))]);
    // The version did not change although state did: checkTx keeps its first snapshot.
    const big = c.tx({ key: 'big', value: 'x'.repeat(400) });
    const checked = c.check(big);
    // executeBlock reads the committed params and state itself.
    const r = c.block([checked]);
    assert.equal(r.receipts[0]!.code, 'TX_TOO_LARGE');
    version++;
    assert.throws(() => c.check(c.tx({ key: 'big2', value: 'x'.repeat(400) })), { code: 'TX_TOO_LARGE' });
    assert.throws(() => c.check(c.tx({ key: 'small', value: 'v' })), { code: 'PERM_DENIED' });
  });

  it('a snapshot memoizes committed reads within one version', () => {
    let version = 0;
    const authorizer: TxAuthorizer = {
      authorize: (_req, view) => {
        view.get(utf8('anything'));
      },
    };
    const c = chain({ stateVersion: () => version, authorizer });
    const before = c.counts.gets;
    for (let i = 0; i < 5; i++) c.check(c.tx({ key: `k${i}`, value: 'v' }));
    // One read of the params key and one of `anything`, for five txs.
    assert.equal(c.counts.gets - before, 2);
    version++;
    c.check(c.tx({ key: 'k9', value: 'v' }));
    assert.equal(c.counts.gets - before, 4);
    // Without a stateVersion: both reads for every tx.
    const d = chain({ authorizer });
    const start = d.counts.gets;
    for (let i = 0; i < 3; i++) d.check(d.tx({ key: `k${i}`, value: 'v' }));
    assert.equal(d.counts.gets - start, 6);
  });
});
