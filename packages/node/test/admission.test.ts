import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { encodeSignedTx } from '@xinlian/codec';
import { createSuite, type VerifyItem } from '@xinlian/crypto';
import { Executor } from '@xinlian/execution';
import { createEvidenceModule } from '@xinlian/module-evidence';
import { buildTx, digestOf, evidenceArgs, generateKey } from '@xinlian/sdk';
import { LmdbChainStore } from '@xinlian/store';
import { XinlianError } from '@xinlian/utils';
import { Admission } from '../src/admission.js';
import { Mempool } from '../src/mempool.js';
import { NodeMetrics } from '../src/metrics.js';
import type { PendingTx } from '../src/producer.js';
import { VerifyBatcher } from '../src/verify-batcher.js';

const suite = createSuite('intl');
const CHAIN = 'admission-test';

describe('Admission.admitMany (one verifier call per request)', { timeout: 30_000 }, () => {
  let dir: string;
  let store: LmdbChainStore;
  let mempool: Mempool<PendingTx>;
  let metrics: NodeMetrics;
  let admission: Admission;
  let calls: number[];
  let indexReads: number;
  let duringVerify: (() => Promise<void>) | undefined;
  const key = generateKey('intl');
  let nonce = 0;
  const tx = (chainId = CHAIN) =>
    buildTx({
      chainId,
      key,
      nonce: nonce++,
      expiryHeight: 50,
      ...evidenceArgs.submit({ digests: [digestOf('sha256', new Uint8Array([nonce & 0xff, nonce >> 8]))] }),
    });

  const setup = (capacity: number, withVersion = false) => {
    mempool = new Mempool<PendingTx>({ capacity, maxBytes: 1 << 20 });
    metrics = new NodeMetrics();
    calls = [];
    indexReads = 0;
    duringVerify = undefined;
    const executor = new Executor(
      { chainId: CHAIN, params: { maxTxBytes: 4096, maxTxLifetime: 100, maxBlockTxs: 100 } },
      { suite, modules: [createEvidenceModule()], state: store, txIndex: store },
    );
    // The real suite's verify, behind a counting BatchVerifier (as the VerifierPool would be).
    const verifier = new VerifyBatcher(
      { maxBatch: 512 },
      {
        verifier: {
          verifyBatch: async (items: readonly VerifyItem[]) => {
            calls.push(items.length);
            await duringVerify?.();
            return items.map((it) =>
              suite.verify({ suite: 'intl', bytes: it.publicKey }, it.message, it.signature),
            );
          },
        },
        defer: (fn) => setImmediate(fn),
      },
    );
    admission = new Admission({
      suite,
      clock: { now: () => 1_000 },
      mempool,
      txIndex: {
        getTxLocation: (txId) => {
          indexReads++;
          return store.getTxLocation(txId);
        },
      },
      ...(withVersion ? { stateVersion: () => store.stateVersion() } : {}),
      metrics,
      checkTx: (bytes, skipSignature) => executor.checkTx(bytes, { height: 1 }, { skipSignature }),
      verifier,
    });
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xinlian-admission-'));
    store = await LmdbChainStore.open({ path: dir, noSync: true });
    setup(100);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers every tx in order, verifies all signatures in one call, admits a repeated tx once', async () => {
    const [a, b, c] = [tx(), tx(), tx()];
    const sig = b.signedTx.signature.slice();
    sig[3]! ^= 1;
    const badSig = encodeSignedTx({ ...b.signedTx, signature: sig });
    const results = await admission.admitMany([
      a.bytes,
      badSig,
      tx('other').bytes,
      c.bytes,
      a.bytes,
      Uint8Array.of(1),
    ]);
    const codes = results.map((r) => (r instanceof XinlianError ? r.code : r.txId));
    assert.deepEqual(codes, [a.txId, 'TX_BAD_SIGNATURE', 'TX_WRONG_CHAIN', c.txId, a.txId, 'TX_MALFORMED']);
    assert.equal(results[0], results[4], 'the repeated tx names the same mempool entry');
    assert.deepEqual(calls, [4], 'one verifier call for the four txs that passed the synchronous checks');
    assert.equal(mempool.size, 2);
    const text = await metrics.registry.metrics();
    assert.match(text, /xinlian_tx_rejected_total\{code="TX_BAD_SIGNATURE"\} 1/);
    assert.match(text, /xinlian_tx_rejected_total\{code="TX_MALFORMED"\} 1/);

    // A resubmission of pending txs needs no signature check at all.
    const again = await admission.admitMany([a.bytes, c.bytes]);
    assert.deepEqual(
      again.map((r) => (r instanceof XinlianError ? r.code : r.txId)),
      [a.txId, c.txId],
    );
    assert.deepEqual(calls, [4]);
  });

  it('refuses the txs that do not fit with MEMPOOL_FULL and admits the rest', async () => {
    setup(2);
    const txs = [tx(), tx(), tx()];
    const results = await admission.admitMany(txs.map((t) => t.bytes));
    assert.deepEqual(
      results.map((r) => (r instanceof XinlianError ? r.code : 'ok')),
      ['ok', 'ok', 'MEMPOOL_FULL'],
    );
    assert.equal(mempool.size, 2);
    // Nothing stays reserved: once the pool is full, a whole request is refused up front.
    await assert.rejects(admission.admitMany([tx().bytes]), (e: unknown) => {
      return e instanceof XinlianError && e.code === 'MEMPOOL_FULL';
    });
  });

  it('with a stateVersion, re-reads the tx index after verification only if a block committed meanwhile', async () => {
    setup(100, true);
    const [a, b] = [tx(), tx()];
    // Executor.checkTx reads the index directly from the store; these count Admission's own reads.
    const first = await admission.admitMany([a.bytes, b.bytes]);
    assert.ok(first.every((r) => !(r instanceof XinlianError)));
    assert.equal(indexReads, 0, 'no commit while verifying: no second look');
    for (const bytes of [a.bytes, b.bytes]) await admission.admit({ bytes }); // pending: no verification
    assert.equal(indexReads, 0);

    // A block with c commits while c's signature is being verified (the race the re-check guards).
    const c = tx();
    const d = tx();
    duringVerify = () =>
      store.commitBlock({
        height: 1,
        blockId: new Uint8Array(32).fill(7),
        blockBytes: Uint8Array.of(1),
        receipts: [Uint8Array.of(2)],
        txIds: [Buffer.from(c.txId, 'hex')],
        appHash: new Uint8Array(32),
        stateWrites: [],
      });
    const second = await admission.admitMany([c.bytes, d.bytes]);
    assert.deepEqual(
      second.map((r) => (r instanceof XinlianError ? r.code : r.txId)),
      ['TX_DUPLICATE', d.txId],
    );
    assert.equal(indexReads, 2);
  });

  it('without a stateVersion, always re-reads the tx index after verification', async () => {
    const results = await admission.admitMany([tx().bytes, tx().bytes]);
    assert.ok(results.every((r) => !(r instanceof XinlianError)));
    assert.equal(indexReads, 2);
  });
});
