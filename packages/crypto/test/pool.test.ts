import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSuite, measureVerifyRate, type SuiteId, VerifierPool, type VerifyItem } from '../src/index.js';
import { code } from './helpers.js';

for (const id of ['gm', 'intl'] as SuiteId[]) {
  describe(`VerifierPool (${id})`, () => {
    const suite = createSuite(id);
    const keys = [suite.generateKey(), suite.generateKey(), suite.generateKey()];

    /** A mix of valid, wrong-message, wrong-key and corrupted signatures. */
    function mixedBatch(n: number): VerifyItem[] {
      return Array.from({ length: n }, (_, i) => {
        const key = keys[i % keys.length];
        const message = suite.hash(Uint8Array.of(i));
        const signature = suite.sign(key, message);
        switch (i % 5) {
          case 1:
            return { publicKey: key.publicKey.bytes, message: suite.hash(Uint8Array.of(i + 1)), signature };
          case 2:
            return { publicKey: keys[(i + 1) % keys.length].publicKey.bytes, message, signature };
          case 3:
            return {
              publicKey: key.publicKey.bytes,
              message,
              signature: signature.map((b, j) => (j === 5 ? b ^ 1 : b)),
            };
          default:
            return { publicKey: key.publicKey.bytes, message, signature };
        }
      });
    }

    it('returns the same booleans as single-thread verify, in order', async () => {
      const pool = new VerifierPool({ suite: id, threads: 2 });
      try {
        for (const n of [0, 1, 7, 40]) {
          const items = mixedBatch(n);
          const expected = items.map((it) =>
            suite.verify({ suite: id, bytes: it.publicKey }, it.message, it.signature),
          );
          assert.deepEqual(await pool.verifyBatch(items), expected, `batch of ${n}`);
          if (n === 40) assert.ok(expected.includes(true) && expected.includes(false));
        }
        // concurrent batches do not mix up their answers
        const a = mixedBatch(10);
        const b = mixedBatch(10).reverse();
        const [ra, rb] = await Promise.all([pool.verifyBatch(a), pool.verifyBatch(b)]);
        assert.deepEqual(rb, [...ra].reverse());
      } finally {
        await pool.close();
      }
    });

    it('gives false for a malformed public key; refuses work after close', async () => {
      const pool = new VerifierPool({ suite: id, threads: 1 });
      const good = mixedBatch(1)[0];
      try {
        const results = await pool.verifyBatch([{ ...good, publicKey: new Uint8Array(3) }, good]);
        assert.deepEqual(results, [false, true]);
      } finally {
        await pool.close();
      }
      await assert.rejects(pool.verifyBatch([good]), code('CRYPTO_POOL_CLOSED'));
    });
  });
}

describe('measureVerifyRate', () => {
  it('reports a positive rate for the requested threads', async () => {
    const r = await measureVerifyRate('intl', { threads: 1, durationMs: 100 });
    assert.equal(r.threads, 1);
    assert.ok(r.verifiesPerSecond > 0);
  });

  it('rejects a bad thread count and an unknown suite', () => {
    assert.throws(() => new VerifierPool({ suite: 'gm', threads: 0 }), code('CRYPTO_INVALID_ARGUMENT'));
    assert.throws(() => new VerifierPool({ suite: 'x' as SuiteId }), code('CRYPTO_UNKNOWN_SUITE'));
  });
});
