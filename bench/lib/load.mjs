// Closed-loop maximum-throughput load and open-loop paced latency load.
import {
  checkCommitted,
  checkCommittedEverywhere,
  status,
  waitAllMempoolsEmpty,
  waitMempoolEmpty,
} from './chain.mjs';
import { cpuMeter } from './cpu.mjs';
import { retryDelayMs, sleep } from './http.mjs';
import { watchBlocks } from './sse.mjs';
import { quantile } from './stats.mjs';

/**
 * Maximum throughput, then waits until the mempool is empty. With `txBatch` 1 every payload is
 * POSTed to /v1/txs (wait=none) with at most `window` requests in flight; with `txBatch` > 1 the
 * txs go in `POST /v1/txs/batch` requests of `txBatch` txs, `batchWindow` requests in flight
 * (bodies built before timing; each tx is still individually signed and verified). 429/503
 * (whole request, or a MEMPOOL_FULL result of one tx) are retried after Retry-After and counted.
 * tx/s = committed txs ÷ (first submit → empty mempool seen). The chain is read back: committed
 * count and txIds must equal the submitted ones.
 * With `clients` (one per node of a validator network) request k goes to node k mod n, the run
 * ends when every node's mempool is empty and every node is read back.
 */
export async function runThroughput(
  client,
  { payloads, txIds, window, txBatch = 1, batchWindow = 16, timeoutMs, nodePid, clients = [client] },
) {
  const h0 = Math.max(...(await Promise.all(clients.map(status))).map((s) => s.height));
  const errors = [];
  let retries = 0;
  let next = 0;
  const units = txBatch > 1 ? batchUnits(payloads, txBatch) : payloads.map((body, i) => ({ first: i, body }));
  const cpu = cpuMeter(nodePid);
  const started = performance.now();
  const deadline = started + timeoutMs;
  async function worker() {
    while (next < units.length && performance.now() < deadline) {
      const k = next++;
      const to = clients[k % clients.length];
      if (txBatch > 1) await sendBatch(to, units[k]);
      else await sendOne(to, units[k]);
    }
  }
  async function sendOne(client, { first, body }) {
    for (;;) {
      const res = await client.request('POST', '/v1/txs', body);
      if (res.status === 202) return;
      if ((res.status === 429 || res.status === 503) && performance.now() < deadline) {
        retries++;
        await sleep(retryDelayMs(res));
        continue;
      }
      errors.push(`tx ${first}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
      return;
    }
  }
  async function sendBatch(client, { first, txs }) {
    let todo = txs.map((tx, k) => ({ index: first + k, tx }));
    while (todo.length > 0) {
      const res = await client.request(
        'POST',
        '/v1/txs/batch',
        JSON.stringify({ txs: todo.map((t) => t.tx) }),
      );
      const retry = (res.status === 429 || res.status === 503) && performance.now() < deadline;
      if (res.status !== 200 && !retry) {
        errors.push(`txs ${todo[0].index}..: HTTP ${res.status} ${res.text.slice(0, 200)}`);
        return;
      }
      if (res.status === 200) {
        const { results } = JSON.parse(res.text);
        const full = [];
        results.forEach((r, k) => {
          if (r.error === undefined) return;
          if (r.error.code === 'MEMPOOL_FULL' && performance.now() < deadline) full.push(todo[k]);
          else errors.push(`tx ${todo[k].index}: ${r.error.code} ${r.error.detail}`);
        });
        todo = full;
        if (todo.length === 0) return;
      }
      retries++;
      await sleep(retryDelayMs(res));
    }
  }
  await Promise.all(Array.from({ length: txBatch > 1 ? batchWindow : window }, worker));
  if (next < units.length) errors.push(`timeout: ${units.length - next} requests not sent`);
  const acceptedAt = performance.now();
  const waitMs = Math.max(1000, deadline - performance.now());
  const done =
    clients.length === 1
      ? await waitMempoolEmpty(client, { timeoutMs: waitMs })
      : await waitAllMempoolsEmpty(clients, { timeoutMs: waitMs });
  const seconds = (done.at - started) / 1000;
  const usage = cpu.stop();
  const check =
    clients.length === 1
      ? await checkCommitted(client, h0, done.height, txIds)
      : await checkCommittedEverywhere(clients, h0, done.height, txIds);
  return {
    submitted: payloads.length,
    committed: check.committed,
    missing: check.missing,
    lost: payloads.length - check.committed,
    ok: check.ok && errors.length === 0,
    errors: errors.slice(0, 10),
    errorCount: errors.length,
    retries,
    window,
    txBatch,
    ...(txBatch > 1 ? { batchWindow } : {}),
    loadSeconds: seconds,
    admitSeconds: (acceptedAt - started) / 1000,
    txPerSecond: check.committed / seconds,
    admitPerSecond: payloads.length / ((acceptedAt - started) / 1000),
    blocks: check.blocks,
    maxBlockTxs: check.maxBlockTxs,
    ...(check.nodesAgree === undefined ? {} : { nodes: clients.length, nodesAgree: check.nodesAgree }),
    fromHeight: h0,
    toHeight: done.height,
    cpu: usage,
    nodeCpuMsPerTx: perTxMs(usage.nodeCpuSeconds, check.committed),
    mainThreadCpuMsPerTx: perTxMs(usage.nodeMainThreadCpuSeconds, check.committed),
  };
}

/** Splits `{"tx":"<base64>"}` payloads into batches of base64 txs. */
function batchUnits(payloads, size) {
  const units = [];
  for (let first = 0; first < payloads.length; first += size) {
    units.push({ first, txs: payloads.slice(first, first + size).map((p) => JSON.parse(p).tx) });
  }
  return units;
}

const perTxMs = (seconds, txs) => (seconds === null || txs === 0 ? null : (seconds * 1000) / txs);

/** Txs whose arrival falls in one tick are sent together at the end of the tick (batch mode). */
export const TICK_MS = 20;

/**
 * Commit latency under open-loop load at `rate` tx/s, delivered like the throughput run: tx i
 * "arrives" at start + i/rate whether or not earlier ones were answered; with `txBatch` 1 it is
 * POSTed to /v1/txs at once, with `txBatch` > 1 the txs arriving within a 20 ms tick go in one
 * POST /v1/txs/batch at the end of the tick. Commit time = arrival of the tx's block on the SSE
 * block stream (published when the block is durable, like `?wait=commit` answers). Latency =
 * commit − arrival, so client-side waiting and batching count (no coordinated omission).
 * With `clients` (a validator network) send k goes to node k mod n; commit times are read from
 * the stream of `apiUrl` (node 1), and every node is read back.
 */
export async function runLatency(
  client,
  { apiUrl, payloads, txIds, rate, txBatch, timeoutMs, nodePid, clients = [client] },
) {
  const h0 = Math.max(...(await Promise.all(clients.map(status))).map((s) => s.height));
  const watch = await watchBlocks(apiUrl);
  const errors = [];
  const pending = [];
  const arrival = new Array(payloads.length);
  const cpu = cpuMeter(nodePid);
  const started = performance.now();
  const arrives = (i) => started + (i * 1000) / rate;
  let sent = 0;
  try {
    while (sent < payloads.length && performance.now() - started < timeoutMs) {
      // Next send: tx `sent` itself, or (batch mode) the end of its tick with every tx arrived by then.
      const at =
        txBatch > 1
          ? started + (Math.floor((arrives(sent) - started) / TICK_MS) + 1) * TICK_MS
          : arrives(sent);
      const wait = at - performance.now();
      if (wait > 1) await sleep(wait);
      let end = sent + 1;
      while (txBatch > 1 && end < payloads.length && end - sent < txBatch && arrives(end) <= at) end++;
      for (let i = sent; i < end; i++) arrival[i] = arrives(i);
      pending.push(send(clients[pending.length % clients.length], payloads, sent, end, errors));
      sent = end;
    }
    const sendSeconds = (performance.now() - started) / 1000;
    await Promise.all(pending);
    const done =
      clients.length === 1
        ? await waitMempoolEmpty(client, { timeoutMs: 30_000 })
        : await waitAllMempoolsEmpty(clients, { timeoutMs: 30_000 });
    // The block event of the last block may trail the status poll by a moment.
    for (let k = 0; k < 50 && watch.committedAt.size < sent; k++) await sleep(20);
    const usage = cpu.stop();
    const latencies = [];
    for (let i = 0; i < sent; i++) {
      const at = watch.committedAt.get(txIds[i]);
      if (at !== undefined) latencies.push(at - arrival[i]);
    }
    const check =
      clients.length === 1
        ? await checkCommitted(client, h0, done.height, txIds.slice(0, sent))
        : await checkCommittedEverywhere(clients, h0, done.height, txIds.slice(0, sent));
    latencies.sort((a, b) => a - b);
    return {
      targetRate: rate,
      sent,
      achievedRate: sent / sendSeconds,
      txBatch,
      committed: check.committed,
      observed: latencies.length,
      lost: sent - check.committed,
      ok: check.ok && errors.length === 0 && sent === payloads.length && latencies.length === sent,
      errors: errors.slice(0, 10),
      errorCount: errors.length,
      p50Ms: quantile(latencies, 0.5),
      p90Ms: quantile(latencies, 0.9),
      p99Ms: quantile(latencies, 0.99),
      maxMs: latencies.at(-1) ?? Number.NaN,
      sendSeconds,
      cpu: usage,
    };
  } finally {
    watch.close();
  }
}

/** Sends txs [from, to): one POST /v1/txs, or one POST /v1/txs/batch; failures go to `errors`. */
async function send(client, payloads, from, to, errors) {
  try {
    if (to - from === 1) {
      const res = await client.request('POST', '/v1/txs', payloads[from]);
      if (res.status !== 202) errors.push(`tx ${from}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
      return;
    }
    const txs = payloads.slice(from, to).map((p) => JSON.parse(p).tx);
    const res = await client.request('POST', '/v1/txs/batch', JSON.stringify({ txs }));
    if (res.status !== 200) {
      errors.push(`txs ${from}..${to - 1}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
      return;
    }
    JSON.parse(res.text).results.forEach((r, k) => {
      if (r.error !== undefined) errors.push(`tx ${from + k}: ${r.error.code} ${r.error.detail}`);
    });
  } catch (e) {
    errors.push(`txs ${from}..${to - 1}: ${e.message}`);
  }
}
