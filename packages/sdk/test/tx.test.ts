import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeSignedTx,
  merkleLeafHash,
  merkleRoot,
  parseCanonicalJson,
  verifyInclusion,
} from '@xinlian/codec';
import { createSuite, SUITE_IDS } from '@xinlian/crypto';
import { fromHex, toHex, XinlianError } from '@xinlian/utils';
import fc from 'fast-check';
import {
  batchProof,
  buildBatch,
  buildTx,
  digestOf,
  evidenceArgs,
  generateKey,
  randomNonce,
} from '../src/index.js';

for (const suiteId of SUITE_IDS) {
  const suite = createSuite(suiteId);
  const hash = (...parts: Uint8Array[]) => suite.hash(...parts);

  test(`buildTx (${suiteId}) signs canonical args and names the tx by its body hash`, () => {
    const key = generateKey(suiteId);
    const algorithm = suiteId === 'gm' ? 'sm3' : 'sha256';
    const digest = digestOf(algorithm, new TextEncoder().encode('hello'));
    const built = buildTx({
      chainId: 'c1',
      key,
      expiryHeight: 42,
      nonce: 7,
      ...evidenceArgs.submit({ tags: ['z', 'a'], digests: [digest], fileName: 'hello.txt' }),
    });
    const tx = decodeSignedTx(built.bytes);
    assert.deepEqual(tx.body.signer, key.publicKey.bytes);
    assert.equal(tx.body.chainId, 'c1');
    assert.equal(tx.body.nonce, 7);
    assert.equal(tx.body.expiryHeight, 42);
    assert.equal(tx.body.module, 'evidence');
    assert.equal(tx.body.method, 'submit');
    assert.deepEqual(parseCanonicalJson(tx.body.args), {
      digests: [digest],
      fileName: 'hello.txt',
      tags: ['z', 'a'],
    });
    assert.ok(suite.verify(key.publicKey, tx.bodyBytes, tx.signature));
    assert.equal(built.txId, toHex(suite.hash(tx.bodyBytes)));
    assert.deepEqual(built.signedTx.bodyBytes, tx.bodyBytes);
    const again = buildTx({ chainId: 'c1', key, expiryHeight: 42, module: 'm', method: 'x', args: {} });
    assert.ok(Number.isSafeInteger(decodeSignedTx(again.bytes).body.nonce));
  });

  test(`buildBatch (${suiteId}) is the RFC 6962 tree of the raw digests; every proof verifies`, () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 1, maxLength: 40 }),
        (ds) => {
          const batch = buildBatch(ds, suite);
          assert.equal(batch.size, ds.length);
          assert.deepEqual(batch.root, merkleRoot(hash, ds));
          ds.forEach((d, i) => {
            const anchor = batchProof(batch.tree, i);
            assert.equal(anchor.batchRoot, toHex(batch.root));
            assert.equal(anchor.treeSize, ds.length);
            const path = anchor.path.map((p) => fromHex(p));
            assert.ok(verifyInclusion(hash, merkleLeafHash(hash, d), i, ds.length, path, batch.root));
          });
        },
      ),
      { numRuns: 30 },
    );
    for (const bad of [[], [new Uint8Array(31)]]) {
      assert.throws(
        () => buildBatch(bad, suite),
        (e: unknown) => e instanceof XinlianError && e.code === 'SDK_BAD_DIGEST',
      );
    }
  });
}

test('random nonces are distinct safe integers', () => {
  const nonces = new Set(Array.from({ length: 1000 }, randomNonce));
  assert.equal(nonces.size, 1000);
  for (const n of nonces) assert.ok(Number.isSafeInteger(n) && n >= 0);
});
