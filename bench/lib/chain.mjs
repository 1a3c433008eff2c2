// Reading the chain back: the independent check that nothing was lost.
import { sleep } from './http.mjs';

/** Current `/v1/status`. */
export const status = (client) => client.getJson('/v1/status');

/**
 * Polls /v1/status every `intervalMs` until the mempool is empty (every admitted tx is in a
 * durably committed block, or was dropped). Resolves `{ at, height }` with the time (ms,
 * performance.now) the empty mempool was first seen; rejects after `timeoutMs`.
 */
export async function waitMempoolEmpty(client, { intervalMs = 20, timeoutMs }) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const s = await status(client);
    const at = performance.now();
    if (s.mempool.size === 0) return { at, height: s.height };
    if (at > deadline) throw new Error(`mempool still holds ${s.mempool.size} txs after ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/**
 * Every block in (fromHeight, toHeight], read with GET /v1/blocks (100 per page). Returns
 * `{ blocks, txCount, txIds }` where txIds is the set of committed txIds.
 */
export async function readBlocks(client, fromHeight, toHeight) {
  const blocks = [];
  let before = toHeight + 1;
  while (before - 1 > fromHeight) {
    const limit = Math.min(100, before - 1 - fromHeight);
    const page = await client.getJson(`/v1/blocks?before=${before}&limit=${limit}`);
    if (page.blocks.length === 0) break;
    for (const b of page.blocks) blocks.push(b);
    before = page.blocks.at(-1).height;
  }
  blocks.reverse();
  const txIds = new Set();
  let txCount = 0;
  for (const b of blocks) {
    txCount += b.txCount;
    for (const id of b.txIds) txIds.add(id);
  }
  return { blocks, txCount, txIds };
}

/**
 * Checks that exactly the submitted txs were committed in (fromHeight, toHeight]: the sum of
 * txCount over the blocks equals the number submitted and every submitted txId is on chain.
 * Returns `{ ok, committed, missing, blocks, maxBlockTxs }`.
 */
export async function checkCommitted(client, fromHeight, toHeight, submittedTxIds) {
  const chain = await readBlocks(client, fromHeight, toHeight);
  const missing = submittedTxIds.filter((id) => !chain.txIds.has(id)).length;
  return {
    ok: missing === 0 && chain.txCount === submittedTxIds.length,
    committed: chain.txCount,
    missing,
    blocks: chain.blocks.length,
    maxBlockTxs: Math.max(0, ...chain.blocks.map((b) => b.txCount)),
  };
}

/** Results of `sample` committed txs (GET /v1/txs/:id): how many executed with status ok. */
export async function countOkResults(client, txIds, sample) {
  let ok = 0;
  const picks = pickSample(txIds, sample);
  for (const id of picks) {
    const t = await client.getJson(`/v1/txs/${id}`);
    if (t.status === 'committed' && t.result?.status === 'ok') ok++;
  }
  return { checked: picks.length, ok };
}

/** Up to `n` distinct random elements of `items`. */
export function pickSample(items, n) {
  const picked = new Set();
  while (picked.size < Math.min(n, items.length)) picked.add(Math.floor(Math.random() * items.length));
  return [...picked].map((i) => items[i]);
}

/**
 * Several nodes (a validator network): polls every node's /v1/status until every mempool is
 * empty at once, then until every node is at the highest height seen. Resolves `{ at, height }`
 * with the time the empty mempools were first seen.
 */
export async function waitAllMempoolsEmpty(clients, { intervalMs = 20, timeoutMs }) {
  const deadline = performance.now() + timeoutMs;
  let done;
  for (;;) {
    const all = await Promise.all(clients.map(status));
    const at = performance.now();
    const height = Math.max(...all.map((s) => s.height));
    if (done === undefined && all.every((s) => s.mempool.size === 0)) done = { at, height };
    if (done !== undefined && all.every((s) => s.height >= done.height)) return done;
    if (at > deadline) {
      throw new Error(
        `nodes not done after ${timeoutMs} ms: mempools ${all.map((s) => s.mempool.size).join(',')}, heights ${all.map((s) => s.height).join(',')}`,
      );
    }
    await sleep(intervalMs);
  }
}

/**
 * `checkCommitted` on every node, and every node holds the same block ID and app hash at
 * `toHeight`. Returns the first node's figures with `ok` over all nodes and `nodesAgree`.
 */
export async function checkCommittedEverywhere(clients, fromHeight, toHeight, submittedTxIds) {
  const checks = [];
  for (const c of clients) checks.push(await checkCommitted(c, fromHeight, toHeight, submittedTxIds));
  const tops = await Promise.all(clients.map((c) => c.getJson(`/v1/blocks/${toHeight}`)));
  const nodesAgree = tops.every((b) => b.id === tops[0].id && b.appHash === tops[0].appHash);
  return { ...checks[0], ok: nodesAgree && checks.every((c) => c.ok), nodesAgree };
}
