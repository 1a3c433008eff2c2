import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createSuite, encryptKeyFile, SUITE_IDS, type SuiteId } from '@xinlian/crypto';
import type { StatusResponse } from '@xinlian/sdk';
import { XinlianError } from '@xinlian/utils';
import { type Command, Option } from 'commander';
import { writeSecretFile } from '../keyfile.js';
import { loadNode, loadSdk } from '../lazy.js';
import { DEV_MARKER, DEV_PASSPHRASE, readDevMarker } from '../passphrase.js';
import type { CommandContext } from '../program.js';
import { parsePort, parsePositiveInt } from '../util.js';

/** Directory of `xinlian net` (relative to the working directory). */
export const NET_DIR = '.xinlian/net';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const STATUS_EVERY_MS = 10_000;

interface NetInitOptions {
  dir: string;
  orgs: number;
  observers: number;
  suite: SuiteId;
  apiPort: number;
  p2pPort: number;
  host: string;
}

/** `xinlian net init` / `xinlian net up`: a local network of one node per organization. */
export function registerNet(program: Command, ctx: CommandContext): void {
  const net = program
    .command('net')
    .description('a local multi-organization network: one validator process per organization');
  const initOptions = (cmd: Command) =>
    cmd
      .option('--dir <dir>', 'network directory (one home per organization)', NET_DIR)
      .option('--orgs <n>', 'number of organizations (validators)', parsePositiveInt, 4)
      .option('--observers <n>', 'non-voting observer nodes (homes obs1…)', parseCount, 0)
      .addOption(new Option('--suite <suite>', 'crypto suite of the chain').choices(SUITE_IDS).default('gm'))
      .option('--api-port <n>', 'API port of org1 (orgN: +N-1)', parsePort, 8080)
      .option('--p2p-port <n>', 'P2P port of org1 (orgN: +N-1)', parsePort, 26656)
      .option('--host <host>', 'listen and peer address of every node', '127.0.0.1');

  initOptions(net.command('init'))
    .description('write one home per organization: keys (dev passphrase), the shared genesis, configs')
    .action(async (opts: NetInitOptions) => {
      const homes = await initNet(opts, ctx);
      const { out } = ctx;
      out.result({ ok: true, dir: resolve(ctx.io.cwd, opts.dir), homes });
      out.line(`initialized a ${opts.orgs}-organization network in ${resolve(ctx.io.cwd, opts.dir)}`);
      for (const h of homes) out.line(`  ${h.org}  API ${h.apiUrl}  P2P ${h.p2p}  ${h.home}`);
      out.line('');
      out.line(`start it with: xinlian net up --dir ${opts.dir}`);
    });

  initOptions(net.command('up'))
    .description(
      'start every organization node of the network (initializing it on first run); Ctrl-C stops all',
    )
    .addOption(
      new Option('--log-level <level>', 'node log level (logs go to <home>/node.log)').default('info'),
    )
    .action(async (opts: NetInitOptions & { logLevel: string }) => {
      await netUp(opts, ctx);
    });
}

interface HomeSummary {
  readonly org: string;
  readonly home: string;
  readonly apiUrl: string;
  readonly p2p: string;
}

async function initNet(opts: NetInitOptions, ctx: CommandContext): Promise<HomeSummary[]> {
  const dir = resolve(ctx.io.cwd, opts.dir);
  const { initNetwork } = await loadNode();
  const homes = await initNetwork({
    dir,
    orgs: opts.orgs,
    observers: opts.observers,
    suite: opts.suite,
    passphrase: DEV_PASSPHRASE,
    host: opts.host,
    apiPort: opts.apiPort,
    p2pPort: opts.p2pPort,
  });
  const marker = {
    format: 'xinlian-dev/1',
    passphrase: DEV_PASSPHRASE,
    warning: 'development only: well-known passphrase',
  };
  for (const h of homes) {
    await writeFile(join(h.home, DEV_MARKER), `${JSON.stringify(marker, null, 2)}\n`, { mode: 0o600 });
    const client = createSuite(h.genesis.suite).generateKey();
    await writeSecretFile(join(h.home, 'keys', 'client.key'), encryptKeyFile(client, DEV_PASSPHRASE), false);
  }
  ctx.out.note(
    `WARNING: development network. The keys in ${dir} are encrypted with the well-known passphrase ` +
      `'${DEV_PASSPHRASE}'. Never use it for real data.`,
  );
  return homes.map(summary);
}

