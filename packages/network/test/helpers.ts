import { connect, type TLSSocket } from 'node:tls';
import { type CryptoSuite, createSuite, type PrivateKey, type SuiteId } from '@xinlian/crypto';
import { toHex, utf8 } from '@xinlian/utils';
import {
  EXPORTER_LABEL,
  encodeFrame,
  encodeHello,
  HELLO_CHANNEL_ID,
  helloSignBytes,
  type MemberInfo,
  type MemberRegistry,
  PeerNetwork,
  type PeerNetworkOptions,
} from '../src/index.js';

export const CHAIN_ID = 'xinlian-test';

/** A test chain: a suite, member keys and a registry of them. */
export interface TestChain {
  readonly suite: CryptoSuite;
  readonly genesisHash: Uint8Array;
  readonly keys: PrivateKey[];
  readonly registry: MemberRegistry;
}

export function makeChain(suiteId: SuiteId, members: number): TestChain {
  const suite = createSuite(suiteId);
  const keys = Array.from({ length: members }, () => suite.generateKey());
  const table = new Map<string, MemberInfo>(
    keys.map((k, i) => [toHex(k.publicKey.bytes), { org: `org${i}`, name: `node${i}`, role: 'validator' }]),
  );
  return {
    suite,
    genesisHash: suite.hash(utf8(`genesis-${suiteId}`)),
    keys,
    registry: { isMember: (pk) => table.get(toHex(pk.bytes)) },
  };
}

export function makeNode(
  chain: TestChain,
  key: PrivateKey,
  peers: PeerNetworkOptions['peers'] = [],
  extra: Partial<PeerNetworkOptions> = {},
): PeerNetwork {
  return new PeerNetwork(
    {
      listenHost: '127.0.0.1',
      listenPort: 0,
      peers,
      chainId: CHAIN_ID,
      genesisHash: chain.genesisHash,
      maxFrameBytes: 1024 * 1024,
      maxQueueBytesPerPeer: 4 * 1024 * 1024,
      helloTimeoutMs: 2000,
      reconnect: { initialMs: 50, maxMs: 400 },
      ...extra,
    },
    { suite: chain.suite, key, registry: chain.registry },
  );
}

/** Polls `cond` every 10 ms; rejects after `ms`. */
export async function waitFor(cond: () => boolean, ms = 8000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface RawClient {
  readonly socket: TLSSocket;
  /** Resolves when the server closes the connection. */
  readonly closed: Promise<void>;
}

/**
 * A hand-driven TLS client: completes the TLS handshake and sends a Hello signed by `key`
 * (optionally tampered), so tests can misbehave in ways PeerNetwork never would.
 */
export async function rawClient(
  chain: TestChain,
  key: PrivateKey,
  port: number,
  opts: { tamper?: boolean; genesisHash?: Uint8Array; sendHello?: boolean } = {},
): Promise<RawClient> {
  const socket = connect({
    host: '127.0.0.1',
    port,
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    rejectUnauthorized: false,
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => {});
  socket.resume(); // consume what the server sends, so its closing is seen
  await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
  if (opts.sendHello !== false) {
    const exporter = socket.exportKeyingMaterial(32, EXPORTER_LABEL, Buffer.alloc(0));
    const signature = Uint8Array.from(chain.suite.sign(key, helloSignBytes(exporter, 'client')));
    if (opts.tamper === true) signature[5] = (signature[5] as number) ^ 1;
    const hello = encodeHello({
      chainId: CHAIN_ID,
      genesisHash: opts.genesisHash ?? chain.genesisHash,
      role: 'client',
      nodePublicKey: key.publicKey.bytes,
      signature,
    });
    socket.write(encodeFrame(HELLO_CHANNEL_ID, hello));
  }
  return { socket, closed };
}
