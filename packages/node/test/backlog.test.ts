import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type NodeProcess, spawnNode, tempHome } from './helpers.js';

/** More connections than Node's default listen backlog (511) accepts while nobody calls accept(). */
const CONNECTIONS = 1000;
/** How long the test waits for every connection to be established while the node is stopped. */
const CONNECT_WAIT_MS = 5000;

function somaxconn(): number {
  try {
    return Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim());
  } catch {
    return 0;
  }
}

/** Opens one TCP connection; resolves true once established, false on any socket error. */
function open(port: number, sockets: Socket[]): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    sockets.push(s);
    s.once('connect', () => resolve(true));
    s.once('error', () => resolve(false));
  });
}

/** Sends GET /v1/status on an open socket; resolves the status line or the socket error code. */
function status(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    s.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (text.includes('\r\n')) resolve(text.slice(0, text.indexOf('\r\n')));
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    s.once('close', () => resolve(text === '' ? 'closed' : text.slice(0, text.indexOf('\r\n'))));
    s.write('GET /v1/status HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n');
  });
}

describe('connection bursts while the event loop is stalled (real process)', { timeout: 60_000 }, () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  let node: NodeProcess;
  const sockets: Socket[] = [];

  before(async () => {
    home = await tempHome('intl', { blockIntervalMs: 60_000 });
    node = await spawnNode(home.home);
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    node?.proc.kill('SIGCONT');
    await node?.kill();
    await home?.cleanup();
  });

  it('queues a burst of new connections in the listen backlog and answers all of them (no drop, no reset)', {
    skip: somaxconn() < 2 * CONNECTIONS ? 'net.core.somaxconn too small on this host' : false,
  }, async () => {
    const port = Number(new URL(node.url).port);
    // SIGSTOP: the node accepts nothing, like a long event-loop stall; only the kernel's accept
    // queue (the listen backlog) holds new connections. Beyond it the kernel drops them.
    node.proc.kill('SIGSTOP');
    const connects = Array.from({ length: CONNECTIONS }, () => open(port, sockets));
    const established = await Promise.race([
      Promise.all(connects).then((r) => r.filter(Boolean).length),
      new Promise<number>((resolve) => setTimeout(() => resolve(-1), CONNECT_WAIT_MS).unref()),
    ]);
    const settled = established === -1 ? await countSettled(connects) : established;
    assert.equal(settled, CONNECTIONS, `only ${settled} of ${CONNECTIONS} connections established`);

    const answers = sockets.map((s) => status(s));
    node.proc.kill('SIGCONT');
    const lines = await Promise.all(answers);
    const ok = lines.filter((l) => l.startsWith('HTTP/1.1 200')).length;
    assert.equal(ok, CONNECTIONS, `answers: ${JSON.stringify(histogram(lines))}`);
  });
});

/** How many of the connects have resolved true so far. */
async function countSettled(connects: Promise<boolean>[]): Promise<number> {
  let n = 0;
  for (const c of connects) {
    const done = await Promise.race([c, Promise.resolve(undefined)]);
    if (done === true) n++;
  }
  return n;
}

function histogram(lines: string[]): Record<string, number> {
  const h: Record<string, number> = {};
  for (const l of lines) h[l] = (h[l] ?? 0) + 1;
  return h;
}
