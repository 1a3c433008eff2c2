/**
 * Chain params and upgrades from governance at a real node: a `setParams` proposal changes the
 * limits the node enforces from the next block on (status shows them); a scheduled upgrade this
 * software does not support halts the node after height − 1 (status, 503 NODE_UPGRADE_REQUIRED,
 * also after a restart), and software that supports it goes on past the height.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonValue } from '@xinlian/codec';
import type { PrivateKey } from '@xinlian/crypto';
import { toBase64, toHex } from '@xinlian/utils';
import type { RunningNode } from '../src/index.js';
import { http, makeTx, type TestHome, testHome, until } from './helpers.js';

describe('chain params and upgrades from governance', { timeout: 90_000 }, () => {
  let home: TestHome;
  let node: RunningNode;
  let admin: PrivateKey;
  let chainId: string;
  let nonce = 0;
  before(async () => {
    home = await testHome('xinlian-rules-');
    ({ chainId, admin } = home);
    node = await home.start();
  });
  after(async () => {
    await node?.stop();
    await home?.remove();
  });

  const send = async (module: string, method: string, args: JsonValue) => {
    const tx = makeTx(admin, chainId, { module, method, args }, node.height() + 500, ++nonce);
    return http(`${node.apiUrl}/v1/txs?wait=commit`, { body: { tx: toBase64(tx.bytes) } });
  };
  /** An evidence tx; `big` adds 8 tags of 64 characters (the tx is then over 600 bytes). */
  const evidence = (big = false) => {
    const value = toHex(new Uint8Array(32).map((_, i) => (nonce * 7 + i) % 256));
    return send('evidence', 'submit', {
      digests: [{ algorithm: 'sha256', value }],
      ...(big ? { tags: Array.from({ length: 8 }, (_, i) => String(i).repeat(64)) } : {}),
    });
  };
  /** Proposes an action and votes yes (the dev chain has one organization): it executes next block. */
  const pass = async (action: JsonValue) => {
    const p = await send('governance', 'propose', { action, title: 't', deadlineHeight: node.height() + 50 });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    const result = p.body.result as { status: string; result: { proposal: number } };
    assert.equal(result.status, 'ok', JSON.stringify(result));
    const id = result.result.proposal;
    const v = await send('governance', 'vote', { proposal: id, choice: 'yes' });
    assert.equal(v.status, 200, JSON.stringify(v.body));
    assert.equal((v.body.result as { status: string }).status, 'ok', JSON.stringify(v.body));
    return id;
  };
  const status = async () => (await http(`${node.apiUrl}/v1/status`)).body;

  it('setParams: maxTxBytes applies from the block after the one executing it', async () => {
    const before = await status();
    assert.equal((before.params as { maxTxBytes: number }).maxTxBytes, 256 * 1024);
    const big = await evidence(true); // ~900 bytes
    assert.equal(big.status, 200, JSON.stringify(big.body));
    await pass({ type: 'setParams', params: { maxTxBytes: 600, maxTxLifetime: 800 } });
    await evidence(); // a block that executes the passed proposal
    const s = await status();
    assert.equal((s.params as { maxTxBytes: number }).maxTxBytes, 600);
    assert.equal((s.params as { maxTxLifetime: number }).maxTxLifetime, 800);
    const refused = await evidence(true);
    assert.equal(refused.status, 413);
    assert.equal(refused.body.code, 'TX_TOO_LARGE');
    assert.deepEqual(refused.body.details, {
      size: (refused.body.details as { size: number }).size,
      limit: 600,
    });
    assert.equal((await evidence()).status, 200);
  });

  /** A small evidence tx (under every limit used here). */
  const filler = (expiry: number) =>
    makeTx(
      admin,
      chainId,
      {
        module: 'evidence',
        method: 'submit',
        args: { digests: [{ algorithm: 'sha256', value: toHex(new Uint8Array(32).fill(nonce % 256)) }] },
      },
      expiry,
      ++nonce,
    );

  /**
   * Proposes lowering maxTxBytes to `limit` (and maxBlockTxs back to 5000); resolves with the
   * admin's yes vote on it, built but not sent, and the expiry used.
   */
  const proposeSmallerTxs = async (limit: number, title: string) => {
    const p = await send('governance', 'propose', {
      action: { type: 'setParams', params: { maxTxBytes: limit, maxBlockTxs: 5000 } },
      title,
      deadlineHeight: node.height() + 50,
    });
    const proposal = (p.body.result as { result: { proposal: number } }).result.proposal;
    const expiry = node.height() + 500;
    const vote = makeTx(
      admin,
      chainId,
      { module: 'governance', method: 'vote', args: { proposal, choice: 'yes' } },
      expiry,
      ++nonce,
    );
    return { vote, expiry };
  };
  /** An evidence tx of ~470 bytes (one digest filled with `fill`, three 64-char tags). */
  const mediumTx = (fill: number, expiry: number) =>
    makeTx(
      admin,
      chainId,
      {
        module: 'evidence',
        method: 'submit',
        args: {
          digests: [{ algorithm: 'sha256', value: toHex(new Uint8Array(32).fill(fill)) }],
          tags: Array.from({ length: 3 }, (_, i) => String(i).repeat(64)),
        },
      },
      expiry,
      ++nonce,
    );

  it('setParams: pending txs over a lowered maxTxBytes are purged from the mempool, not committed as failed receipts', async () => {
    // One tx per block, so txs admitted together with the vote are still pending when it executes.
    await pass({ type: 'setParams', params: { maxBlockTxs: 1 } });
    await evidence();
    assert.equal(((await status()).params as { maxBlockTxs: number }).maxBlockTxs, 1);
    const limit = 350;
    const { vote, expiry } = await proposeSmallerTxs(limit, 'smaller txs');
    // Evidence txs of ~470 bytes: under the 600 in force, over the coming 350.
    const medium = Array.from({ length: 3 }, (_, k) => mediumTx(200 + k, expiry));
    for (const t of medium)
      assert.ok(t.bytes.length > limit && t.bytes.length <= 600, `${t.bytes.length} bytes`);
    assert.ok(vote.bytes.length <= limit);
    // Admitted together, in order: the vote (block H: the proposal passes), a small tx (block
    // H + 1 executes the proposal; the new limit governs H + 2 on), the others pending behind.
    const batch = await http(`${node.apiUrl}/v1/txs/batch`, {
      body: { txs: [vote, filler(expiry), ...medium].map((t) => toBase64(t.bytes)) },
    });
    assert.equal(batch.status, 200, JSON.stringify(batch.body));
    const results = (batch.body as { results: ({ txId: string } | { error: unknown })[] }).results;
    assert.equal(results.length, 5);
    assert.ok(
      results.every((r) => 'txId' in r),
      `all admitted under the old limit: ${JSON.stringify(results)}`,
    );
    await until('the proposal executed', async () => {
      const s = await status();
      return (s.params as { maxTxBytes: number }).maxTxBytes === limit ? true : undefined;
    });
    // Purged right after the block that lowered the limit: neither pending nor committed.
    for (const t of medium) {
      const r = await http(`${node.apiUrl}/v1/txs/${t.txId}`);
      assert.equal(r.status, 404, `${t.txId}: ${JSON.stringify(r.body)}`);
    }
    const after = node.height();
    await evidence(); // blocks go on; the purged txs never show up
    for (const t of medium) assert.equal((await http(`${node.apiUrl}/v1/txs/${t.txId}`)).status, 404);
    assert.ok(node.height() > after);
    // Back to 600 for the tests below.
    await pass({ type: 'setParams', params: { maxTxBytes: 600 } });
    await evidence();
    assert.equal(((await status()).params as { maxTxBytes: number }).maxTxBytes, 600);
  });

  it('a tx waiting for commit when maxTxBytes is lowered gets TX_TOO_LARGE (413), not a failed receipt', async () => {
    await pass({ type: 'setParams', params: { maxBlockTxs: 1 } });
    await evidence();
    const { vote, expiry } = await proposeSmallerTxs(350, 'smaller txs again');
    const medium = mediumTx(77, expiry);
    const batch = await http(`${node.apiUrl}/v1/txs/batch`, {
      body: { txs: [vote, filler(expiry), medium].map((t) => toBase64(t.bytes)) },
    });
    assert.equal(batch.status, 200);
    // Resubmitting a pending tx with wait=commit waits for it: it is dropped with the reason.
    const waited = await http(`${node.apiUrl}/v1/txs?wait=commit`, { body: { tx: toBase64(medium.bytes) } });
    assert.equal(waited.status, 413, JSON.stringify(waited.body));
    assert.equal(waited.body.code, 'TX_TOO_LARGE');
    assert.equal((waited.body.details as { limit: number }).limit, 350);
    assert.equal((await http(`${node.apiUrl}/v1/txs/${medium.txId}`)).status, 404);
    await pass({ type: 'setParams', params: { maxTxBytes: 600 } });
    await evidence();
  });

  it('setModule: a disabled module refuses txs at the node (403 PERM_MODULE_DISABLED) until enabled again', async () => {
    await pass({ type: 'setModule', module: 'evidence', enabled: false });
    // The next block executes it; governance txs keep working.
    const block = await send('governance', 'propose', {
      action: { type: 'setVotingPolicy', policy: { kind: 'MAJORITY' } },
      title: 'a block',
      deadlineHeight: node.height() + 50,
    });
    assert.equal(block.status, 200);
    const refused = await until('evidence disabled', async () => {
      const r = await evidence();
      return r.status === 403 ? r : undefined;
    });
    assert.equal(refused.body.code, 'PERM_MODULE_DISABLED');
    const g = (await http(`${node.apiUrl}/v1/governance`)).body as { disabledModules: string[] };
    assert.deepEqual(g.disabledModules, ['evidence']);
    await pass({ type: 'setModule', module: 'evidence', enabled: true });
    await send('governance', 'propose', {
      action: { type: 'setVotingPolicy', policy: { kind: 'MAJORITY' } },
      title: 'another block',
      deadlineHeight: node.height() + 50,
    });
    const ok = await until('evidence enabled again', async () => {
      const r = await evidence();
      return r.status === 200 ? r : undefined;
    });
    assert.equal(ok.status, 200);
  });

  it('scheduleUpgrade: an unsupported upgrade halts the node after height − 1, with status and 503', async () => {
    const upgradeHeight = node.height() + 6;
    await pass({
      type: 'scheduleUpgrade',
      name: 'v9-test',
      height: upgradeHeight,
      info: 'see release notes',
    });
    const pending = await until('the upgrade in status', async () => {
      const u = (await status()).upgrade as { pending: { name: string; supported: boolean }[] };
      return u.pending.length > 0 ? u.pending : undefined;
    });
    assert.deepEqual(
      pending.map((u) => [u.name, u.supported]),
      [['v9-test', false]],
    );
    // Txs make blocks until the node halts.
    let last: Awaited<ReturnType<typeof evidence>> | undefined;
    for (let i = 0; i < 10; i++) {
      last = await evidence();
      if (last.status !== 200) break;
    }
    assert.equal(last?.status, 503, JSON.stringify(last?.body));
    assert.equal(last?.body.code, 'NODE_UPGRADE_REQUIRED');
    assert.equal(node.height(), upgradeHeight - 1);
    const s = await status();
    const halted = (s.upgrade as { halted: Record<string, unknown> }).halted;
    assert.equal(halted.name, 'v9-test');
    assert.equal(halted.height, upgradeHeight);
    assert.equal(halted.haltedAfter, upgradeHeight - 1);
    assert.match(String(halted.reason), /UPGRADE "v9-test" NEEDED at height/);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(node.height(), upgradeHeight - 1, 'no block at the upgrade height');

    // The same software restarted stays halted; reads still work.
    await node.stop();
    node = await home.start();
    assert.equal(((await status()).upgrade as { halted: { name: string } }).halted.name, 'v9-test');
    assert.equal((await evidence()).status, 503);

    // Software that supports it goes on at the upgrade height.
    await node.stop();
    node = await home.start({ supportedUpgrades: ['v9-test'] });
    const s2 = await status();
    assert.equal((s2.upgrade as { halted: unknown }).halted, null);
    const ok = await evidence();
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.ok(node.height() >= upgradeHeight);
  });
});
