import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type Block, decodeBlock, encodeBlock, type Vote, validatorSetHash } from '@xinlian/codec';
import { createSuite, type PrivateKey } from '@xinlian/crypto';
import { Executor, genesisAppHash } from '@xinlian/execution';
import { createEvidenceModule } from '@xinlian/module-evidence';
import { buildTx, digestOf, evidenceArgs, generateKey } from '@xinlian/sdk';
import { LmdbChainStore } from '@xinlian/store';
import { toHex } from '@xinlian/utils';
import pino from 'pino';
import { BftApp } from '../src/bft/app.js';
import { FileWal, readWal } from '../src/bft/wal.js';
import { Mempool } from '../src/mempool.js';
import type { HeadState, PendingTx } from '../src/producer.js';

const suite = createSuite('intl');
const CHAIN = 'bft-app-test';
const GENESIS_TIME = 1_000_000;

/** A pino logger whose records are kept for assertions. */
function capture(): { logger: pino.Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => records.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, records };
}

describe('BftApp: proposals from the mempool, deterministic validation', { timeout: 30_000 }, () => {
  let dir: string;
  let store: LmdbChainStore;
  let validator: PrivateKey;
  const client = generateKey('intl');
  let nonce = 0;
  let head: HeadState;

  const set = () => ({ validators: [{ name: 'v', publicKey: validator.publicKey.bytes, power: 1 }] });
  /** Verifies with the suite (what the node's worker pool does), counting the signatures. */
  const suiteVerifier = () => {
    const v = {
      calls: 0,
      verifyBatch: async (
        items: readonly { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[],
      ) => {
        v.calls += items.length;
        return items.map((i) => suite.verify(suite.publicKeyFromBytes(i.publicKey), i.message, i.signature));
      },
    };
    return v;
  };
  const makeApp = (
    mempool: Mempool<PendingTx>,
    logger: pino.Logger,
    extra: {
      verifier?: ReturnType<typeof suiteVerifier>;
      admitting?: (txId: string) => Promise<unknown> | undefined;
      proposeMaxTxs?: number;
    } = {},
  ) => {
    const executor = new Executor(
      { chainId: CHAIN, params: { maxTxBytes: 4096, maxTxLifetime: 100, maxBlockTxs: 100 } },
      { suite, modules: [createEvidenceModule()], state: store, txIndex: store },
    );
    const app = new BftApp(
      {
        chainId: CHAIN,
        maxBlockTxs: 100,
        maxBlockBytes: 1 << 20,
        validatorSetHash: validatorSetHash(suite.hash, set()),
        proposer: validator.publicKey.bytes,
        ...(extra.proposeMaxTxs === undefined ? {} : { proposeMaxTxs: extra.proposeMaxTxs }),
      },
      {
        suite,
        clock: { now: () => GENESIS_TIME + 10 },
        store,
        mempool,
        executor,
        validatorSet: set(),
        logger,
        head: () => head,
        ...(extra.verifier === undefined ? {} : { verifier: extra.verifier }),
        ...(extra.admitting === undefined ? {} : { admitting: extra.admitting }),
      },
    );
    return { app, executor };
  };
  const pending = (executor: Executor): PendingTx => {
    const tx = buildTx({
      chainId: CHAIN,
      key: client,
      nonce: nonce++,
      expiryHeight: 50,
      ...evidenceArgs.submit({ digests: [digestOf('sha256', new Uint8Array([nonce, 7]))] }),
    });
    const checked = executor.checkTx(tx.bytes, { height: 1 });
    return { txId: tx.txId, size: tx.bytes.length, expiryHeight: 50, checked, admittedAt: 0 };
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xinlian-bft-app-'));
    store = await LmdbChainStore.open({ path: dir, noSync: true });
    validator = generateKey('intl');
    head = {
      height: 0,
      blockId: new Uint8Array(32),
      appHash: genesisAppHash(suite, new Uint8Array(32)),
      time: GENESIS_TIME,
    };
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a proposal validates on another node that has none of its txs (signatures verified once there)', () => {
    const proposerPool = new Mempool<PendingTx>({ capacity: 100, maxBytes: 1 << 20 });
    const proposer = makeApp(proposerPool, capture().logger);
    for (let i = 0; i < 3; i++) proposerPool.add(pending(proposer.executor));
    const bytes = proposer.app.propose(1, 0);
    assert.equal(decodeBlock(bytes).txs.length, 3);
    assert.equal(proposer.app.validate(1, bytes), true);
    assert.equal(proposer.app.signaturesVerified, 0, 'the proposer verified its mempool txs at admission');

    const other = makeApp(new Mempool<PendingTx>({ capacity: 100, maxBytes: 1 << 20 }), capture().logger);
    assert.equal(other.app.validate(1, bytes), true);
    assert.equal(other.app.signaturesVerified, 3);
    // Validating again (a later round re-proposing it) verifies nothing new.
    const again = makeApp(new Mempool<PendingTx>({ capacity: 100, maxBytes: 1 << 20 }), capture().logger);
    assert.equal(again.app.validate(1, bytes), true);
    assert.equal(again.app.validate(1, bytes), true);
    assert.equal(again.app.signaturesVerified, 3);
  });

  it('a node whose mempool holds the txs does not re-verify their signatures', () => {
    const pool = new Mempool<PendingTx>({ capacity: 100, maxBytes: 1 << 20 });
    const proposer = makeApp(pool, capture().logger);
    for (let i = 0; i < 4; i++) pool.add(pending(proposer.executor));
    const bytes = proposer.app.propose(1, 0);
    const other = makeApp(pool, capture().logger);
    assert.equal(other.app.validate(1, bytes), true);
    assert.equal(other.app.signaturesVerified, 0);
  });

  it('rejects a block with a duplicate txId, a bad tx signature, a wrong parent or a wrong app hash', () => {
    const pool = new Mempool<PendingTx>({ capacity: 100, maxBytes: 1 << 20 });
    const proposer = makeApp(pool, capture().logger);
    for (let i = 0; i < 2; i++) pool.add(pending(proposer.executor));
    const good = decodeBlock(proposer.app.propose(1, 0));
    const cases: { name: string; block: Block; reason: string }[] = [
      {
        name: 'duplicate txId',
        block: { ...good, txs: [good.txs[0]!, good.txs[0]!], header: { ...good.header, txCount: 2 } },
        reason: 'duplicate_tx',
      },
      {
        name: 'bad signature',
        block: {
          ...good,
          txs: [
            good.txs[0]!,
            {
              ...good.txs[1]!,
              signature: Uint8Array.from(good.txs[1]!.signature, (b, i) => (i === 0 ? b ^ 1 : b)),
            },
          ],
        },
        reason: 'bad_tx',
      },
      {
        name: 'wrong parent',
        block: { ...good, header: { ...good.header, parentId: new Uint8Array(32).fill(9) } },
        reason: 'wrong_parent',
      },
      {
        name: 'wrong app hash',
        block: { ...good, header: { ...good.header, appHash: new Uint8Array(32).fill(1) } },
        reason: 'wrong_app_hash',
      },
      {
        name: 'time not after parent',
        block: { ...good, header: { ...good.header, time: GENESIS_TIME } },
        reason: 'time_not_after_parent',
      },
    ];
    for (const c of cases) {
      // A fresh node with an empty mempool: every signature is checked.
      const { logger, records } = capture();
      const other = makeApp(new Mempool<PendingTx>({ capacity: 100, maxBytes: 1 << 20 }), logger);
      assert.equal(other.app.validate(1, encodeBlock(c.block)), false, c.name);
      const reasons = records.filter((r) => r.msg === 'invalid proposed block').map((r) => r.reason);
      assert.deepEqual(reasons, [c.reason], c.name);
    }
    // Even a node holding the genuine tx in its mempool rejects the re-signed (bad) copy.
    const { logger, records } = capture();
    const holder = makeApp(pool, logger);
    const bad = cases[1]!.block;
    assert.equal(holder.app.validate(1, encodeBlock(bad)), false);
    assert.deepEqual(
      records.filter((r) => r.msg === 'invalid proposed block').map((r) => r.reason),
      ['bad_tx'],
    );
  });

  it('prepare verifies unseen proposal txs on the verifier once; validation then verifies none', async () => {
    const proposerPool = new Mempool<PendingTx>({ capacity: 100, maxBytes: 1 << 20 });
    const proposer = makeApp(proposerPool, capture().logger);
    const txs = [0, 1, 2].map(() => pending(proposer.executor));
    for (const t of txs) proposerPool.add(t);
    const bytes = proposer.app.propose(1, 0);
    // The other node holds one of the three txs already (admitted by gossip).
    const otherPool = new Mempool<PendingTx>({ capacity: 100, maxBytes: 1 << 20 });
    otherPool.add(txs[0]!);
    const verifier = suiteVerifier();
    const other = makeApp(otherPool, capture().logger, { verifier });
    const preparing = other.app.prepare(bytes);
    assert.ok(preparing !== undefined);
    await preparing;
    assert.equal(verifier.calls, 2, 'only the two txs not in the mempool');
    assert.equal(other.app.signaturesPreverified, 2);
    assert.equal(other.app.hasVerified(txs[1]!.checked.txId, txs[1]!.checked.tx.signature), true);
    assert.equal(other.app.hasVerified(txs[0]!.checked.txId, txs[0]!.checked.tx.signature), false);
    assert.equal(other.app.prepare(bytes), undefined, 'nothing left to verify');
    assert.equal(other.app.validate(1, bytes), true);
    assert.equal(other.app.signaturesVerified, 0, 'validation verified nothing on the main thread');
  });

  it('prepare waits for a tx being admitted instead of verifying it again', async () => {
    const proposerPool = new Mempool<PendingTx>({ capacity: 100, maxBytes: 1 << 20 });
    const proposer = makeApp(proposerPool, capture().logger);
    const txs = [0, 1].map(() => pending(proposer.executor));
    for (const t of txs) proposerPool.add(t);
    const bytes = proposer.app.propose(1, 0);
    const otherPool = new Mempool<PendingTx>({ capacity: 100, maxBytes: 1 << 20 });
    const verifier = suiteVerifier();
    // txs[1]'s gossip copy is being admitted: it lands in the mempool when its admission settles.
    let admitted = false;
    const admission = new Promise<void>((resolve) => setTimeout(resolve, 20)).then(() => {
      otherPool.add(txs[1]!);
      admitted = true;
    });
    const other = makeApp(otherPool, capture().logger, {
      verifier,
      admitting: (txId) => (txId === txs[1]!.txId ? admission : undefined),
    });
    await other.app.prepare(bytes);
    assert.equal(admitted, true, 'prepare settled after the admission');
    assert.equal(verifier.calls, 1, 'only the tx not being admitted');
    assert.equal(other.app.validate(1, bytes), true);
    assert.equal(other.app.signaturesVerified, 0);
  });

  it('prepare does not remember a bad signature: validation still rejects the block', async () => {
    const pool = new Mempool<PendingTx>({ capacity: 100, maxBytes: 1 << 20 });
    const proposer = makeApp(pool, capture().logger);
    for (let i = 0; i < 2; i++) pool.add(pending(proposer.executor));
    const good = decodeBlock(proposer.app.propose(1, 0));
    const tx1 = good.txs[1]!;
    const bad = encodeBlock({
      ...good,
      txs: [
        good.txs[0]!,
        { ...tx1, signature: Uint8Array.from(tx1.signature, (b, i) => (i === 0 ? b ^ 1 : b)) },
      ],
    });
    const verifier = suiteVerifier();
    const { logger, records } = capture();
    const other = makeApp(new Mempool<PendingTx>({ capacity: 100, maxBytes: 1 << 20 }), logger, { verifier });
    await other.app.prepare(bad);
    assert.equal(verifier.calls, 2);
    assert.equal(other.app.validate(1, bad), false);
    assert.deepEqual(
      records.filter((r) => r.msg === 'invalid proposed block').map((r) => r.reason),
      ['bad_tx'],
    );
    assert.equal(other.app.signaturesVerified, 1, 'only the bad signature was verified again');
  });

  it('proposes at most proposeMaxTxs, the oldest first', () => {
    const pool = new Mempool<PendingTx>({ capacity: 100, maxBytes: 1 << 20 });
    const { app, executor } = makeApp(pool, capture().logger, { proposeMaxTxs: 2 });
    const txs = [0, 1, 2].map(() => pending(executor));
    for (const t of txs) pool.add(t);
    const ids = (bytes: Uint8Array) => decodeBlock(bytes).txs.map((t) => toHex(suite.hash(t.bodyBytes)));
    assert.deepEqual(ids(app.propose(1, 0)), [txs[0]!.txId, txs[1]!.txId]);
    const uncapped = makeApp(pool, capture().logger);
    assert.deepEqual(
      ids(uncapped.app.propose(1, 0)),
      txs.map((t) => t.txId),
    );
  });

  it('undecodable bytes get a deterministic ID and are invalid', () => {
    const { app } = makeApp(new Mempool<PendingTx>({ capacity: 10, maxBytes: 1 << 20 }), capture().logger);
    const junk = new Uint8Array([1, 2, 3]);
    assert.deepEqual(app.blockId(junk), app.blockId(junk));
    assert.equal(app.validate(1, junk), false);
  });
});

