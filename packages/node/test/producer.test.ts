import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { decodeBlock, validatorSetHash } from '@xinlian/codec';
import { SoloProposer, verifyCommitCertificate } from '@xinlian/consensus';
import { createSuite, type PrivateKey } from '@xinlian/crypto';
import { Executor } from '@xinlian/execution';
import { createEvidenceModule } from '@xinlian/module-evidence';
import { buildTx, digestOf, evidenceArgs, generateKey } from '@xinlian/sdk';
import { LmdbChainStore } from '@xinlian/store';
import { XinlianError } from '@xinlian/utils';
import pino from 'pino';
import { Admission } from '../src/admission.js';
import { Mempool } from '../src/mempool.js';
import { NodeMetrics } from '../src/metrics.js';
import { BlockProducer, type CommittedBlock, type PendingTx } from '../src/producer.js';

const suite = createSuite('intl');
const CHAIN = 'producer-test';
const GENESIS_TIME = 1_000_000;
const HEARTBEAT = 10_000;

describe('BlockProducer (injected clock, real store/executor/consensus)', { timeout: 30_000 }, () => {
  let dir: string;
  let store: LmdbChainStore;
  let now: number;
  let producer: BlockProducer;
  let admission: Admission;
  let mempool: Mempool<PendingTx>;
  let validatorKey: PrivateKey;
  let commits: { block: CommittedBlock; storedHeight: number | undefined }[];
  let drops: { txIds: string[]; code: string }[];
  const client = generateKey('intl');
  let nonce = 0;

  const validatorSet = () => ({
    validators: [{ name: 'v', publicKey: validatorKey.publicKey.bytes, power: 1 }],
  });
  const submit = (expiryHeight = 50) =>
    admission.admit({
      bytes: buildTx({
        chainId: CHAIN,
        key: client,
        nonce: nonce++,
        expiryHeight,
        ...evidenceArgs.submit({ digests: [digestOf('sha256', new Uint8Array([nonce]))] }),
      }).bytes,
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xinlian-producer-'));
    store = await LmdbChainStore.open({ path: dir, noSync: true });
    now = GENESIS_TIME + 1;
    validatorKey = generateKey('intl');
    commits = [];
    drops = [];
    const clock = { now: () => now };
    const metrics = new NodeMetrics();
    mempool = new Mempool<PendingTx>({ capacity: 100, maxBytes: 1 << 20 });
    const executor = new Executor(
      { chainId: CHAIN, params: { maxTxBytes: 4096, maxTxLifetime: 100, maxBlockTxs: 2 } },
      { suite, modules: [createEvidenceModule()], state: store, txIndex: store },
    );
    const proposer = new SoloProposer(
      { chainId: CHAIN, key: validatorKey, validatorSet: validatorSet() },
      { suite },
    );
    producer = new BlockProducer(
      {
        chainId: CHAIN,
        blockIntervalMs: 100,
        heartbeatMs: HEARTBEAT,
        maxBlockTxs: 2,
        maxBlockBytes: 1 << 20,
        validatorSetHash: validatorSetHash(suite.hash, validatorSet()),
        proposer: validatorKey.publicKey.bytes,
      },
      {
        clock,
        timers: { setTimeout: () => ({}), clearTimeout: () => {} },
        store,
        mempool,
        executor,
        certify: (header) => proposer.commit(header),
        logger: pino({ level: 'silent' }),
        metrics,
        onCommit: (c) => commits.push({ block: c, storedHeight: store.head()?.height }),
        onDrop: (txs, err) => drops.push({ txIds: txs.map((t) => t.txId), code: err.code }),
      },
      { height: 0, blockId: new Uint8Array(32), appHash: new Uint8Array(32), time: GENESIS_TIME },
    );
    admission = new Admission({
      suite,
      clock,
      mempool,
      txIndex: store,
      metrics,
      checkTx: (bytes, skip) =>
        executor.checkTx(bytes, { height: producer.head.height + 1 }, { skipSignature: skip }),
    });
  });

  afterEach(async () => {
    await store.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  it('makes empty blocks only as a heartbeat', async () => {
    assert.equal(await producer.produce(), undefined);
    now = GENESIS_TIME + HEARTBEAT - 1;
    assert.equal(await producer.produce(), undefined);
    now = GENESIS_TIME + HEARTBEAT;
    const block = await producer.produce();
    assert.equal(block?.block.header.height, 1);
    assert.equal(block?.block.header.txCount, 0);
    assert.equal(block?.block.header.time, now);
    assert.equal(await producer.produce(), undefined);
  });

  it('takes txs FIFO within maxBlockTxs, commits durably before notifying, and chains headers', async () => {
    const txs = [await submit(), await submit(), await submit()];
    const first = await producer.produce();
    assert.deepEqual(
      first?.txs.map((t) => t.txId),
      [txs[0]!.txId, txs[1]!.txId],
    );
    assert.equal(commits[0]!.storedHeight, 1, 'onCommit must run after the store has the block');
    assert.equal(mempool.size, 1);

    now = GENESIS_TIME - 5; // the clock went backwards: block time still increases
    const second = await producer.produce();
    assert.deepEqual(
      second?.txs.map((t) => t.txId),
      [txs[2]!.txId],
    );
    assert.equal(second?.block.header.time, first!.block.header.time + 1);
    assert.deepEqual(second?.block.header.parentId, first!.blockId);
    assert.equal(mempool.size, 0);

    const stored = decodeBlock(store.getBlockBytes(2)!);
    assert.deepEqual(stored.header, second!.block.header);
    verifyCommitCertificate(suite, CHAIN, validatorSet(), stored.certificate, second!.blockId);
    assert.deepEqual(store.getTxLocation(Buffer.from(txs[2]!.txId, 'hex')), { height: 2, index: 0 });
  });

  it('evicts txs that expired before inclusion and fails their waiters with TX_EXPIRED', async () => {
    const a = await submit();
    const b = await submit();
    const c = await submit(1); // valid for height 1 only, but the block limit leaves it out
    await producer.produce();
    assert.deepEqual(
      commits[0]!.block.txs.map((t) => t.txId),
      [a.txId, b.txId],
    );
    assert.equal(await producer.produce(), undefined, 'nothing left to include and no heartbeat due');
    assert.deepEqual(drops, [{ txIds: [c.txId], code: 'TX_EXPIRED' }]);
    assert.equal(mempool.size, 0);
    assert.equal(store.getTxLocation(Buffer.from(c.txId, 'hex')), undefined);
  });

  it('drops a tx of the mempool that is already committed and makes the block without it', async () => {
    const a = await submit();
    await producer.produce();
    // The race admission guards against (a tx committed while its signature was verified): the
    // committed entry is back in the mempool.
    mempool.add(a);
    const b = await submit();
    const block = await producer.produce();
    assert.deepEqual(
      block?.txs.map((t) => t.txId),
      [b.txId],
    );
    assert.deepEqual(drops, [{ txIds: [a.txId], code: 'TX_DUPLICATE' }]);
    assert.deepEqual(store.getTxLocation(Buffer.from(a.txId, 'hex')), { height: 1, index: 0 });
    assert.equal(mempool.size, 0);
    // Alone: dropped, and no block (no heartbeat due).
    mempool.add(a);
    assert.equal(await producer.produce(), undefined);
    assert.equal(drops.length, 2);
    assert.equal(mempool.size, 0);
    assert.equal(producer.head.height, 2);
  });

  it('keeps head and mempool when the store commit fails, then retries the same signed block', async () => {
    const tx = await submit();
    const realCommit = store.commitBlock.bind(store);
    const attempted: Uint8Array[] = [];
    store.commitBlock = async (c) => {
      attempted.push(c.blockId);
      if (attempted.length === 1) throw new XinlianError('STORE_IO', 'disk full', {});
      return realCommit(c);
    };
    await assert.rejects(
      producer.produce(),
      (e: unknown) => e instanceof XinlianError && e.code === 'STORE_IO',
    );
    assert.equal(producer.head.height, 0);
    assert.equal(mempool.size, 1);
    assert.equal(commits.length, 0);

    now += 1000; // a new proposal would have another time (and the proposer refuses to sign twice)
    const block = await producer.produce();
    assert.deepEqual(block?.blockId, attempted[0]);
    assert.deepEqual(attempted[1], attempted[0]);
    assert.equal(producer.head.height, 1);
    assert.deepEqual(store.getTxLocation(Buffer.from(tx.txId, 'hex')), { height: 1, index: 0 });
    assert.equal(mempool.size, 0);
  });
});
