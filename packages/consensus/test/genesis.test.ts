import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSuite, SUITE_IDS } from '@xinlian/crypto';
import { toHex, XinlianError } from '@xinlian/utils';
import { type GenesisDocument, genesisHash, genesisValidatorSet } from '../src/index.js';

for (const suiteId of SUITE_IDS) {
  const suite = createSuite(suiteId);
  const keys = [suite.generateKey(), suite.generateKey()];
  const genesis: GenesisDocument = {
    format: 'xinlian-genesis/1',
    chainId: 'g-chain',
    suite: suiteId,
    genesisTime: 1_700_000_000_000,
    validators: keys.map((k, i) => ({ name: `org${i}`, publicKey: toHex(k.publicKey.bytes), power: i + 1 })),
    params: {
      blockIntervalMs: 200,
      maxBlockTxs: 10,
      maxBlockBytes: 4096,
      maxTxBytes: 1024,
      maxTxLifetime: 100,
    },
  };

  test(`genesisHash (${suiteId}) ignores key order and changes with any field`, () => {
    const h = genesisHash(suite, genesis);
    assert.equal(h.length, 32);
    const reordered = Object.fromEntries(Object.entries(genesis).reverse()) as GenesisDocument;
    assert.deepEqual(genesisHash(suite, reordered), h);
    for (const changed of [
      { ...genesis, chainId: 'g-chain2' },
      { ...genesis, genesisTime: 1_700_000_000_001 },
      { ...genesis, validators: [...genesis.validators].reverse() },
    ]) {
      assert.notDeepEqual(genesisHash(suite, changed), h);
    }
    const other = createSuite(suiteId === 'gm' ? 'intl' : 'gm');
    assert.throws(
      () => genesisHash(other, genesis),
      (e: unknown) => e instanceof XinlianError && e.code === 'CONSENSUS_BAD_GENESIS',
    );
  });

  test(`genesisValidatorSet (${suiteId}) keeps order, keys and powers`, () => {
    const set = genesisValidatorSet(genesis);
    assert.deepEqual(
      set.validators.map((v) => [v.name, v.power]),
      [
        ['org0', 1],
        ['org1', 2],
      ],
    );
    for (const [i, v] of set.validators.entries()) assert.deepEqual(v.publicKey, keys[i]!.publicKey.bytes);
    assert.throws(
      () => genesisValidatorSet({ ...genesis, validators: [{ name: 'x', publicKey: 'zz', power: 1 }] }),
      (e: unknown) => e instanceof XinlianError && e.code === 'CONSENSUS_BAD_GENESIS',
    );
  });
}