describe('FileWal', () => {
  const vote = (height: number, round: number): Vote => ({
    chainId: CHAIN,
    type: 'prevote',
    height,
    round,
    blockId: new Uint8Array(32).fill(height),
    validatorIndex: 0,
    signature: new Uint8Array(64).fill(round),
  });

  it('reads back appended records, drops a torn tail, compacts keeping what it is told', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xinlian-wal-'));
    try {
      const path = join(dir, 'consensus.wal');
      const wal = new FileWal(path);
      wal.append({ kind: 'vote', vote: vote(1, 0) });
      wal.append({ kind: 'vote', vote: vote(2, 1) });
      wal.close();
      // A crash in the middle of a third append: a length prefix with half a body.
      appendFileSync(path, Uint8Array.from([0, 0, 0, 200, 1, 2, 3]));
      const reopened = new FileWal(path);
      assert.equal(reopened.records.length, 2);
      assert.deepEqual(reopened.records[1], { kind: 'vote', vote: vote(2, 1) });
      const onDisk = readWal(path);
      assert.equal(onDisk.validBytes, onDisk.totalBytes, 'the torn tail was removed on open');
      reopened.append({ kind: 'vote', vote: vote(3, 0) });
      reopened.compact([{ kind: 'vote', vote: vote(3, 0) }]);
      reopened.append({ kind: 'vote', vote: vote(3, 1) });
      // Several records with one write and one fdatasync, in order.
      reopened.appendAll([
        { kind: 'vote', vote: vote(4, 0) },
        { kind: 'vote', vote: vote(4, 1) },
      ]);
      reopened.close();
      assert.deepEqual(
        readWal(path).records.map((r) => (r.kind === 'vote' ? [r.vote.height, r.vote.round] : [])),
        [
          [3, 0],
          [3, 1],
          [4, 0],
          [4, 1],
        ],
      );
      // Garbage that does not decode ends the log too.
      writeFileSync(path, Uint8Array.from([0, 0, 0, 2, 0xff, 0xff]));
      assert.equal(new FileWal(path).records.length, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('appendAllDurable writes in order at once and resolves once synced; no compaction meanwhile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xinlian-wal-'));
    try {
      const path = join(dir, 'consensus.wal');
      const wal = new FileWal(path);
      const first = wal.appendAllDurable([{ kind: 'vote', vote: vote(1, 0) }]);
      const second = wal.appendAllDurable([
        { kind: 'vote', vote: vote(1, 1) },
        { kind: 'vote', vote: vote(2, 0) },
      ]);
      // Written (in the page cache, in order) before any sync completed; the records list has them.
      assert.equal(wal.syncing, true);
      assert.equal(wal.records.length, 3);
      assert.equal(readWal(path).records.length, 3);
      assert.throws(
        () => wal.compact([]),
        (e: unknown) => (e as { code?: unknown }).code === 'NODE_WAL_BUSY',
      );
      await second;
      await first;
      await wal.flush();
      assert.equal(wal.syncing, false);
      wal.compact([{ kind: 'vote', vote: vote(2, 0) }]);
      await wal.appendAllDurable([{ kind: 'vote', vote: vote(2, 1) }]);
      wal.close();
      assert.deepEqual(
        new FileWal(path).records.map((r) => (r.kind === 'vote' ? [r.vote.height, r.vote.round] : [])),
        [
          [2, 0],
          [2, 1],
        ],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
