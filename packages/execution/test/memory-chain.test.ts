/** MemoryChain (module-test support): signed calls execute as committed blocks with injected time and nonces. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeSignedTx } from '@xinlian/codec';
import { createSuite } from '@xinlian/crypto';
import { MemoryChain } from '../src/index.js';
import { CHAIN_ID, kvModule, PARAMS } from './helpers.js';

describe('MemoryChain', () => {
  const suite = createSuite('intl');
  const key = suite.generateKey();
  const make = () => {
    let n = 100;
    return new MemoryChain({
      chainId: CHAIN_ID,
      suite,
      modules: [kvModule('kv')],
      params: PARAMS,
      genesisLabel: 'memory chain test',
      timeOf: (h) => 1_000 * h,
      nonce: () => n++,
    });
  };

  it('signs with the injected nonce, the chain ID and expiry height + 10', () => {
    const chain = make();
    const tx = decodeSignedTx(
      chain.signCall({ key, module: 'kv', method: 'set', args: { key: 'a', value: '1' } }),
    );
    assert.equal(tx.body.chainId, CHAIN_ID);
    assert.equal(tx.body.nonce, 100);
    assert.equal(tx.body.expiryHeight, 10);
    assert.equal(tx.body.module, 'kv');
    assert.ok(suite.verify(key.publicKey, tx.bodyBytes, tx.signature));
  });

  it('executes checked txs as the next block at timeOf(height), commits state and advances the app hash', () => {
    const chain = make();
    const genesis = chain.appHash;
    const tx = chain.executor.checkTx(
      chain.signCall({ key, module: 'kv', method: 'set', args: { key: 'a', value: '1' } }),
      { height: 1 },
    );
    const [r] = chain.commitBlock([tx]);
    assert.equal(r!.receipt.status, 'ok');
    assert.deepEqual(r!.result, { sender: tx.sender.address, height: 1, time: 1_000, index: 0 });
    assert.equal(chain.height, 1);
    assert.notDeepEqual(chain.appHash, genesis);
    assert.equal(chain.executor.query('kv', 'get', { key: 'a' }), '1');
    assert.deepEqual(chain.commitBlock([]), []);
    assert.equal(chain.height, 2);
  });
});
