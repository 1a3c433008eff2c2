/**
 * A scheduled upgrade on a 4-validator BFT network of real node processes (spec/governance.md §9,
 * docs/governance.md §8): governance schedules upgrade `v9-bft` at height U; every node, whose
 * software does not support it, halts cleanly after committing U − 1 — the same block everywhere,
 * no block at U — answers 503 NODE_UPGRADE_REQUIRED for new txs and keeps serving reads. A
 * validator that was down meanwhile catches up by block sync from the halted nodes and halts at
 * U − 1 too. Restarted with the same software a node stays halted; restarted with support for the upgrade
 * (`--supported-upgrade v9-bft`) three validators (a quorum) go on past U, and the fourth, restarted
 * with support too, catches up and signs again.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PrivateKey } from '@xinlian/crypto';
import type { Genesis } from '@xinlian/schemas';
import { buildTx, digestOf, evidenceArgs, XinlianClient } from '@xinlian/sdk';
import { toBase64 } from '@xinlian/utils';
import {
  bftTestNetwork,
  generateKey,
  http,
  makeTx,
  type NodeProcess,
  spawnNode,
  until,
  untilLinked,
} from './helpers.js';

const SUITE = 'intl';
const UPGRADE = 'v9-bft';
const SUPPORT = ['--supported-upgrade', UPGRADE];

interface UpgradeStatus {
  pending: { name: string; height: number; supported: boolean }[];
  halted: { name: string; height: number; haltedAfter: number; reason: string } | null;
}

describe('scheduled upgrade on a 4-validator BFT network (real processes)', { timeout: 240_000 }, () => {
  let dir: string;
  let homes: string[];
  const nodes: (NodeProcess | undefined)[] = [];
  let clients: XinlianClient[];
  let genesis: Genesis;
  /** The admin key of org1..org4 (a genesis without governance section: the validator keys). */
  let admins: PrivateKey[];
  const client = generateKey(SUITE);
  let nonce = 0;

  const head = async () => (await clients[0]!.status()).height;
  const upgradeOf = async (i: number) =>
    (await http(`${nodes[i]!.url}/v1/status`)).body.upgrade as unknown as UpgradeStatus;
  const evidenceTx = (expiry: number) => {
    const digest = digestOf('sha256', randomBytes(24));
    return makeTx(client, genesis.chainId, evidenceArgs.submit({ digests: [digest] }), expiry, ++nonce);
  };
  /** POST /v1/txs (no wait): the status and body. */
  const post = (i: number, bytes: Uint8Array) =>
    http(`${nodes[i]!.url}/v1/txs`, { body: { tx: toBase64(bytes) } });

  const govTx = async (key: PrivateKey, method: string, args: Record<string, unknown>) => {
    const tx = buildTx({
      chainId: genesis.chainId,
      key,
      module: 'governance',
      method,
      args: args as never,
      expiryHeight: (await head()) + 500,
      nonce: ++nonce,
    });
    const r = await clients[0]!.submitTx(tx.bytes, { wait: 'commit' });
    assert.equal(r.result.status, 'ok', `${method}: ${JSON.stringify(r.result)}`);
    return r;
  };

  const start = async (i: number, args: readonly string[] = []) => {
    nodes[i] = await spawnNode(homes[i]!, 30_000, args);
    clients[i] = new XinlianClient({ url: nodes[i]!.url });
  };
  const stop = async (i: number) => {
    await nodes[i]?.stop();
    nodes[i] = undefined;
  };

  before(async () => {
    dir = join(tmpdir(), `xinlian-upgrade-${process.pid}-${Date.now()}`);
    // Empty blocks every 300 ms: the upgrade height comes quickly.
    ({ homes, admins } = await bftTestNetwork(dir, { orgs: 4, suite: SUITE, emptyBlockMs: 300 }));
    clients = [];
    const settled = await Promise.allSettled(homes.map((_, i) => start(i)));
    for (const r of settled) if (r.status === 'rejected') throw r.reason;
    genesis = await clients[0]!.genesis();
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n?.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  it('every node halts after U − 1 on the same block, refuses writes with 503, serves reads, and goes on with the upgrade', async () => {
    await untilLinked(clients, 3);
    // 1. Schedule the upgrade: proposed by org1, yes from org1, org2, org3 (MAJORITY of 4).
    const upgradeHeight = (await head()) + 30;
    await govTx(admins[0]!, 'propose', {
      action: { type: 'scheduleUpgrade', name: UPGRADE, height: upgradeHeight, info: 'bft rehearsal' },
      title: 'upgrade',
      deadlineHeight: (await head()) + 20,
    });
    const [{ id }] = await clients[0]!.query<{ id: number }[]>('governance', 'proposals', { limit: 1 });
    for (const v of [0, 1, 2]) await govTx(admins[v]!, 'vote', { proposal: id, choice: 'yes' });
    for (const i of [0, 1, 2, 3]) {
      const pending = await until(`the upgrade pending on node ${i}`, async () => {
        const u = await upgradeOf(i);
        return u.pending.length > 0 ? u.pending : undefined;
      });
      assert.deepEqual(
        pending.map((u) => [u.name, u.height, u.supported]),
        [[UPGRADE, upgradeHeight, false]],
      );
    }
    assert.ok((await head()) < upgradeHeight - 1, 'scheduled ahead of the chain');
    // org4 goes down before the halt (3 of 4 is still a quorum): it has to catch up later.
    await stop(3);
    const down = await head();

    // 2. Txs keep committing until the halt; then org1..org3 are halted after U − 1.
    let accepted = 0;
    for (let i = 0; ; i++) {
      const r = await post(i % 3, evidenceTx(upgradeHeight + 100).bytes);
      if (r.status !== 202 && r.status !== 200) {
        assert.equal(r.status, 503, JSON.stringify(r.body));
        assert.equal(r.body.code, 'NODE_UPGRADE_REQUIRED');
        break;
      }
      accepted++;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(accepted > 0, 'writes were accepted before the halt');
    const haltedAfterU1 = async (i: number) => {
      const halted = await until(
        `node ${i} halted`,
        async () => (await upgradeOf(i)).halted ?? undefined,
        30_000,
      );
      assert.equal(halted.name, UPGRADE);
      assert.equal(halted.height, upgradeHeight);
      assert.equal(halted.haltedAfter, upgradeHeight - 1, `node ${i} halted after U − 1`);
      assert.match(halted.reason, /UPGRADE "v9-bft" NEEDED at height/);
    };
    for (const i of [0, 1, 2]) await haltedAfterU1(i);

    // 3. org4, restarted with the same software, catches up by block sync from the halted nodes
    //    (their links and block sync serving stay up) to U − 1 and halts there too.
    await start(3);
    assert.ok((await clients[3]!.status()).height < upgradeHeight - 1, `org4 was behind (down at ${down})`);
    await haltedAfterU1(3);

    // Still so a while later (several empty-block intervals): no block at U anywhere, no fork.
    await new Promise((res) => setTimeout(res, 1500));
    const last = await Promise.all(clients.map((c) => c.getBlock(upgradeHeight - 1)));
    for (const [i, c] of clients.entries()) {
      assert.equal((await c.status()).height, upgradeHeight - 1, `node ${i} at U − 1`);
      assert.equal(last[i]!.id, last[0]!.id, `node ${i} has the same block U − 1`);
      await assert.rejects(c.getBlock(upgradeHeight), `node ${i} has no block U`);
      // Writes refused with 503 NODE_UPGRADE_REQUIRED; reads served.
      const w = await post(i, evidenceTx(upgradeHeight + 100).bytes);
      assert.equal(w.status, 503, JSON.stringify(w.body));
      assert.equal(w.body.code, 'NODE_UPGRADE_REQUIRED');
      assert.equal((await c.getBlock(1)).height, 1);
      const p = await c.query<{ status: string }>('governance', 'proposal', { id });
      assert.equal(p.status, 'executed');
    }

    // 4. The same software restarted stays halted (org4), still linked to the others; reads work.
    await stop(3);
    await start(3);
    assert.equal((await upgradeOf(3)).halted?.name, UPGRADE);
    assert.equal((await post(3, evidenceTx(upgradeHeight + 100).bytes)).status, 503);
    await untilLinked(clients, 3);
    assert.equal((await clients[3]!.status()).height, upgradeHeight - 1);

    // 5. org1..org3 restarted with support (a quorum of 4): the chain goes on past U.
    for (const i of [0, 1, 2]) await stop(i);
    await Promise.all([0, 1, 2].map((i) => start(i, SUPPORT)));
    for (const i of [0, 1, 2]) assert.equal((await upgradeOf(i)).halted, null);
    const past = await until(
      'a block past U',
      async () => ((await head()) > upgradeHeight ? head() : undefined),
      60_000,
    );
    const atU = await clients[0]!.getBlock(upgradeHeight);
    assert.equal(atU.parentId, last[0]!.id, 'U follows the halted U − 1');
    const r = await clients[1]!.submitTx(evidenceTx(past + 100).bytes, { wait: 'commit' });
    assert.ok(r.height > upgradeHeight);
    // org4, still halted (and linked), neither votes nor syncs past U − 1.
    await new Promise((res) => setTimeout(res, 1000));
    assert.equal((await upgradeOf(3)).halted?.haltedAfter, upgradeHeight - 1);
    assert.equal((await clients[3]!.status()).height, upgradeHeight - 1);

    // 6. org4 restarted with support: it catches up and signs again (all four validators).
    await stop(3);
    await start(3, SUPPORT);
    assert.equal((await upgradeOf(3)).halted, null);
    await untilLinked(clients, 3);
    const target = await head();
    await until('org4 caught up', async () =>
      (await clients[3]!.status()).height >= target ? true : undefined,
    );
    assert.equal((await clients[3]!.getBlock(target)).id, (await clients[0]!.getBlock(target)).id);
    const r4 = await clients[3]!.submitTx(evidenceTx(target + 100).bytes, { wait: 'commit' });
    await until(
      'a certificate signed by org4',
      async () => {
        const h = await head();
        for (let x = r4.height; x <= h; x++) {
          const b = await clients[0]!.getBlock(x);
          if (b.certificate.signatures.some((s) => s.validatorIndex === 3)) return true;
        }
        return undefined;
      },
      30_000,
    );
  });
});
