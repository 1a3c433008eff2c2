#!/usr/bin/env node
// Watches a fresh 4-validator network absorb one burst of txs after a warm-up burst: every node's
// height/round/step and mempool size every 500 ms, then per node the CPU seconds (all threads,
// /proc/<pid>/stat) per tx of the measured burst and its consensus counters. Diagnosis aid for
// docs/performance.md; CPU per tx per node moves much less with machine load than tx/s.
// Usage: node bench/net-probe.mjs [TXS] [WARMUP]
// env: SUITE=intl|gm (default intl), PROPOSE=ms raises the consensus timeouts, QUIET=1 no status
// lines, PROFILE=DIR runs the nodes with --cpu-prof into DIR, RATE=N sends the measured txs at N tx/s
// (one batch every 100 ms) instead of all at once, NODE_FLAGS='--flag …' extra node flags. Prints per node CPU per tx, by thread too.
import { readdirSync, readFileSync } from 'node:fs';
import { Cleanup } from './lib/cleanup.mjs';
import { HttpClient } from './lib/http.mjs';
import { startNetwork } from './lib/network-process.mjs';
import { presignSubmits } from './lib/presign.mjs';

const SUITE = process.env.SUITE ?? 'intl';
const TXS = Number(process.argv[2] ?? 3000);
const WARMUP = Number(process.argv[3] ?? 1000);
const cleanup = new Cleanup();
process.once('exit', () => cleanup.runSync());
const net = await startNetwork(
  {
    suite: SUITE,
    validators: 4,
    mainJs: new URL('../packages/node/dist/src/main.js', import.meta.url).pathname,
    mempoolCapacity: 1e6,
    mempoolMaxBytes: 2 ** 31,
    nodeFlags: [
      ...(process.env.PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE}`] : []),
      ...(process.env.NODE_FLAGS ? process.env.NODE_FLAGS.split(' ') : []),
    ],
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
  suite: SUITE,
  chainId: g.chainId,
  expiryHeight: st.height + 1000,
  count: TXS + WARMUP,
});
const txs = payloads.map((p) => JSON.parse(p).tx);

/** utime + stime of a process, seconds. */
function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100;
}
/** CPU seconds per thread of a process, by thread: `{ name, cpu }` (name `main` for the main thread). */
function threadCpu(pid) {
  const out = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = tid === String(pid) ? 'main' : f.slice(f.indexOf('(') + 1, f.lastIndexOf(')'));
      const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
      out.set(tid, { name, cpu: (Number(rest[11]) + Number(rest[12])) / 100 });
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}
/** Per thread (main first, then busiest first): CPU seconds between two threadCpu snapshots. */
function threadDelta(a, b) {
  const rows = [...b].map(([tid, t]) => [
    t.name === 'main' ? 'main' : `${t.name}:${tid}`,
    t.cpu - (a.get(tid)?.cpu ?? 0),
  ]);
  return rows
    .filter(([, v]) => v > 0.005)
    .sort((x, y) => (x[0] === 'main' ? -1 : y[0] === 'main' ? 1 : y[1] - x[1]));
}
const metric = (text, name) =>
  text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);

async function burst(list, label) {
  const t0 = performance.now();
  let stopped = false;
  const mon = setInterval(async () => {
    if (process.env.QUIET) return;
    try {
      const s = await Promise.all(cs.map((c) => c.getJson('/v1/status')));
      if (stopped) return;
      console.log(
        ((performance.now() - t0) / 1000).toFixed(1),
        s.map((x) => `${x.height}/${x.consensus.round}/${x.consensus.step} mp${x.mempool.size}`).join('  '),
      );
    } catch (e) {
      if (!stopped) console.log(`status failed: ${e.message}`);
    }
  }, 500);
  const units = [];
  const rate = label === 'measured' && process.env.RATE ? Number(process.env.RATE) : undefined;
  const per = rate === undefined ? 250 : Math.max(1, Math.round(rate / 10));
  for (let i = 0; i < list.length; i += per) units.push(list.slice(i, i + per));
  if (rate === undefined) {
    await Promise.all(
      units.map((u, k) => cs[k % 4].request('POST', '/v1/txs/batch', JSON.stringify({ txs: u }))),
    );
  } else {
    // RATE tx/s: one batch every 100 ms, round-robin over the nodes (open loop).
    const sends = [];
    for (const [k, u] of units.entries()) {
      const due = t0 + k * 100 - performance.now();
      if (due > 0) await new Promise((r) => setTimeout(r, due));
      sends.push(cs[k % 4].request('POST', '/v1/txs/batch', JSON.stringify({ txs: u })));
    }
    await Promise.all(sends);
  }
  const admitted = (performance.now() - t0) / 1000;
  for (;;) {
    const s = await Promise.all(cs.map((c) => c.getJson('/v1/status')));
    if (s.every((x) => x.mempool.size === 0)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  clearInterval(mon);
  stopped = true;
  const secs = (performance.now() - t0) / 1000;
  console.log(
    `${label}: ${list.length} txs admitted in ${admitted.toFixed(1)} s, all committed in ${secs.toFixed(1)} s`,
  );
  return secs;
}

await burst(txs.slice(0, WARMUP), 'warm-up');
const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const before = net.nodes.map((n) => cpuSeconds(n.pid));
const threadsBefore = net.nodes.map((n) => threadCpu(n.pid));
const m0 = await Promise.all(net.nodes.map(async (n) => (await fetch(`${n.apiUrl}/metrics`)).text()));
const secs = await burst(txs.slice(WARMUP), 'measured');
const after = net.nodes.map((n) => cpuSeconds(n.pid));
const threadsAfter = net.nodes.map((n) => threadCpu(n.pid));
const m1 = await Promise.all(net.nodes.map(async (n) => (await fetch(`${n.apiUrl}/metrics`)).text()));
const names = {
  blocks: 'xinlian_blocks_committed_total',
  executions: 'xinlian_block_execution_seconds_count',
  execS: 'xinlian_block_execution_seconds_sum',
  commitS: 'xinlian_store_commit_seconds_sum',
  proposals: 'xinlian_consensus_proposals_received_total',
  votes: 'xinlian_consensus_votes_received_total',
  walS: 'xinlian_consensus_wal_append_seconds_sum',
  gossipIn: 'xinlian_p2p_txs_gossiped_total{direction="in"}',
  sigWorker: 'xinlian_consensus_proposal_signatures_verified_total{where="worker"}',
  sigMain: 'xinlian_consensus_proposal_signatures_verified_total{where="main"}',
};
let total = 0;
net.nodes.forEach((_n, i) => {
  const cpu = after[i] - before[i];
  total += cpu;
  const d = Object.entries(names).map(([k, name]) => {
    const v = metric(m1[i], name) - metric(m0[i], name);
    return `${k} ${Number.isInteger(v) ? v : v.toFixed(2)}`;
  });
  console.log(
    `node ${i + 1}: cpu ${cpu.toFixed(2)} s = ${((cpu / TXS) * 1000).toFixed(3)} ms/tx; ${d.join(', ')}`,
  );
  const threads = threadDelta(threadsBefore[i], threadsAfter[i]);
  console.log(
    `  threads (ms/tx): ${threads.map(([n, v]) => `${n} ${((v / TXS) * 1000).toFixed(3)}`).join(', ')}`,
  );
});
const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(
  `network: ${(TXS / secs).toFixed(0)} tx/s, cpu ${((total / TXS) * 1000).toFixed(3)} ms/tx over 4 nodes (${((total / TXS / 4) * 1000).toFixed(3)} per node), ${(total / secs).toFixed(2)} cores; load ${load0} → ${load1}`,
);
for (const c of cs) c.close();
await cleanup.run();
