// Runs a fresh N-validator BFT network (spec/consensus.md §9) as N separate node processes on
// 127.0.0.1, each with its own event loop; the same launcher as the single-validator run.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initNetwork } from '@xinlian/node';
import { HttpClient, sleep } from './http.mjs';
import { PASSPHRASE, spawnHome } from './node-process.mjs';

const LINK_TIMEOUT_MS = 30_000;

/** `n` TCP ports free right now on 127.0.0.1. */
export async function freePorts(n) {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((resolve) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/**
 * `xinlian net init --orgs N` in a temp directory (throwaway passphrase), every config.json with
 * free P2P ports, API port 0, log level warn and the bench's mempool size; starts all N nodes and
 * waits until every node is linked to every other. Returns `{ nodes, homes, dir, stop() }`, each
 * node as from `spawnHome`; processes and the directory are registered with `cleanup`.
 */
export async function startNetwork(opts, cleanup) {
  const dir = mkdtempSync(join(tmpdir(), `xinlian-bench-net-${opts.suite}-`));
  cleanup.addDir(dir);
  const infos = await initNetwork({
    dir,
    orgs: opts.validators,
    suite: opts.suite,
    passphrase: PASSPHRASE,
    apiPort: 1,
    p2pPort: 1,
  });
  const ports = await freePorts(opts.validators);
  for (const [i, info] of infos.entries()) {
    const path = join(info.home, 'config.json');
    const config = JSON.parse(readFileSync(path, 'utf8'));
    config.api.port = 0;
    config.log = { level: 'warn' };
    config.mempool = { capacity: opts.mempoolCapacity, maxBytes: opts.mempoolMaxBytes };
    config.p2p.port = ports[i];
    if (opts.consensus !== undefined) config.consensus = { ...config.consensus, ...opts.consensus };
    for (const p of config.p2p.peers) p.port = ports[p.port - 1];
    writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  }
  const nodes = await Promise.all(infos.map((info) => spawnHome(info.home, opts, cleanup)));
  const clients = nodes.map((n) => new HttpClient(n.apiUrl, { maxSockets: 64 }));
  try {
    const deadline = Date.now() + LINK_TIMEOUT_MS;
    for (;;) {
      const all = await Promise.all(clients.map((c) => c.getJson('/v1/status').catch(() => undefined)));
      if (all.every((s) => s?.consensus?.peers === opts.validators - 1)) break;
      if (Date.now() > deadline) throw new Error('the validators did not link to each other in time');
      await sleep(100);
    }
  } finally {
    for (const c of clients) c.close();
  }
  return {
    dir,
    homes: infos.map((i) => i.home),
    nodes,
    stop: () => Promise.all(nodes.map((n) => n.stop())),
  };
}