function summary(h: {
  home: string;
  config: { api: { host: string; port: number }; p2p?: { host: string; port: number } };
}): HomeSummary {
  const org = h.home.split(/[\\/]/).pop() ?? h.home;
  return {
    org,
    home: h.home,
    apiUrl: `http://${h.config.api.host}:${h.config.api.port}`,
    p2p: h.config.p2p === undefined ? '-' : `${h.config.p2p.host}:${h.config.p2p.port}`,
  };
}

function parseCount(value: string): number {
  return value === '0' ? 0 : parsePositiveInt(value);
}

/** The node homes of a network directory (`org1`, `org2`, …, then observers `obs1`, …, holding a config.json), in order. */
async function netHomes(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^(org|obs)\d+$/.test(n) && existsSync(join(dir, n, 'config.json')))
    .sort(
      (a, b) => a.slice(0, 3).localeCompare(b.slice(0, 3)) * -1 || Number(a.slice(3)) - Number(b.slice(3)),
    )
    .map((n) => join(dir, n));
}

interface Child {
  readonly org: string;
  readonly home: string;
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  apiUrl: string;
  consoleUrl: string | null;
}

function nodeMain(): string {
  return join(dirname(fileURLToPath(import.meta.resolve('@xinlian/node'))), 'main.js');
}

