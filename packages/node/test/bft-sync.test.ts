/**
 * Block sync in the BFT driver (in-process, a fake peer): a block whose commit certificate lacks a
 * quorum, or carries a signature by the wrong key, is never applied; the genuine one is. A driver
 * halted for an upgrade applies nothing but keeps serving block sync.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  type CommitCertificate,
  decodeBlock,
  decodeConsensusMessage,
  encodeBlock,
  encodeCommitCertificate,
  validatorSetHash,
  type WalRecord,
} from '@xinlian/codec';
import {
  makeCommitCertificate,
  signVote,
  suiteSigner,
  suiteVerifier,
  TendermintCore,
} from '@xinlian/consensus';
import { createSuite } from '@xinlian/crypto';
import { Executor, genesisAppHash } from '@xinlian/execution';
import { createEvidenceModule } from '@xinlian/module-evidence';
import {
  type Blocks,
  type Channel,
  decodeSyncMessage,
  encodeSyncMessage,
  type GetBlocks,
  type NetworkStats,
  type PeerInfo,
} from '@xinlian/network';
import { generateKey } from '@xinlian/sdk';
import { LmdbChainStore } from '@xinlian/store';
import { toHex } from '@xinlian/utils';
import pino from 'pino';
import { BftApp } from '../src/bft/app.js';
import { BftDriver, type DriverNetwork } from '../src/bft/driver.js';
import { BftMetrics } from '../src/bft/metrics.js';
import type { ConsensusWal } from '../src/bft/wal.js';
import { Mempool } from '../src/mempool.js';
import { NodeMetrics } from '../src/metrics.js';
import type { CommittedBlock, HeadState, PendingTx } from '../src/producer.js';

const suite = createSuite('intl');
const CHAIN = 'bft-sync-test';
const keys = Array.from({ length: 4 }, () => generateKey('intl'));
const set = { validators: keys.map((k, i) => ({ name: `v${i}`, publicKey: k.publicKey.bytes, power: 1 })) };
const genesisHead = (): HeadState => ({
  height: 0,
  blockId: new Uint8Array(32),
  appHash: genesisAppHash(suite, new Uint8Array(32)),
  time: 1000,
});
const timers = {
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: object) => clearTimeout(h as NodeJS.Timeout),
};
const logger = pino({ level: process.env.SYNC_TEST_LOG ?? 'silent' });

async function chainParts(dir: string) {
  const store = await LmdbChainStore.open({ path: dir, noSync: true });
  const executor = new Executor(
    { chainId: CHAIN, params: { maxTxBytes: 4096, maxTxLifetime: 100, maxBlockTxs: 100 } },
    { suite, modules: [createEvidenceModule()], state: store, txIndex: store },
  );
  const mempool = new Mempool<PendingTx>({ capacity: 100, maxBytes: 1 << 20 });
  let head = genesisHead();
  const app = new BftApp(
    {
      chainId: CHAIN,
      maxBlockTxs: 100,
      maxBlockBytes: 1 << 20,
      validatorSetHash: validatorSetHash(suite.hash, set),
      proposer: keys[0]!.publicKey.bytes,
    },
    {
      suite,
      clock: { now: () => 5000 },
      store,
      mempool,
      executor,
      validatorSet: set,
      logger,
      head: () => head,
    },
  );
  return { store, executor, mempool, app, setHead: (h: HeadState) => (head = h) };
}

/** A peer that answers GetBlocks with whatever `respond` returns; it can drop and re-link. */
class FakePeerNet implements DriverNetwork {
  readonly handlers = new Set<(peer: PeerInfo, channel: Channel, payload: Uint8Array) => void>();
  linked = true;
  requests = 0;
  respond: (req: GetBlocks) => Blocks = (req) => ({
    type: 'blocks',
    requestId: req.requestId,
    head: 0,
    items: [],
  });
  readonly peer: PeerInfo = {
    key: toHex(keys[0]!.publicKey.bytes),
    publicKey: keys[0]!.publicKey.bytes,
    member: { org: 'org1', name: 'v0', role: 'validator' },
    direction: 'inbound',
    remoteAddress: '127.0.0.1',
    remotePort: 1,
    queuedBytes: 0,
  };
  async start() {
    return { port: 0 };
  }
  async stop() {}
  onMessage(h: (peer: PeerInfo, channel: Channel, payload: Uint8Array) => void) {
    this.handlers.add(h);
    return () => this.handlers.delete(h);
  }
  broadcast() {
    return 0;
  }
  /** Sync messages this node sent other than its own requests (its block sync server's answers). */
  readonly served: Blocks[] = [];
  send(_key: string, channel: Channel, payload: Uint8Array) {
    if (channel !== 'sync') return true;
    const m = decodeSyncMessage(payload);
    if (m.type === 'blocks') this.served.push(m);
    if (m.type !== 'get_blocks') return true;
    this.requests++;
    const reply = encodeSyncMessage(this.respond(m));
    setImmediate(() => {
      for (const h of this.handlers) h(this.peer, 'sync', reply);
    });
    return true;
  }
  peers() {
    return this.linked ? [this.peer] : [];
  }
  stats(): NetworkStats {
    return {
      peers: 1,
      connectionsAccepted: 0,
      connectionsDialed: 0,
      authenticated: 0,
      framesIn: 0,
      framesOut: 0,
      bytesIn: 0,
      bytesOut: 0,
      droppedMessages: 0,
      closed: {} as NetworkStats['closed'],
    };
  }
}

