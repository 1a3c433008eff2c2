#!/usr/bin/env node
// Xinlian benchmark: `node bench/run.mjs [--suite gm|intl|all] [--quick] [--json]` (see bench/README.md).
// Exit code 0 when every run was correct (no lost or failed txs, receipts verify), 1 otherwise;
// missed performance targets are reported, not failures.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createSuite, measureVerifyRate } from '@xinlian/crypto';
import { runBatch } from './lib/batch.mjs';
import { status } from './lib/chain.mjs';
import { Cleanup } from './lib/cleanup.mjs';
import { cpuMeter } from './lib/cpu.mjs';
import { environment, formatEnvironment } from './lib/env.mjs';
import { HttpClient } from './lib/http.mjs';
import { runLatency, runThroughput, TICK_MS } from './lib/load.mjs';
import { startNetwork } from './lib/network-process.mjs';
import { startNodeProcess } from './lib/node-process.mjs';
import { presignSubmits } from './lib/presign.mjs';
import { summarizeProfile } from './lib/profile.mjs';
import { fmt, round } from './lib/stats.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench', 'results');
const MAIN_JS = join(ROOT, 'packages', 'node', 'dist', 'src', 'main.js');
const PHASES = ['tx', 'latency', 'batch'];

/** Targets from the product brief (docs/performance.md). */
const TARGETS = Object.freeze({
  verifyBoundRatio: 0.7,
  batchDigestsPerSecond: 100_000,
  latencyP50Ms: 300,
  latencyP99Ms: 1000,
});

/**
 * Run sizes. The throughput run signs max(txs[suite], warm-up rate × loadSeconds) txs, at most
 * maxTxs, so that it lasts long enough (≥ 10 s in a full run) whatever the node's speed.
 */
const PROFILES = Object.freeze({
  full: {
    verifyMs: 5000,
    txs: { intl: 30_000, gm: 16_000 },
    loadSeconds: 25,
    maxTxs: 300_000,
    warmupTxs: 3000,
    latencySeconds: 10,
    batches: 8,
    batchSize: 100_000,
    receiptSample: 32,
    timeoutMs: 180_000,
  },
  quick: {
    verifyMs: 1000,
    txs: { intl: 3000, gm: 1500 },
    loadSeconds: 2,
    maxTxs: 10_000,
    warmupTxs: 300,
    latencySeconds: 2,
    batches: 2,
    batchSize: 20_000,
    receiptSample: 8,
    timeoutMs: 30_000,
  },
});

