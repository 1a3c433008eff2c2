/**
 * Faults in a 4-validator BFT network of real node processes under load (spec/consensus.md §9,
 * BRIEF issue 3 point 7). Every P2P link goes through a fault-injecting TCP proxy (one per
 * directed pair). (a) kill -9 of a validator at random moments, restarted, several rounds;
 * (b) one validator cut off by its proxies, then healed; (c) f+1 = 2 validators stopped: the
 * chain halts without a fork and resumes when they return. Afterwards all nodes hold identical
 * blocks and app hashes, and every tx acknowledged as committed is on every node.
 * XINLIAN_LONG_FAULTS=1 runs more kill rounds and longer outages.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PrivateKey } from '@xinlian/crypto';
import type { Genesis } from '@xinlian/schemas';
import { digestOf, evidenceArgs, XinlianClient } from '@xinlian/sdk';
import { FaultProxy } from './fault-proxy.js';
import {
  freePorts,
  generateKey,
  makeTx,
  type NodeProcess,
  spawnNode,
  testNetwork,
  until,
  untilLinked,
} from './helpers.js';

const SUITE = 'intl';
const N = 4;
const LONG = process.env.XINLIAN_LONG_FAULTS === '1';
const KILL_ROUNDS = LONG ? 12 : 3;
const HALT_MS = LONG ? 10_000 : 3000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('4-validator BFT network under faults (real processes, TCP fault proxies)', {
  timeout: 240_000,
}, () => {
  let dir: string;
  let homes: string[];
  const nodes: (NodeProcess | undefined)[] = [];
  const clients: XinlianClient[] = [];
  /** proxies[i][j]: node i's link to node j (i dials through it; it forwards to j's listener). */
  const proxies: FaultProxy[][] = [];
  let genesis: Genesis;
  let key: PrivateKey;
  let nonce = 0;
  /** txId → height of every tx a node acknowledged as committed. */
  const acked = new Map<string, number>();
  let loading = false;
  let loaders: Promise<void>[] = [];

  const up = () => nodes.flatMap((n, i) => (n === undefined ? [] : [i]));
  const heights = async (idx: number[]) =>
    Promise.all(idx.map(async (i) => (await clients[i]!.status()).height));

  const evidenceTx = (head: number) => {
    nonce += 1;
    const digest = digestOf('sha256', randomBytes(24));
    return makeTx(key, genesis.chainId, evidenceArgs.submit({ digests: [digest] }), head + 1000, nonce);
  };

  async function start(i: number): Promise<void> {
    const n = await spawnNode(homes[i]!, 30_000);
    nodes[i] = n;
    clients[i] = new XinlianClient({ url: n.url, timeoutMs: 15_000 });
  }

  async function kill(i: number): Promise<void> {
    const n = nodes[i];
    nodes[i] = undefined;
    await n?.kill();
  }

  /** Load: `workers` loops each submitting one tx with wait=commit to a random running node. */
  function startLoad(workers: number): void {
    loading = true;
    const head = 1;
    loaders = Array.from({ length: workers }, async () => {
      while (loading) {
        const live = up();
        if (live.length === 0) {
          await sleep(50);
          continue;
        }
        const i = live[randomInt(live.length)]!;
        try {
          const h = (await clients[i]!.status()).height;
          const tx = evidenceTx(Math.max(head, h));
          const r = await clients[i]!.submitTx(tx.bytes, { wait: 'commit' });
          if (r.height !== undefined) acked.set(r.txId, r.height);
        } catch {
          await sleep(50); // the node went down or the chain is halted: nothing acknowledged
        }
      }
    });
  }

  async function stopLoad(): Promise<void> {
    loading = false;
    await Promise.race([Promise.all(loaders), sleep(20_000)]);
  }

  /** Every running node reaches the highest height any of them reported. */
  async function converge(timeoutMs = 60_000): Promise<number> {
    const top = Math.max(...(await heights(up())));
    await until(
      `all nodes at height ${top}`,
      async () => ((await heights(up())).every((h) => h >= top) ? true : undefined),
      timeoutMs,
    );
    return top;
  }

  before(async () => {
    dir = join(tmpdir(), `xinlian-bft-faults-${process.pid}-${Date.now()}`);
    // Proxies first: their ports stay taken while the nodes' ports are chosen.
    for (let i = 0; i < N; i++) {
      const row: FaultProxy[] = [];
      for (let j = 0; j < N; j++) row.push(await FaultProxy.start());
      proxies.push(row);
    }
    const ports = await freePorts(N);
    for (const row of proxies) for (const [j, p] of row.entries()) p.target = ports[j]!;
    homes = await testNetwork({ dir, orgs: N, suite: SUITE }, (config, i) => {
      config.p2p.port = ports[i]!;
      // Peer j was written with P2P port j+1 (p2pPort 1): dial it through proxies[i][j].
      for (const p of config.p2p.peers) p.port = proxies[i]![p.port - 1]!.port;
    });
    for (let i = 0; i < N; i++) nodes.push(undefined);
    // allSettled: every node that did start is in `nodes` (stopped by `after`) even if one failed.
    const started = await Promise.allSettled(homes.map((_, i) => start(i)));
    for (const r of started) if (r.status === 'rejected') throw r.reason;
    genesis = await clients[0]!.genesis();
    key = generateKey(SUITE);
    await untilLinked(clients, N - 1);
  });

  after(async () => {
    loading = false;
    await Promise.all(nodes.map((n) => n?.stop()));
    await Promise.all(proxies.flat().map((p) => p.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('(a) kill -9 of a validator at random moments, restarted each time: the others keep committing', async () => {
    startLoad(6);
    for (let round = 0; round < KILL_ROUNDS; round++) {
      await sleep(randomInt(200, 1500));
      const victim = randomInt(N);
      const before = Math.max(...(await heights(up())));
      await kill(victim);
      const others = up();
      // Three of four keep committing while the victim is down.
      await until(`round ${round}: a height above ${before + 1} without org${victim + 1}`, async () =>
        Math.max(...(await heights(others))) > before + 1 ? true : undefined,
      );
      await start(victim);
    }
    const top = await converge();
    assert.ok(acked.size > 0, 'txs were committed under load');
    assert.ok(top > KILL_ROUNDS, `chain advanced to ${top}`);
  });

  it('(b) a validator cut off by the TCP proxies is left behind, then catches up once healed', async () => {
    const victim = 1;
    const others = [0, 2, 3];
    const setCut = (cut: boolean) => {
      for (let j = 0; j < N; j++) {
        if (j === victim) continue;
        for (const p of [proxies[victim]![j]!, proxies[j]![victim]!]) {
          if (cut) p.cut();
          else p.heal();
        }
      }
    };
    setCut(true);
    await until('the victim sees no peer', async () =>
      (await clients[victim]!.status()).consensus?.peers === 0 ? true : undefined,
    );
    const cutAt = Math.max(...(await heights(others)));
    const victimAt = (await clients[victim]!.status()).height;
    await until('the others commit 3 heights without the victim', async () =>
      Math.max(...(await heights(others))) >= cutAt + 3 ? true : undefined,
    );
    // The victim's redials (backoff from 250 ms) may come after 3 quick heights: wait for one.
    await until('reconnection attempts refused while cut', async () =>
      proxies[0]![victim]!.refused + proxies[victim]![0]!.refused > 0 ? true : undefined,
    );
    assert.ok(
      (await clients[victim]!.status()).height <= victimAt + 1,
      'the cut-off validator cannot commit',
    );
    setCut(false);
    await until('the victim relinks', async () =>
      (await clients[victim]!.status()).consensus?.peers === N - 1 ? true : undefined,
    );
    await converge();
  });

  it('(c) with f+1 = 2 validators stopped the chain halts without a fork and resumes when they return', async () => {
    await stopLoad();
    await kill(2);
    await kill(3);
    // A decision that had its quorum before the kill may still land: let it settle.
    await sleep(1500);
    const halted = await heights([0, 1]);
    const pending = Array.from({ length: 4 }, () => evidenceTx(Math.max(...halted)));
    for (const [k, tx] of pending.entries()) await clients[k % 2]!.submitTx(tx.bytes);
    await sleep(HALT_MS);
    assert.deepEqual(await heights([0, 1]), halted, 'no height committed without a quorum');
    const h = Math.min(...halted);
    const [a, b] = await Promise.all([clients[0]!.getBlock(h), clients[1]!.getBlock(h)]);
    assert.equal(a.id, b.id, 'the two live nodes agree on their head');
    await Promise.all([start(2), start(3)]);
    for (const tx of pending) {
      const t = await until(`tx ${tx.txId} committed after the halt`, async () => {
        const r = await clients[0]!.getTx(tx.txId);
        return r.status === 'committed' ? r : undefined;
      });
      assert.ok(t.height! > Math.max(...halted));
      acked.set(tx.txId, t.height!);
    }
  });

  it('afterwards all nodes hold identical blocks and app hashes and every acknowledged tx', async () => {
    const top = await converge();
    for (let h = 1; h <= top; h++) {
      const views = await Promise.all(clients.map((c) => c.getBlock(h)));
      for (const v of views.slice(1)) {
        assert.equal(v.id, views[0]!.id, `block id at height ${h}`);
        assert.equal(v.appHash, views[0]!.appHash, `app hash at height ${h}`);
      }
    }
    for (const [txId, height] of acked) {
      for (const c of clients) {
        const t = await c.getTx(txId);
        assert.equal(t.height, height, `tx ${txId} at height ${height}`);
      }
    }
  });
});
