import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, describe, it } from 'node:test';
import type { SuiteId } from '@xinlian/crypto';
import { toHex, utf8 } from '@xinlian/utils';
import { type Channel, channelId, encodeFrame, PeerNetwork } from '../src/index.js';
import { makeChain, makeNode, rawClient, waitFor } from './helpers.js';

interface Received {
  from: string;
  channel: Channel;
  text: string;
}

function record(net: PeerNetwork): Received[] {
  const got: Received[] = [];
  net.onMessage((peer, channel, payload) =>
    got.push({ from: peer.key, channel, text: Buffer.from(payload).toString() }),
  );
  return got;
}

for (const suiteId of ['gm', 'intl'] as SuiteId[]) {
  describe(`PeerNetwork (${suiteId})`, () => {
    const chain = makeChain(suiteId, 5);
    const started: PeerNetwork[] = [];
    after(async () => {
      await Promise.all(started.map((n) => n.stop()));
    });
    async function start(net: PeerNetwork): Promise<number> {
      started.push(net);
      return (await net.start()).port;
    }

    it('two nodes authenticate and exchange messages both ways', async () => {
      const a = makeNode(chain, chain.keys[0]!);
      const portA = await start(a);
      const b = makeNode(chain, chain.keys[1]!, [{ host: '127.0.0.1', port: portA }]);
      await start(b);
      const gotA = record(a);
      const gotB = record(b);
      await waitFor(() => a.peers().length === 1 && b.peers().length === 1, 8000, 'link');
      assert.equal(a.peers()[0]?.key, toHex(chain.keys[1]!.publicKey.bytes));
      assert.equal(a.peers()[0]?.member.org, 'org1');
      assert.equal(a.peers()[0]?.direction, 'inbound');
      assert.equal(b.peers()[0]?.direction, 'outbound');
      assert.equal(b.broadcast('consensus', utf8('vote-from-b')), 1);
      assert.equal(a.send(toHex(chain.keys[1]!.publicKey.bytes), 'txs', utf8('tx-from-a')), true);
      await waitFor(() => gotA.length === 1 && gotB.length === 1, 8000, 'messages');
      assert.deepEqual(gotA[0], {
        from: toHex(chain.keys[1]!.publicKey.bytes),
        channel: 'consensus',
        text: 'vote-from-b',
      });
      assert.deepEqual(gotB[0], {
        from: toHex(chain.keys[0]!.publicKey.bytes),
        channel: 'txs',
        text: 'tx-from-a',
      });
      await Promise.all([a.stop(), b.stop()]);
    });

    it('four nodes form a full mesh, resolve duplicate links deterministically and broadcast to all', async () => {
      const nets: PeerNetwork[] = [];
      const ports: number[] = [];
      for (let i = 0; i < 4; i++) {
        // Every node dials every earlier node.
        const n = makeNode(
          chain,
          chain.keys[i]!,
          ports.map((port) => ({ host: '127.0.0.1', port })),
        );
        nets.push(n);
        ports.push(await start(n));
      }
      // A second process holding node 0's key dials node 3, which already dials node 0: node 3 then
      // has two links for one key and must keep the one dialed by the lower key.
      const twin = makeNode(chain, chain.keys[0]!, [{ host: '127.0.0.1', port: ports[3]! }]);
      await start(twin);
      const got = nets.map(record);
      const n3 = nets[3]!;
      await waitFor(
        () => nets.slice(1).every((n) => n.peers().length === 3) && n3.stats().closed.duplicate >= 1,
        10_000,
        'mesh',
      );
      const key0 = chain.keys[0]!.publicKey.bytes;
      const key3 = chain.keys[3]!.publicKey.bytes;
      const links0 = n3.peers().filter((p) => p.key === toHex(key0));
      assert.equal(links0.length, 1);
      assert.equal(links0[0]!.direction, Buffer.compare(key3, key0) < 0 ? 'outbound' : 'inbound');
      for (let i = 1; i < 4; i++) nets[i]!.broadcast('consensus', utf8(`hello-from-${i}`));
      await waitFor(() => got.slice(1).every((g) => g.length === 2), 10_000, 'broadcasts');
      for (let i = 1; i < 4; i++) {
        const texts = got[i]!.map((r) => r.text).sort();
        assert.deepEqual(
          texts,
          [1, 2, 3].filter((j) => j !== i).map((j) => `hello-from-${j}`),
        );
      }
      await Promise.all([...nets, twin].map((n) => n.stop()));
    });

    it('refuses a non-member key and delivers nothing it sent', async () => {
      const member = makeNode(chain, chain.keys[0]!);
      const port = await start(member);
      const got = record(member);
      const intruderKey = chain.suite.generateKey();
      const intruder = new PeerNetwork(
        {
          listenHost: '127.0.0.1',
          listenPort: 0,
          peers: [{ host: '127.0.0.1', port }],
          chainId: 'xinlian-test',
          genesisHash: chain.genesisHash,
          reconnect: { initialMs: 50, maxMs: 100 },
        },
        {
          suite: chain.suite,
          key: intruderKey,
          registry: { isMember: () => ({ org: 'x', name: 'x', role: 'observer' }) },
        },
      );
      await start(intruder);
      await waitFor(() => member.stats().closed.not_member >= 2, 8000, 'refusals');
      // The intruder may have accepted the member for a moment; whatever it sent was dropped.
      intruder.broadcast('txs', utf8('spam'));
      const raw = await rawClient(chain, intruderKey, port);
      raw.socket.write(encodeFrame(channelId('txs'), utf8('spam')));
      await raw.closed;
      assert.equal(member.peers().length, 0);
      assert.equal(got.length, 0);
      assert.equal(member.stats().authenticated, 0);
      await Promise.all([member.stop(), intruder.stop()]);
    });

    it('refuses a wrong genesis, a tampered Hello signature and a missing Hello', async () => {
      const a = makeNode(chain, chain.keys[0]!, [], { helloTimeoutMs: 200 });
      const port = await start(a);
      const got = record(a);
      const wrong = await rawClient(chain, chain.keys[1]!, port, {
        genesisHash: chain.suite.hash(utf8('other')),
      });
      wrong.socket.write(encodeFrame(channelId('consensus'), utf8('x')));
      await wrong.closed;
      const tampered = await rawClient(chain, chain.keys[1]!, port, { tamper: true });
      tampered.socket.write(encodeFrame(channelId('consensus'), utf8('x')));
      await tampered.closed;
      const silent = await rawClient(chain, chain.keys[1]!, port, { sendHello: false });
      await silent.closed;
      // A plain TCP client that never starts TLS is cut off by the handshake timeout.
      const tcp = connect({ host: '127.0.0.1', port });
      tcp.on('error', () => {});
      tcp.resume();
      await new Promise((resolve) => tcp.on('close', resolve));
      const dataFirst = await rawClient(chain, chain.keys[1]!, port, { sendHello: false });
      dataFirst.socket.write(encodeFrame(channelId('consensus'), utf8('x')));
      await dataFirst.closed;
      const s = a.stats();
      assert.equal(s.closed.wrong_genesis, 1);
      assert.equal(s.closed.bad_signature, 1);
      assert.equal(s.closed.hello_timeout, 1);
      assert.equal(s.closed.protocol, 1);
      assert.equal(s.authenticated, 0);
      assert.equal(got.length, 0);
      // A correct Hello from the same key is accepted.
      const good = await rawClient(chain, chain.keys[1]!, port);
      await waitFor(() => a.peers().length === 1, 8000, 'good client');
      good.socket.destroy();
      await a.stop();
    });

    it('disconnects a peer that sends an oversize frame', async () => {
      const a = makeNode(chain, chain.keys[0]!, [], { maxFrameBytes: 1000, maxQueueBytesPerPeer: 10_000 });
      const port = await start(a);
      const got = record(a);
      const c = await rawClient(chain, chain.keys[1]!, port);
      await waitFor(() => a.peers().length === 1, 8000, 'auth');
      c.socket.write(encodeFrame(channelId('txs'), new Uint8Array(999)));
      await waitFor(() => got.length === 1, 8000, 'max-size frame');
      c.socket.write(encodeFrame(channelId('txs'), new Uint8Array(1000)));
      await c.closed;
      assert.equal(a.stats().closed.oversize_frame, 1);
      assert.equal(got.length, 1);
      assert.throws(() => a.broadcast('txs', new Uint8Array(1000)), { code: 'NET_FRAME_TOO_LARGE' });
      await a.stop();
    });

    it('a peer that never reads neither grows memory beyond the limit nor blocks others', async () => {
      const limit = 256 * 1024;
      const a = makeNode(chain, chain.keys[0]!, [], {
        maxFrameBytes: 16 * 1024,
        maxQueueBytesPerPeer: limit,
      });
      const port = await start(a);
      const b = makeNode(chain, chain.keys[2]!, [{ host: '127.0.0.1', port }]);
      await start(b);
      let bCount = 0;
      b.onMessage(() => bCount++);
      const slow = await rawClient(chain, chain.keys[1]!, port);
      slow.socket.pause();
      await waitFor(() => a.peers().length === 2, 8000, 'two peers');
      const slowKey = toHex(chain.keys[1]!.publicKey.bytes);
      const bKey = toHex(chain.keys[2]!.publicKey.bytes);
      const queued = (key: string): number => a.peers().find((p) => p.key === key)?.queuedBytes ?? 0;
      const total = 1000; // 1000 × 16 KB = 16 MB offered, far beyond socket buffers and the limit
      let maxQueued = 0;
      for (let i = 0; i < total; i++) {
        // Pace to the fast peer only (as gossip does): the slow one must not hold anything up.
        while (queued(bKey) > limit / 2) await new Promise((r) => setTimeout(r, 1));
        a.broadcast('txs', new Uint8Array(16 * 1024 - 1));
        maxQueued = Math.max(maxQueued, queued(slowKey), queued(bKey));
      }
      await waitFor(() => bCount === total, 20_000, 'fast peer receives everything');
      assert.ok(maxQueued <= limit, `queue ${maxQueued} over ${limit}`);
      assert.ok(a.stats().droppedMessages > 0);
      assert.ok(
        a.peers().some((p) => p.key === slowKey),
        'gossip overflow alone does not disconnect',
      );
      // Consensus traffic that cannot fit disconnects the slow peer instead of dropping.
      for (let i = 0; i < 100 && a.peers().some((p) => p.key === slowKey); i++) {
        a.send(slowKey, 'consensus', new Uint8Array(16 * 1024 - 1));
      }
      await waitFor(() => a.stats().closed.slow_peer === 1, 8000, 'slow peer disconnected');
      assert.ok(!a.peers().some((p) => p.key === slowKey));
      slow.socket.destroy();
      await Promise.all([a.stop(), b.stop()]);
    });

    it('reconnects after a peer restarts', async () => {
      const a = makeNode(chain, chain.keys[0]!);
      const port = await start(a);
      const b = makeNode(chain, chain.keys[1]!, [{ host: '127.0.0.1', port }]);
      await start(b);
      await waitFor(() => b.peers().length === 1, 8000, 'first link');
      await a.stop();
      await waitFor(() => b.peers().length === 0, 8000, 'link lost');
      const a2 = makeNode(chain, chain.keys[0]!, [], { listenPort: port });
      await start(a2);
      const got = record(a2);
      await waitFor(() => b.peers().length === 1, 8000, 'relink');
      b.broadcast('consensus', utf8('again'));
      await waitFor(() => got.length === 1, 8000, 'message after restart');
      assert.equal(got[0]?.text, 'again');
      await Promise.all([a2.stop(), b.stop()]);
    });
  });
}