const { values: cli } = parseArgs({
  options: {
    suite: { type: 'string', default: 'all' },
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    name: { type: 'string' },
    txs: { type: 'string' },
    'latency-rate': { type: 'string' },
    phases: { type: 'string', default: PHASES.join(',') },
    'block-interval': { type: 'string', default: '100' },
    window: { type: 'string', default: '256' },
    'tx-batch': { type: 'string', default: '250' },
    'batch-window': { type: 'string', default: '16' },
    validators: { type: 'string', default: '1,4' },
    profile: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const USAGE = `usage: node bench/run.mjs [--suite gm|intl|all] [--quick] [--json] [--name NAME]
  [--txs N] [--phases tx,latency,batch] [--block-interval MS] [--window N] [--tx-batch N]
  [--batch-window N] [--validators 1,4] [--latency-rate N] [--profile]`;

const out = cli.json ? process.stderr : process.stdout;
const log = (line = '') => out.write(`${line}\n`);

function options() {
  const suites = cli.suite === 'all' ? ['intl', 'gm'] : [cli.suite];
  const phases = cli.phases.split(',').filter(Boolean);
  const ints = {
    blockIntervalMs: Number(cli['block-interval']),
    window: Number(cli.window),
    txBatch: Number(cli['tx-batch']),
    batchWindow: Number(cli['batch-window']),
  };
  const txs = cli.txs === undefined ? undefined : Number(cli.txs);
  const latencyRate = cli['latency-rate'] === undefined ? undefined : Number(cli['latency-rate']);
  const validators = cli.validators.split(',').filter(Boolean).map(Number);
  const bad =
    validators.length === 0 ||
    !validators.every((n) => Number.isSafeInteger(n) && n >= 1 && n <= 16) ||
    !suites.every((s) => s === 'gm' || s === 'intl') ||
    !phases.every((p) => PHASES.includes(p)) ||
    !Object.values(ints).every((n) => Number.isSafeInteger(n) && n > 0) ||
    (txs !== undefined && !(Number.isSafeInteger(txs) && txs > 0)) ||
    (latencyRate !== undefined && !(Number.isSafeInteger(latencyRate) && latencyRate > 0));
  if (cli.help || bad) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(cli.help ? 0 : 2);
  }
  const mode = cli.quick ? 'quick' : 'full';
  return {
    suites,
    phases,
    validators,
    mode,
    size: PROFILES[mode],
    txs,
    latencyRate,
    profile: cli.profile,
    ...ints,
  };
}

/** Verification rate of a suite on all cores, measured once per suite and run. */
async function measureVerify(suiteId, o) {
  const threads = os.availableParallelism();
  const meter = cpuMeter();
  const rate = await measureVerifyRate(suiteId, { threads, durationMs: o.size.verifyMs });
  const verify = { ...rate, cpu: meter.stop() };
  log(`verify   ${fmt(verify.verifiesPerSecond)} verify/s on ${threads} threads`);
  log(`cpu      ${cpuLine(verify.cpu)}`);
  return verify;
}

/**
 * One suite and validator count: the bound (verify/s ÷ validators), then a fresh node (or
 * network of `validators` node processes) for throughput, latency and (one validator) batches.
 */
async function benchSuite(suiteId, validators, verify, o, cleanup) {
  const suite = createSuite(suiteId);
  log(
    `\n== suite ${suiteId} (${suite.signatureAlgorithm}, ${suite.hashAlgorithm}), ${validators} validator${validators > 1 ? 's (separate processes, BFT)' : ''} ==`,
  );
  const bound = verify.verifiesPerSecond / validators;
  log(`bound    ${fmt(verify.verifiesPerSecond)} verify/s ÷ ${validators} = ${fmt(bound)} tx/s`);

  const profileDir = o.profile ? join(RESULTS, `profile-${suiteId}-${validators}v-${Date.now()}`) : undefined;
  const nodeOpts = {
    suite: suiteId,
    mainJs: MAIN_JS,
    blockIntervalMs: o.blockIntervalMs,
    mempoolCapacity: 1_000_000,
    mempoolMaxBytes: 2 * 2 ** 30,
    ...(profileDir === undefined ? {} : { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] }),
  };
  let node;
  let network;
  if (validators === 1) node = await startNodeProcess(nodeOpts, cleanup);
  else {
    network = await startNetwork({ ...nodeOpts, validators }, cleanup);
    node = network.nodes[0];
  }
  const nodes = network?.nodes ?? [node];
  const pids = nodes.map((n) => n.pid);
  const client = new HttpClient(node.apiUrl, { maxSockets: 4096 });
  const others = nodes.slice(1).map((n) => new HttpClient(n.apiUrl, { maxSockets: 4096 }));
  const clients = [client, ...others];
  const nodePid = validators === 1 ? node.pid : pids;
  const result = {
    suite: suiteId,
    validators,
    verify: { ...verify, bound },
    node: { pid: node.pid, ...(validators > 1 ? { pids } : {}) },
  };
  try {
    const genesis = await client.getJson('/v1/genesis');
    const { chainId } = genesis;
    const presign = async (count) => {
      const head = (await status(client)).height;
      return presignSubmits({
        suite: suiteId,
        chainId,
        expiryHeight: head + genesis.params.maxTxLifetime,
        count,
      });
    };
    const timeoutMs = o.size.timeoutMs;
    if (validators === 1) {
      log(`node     ${node.apiUrl} (pid ${node.pid}), blockIntervalMs ${genesis.params.blockIntervalMs}`);
    } else {
      log(
        `nodes    ${nodes.map((n) => `${n.apiUrl} (pid ${n.pid})`).join(', ')}; load spread over all ${validators}`,
      );
    }

    const load = { window: o.window, txBatch: o.txBatch, batchWindow: o.batchWindow, clients };
    let warmRate = 0;
    if (o.phases.includes('tx') || o.phases.includes('latency')) {
      const warm = await presign(o.size.warmupTxs);
      const w = await runThroughput(client, { ...warm, ...load, timeoutMs, nodePid });
      if (!w.ok) throw new Error(`warm-up failed: ${JSON.stringify(w.errors)}`);
      warmRate = w.txPerSecond;
      log(`warm-up  ${fmt(w.submitted)} txs at ${fmt(w.txPerSecond)} tx/s (JIT, caches; not reported)`);
    }

    let txPerSecond;
    if (o.phases.includes('tx')) {
      // Enough txs for the load to last about loadSeconds at the warm-up rate (within bounds).
      const wanted = Math.ceil(warmRate * o.size.loadSeconds);
      // A network commits several times slower than one validator (docs/performance.md): a fifth of
      // the single-validator floor keeps its run well inside the phase timeout.
      const floor = validators === 1 ? o.size.txs[suiteId] : Math.round(o.size.txs[suiteId] / 5);
      const count = o.txs ?? Math.min(o.size.maxTxs, Math.max(floor, wanted));
      const txs = await presign(count);
      log(`presign  ${fmt(count)} txs in ${round(txs.seconds)} s (not timed)`);
      const t = await runThroughput(client, { ...txs, ...load, timeoutMs, nodePid });
      txPerSecond = t.txPerSecond;
      result.throughput = { ...t, ratio: t.txPerSecond / bound, target: TARGETS.verifyBoundRatio };
      log(
        `tx/s     ${fmt(t.txPerSecond)} (${fmt(t.committed)}/${fmt(t.submitted)} committed in ${round(t.loadSeconds, 2)} s` +
          `, ${t.txBatch > 1 ? `${t.txBatch} txs/request` : 'one tx/request'}` +
          `, admitted at ${fmt(t.admitPerSecond)}/s, ${t.blocks} blocks, max ${fmt(t.maxBlockTxs)} txs/block, ${t.retries} retries)`,
      );
      log(
        `ratio    ${round(result.throughput.ratio * 100)}% of bound (target ≥ ${TARGETS.verifyBoundRatio * 100}%) ${mark(result.throughput.ratio >= TARGETS.verifyBoundRatio)}`,
      );
      log(`cpu      ${cpuLine(t.cpu)}`);
      if (t.mainThreadCpuMsPerTx !== null) {
        log(
          `cost     node ${round(t.nodeCpuMsPerTx, 3)} ms CPU/tx, of which main thread ${round(t.mainThreadCpuMsPerTx, 3)} ms/tx` +
            ` → one-thread ceiling ${fmt(1000 / t.mainThreadCpuMsPerTx)} tx/s`,
        );
      }
      if (t.nodes !== undefined) {
        log(
          `check    every tx read back on each of the ${t.nodes} nodes; identical head block and app hash: ${t.nodesAgree ? 'yes' : 'NO'}`,
        );
      }
      if (t.loadSeconds < 10 && o.mode === 'full') log('warning  load lasted < 10 s: raise --txs');
      if (!t.ok)
        log(`FAILED   ${t.lost} lost, ${t.missing} missing, ${t.errorCount} errors ${t.errors.join('; ')}`);
    }

    if (o.phases.includes('latency')) {
      // Half the measured tx/s, or a fixed rate (--latency-rate: the same load for two builds).
      const rate = o.latencyRate ?? Math.max(10, Math.round((txPerSecond ?? 1000) / 2));
      const txs = await presign(Math.round(rate * o.size.latencySeconds));
      const l = await runLatency(client, {
        ...txs,
        apiUrl: node.apiUrl,
        rate,
        txBatch: o.txBatch,
        timeoutMs,
        nodePid,
        clients,
      });
      result.latency = { ...l, targetP50Ms: TARGETS.latencyP50Ms, targetP99Ms: TARGETS.latencyP99Ms };
      log(
        `latency  p50 ${round(l.p50Ms)} ms, p90 ${round(l.p90Ms)} ms, p99 ${round(l.p99Ms)} ms, max ${round(l.maxMs)} ms` +
          ` at ${fmt(l.achievedRate)} tx/s (${fmt(l.sent)} txs, ${l.txBatch > 1 ? `sent every ${TICK_MS} ms in one batch request` : 'one tx/request'}) ${mark(l.p50Ms < TARGETS.latencyP50Ms && l.p99Ms < TARGETS.latencyP99Ms)}`,
      );
      if (!l.ok) log(`FAILED   ${l.lost} lost, ${l.errorCount} errors ${l.errors.join('; ')}`);
    }

    if (o.phases.includes('batch') && validators === 1) {
      const b = await runBatch(client, {
        suite,
        chainId,
        genesis,
        batches: o.size.batches,
        batchSize: o.size.batchSize,
        inFlight: 2,
        sample: o.size.receiptSample,
        nodePid: node.pid,
      });
      result.batch = { ...b, target: TARGETS.batchDigestsPerSecond };
      const br = b.breakdownSeconds;
      log(
        `batch    ${fmt(b.digestsPerSecond)} digests/s with per-digest receipts (${b.batches} × ${fmt(b.batchSize)} in ${round(b.seconds, 2)} s) ${mark(b.digestsPerSecond >= TARGETS.batchDigestsPerSecond)}`,
      );

      log(
        `         client tree (worker threads) waited for ${round(br.clientTree, 2)} s, tx+body ${round(br.clientTxAndBody, 2)} s (${round(b.bodyMiB)} MiB JSON)` +
          `, per-digest receipts ${round(br.perDigestReceipts, 2)} s, waiting for the node ${round(br.clientWaiting, 2)} s`,
      );
      log(`cpu      ${cpuLine(b.cpu)}`);
      const perDigest = (seconds) => round((seconds * 1e6) / b.digests, 2);
      log(
        `         CPU per digest: node ${perDigest(b.cpu.nodeCpuSeconds)} µs (main thread ${perDigest(b.cpu.nodeMainThreadCpuSeconds)} µs), bench client ${perDigest(b.cpu.clientCpuSeconds)} µs`,
      );
      log(
        `         sample: ${b.sample.verified}/${b.sample.sampled} verified offline, ${b.sample.matchedNode} equal to the node's`,
      );
      if (!b.ok) log(`FAILED   ${b.errors.join('; ')} ${b.sample.failures.join('; ')}`);
    }
  } finally {
    for (const c of clients) c.close();
    await Promise.all(nodes.map((n) => n.stop()));
  }
  const exits = await Promise.all(nodes.map((n) => n.exited));
  const exit = exits.find((e) => e.code !== 0) ?? exits[0];
  result.node.exit = exit;
  if (validators > 1) result.node.exits = exits;
  for (const [i, e] of exits.entries()) {
    if (e.code !== 0)
      log(`node ${i + 1} exited with code ${e.code} signal ${e.signal}: ${nodes[i].stderrTail()}`);
  }
  if (profileDir !== undefined) result.profile = summarizeProfiles(profileDir);
  return result;
}

const percent = (part, whole) => (part === null ? 'n/a' : `${round((part / whole) * 100)}%`);

/** "node 1.9 cores, client 0.3 cores" over a phase. */
function cpuLine(c) {
  const cores = (s) => (s === null ? 'n/a' : `${round(s / c.wallSeconds, 2)} cores`);
  const node =
    c.nodeCpuSeconds === null
      ? ''
      : `node ${cores(c.nodeCpuSeconds)} (main thread ${cores(c.nodeMainThreadCpuSeconds)}, runnable without a CPU ${percent(c.nodeMainThreadWaitSeconds, c.wallSeconds)} of the time), `;
  return `${node}bench client ${cores(c.clientCpuSeconds)}, other processes ${cores(c.otherCpuSeconds)} (of ${os.availableParallelism()}) over ${round(c.wallSeconds, 1)} s`;
}

const mark = (ok) => (ok ? 'PASS' : 'MISS');

/** Summaries of every .cpuprofile the node wrote (main thread and verifier workers). */
function summarizeProfiles(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => {
      const s = summarizeProfile(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      log(`profile  ${relative(ROOT, join(dir, f))}: ${fmt(s.totalMs)} ms sampled, ${s.idlePercent}% idle`);
      log(
        `         busy time by activity: ${s.categories.map((c) => `${c.category} ${c.percent}%`).join(', ')}`,
      );
      log(
        `         busy time by package: ${s.areas
          .slice(0, 10)
          .map((a) => `${a.area} ${a.percent}%`)
          .join(', ')}`,
      );
      for (const x of s.top.slice(0, 12))
        log(`         ${String(x.percent).padStart(5)}%  ${x.name}  ${x.location}`);
      return { file: relative(ROOT, join(dir, f)), ...s };
    });
}

/** Correctness of a suite's run (performance targets are reported separately). */
function correct(r) {
  return (
    (r.throughput?.ok ?? true) && (r.latency?.ok ?? true) && (r.batch?.ok ?? true) && r.node.exit?.code === 0
  );
}

async function main() {
  const o = options();
  const env = environment(ROOT);
  log('Xinlian benchmark');
  for (const line of formatEnvironment(env)) log(line);
  log(`mode     ${o.mode}, suites ${o.suites.join(',')}, phases ${o.phases.join(',')}`);

  const cleanup = new Cleanup();
  process.once('exit', () => cleanup.runSync());
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping\n`);
      cleanup.run().finally(() => process.exit(130));
    });
  }

  const startedAt = new Date();
  const suites = [];
  let failure;
  try {
    for (const s of o.suites) {
      log(`\n== suite ${s}: verification bound ==`);
      const verify = await measureVerify(s, o);
      for (const v of o.validators) suites.push(await benchSuite(s, v, verify, o, cleanup));
    }
  } catch (e) {
    failure = e;
    process.stderr.write(`benchmark failed: ${e?.stack ?? e}\n`);
  } finally {
    await cleanup.run();
  }

  const ok = failure === undefined && suites.every(correct);
  const doc = {
    format: 'xinlian-bench/1',
    name: cli.name ?? `${o.suites.join('-')}-${o.mode}`,
    startedAt: startedAt.toISOString(),
    seconds: round((Date.now() - startedAt.getTime()) / 1000),
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    options: { ...o, size: o.size },
    environment: env,
    targets: TARGETS,
    ok,
    ...(failure === undefined ? {} : { failure: String(failure?.message ?? failure) }),
    suites,
  };
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${doc.name}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(RESULTS, 'latest.json'), text);
  log(`\nresults  ${relative(ROOT, file)} (and bench/results/latest.json)`);
  log(ok ? 'OK' : 'FAILED');
  if (cli.json) process.stdout.write(text);
  process.exitCode = ok ? 0 : 1;
}

await main();
