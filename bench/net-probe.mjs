#!/usr/bin/env node
// Watches a fresh 4-validator network absorb one burst of txs: every node's height/round/step and
// mempool size every 500 ms, then node 1's consensus metrics. Diagnosis aid for docs/performance.md.
// Usage: node bench/net-probe.mjs [TXS] (env PROPOSE=ms raises the consensus timeouts; suite intl)
import { Cleanup } from './lib/cleanup.mjs';
import { HttpClient } from './lib/http.mjs';
import { startNetwork } from './lib/network-process.mjs';
import { presignSubmits } from './lib/presign.mjs';

const cleanup = new Cleanup();
process.once('exit', () => cleanup.runSync());
const net = await startNetwork(
  {
    suite: 'intl',
    validators: 4,
    mainJs: new URL('../packages/node/dist/src/main.js', import.meta.url).pathname,
    mempoolCapacity: 1e6,
    mempoolMaxBytes: 2 ** 31,
    ...(process.env.PROPOSE
      ? { consensus: { proposeMs: Number(process.env.PROPOSE), prevoteMs: 1500, precommitMs: 1500 } }
      : {}),
  },
  cleanup,
);
const cs = net.nodes.map((n) => new HttpClient(n.apiUrl));
const g = await cs[0].getJson('/v1/genesis');
const st = await cs[0].getJson('/v1/status');
const { payloads } = await presignSubmits({
  suite: 'intl',
  chainId: g.chainId,
  expiryHeight: st.height + 1000,
  count: Number(process.argv[2] ?? 3000),
});
const t0 = performance.now();
let stopped = false;
const mon = setInterval(async () => {
  try {
    const s = await Promise.all(cs.map((c) => c.getJson('/v1/status')));
    console.log(
      ((performance.now() - t0) / 1000).toFixed(1),
      s.map((x) => `${x.height}/${x.consensus.round}/${x.consensus.step} mp${x.mempool.size}`).join('  '),
    );
  } catch (e) {
    if (!stopped) console.log(`status failed: ${e.message}`);
  }
}, 500);
const units = [];
for (let i = 0; i < payloads.length; i += 250)
  units.push(payloads.slice(i, i + 250).map((p) => JSON.parse(p).tx));
await Promise.all(
  units.map((u, k) => cs[k % 4].request('POST', '/v1/txs/batch', JSON.stringify({ txs: u }))),
);
console.log('admitted', ((performance.now() - t0) / 1000).toFixed(1));
await new Promise((r) => setTimeout(r, 15000));
clearInterval(mon);
stopped = true;
const m = await (await fetch(`${net.nodes[0].apiUrl}/metrics`)).text();
console.log(
  m
    .split('\n')
    .filter((l) => /wal|store_commit|height_duration|gossip|rejected|round/.test(l) && !l.startsWith('#'))
    .join('\n'),
);
for (const c of cs) c.close();
await cleanup.run();
