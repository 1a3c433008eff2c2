import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { JsonValue } from '@xinlian/codec';
import { decryptKeyFile, type PrivateKey, type SuiteId } from '@xinlian/crypto';
import { type BuiltTx, buildTx, generateKey } from '@xinlian/sdk';
import {
  type HomeInfo,
  initHome,
  initNetwork,
  type RunningNode,
  type StartNodeOptions,
  startNode,
} from '../src/index.js';

/** The compiled process entry (packages/node/dist/src/main.js). */
export const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
export const PASSPHRASE = 'test-passphrase';

export async function tempHome(
  suite: SuiteId,
  opts: { blockIntervalMs?: number; mempool?: { capacity: number; maxBytes: number } } = {},
): Promise<{ home: string; cleanup(): Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), 'xinlian-node-'));
  await initHome({
    home,
    suite,
    passphrase: PASSPHRASE,
    apiPort: 0,
    blockIntervalMs: opts.blockIntervalMs ?? 20,
    force: true,
  });
  if (opts.mempool !== undefined) {
    const path = join(home, 'config.json');
    const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...config, mempool: opts.mempool }));
  }
  return { home, cleanup: () => rm(home, { recursive: true, force: true }) };
}

export interface NodeProcess {
  readonly url: string;
  readonly proc: ChildProcess;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

/** Spawns `node main.js --home … [args]` and resolves once it printed {"event":"ready"}. */
export function spawnNode(
  home: string,
  timeoutMs = 20_000,
  args: readonly string[] = [],
): Promise<NodeProcess> {
  const proc = spawn(process.execPath, [MAIN, '--home', home, '--log-level', 'warn', ...args], {
    env: { ...process.env, XINLIAN_PASSPHRASE: PASSPHRASE },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const waitExit = () =>
    proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve(proc.exitCode) : exited;
  return new Promise<NodeProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`node did not become ready: ${stderr}`));
    }, timeoutMs);
    const lines = createInterface({ input: proc.stdout! });
    lines.on('line', (line) => {
      const event = JSON.parse(line) as { event: string; apiUrl?: string };
      if (event.event === 'ready') {
        clearTimeout(timer);
        resolve({
          url: event.apiUrl!,
          proc,
          stop: () => {
            proc.kill('SIGTERM');
            return waitExit();
          },
          kill: async () => {
            proc.kill('SIGKILL');
            await waitExit();
          },
        });
      } else if (event.event === 'error') {
        clearTimeout(timer);
        reject(new Error(`node failed: ${line} ${stderr}`));
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node exited with ${code}: ${stderr}`));
    });
  });
}

/** JSON request helper: resolves status, headers and parsed body. */
export async function http(
  url: string,
  init: { method?: string; body?: unknown; rawBody?: string } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const hasBody = init.body !== undefined || init.rawBody !== undefined;
  const res = await fetch(url, {
    method: init.method ?? (hasBody ? 'POST' : 'GET'),
    ...(hasBody
      ? { headers: { 'content-type': 'application/json' }, body: init.rawBody ?? JSON.stringify(init.body) }
      : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

/**
 * POSTs a body with node:http and resolves with the response even when the server answers
 * before reading the whole body and closes the connection (as it does for a body over the
 * limit): undici's fetch fails such a request with EPIPE although a response was sent.
 */
export function postExpectingEarlyResponse(
  url: string,
  body: string,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers,
          body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
        });
      });
      res.on('error', reject);
    });
    // A write error after the server answered and closed is expected; before an answer it is not.
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    req.end(body);
  });
}

/** A signed tx for `chainId` (expiry: `expiryHeight`, default 1000 is within maxTxLifetime at height < 1). */
export function makeTx(
  key: PrivateKey,
  chainId: string,
  call: { module: string; method: string; args: JsonValue },
  expiryHeight: number,
  nonce?: number,
): BuiltTx {
  return buildTx({ chainId, key, ...call, expiryHeight, ...(nonce === undefined ? {} : { nonce }) });
}

export { generateKey };

/** n distinct free TCP ports on 127.0.0.1 (listened on, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Polls fn every 100 ms until it returns a value (errors count as not yet). */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until every node reports `peers` linked peers in its consensus status. */
export function untilLinked(
  clients: readonly { status(): Promise<{ consensus?: { peers: number } | undefined }> }[],
  peers: number,
): Promise<true> {
  return until('all nodes linked', async () => {
    const s = await Promise.all(clients.map((c) => c.status()));
    return s.every((x) => x.consensus?.peers === peers) ? true : undefined;
  });
}

/** A node home made by initHome in a fresh temp dir (suite intl, PASSPHRASE, 20 ms blocks). */
export interface TestHome {
  readonly dir: string;
  readonly info: HomeInfo;
  readonly chainId: string;
  /** The validator key (admin of a permissioned genesis). */
  readonly admin: PrivateKey;
  /** Starts the node in this process (log level silent; `extra` adds start options). */
  start(extra?: Partial<StartNodeOptions>): Promise<RunningNode>;
  /** Deletes the home. */
  remove(): Promise<void>;
}

/**
 * initHome in a temp dir named `<prefix>…`; `edit.genesis` / `edit.config` change genesis.json /
 * config.json before the node is started (`info` gives the validator's public key).
 */
export async function testHome(
  prefix: string,
  edit: {
    genesis?(genesis: Record<string, unknown>, info: HomeInfo): void;
    config?(config: { api: Record<string, unknown> }): void;
  } = {},
): Promise<TestHome> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const info = await initHome({
    home: dir,
    suite: 'intl',
    passphrase: PASSPHRASE,
    apiPort: 0,
    blockIntervalMs: 20,
  });
  const rewrite = async <T>(path: string, fn: (value: T) => void) => {
    const value = JSON.parse(await readFile(path, 'utf8')) as T;
    fn(value);
    await writeFile(path, JSON.stringify(value));
  };
  if (edit.genesis !== undefined)
    await rewrite(info.genesisPath, (g: Record<string, unknown>) => edit.genesis!(g, info));
  if (edit.config !== undefined) await rewrite(info.configPath, edit.config);
  return {
    dir,
    info,
    chainId: info.genesis.chainId,
    admin: decryptKeyFile(await readFile(info.keyFile, 'utf8'), PASSPHRASE),
    start: (extra = {}) => startNode({ home: dir, passphrase: PASSPHRASE, logLevel: 'silent', ...extra }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The parts of a network home's config.json that the BFT tests rewrite. */
export interface NetConfig {
  api: { port: number };
  log: { level: string };
  p2p: { port: number; peers: { port: number }[] };
  consensus?: Record<string, number>;
}

/**
 * initNetwork in `dir` (PASSPHRASE; org N written with API and P2P port N), then each home's
 * config.json gets API port 0 (any) and `edit(config, i)`. Resolves with the homes in order.
 */
export async function testNetwork(
  opts: { dir: string; orgs: number; observers?: number; suite: SuiteId },
  edit: (config: NetConfig, i: number) => void,
): Promise<string[]> {
  const infos = await initNetwork({ ...opts, passphrase: PASSPHRASE, apiPort: 1, p2pPort: 1 });
  const homes = infos.map((h) => h.home);
  for (const [i, home] of homes.entries()) {
    const path = join(home, 'config.json');
    const config = JSON.parse(await readFile(path, 'utf8')) as NetConfig;
    config.api.port = 0;
    edit(config, i);
    await writeFile(path, JSON.stringify(config, null, 2));
  }
  return homes;
}

/** A testNetwork edit: log level warn, home i listens on ports[i] and dials peer N at ports[N − 1]. */
export function directPorts(ports: readonly number[]): (config: NetConfig, i: number) => void {
  return (config, i) => {
    config.log.level = 'warn';
    config.p2p.port = ports[i]!;
    for (const p of config.p2p.peers) p.port = ports[p.port - 1]!;
  };
}

/** The value of the first Prometheus sample whose line starts with `name` (0 when absent). */
export async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

/**
 * Runs `workers` loops of `work` against a node, kills it with SIGKILL after a random delay in
 * [delayMs[0], delayMs[1]) ms, then stops the loops and waits for them. A loop ends at the first
 * error of `work` (the node is gone).
 */
export async function loadUntilKilled(
  node: NodeProcess,
  workers: number,
  delayMs: readonly [number, number],
  work: () => Promise<unknown>,
): Promise<void> {
  let running = true;
  const worker = async () => {
    while (running) {
      try {
        await work();
      } catch {
        return; // the node is gone
      }
    }
  };
  const loops = Array.from({ length: workers }, worker);
  await new Promise((r) => setTimeout(r, randomInt(delayMs[0], delayMs[1])));
  await node.kill();
  running = false;
  await Promise.all(loops);
}

/**
 * A BFT network of `orgs` validators (+ `observers`) in `dir` for real processes: direct P2P ports,
 * log level warn, an empty block every `emptyBlockMs`. Resolves with the homes in order and the
 * admin key of each org (a genesis without governance section: the validator keys).
 */
export async function bftTestNetwork(
  dir: string,
  opts: { orgs: number; observers?: number; suite: SuiteId; emptyBlockMs: number },
): Promise<{ homes: string[]; admins: PrivateKey[] }> {
  const direct = directPorts(await freePorts(opts.orgs + (opts.observers ?? 0)));
  const homes = await testNetwork(
    {
      dir,
      orgs: opts.orgs,
      ...(opts.observers === undefined ? {} : { observers: opts.observers }),
      suite: opts.suite,
    },
    (config, i) => {
      direct(config, i);
      config.consensus = { emptyBlockMs: opts.emptyBlockMs };
    },
  );
  const admins = await Promise.all(
    homes
      .slice(0, opts.orgs)
      .map(async (h) => decryptKeyFile(await readFile(join(h, 'keys', 'validator.key'), 'utf8'), PASSPHRASE)),
  );
  return { homes, admins };
}