const until = async (what: string, ok: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** Block 1 as a proposer built it (on its own store), a quorum certificate, and a peer serving it. */
function blockOne(proposer: Awaited<ReturnType<typeof chainParts>>) {
  const proposal = proposer.app.propose(1, 0);
  const blockId = proposer.app.blockId(proposal);
  const precommit = (i: number, signer = i) =>
    signVote(suite, keys[signer]!, {
      chainId: CHAIN,
      type: 'precommit',
      height: 1,
      round: 0,
      blockId,
      validatorIndex: i,
    });
  const good = makeCommitCertificate(set, [precommit(0), precommit(1), precommit(2)]);
  const served = (cert: CommitCertificate) => ({
    block: encodeBlock({ ...decodeBlock(proposal), certificate: cert }),
    certificate: encodeCommitCertificate(cert),
  });
  /** The peer's answer: block 1 (with `cert`) when asked from height 1, nothing above. */
  const answer = (cert: CommitCertificate) => (req: GetBlocks) =>
    ({
      type: 'blocks',
      requestId: req.requestId,
      head: 1,
      items: req.fromHeight <= 1 ? [served(cert)] : [],
    }) as Blocks;
  return { proposal, blockId, precommit, good, served, answer };
}

/** The driver of a non-validator node (key 3) over `node`'s store and the fake peer network. */
function makeDriver(
  node: Awaited<ReturnType<typeof chainParts>>,
  net: FakePeerNet,
  commits: CommittedBlock[],
): BftDriver {
  const core = new TendermintCore(
    {
      chainId: CHAIN,
      validatorSet: set,
      timeouts: { proposeMs: 10_000, prevoteMs: 10_000, precommitMs: 10_000, deltaMs: 0 },
      synchrony: { precisionMs: 500, messageDelayMs: 1000 },
    },
    { signer: suiteSigner(suite, keys[3]!), verifier: suiteVerifier(suite), app: node.app },
  );
  return driverOver(node, net, core, {
    selfIndex: undefined,
    wal: undefined,
    rebroadcastMs: 40,
    onCommit: (c) => commits.push(c),
  });
}

/** A BftDriver over `node`'s store and `net` with `core`; the rest of its options as in every test here. */
function driverOver(
  node: Awaited<ReturnType<typeof chainParts>>,
  net: FakePeerNet,
  core: TendermintCore,
  opts: {
    selfIndex: number | undefined;
    wal: ConsensusWal | undefined;
    rebroadcastMs: number;
    onCommit: (c: CommittedBlock) => void;
  },
): BftDriver {
  const nodeMetrics = new NodeMetrics();
  return new BftDriver(
    {
      chainId: CHAIN,
      validatorSet: set,
      organizations: [null, null, null, null],
      selfIndex: opts.selfIndex,
      rebroadcastMs: opts.rebroadcastMs,
      emptyBlockMs: 60_000,
      commitDelayMs: 0,
      silentAfterMs: 60_000,
    },
    {
      core,
      app: node.app,
      wal: opts.wal,
      network: net,
      store: node.store,
      suite,
      mempool: node.mempool,
      clock: { now: () => Date.now() },
      timers,
      logger,
      metrics: new BftMetrics(nodeMetrics.registry),
      nodeMetrics,
      admitGossip: async () => undefined,
      onCommit: opts.onCommit,
    },
    genesisHead(),
  );
}

describe('BftDriver block sync verifies every commit certificate', { timeout: 30_000 }, () => {
  it('refuses a block without a quorum or with a forged signature, applies the certified one', async () => {
    const dirA = await mkdtemp(join(tmpdir(), 'xinlian-sync-a-'));
    const dirB = await mkdtemp(join(tmpdir(), 'xinlian-sync-b-'));
    // Block 1 as a proposer built it (on its own store), and certificates for it.
    const proposer = await chainParts(dirA);
    const { blockId, precommit, good, served, answer } = blockOne(proposer);
    const noQuorum: CommitCertificate = { ...good, signatures: good.signatures.slice(0, 2) };
    const forged: CommitCertificate = {
      ...good,
      signatures: [
        ...good.signatures.slice(0, 2),
        { validatorIndex: 2, signature: precommit(2, 3).signature },
      ],
    };
    const node = await chainParts(dirB);
    const net = new FakePeerNet();
    const commits: CommittedBlock[] = [];
    const driver = makeDriver(node, net, commits);
    node.setHead(genesisHead());
    try {
      for (const bad of [noQuorum, forged]) {
        net.respond = answer(bad);
        const before = net.requests;
        if (net.requests === 0) await driver.start();
        else {
          // The peer re-links: the driver syncs again.
          net.linked = false;
          await new Promise((r) => setTimeout(r, 30));
          net.linked = true;
        }
        await until('a sync request', () => net.requests > before);
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(driver.head.height, 0, 'an uncertified block is not applied');
        assert.equal(node.store.head(), undefined);
      }
      assert.equal(commits.length, 0);

      net.respond = answer(good);
      net.linked = false;
      await new Promise((r) => setTimeout(r, 30));
      net.linked = true;
      await until('block 1 applied', () => driver.head.height === 1);
      assert.equal(toHex(node.store.head()!.blockId), toHex(blockId));
      const stored = decodeBlock(node.store.getBlockBytes(1)!);
      assert.deepEqual(
        stored.certificate.signatures.map((s) => s.validatorIndex),
        [0, 1, 2],
      );
      assert.equal(commits.length, 1);

      // A peer that keeps sending a block the node already has cannot keep the sync running.
      net.respond = (req) => ({ type: 'blocks', requestId: req.requestId, head: 9, items: [served(good)] });
      const before = net.requests;
      net.linked = false;
      await new Promise((r) => setTimeout(r, 30));
      net.linked = true;
      await until('a sync request', () => net.requests > before);
      await until('the sync ended', () => !driver.status().syncing);
      assert.equal(driver.head.height, 1);
    } finally {
      await driver.stop();
      await node.store.close();
      await proposer.store.close();
      await rm(dirA, { recursive: true, force: true });
      await rm(dirB, { recursive: true, force: true });
    }
  });
});

describe('BftDriver halted for an upgrade', { timeout: 30_000 }, () => {
  it('commits nothing more, by consensus or block sync, while its links and block sync server stay up', async () => {
    const dirA = await mkdtemp(join(tmpdir(), 'xinlian-halt-a-'));
    const dirB = await mkdtemp(join(tmpdir(), 'xinlian-halt-b-'));
    const proposer = await chainParts(dirA);
    const { good, answer } = blockOne(proposer);
    const node = await chainParts(dirB);
    const net = new FakePeerNet();
    const commits: CommittedBlock[] = [];
    const driver = makeDriver(node, net, commits);
    node.setHead(genesisHead());
    try {
      // Halted before it starts (as a node halted at restart): the peer has a certified block 1.
      net.respond = answer(good);
      driver.halt();
      await driver.start();
      assert.equal(driver.halted, true);
      net.linked = false;
      await new Promise((r) => setTimeout(r, 30));
      net.linked = true;
      // A newly linked peer normally starts a block sync at once (as in the test above); the halted
      // driver starts none, on linking or on its ticks.
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(net.requests, 0, 'no block sync request');
      assert.equal(driver.head.height, 0);
      assert.equal(commits.length, 0);
      assert.equal(node.store.head(), undefined);
      // Its block sync server still answers a peer's request (here: nothing above its head 0).
      const ask = encodeSyncMessage({ type: 'get_blocks', requestId: 7, fromHeight: 1, max: 10 });
      for (const h of net.handlers) h(net.peer, 'sync', ask);
      await until('the sync server answered', () => net.served.some((m) => m.requestId === 7));
      assert.equal(net.served.find((m) => m.requestId === 7)!.head, 0);
    } finally {
      await driver.stop();
      await node.store.close();
      await proposer.store.close();
      await rm(dirA, { recursive: true, force: true });
      await rm(dirB, { recursive: true, force: true });
    }
  });
});

/** A WAL whose appendAllDurable promises resolve only when the test releases them, in order. */
class GatedWal implements ConsensusWal {
  readonly records: WalRecord[] = [];
  readonly gates: (() => void)[] = [];
  append(record: WalRecord): void {
    this.records.push(record);
  }
  appendAll(records: readonly WalRecord[]): void {
    this.records.push(...records);
  }
  appendAllDurable(records: readonly WalRecord[]): Promise<void> {
    this.records.push(...records);
    return new Promise((resolve) => this.gates.push(resolve));
  }
  get syncing(): boolean {
    return this.gates.length > 0;
  }
  release(): void {
    this.gates.shift()?.();
  }
  async flush(): Promise<void> {
    while (this.gates.length > 0) this.release();
  }
  compact(): void {}
  close(): void {}
}

/** Records what the driver broadcasts on the consensus channel. */
class RecordingNet extends FakePeerNet {
  readonly sent: Uint8Array[] = [];
  override broadcast(channel?: Channel, payload?: Uint8Array) {
    if (channel === 'consensus' && payload !== undefined) this.sent.push(payload);
    return 0;
  }
  override send(key: string, channel: Channel, payload: Uint8Array) {
    if (channel === 'consensus') this.sent.push(payload);
    return super.send(key, channel, payload);
  }
}

describe('BftDriver and the WAL', { timeout: 30_000 }, () => {
  it('sends nothing before the WAL records written for it are durable (fdatasync off the main thread)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xinlian-walorder-'));
    const node = await chainParts(dir);
    const coreOf = (selfIndex: number | undefined) =>
      new TendermintCore(
        {
          chainId: CHAIN,
          validatorSet: set,
          ...(selfIndex === undefined ? {} : { selfIndex }),
          timeouts: { proposeMs: 10_000, prevoteMs: 10_000, precommitMs: 10_000, deltaMs: 0 },
          synchrony: { precisionMs: 500, messageDelayMs: 1000 },
        },
        {
          signer: suiteSigner(suite, keys[selfIndex ?? 0]!),
          verifier: suiteVerifier(suite),
          app: node.app,
        },
      );
    // This node proposes height 1, round 0: its proposal and prevote are written to the WAL first.
    const self = coreOf(undefined).proposerOf(1, 0);
    const net = new RecordingNet();
    net.linked = false; // no peer: no block sync request
    const wal = new GatedWal();
    const driver = driverOver(node, net, coreOf(self), {
      selfIndex: self,
      wal,
      rebroadcastMs: 60_000,
      onCommit: () => undefined,
    });
    node.setHead(genesisHead());
    try {
      await driver.start();
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(
        wal.records.map((r) => r.kind),
        ['proposal', 'vote'],
        "the proposal and this node's prevote were written",
      );
      assert.equal(net.sent.length, 0, 'nothing is sent while their fdatasync is in flight');
      wal.release();
      await until('the proposal and prevote sent', () => net.sent.length >= 2);
      const kinds = net.sent.map((b) => {
        const m = decodeConsensusMessage(b);
        return m.kind === 'proposal' ? 'proposal' : m.vote.type;
      });
      assert.deepEqual(kinds.slice(0, 2), ['proposal', 'prevote']);
    } finally {
      await driver.stop();
      await node.store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
