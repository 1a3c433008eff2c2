/**
 * A 4-organization BFT network of real node processes on 127.0.0.1 (spec/consensus.md §9):
 * evidence txs submitted to different nodes commit everywhere with identical blocks, receipts carry
 * a quorum certificate, a validator killed with SIGKILL under load restarts and catches up by block
 * sync while the other three keep committing, and a non-member key is refused.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeCommitCertificate } from '@xinlian/codec';
import { createSuite, type PrivateKey } from '@xinlian/crypto';
import { PeerNetwork } from '@xinlian/network';
import type { Genesis } from '@xinlian/schemas';
import { digestOf, evidenceArgs, verifyReceipt, XinlianClient } from '@xinlian/sdk';
import { fromBase64, fromHex } from '@xinlian/utils';
import {
  directPorts,
  freePorts,
  generateKey,
  makeTx,
  metric,
  type NodeProcess,
  spawnNode,
  testNetwork,
  until,
  untilLinked,
} from './helpers.js';

const SUITE = 'gm';
const suite = createSuite(SUITE);

describe('4-organization BFT network and an observer (real processes)', { timeout: 240_000 }, () => {
  let dir: string;
  let homes: string[];
  let p2pPorts: number[];
  const nodes: (NodeProcess | undefined)[] = [];
  let clients: XinlianClient[];
  let genesis: Genesis;
  let key: PrivateKey;
  let nonce = 0;

  const evidenceTx = (height: number) => {
    const data = randomBytes(24);
    const digest = digestOf('sm3', data);
    nonce += 1;
    const tx = makeTx(key, genesis.chainId, evidenceArgs.submit({ digests: [digest] }), height + 500, nonce);
    return { tx, digest, data };
  };

  before(async () => {
    dir = join(tmpdir(), `xinlian-bft-${process.pid}-${Date.now()}`);
    p2pPorts = await freePorts(5);
    // Free P2P ports for this run, any API port.
    homes = await testNetwork({ dir, orgs: 4, observers: 1, suite: SUITE }, directPorts(p2pPorts));
    const started = await Promise.all(homes.map((h) => spawnNode(h, 30_000)));
    nodes.push(...started);
    clients = started.map((n) => new XinlianClient({ url: n.url }));
    genesis = await clients[0]!.genesis();
    key = generateKey(SUITE);
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n?.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  it('links every pair and commits evidence submitted to different nodes, with identical blocks everywhere', async () => {
    await untilLinked(clients, 4);
    const head = (await clients[0]!.status()).height;
    const submitted = Array.from({ length: 16 }, () => evidenceTx(head));
    const results = await Promise.all(
      submitted.map((s, i) => clients[i % 4]!.submitTx(s.tx.bytes, { wait: 'commit' })),
    );
    for (const [i, r] of results.entries()) assert.equal(r.txId, submitted[i]!.tx.txId);
    const top = Math.max(...results.map((r) => r.height));
    await until('all nodes at the top height', async () => {
      const s = await Promise.all(clients.map((c) => c.status()));
      return s.every((x) => x.height >= top) ? true : undefined;
    });
    for (let h = 1; h <= top; h++) {
      const views = await Promise.all(clients.map((c) => c.getBlock(h)));
      for (const v of views.slice(1)) {
        assert.equal(v.id, views[0]!.id, `block id at height ${h}`);
        assert.equal(v.appHash, views[0]!.appHash, `app hash at height ${h}`);
      }
      assert.ok(views[0]!.certificate.signatures.length >= 3, 'a quorum signed every block');
    }
    // Every tx is committed on every node, whichever node it was submitted to.
    for (const c of clients) {
      for (const s of submitted.slice(0, 4)) assert.equal((await c.getTx(s.tx.txId)).txId, s.tx.txId);
    }
    // The observer (obs1) follows the chain without voting and forwards txs submitted to it.
    const observer = clients[4]!;
    const viaObserver = evidenceTx(top);
    const committed = await observer.submitTx(viaObserver.tx.bytes, { wait: 'commit' });
    const obsStatus = await observer.status();
    assert.equal(obsStatus.consensus?.role, 'observer');
    // Every node commits it (the observer may answer before a validator has stored the block).
    const block = await until('the observer tx block on org1', () => clients[0]!.getBlock(committed.height));
    assert.equal((await observer.getBlock(committed.height)).id, block.id);
    assert.ok(block.certificate.signatures.length >= 3);
    await assert.rejects(readFile(join(homes[4]!, 'data', 'consensus.wal')), 'an observer signs nothing');
    // A receipt served by another node verifies offline with a quorum certificate.
    const { digest, data } = submitted[0]!;
    const receipt = await clients[2]!.evidence.receipt('sm3', digest.value);
    const report = verifyReceipt(receipt, { genesis, file: data });
    assert.equal(report.ok, true, JSON.stringify(report));
    const cert = decodeCommitCertificate(fromBase64(receipt.block.certificate));
    assert.ok(cert.signatures.length >= 3, `certificate has ${cert.signatures.length} signatures`);
    const status = await clients[1]!.status();
    assert.equal(status.consensus?.validators.length, 4);
    assert.ok(status.consensus?.validators.every((v) => v.connected));
  });

  it('keeps committing with 3 of 4 after kill -9 of a validator, which restarts and catches up by block sync', async () => {
    const load = async (targets: number[], count: number) => {
      const head = (await clients[targets[0]!]!.status()).height;
      const txs = Array.from({ length: count }, () => evidenceTx(head));
      return Promise.all(
        txs.map((t, i) => clients[targets[i % targets.length]!]!.submitTx(t.tx.bytes, { wait: 'commit' })),
      );
    };
    // Under load, kill org4 with SIGKILL.
    const inFlight = load([0, 1, 2], 12);
    await new Promise((r) => setTimeout(r, 50));
    await nodes[3]!.kill();
    nodes[3] = undefined;
    await inFlight;
    const before = (await clients[0]!.status()).height;
    // The chain does not stall with 3 of 4: more txs commit while org4 is down.
    for (let round = 0; round < 3; round++) await load([0, 1, 2], 6);
    const during = (await clients[0]!.status()).height;
    assert.ok(during > before, `chain advanced while org4 was down (${before} -> ${during})`);
    const view = (await clients[0]!.status()).consensus!;
    assert.equal(view.validators[3]!.connected, false, 'org4 is reported disconnected');

    // Restart org4 from its data dir and WAL: it catches up by block sync.
    const restarted = await spawnNode(homes[3]!, 30_000);
    nodes[3] = restarted;
    clients[3] = new XinlianClient({ url: restarted.url });
    const target = (await clients[0]!.status()).height;
    await until(
      'org4 caught up',
      async () => ((await clients[3]!.status()).height >= target ? true : undefined),
      60_000,
    );
    const [a, b] = await Promise.all([clients[0]!.getBlock(target), clients[3]!.getBlock(target)]);
    assert.equal(b.id, a.id);
    assert.equal(b.appHash, a.appHash);
    assert.ok(
      (await metric(restarted.url, 'xinlian_sync_blocks_applied_total')) > 0,
      'blocks came by block sync',
    );
    // And it takes part again: a tx submitted to org4 commits.
    const after = await load([3], 2);
    assert.ok(after.every((r) => r.height > target));
  });

  it('refuses a P2P connection from a key that is not a genesis member', async () => {
    const stranger = suite.generateKey();
    const genesisHash = fromHex((await clients[0]!.status()).genesisHash);
    const net = new PeerNetwork(
      {
        listenHost: '127.0.0.1',
        listenPort: 0,
        peers: [{ host: '127.0.0.1', port: p2pPorts[0]! }],
        chainId: genesis.chainId,
        genesisHash,
        reconnect: { initialMs: 100, maxMs: 200 },
      },
      { suite, key: stranger, registry: { isMember: () => ({ org: 'x', name: 'x', role: 'validator' }) } },
    );
    const closedBefore = await metric(
      nodes[0]!.url,
      'xinlian_p2p_connections_closed_total{reason="not_member"}',
    );
    await net.start();
    try {
      await until('the node refused the stranger', async () => {
        const n = await metric(nodes[0]!.url, 'xinlian_p2p_connections_closed_total{reason="not_member"}');
        return n > closedBefore ? true : undefined;
      });
      assert.equal(net.peers().length, 0, 'the stranger never gets an authenticated link');
    } finally {
      await net.stop();
    }
  });
});
