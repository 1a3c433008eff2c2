import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isXinlianError } from '@xinlian/utils';
import fc from 'fast-check';
import { createSuite, type HashProgress, hashBlob } from '../src/index.js';

const codeOf = (e: unknown) => (isXinlianError(e) ? e.code : String(e));

describe('hashBlob', () => {
  it('equals the one-shot hash for any content and chunk size, with monotone progress ending at the size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 5000 }),
        fc.integer({ min: 1, max: 2048 }),
        fc.constantFrom('gm', 'intl'),
        async (data, chunkSize, suite) => {
          const progress: HashProgress[] = [];
          const d = await hashBlob(new Blob([data]), {
            suite,
            chunkSize,
            onProgress: (p) => progress.push(p),
          });
          const alg = suite === 'gm' ? 'sm3' : 'sha256';
          assert.equal(d.value, createHash(alg).update(data).digest('hex'));
          assert.equal(d.algorithm, alg);
          assert.equal(d.size, data.length);
          assert.equal(progress.length, 1 + Math.ceil(data.length / chunkSize));
          assert.deepEqual(progress.at(-1), { bytesDone: data.length, bytesTotal: data.length });
          for (let i = 1; i < progress.length; i++)
            assert.ok(progress[i]!.bytesDone > progress[i - 1]!.bytesDone);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('takes a suite object or an algorithm; refuses none, both differing, or unknown', async () => {
    const data = new Blob(['abc']);
    assert.equal(
      (await hashBlob(data, { suite: createSuite('gm') })).value,
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
    assert.equal((await hashBlob(data, { algorithm: 'sha256' })).value.slice(0, 8), 'ba7816bf');
    for (const bad of [
      {},
      { suite: 'gm', algorithm: 'sha256' },
      { suite: 'x' },
      { algorithm: 'md5' },
      { suite: 'gm', chunkSize: 0 },
    ]) {
      await assert.rejects(hashBlob(data, bad as never), (e) => codeOf(e) === 'SDK_BAD_ARGUMENT');
    }
  });

  it('stops with SDK_ABORTED when the signal aborts mid-way', async () => {
    const ac = new AbortController();
    const seen: number[] = [];
    await assert.rejects(
      hashBlob(new Blob([new Uint8Array(10_000)]), {
        algorithm: 'sm3',
        chunkSize: 1000,
        signal: ac.signal,
        onProgress: (p) => {
          seen.push(p.bytesDone);
          if (p.bytesDone >= 3000) ac.abort(new Error('user cancelled'));
        },
      }),
      (e) => isXinlianError(e) && e.code === 'SDK_ABORTED' && e.details.bytesDone === 3000,
    );
    assert.equal(seen.at(-1), 3000);
  });
});