async function netUp(opts: NetInitOptions & { logLevel: string }, ctx: CommandContext): Promise<void> {
  const { io, out } = ctx;
  const dir = resolve(io.cwd, opts.dir);
  let homes = await netHomes(dir);
  if (homes.length === 0) {
    out.note(`no network in ${dir}: initializing ${opts.orgs} organizations (suite ${opts.suite})`);
    await initNet(opts, ctx);
    homes = await netHomes(dir);
  }
  const { readHome } = await loadNode();
  const main = nodeMain();
  const children: Child[] = [];
  let stopping = false;
  const stopAll = async () => {
    for (const c of children)
      if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const c of children)
        if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    }, STOP_TIMEOUT_MS);
    await Promise.all(children.map((c) => c.exited));
    clearTimeout(timer);
  };
  try {
    const ready: Promise<void>[] = [];
    for (const home of homes) {
      const org = home.split(/[\\/]/).pop() ?? home;
      const passphrase = (await readDevMarker(home)) ?? io.env.XINLIAN_PASSPHRASE ?? DEV_PASSPHRASE;
      const log = openSync(join(home, 'node.log'), 'a');
      const proc = spawn(process.execPath, [main, '--home', home, '--log-level', opts.logLevel], {
        env: { ...io.env, XINLIAN_PASSPHRASE: passphrase },
        stdio: ['ignore', 'pipe', log],
      });
      const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
      const child: Child = { org, home, proc, exited, apiUrl: '', consoleUrl: null };
      children.push(child);
      ready.push(waitReady(child));
    }
    await Promise.all(ready);
    for (const c of children) {
      void c.exited.then((code) => {
        if (!stopping) out.note(`${c.org} exited (code ${code}); see ${join(c.home, 'node.log')}`);
      });
    }
    const { XinlianClient } = await loadSdk();
    const clients = children.map((c) => new XinlianClient({ url: c.apiUrl }));
    // Wait (bounded) until every node is linked to all the others.
    const deadline = Date.now() + 15_000;
    let statuses: (StatusResponse | undefined)[] = [];
    for (;;) {
      statuses = await Promise.all(clients.map((c) => c.status().catch(() => undefined)));
      const linked = statuses.every(
        (s) => s?.consensus === undefined || s.consensus.peers >= children.length - 1,
      );
      if (linked || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const first = await readHome(children[0]?.home ?? dir);
    if (out.json) {
      io.stdout.write(
        `${JSON.stringify({ ok: true, event: 'ready', dir, chainId: first.genesis.chainId, genesisHash: first.genesisHash, nodes: children.map((c, i) => ({ org: c.org, home: c.home, apiUrl: c.apiUrl, consoleUrl: c.consoleUrl, pid: c.proc.pid ?? null, status: statuses[i] ?? null })) })}\n`,
      );
    } else {
      const rel = relative(io.cwd, dir) || '.';
      out.line('');
      out.line(`  Xinlian 信链 network of ${children.length} organizations is running`);
      out.line('');
      out.line(`  chain ID      ${first.genesis.chainId} (suite ${first.genesis.suite})`);
      out.line(`  genesis hash  ${first.genesisHash}`);
      out.line('');
      out.line('  org     API URL                  height  round  peers');
      children.forEach((c, i) => {
        const s = statuses[i];
        out.line(
          `  ${c.org.padEnd(6)}  ${c.apiUrl.padEnd(23)}  ${String(s?.height ?? '?').padStart(6)}  ${String(s?.consensus?.round ?? '-').padStart(5)}  ${String(s?.consensus?.peers ?? '-').padStart(5)}`,
        );
      });
      const apiUrl = children[0]?.apiUrl ?? '';
      const org1 = join(rel, children[0]?.org ?? 'org1');
      out.line('');
      out.line(
        `  API           ${apiUrl}   (every org serves the same API: ${children.map((c) => c.apiUrl.split(':').pop()).join(', ')})`,
      );
      const consoleUrl = children[0]?.consoleUrl ?? null;
      if (consoleUrl !== null) out.line(`  Console       ${consoleUrl}   (explorer, evidence, verification)`);
      out.line(`  logs          ${join(rel, '<org>', 'node.log')}`);
      out.line('');
      out.line('  Try, in another terminal:');
      out.line(`    npx xinlian status --node ${apiUrl}`);
      out.line(`    npx xinlian evidence submit README.md --node ${apiUrl} --home ${org1}`);
      out.line(
        `    npx xinlian evidence verify README.md README.md.receipt.json --genesis ${join(org1, 'genesis.json')}`,
      );
      out.line('');
      out.line(`  Press Ctrl-C to stop all nodes. Data persists in ${rel}; delete it to start over.`);
    }
    // On a terminal, a status line every 10 s: each node's height/round and peers.
    const ticker =
      out.json || io.stdout.isTTY !== true
        ? undefined
        : setInterval(() => {
            void Promise.all(clients.map((c) => c.status().catch(() => undefined))).then((all) => {
              if (stopping) return;
              const parts = children.map((c, i) => {
                const s = all[i];
                return s === undefined
                  ? `${c.org} DOWN`
                  : `${c.org} h${s.height} r${s.consensus?.round ?? 0} p${s.consensus?.peers ?? 0}`;
              });
              out.line(`  ${new Date().toISOString().slice(11, 19)}  ${parts.join('  ')}`);
            });
          }, STATUS_EVERY_MS);
    try {
      const signal = await io.untilSignal();
      out.note(`received ${signal}, stopping ${children.length} nodes…`);
    } finally {
      if (ticker !== undefined) clearInterval(ticker);
    }
  } finally {
    stopping = true;
    await stopAll();
  }
  out.note('all nodes stopped');
}

/** Resolves once the node printed {"event":"ready"}; rejects on an error event, exit or timeout. */
function waitReady(c: Child): Promise<void> {
  return new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => {
      reject(new XinlianError('CLI_START_FAILED', `${c.org} did not become ready`, { home: c.home }));
    }, READY_TIMEOUT_MS);
    const lines = createInterface({ input: c.proc.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      let event: {
        event?: string;
        apiUrl?: string;
        consoleUrl?: string | null;
        code?: string;
        message?: string;
      };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        return;
      }
      if (event.event === 'ready' && event.apiUrl !== undefined) {
        clearTimeout(timer);
        c.apiUrl = event.apiUrl;
        c.consoleUrl = event.consoleUrl ?? null;
        resolveReady();
      } else if (event.event === 'error') {
        clearTimeout(timer);
        reject(
          new XinlianError(
            'CLI_START_FAILED',
            `${c.org}: ${event.code ?? ''} ${event.message ?? ''}`.trim(),
            {
              home: c.home,
              hint: `see ${join(c.home, 'node.log')}`,
            },
          ),
        );
      }
    });
    void c.exited.then((code) => {
      clearTimeout(timer);
      reject(
        new XinlianError('CLI_START_FAILED', `${c.org} exited with code ${code}`, {
          home: c.home,
          hint: `see ${join(c.home, 'node.log')}`,
        }),
      );
    });
  });
}
