/**
 * PeerNetwork: TLS 1.3 links to member nodes, authenticated by suite-key Hellos bound to the
 * TLS session, with framing, per-peer bounded queues, redial with backoff and duplicate-link
 * resolution. See spec/network.md.
 */
import type { AddressInfo, Socket } from 'node:net';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import type { CryptoSuite, PrivateKey } from '@xinlian/crypto';
import { compareBytes } from '@xinlian/utils';
import { generateTlsIdentity, type TlsIdentity } from './cert.js';
import { Connection, type ConnectionContext } from './connection.js';
import { netError } from './errors.js';
import type {
  Channel,
  CloseReason,
  Logger,
  MemberRegistry,
  NetworkStats,
  PeerAddress,
  PeerInfo,
  PeerNetworkOptions,
  Timers,
} from './types.js';

export interface PeerNetworkModules {
  readonly suite: CryptoSuite;
  readonly key: PrivateKey;
  readonly registry: MemberRegistry;
  readonly logger?: Logger;
  readonly timers?: Timers;
}

/** Receives every application frame from authenticated peers. */
export type MessageHandler = (peer: PeerInfo, channel: Channel, payload: Uint8Array) => void;

const noop = (): void => {};
const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop });
const nodeTimers: Timers = Object.freeze({
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms).unref(),
  clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
});
const TLS13 = { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } as const;
const CLOSE_REASONS: readonly CloseReason[] = [
  'wrong_chain',
  'wrong_genesis',
  'not_member',
  'bad_signature',
  'bad_hello',
  'hello_timeout',
  'protocol',
  'oversize_frame',
  'slow_peer',
  'self',
  'duplicate',
  'remote_closed',
  'stopped',
  'requested',
];

interface DialTarget {
  readonly address: PeerAddress;
  attempt: number;
  timer: unknown;
  conn: Connection | undefined;
  /** The key this address authenticated as last time. */
  knownKey: string | undefined;
  disabled: boolean;
}

/** Authenticated, encrypted links between member nodes. */
export class PeerNetwork {
  private readonly opts: Required<PeerNetworkOptions>;
  private readonly logger: Logger;
  private readonly timers: Timers;
  private readonly ctx: ConnectionContext;
  private readonly handlers = new Set<MessageHandler>();
  /** Open, authenticated links by peer key hex. */
  private readonly links = new Map<string, Connection>();
  private readonly all = new Set<Connection>();
  /** Inbound TCP sockets, so stop() also ends those still in the TLS handshake. */
  private readonly inboundSockets = new Set<Socket>();
  private readonly targets: DialTarget[];
  private server: Server | undefined;
  private tls: TlsIdentity | undefined;
  private running = false;
  private readonly counters = {
    connectionsAccepted: 0,
    connectionsDialed: 0,
    authenticated: 0,
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    droppedMessages: 0,
  };
  private readonly closed = Object.fromEntries(CLOSE_REASONS.map((r) => [r, 0])) as Record<
    CloseReason,
    number
  >;

  constructor(opts: PeerNetworkOptions, modules: PeerNetworkModules) {
    this.opts = {
      maxFrameBytes: 16 * 1024 * 1024,
      maxQueueBytesPerPeer: 64 * 1024 * 1024,
      helloTimeoutMs: 5000,
      reconnect: { initialMs: 500, maxMs: 30_000 },
      ...opts,
    };
    if (this.opts.maxQueueBytesPerPeer < this.opts.maxFrameBytes + 5) {
      throw netError('NET_BAD_OPTIONS', 'maxQueueBytesPerPeer must hold at least one full frame', {
        maxQueueBytesPerPeer: this.opts.maxQueueBytesPerPeer,
        maxFrameBytes: this.opts.maxFrameBytes,
      });
    }
    this.logger = modules.logger ?? silentLogger;
    this.timers = modules.timers ?? nodeTimers;
    this.targets = opts.peers.map((address) => ({
      address,
      attempt: 0,
      timer: undefined,
      conn: undefined,
      knownKey: undefined,
      disabled: false,
    }));
    this.ctx = {
      suite: modules.suite,
      key: modules.key,
      registry: modules.registry,
      timers: this.timers,
      chainId: opts.chainId,
      genesisHash: opts.genesisHash,
      maxFrameBytes: this.opts.maxFrameBytes,
      maxQueueBytes: this.opts.maxQueueBytesPerPeer,
      helloTimeoutMs: this.opts.helloTimeoutMs,
      onAuthenticated: (c) => this.onAuthenticated(c),
      onFrame: (c, channel, payload) => this.onFrame(c, channel, payload),
      onClosed: (c, reason) => this.onClosed(c, reason),
      onTraffic: (dir, n) => {
        if (dir === 'in') this.counters.bytesIn += n;
        else this.counters.bytesOut += n;
      },
      onDropped: () => {
        this.counters.droppedMessages++;
      },
    };
  }

  /** Generates the TLS certificate, listens, and starts dialing. Resolves with the bound port. */
  async start(): Promise<{ port: number }> {
    this.tls = await generateTlsIdentity();
    const tlsOptions = {
      ...TLS13,
      key: this.tls.key,
      cert: this.tls.cert,
      handshakeTimeout: this.opts.helloTimeoutMs,
    };
    const server = createServer(tlsOptions, (socket) => {
      this.counters.connectionsAccepted++;
      this.adopt(socket, 'inbound').begin();
    });
    server.on('tlsClientError', (e, socket) => {
      this.logger.debug({ err: e.message }, 'tls handshake failed');
      socket.destroy();
    });
    server.on('connection', (raw: Socket) => {
      this.inboundSockets.add(raw);
      raw.once('close', () => this.inboundSockets.delete(raw));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.listenPort, this.opts.listenHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.running = true;
    for (const t of this.targets) this.dial(t);
    const port = (server.address() as AddressInfo).port;
    this.logger.info({ host: this.opts.listenHost, port }, 'network listening');
    return { port };
  }

  /** Closes every link, stops dialing and listening. */
  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.targets) if (t.timer !== undefined) this.timers.clearTimeout(t.timer);
    for (const c of [...this.all]) c.close('stopped');
    for (const raw of this.inboundSockets) raw.destroy();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Registers a handler for application frames; returns a function that removes it. */
  onMessage(handler: MessageHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Queues `payload` to every authenticated peer except `exceptKey`; returns how many accepted it. */
  broadcast(channel: Channel, payload: Uint8Array, exceptKey?: string): number {
    this.checkSize(payload);
    let n = 0;
    for (const [key, c] of [...this.links]) {
      if (key !== exceptKey && c.send(channel, payload)) {
        this.counters.framesOut++;
        n++;
      }
    }
    return n;
  }

  /** Queues `payload` to one peer; false if it is not connected or the message was dropped. */
  send(peerKey: string, channel: Channel, payload: Uint8Array): boolean {
    this.checkSize(payload);
    const c = this.links.get(peerKey);
    if (c === undefined || !c.send(channel, payload)) return false;
    this.counters.framesOut++;
    return true;
  }

  /** Closes the link to a peer (e.g. after it misbehaved); it may reconnect. */
  disconnect(peerKey: string): void {
    this.links.get(peerKey)?.close('requested');
  }

  /** The authenticated peers. */
  peers(): PeerInfo[] {
    return [...this.links.values()].map((c) => this.info(c));
  }

  /** Counters for metrics. */
  stats(): NetworkStats {
    return { peers: this.links.size, ...this.counters, closed: { ...this.closed } };
  }

  private checkSize(payload: Uint8Array): void {
    if (payload.length + 1 > this.opts.maxFrameBytes) {
      throw netError('NET_FRAME_TOO_LARGE', 'payload exceeds maxFrameBytes', {
        length: payload.length,
        max: this.opts.maxFrameBytes - 1,
      });
    }
  }

  private adopt(socket: TLSSocket, direction: 'inbound' | 'outbound'): Connection {
    const c = new Connection(socket, direction, this.ctx);
    this.all.add(c);
    return c;
  }

  private dial(t: DialTarget): void {
    t.timer = undefined;
    if (!this.running || t.disabled) return;
    if (t.knownKey !== undefined && this.links.has(t.knownKey)) {
      this.scheduleDial(t, this.opts.reconnect.maxMs);
      return;
    }
    this.counters.connectionsDialed++;
    const socket = connect({
      ...TLS13,
      host: t.address.host,
      port: t.address.port,
      rejectUnauthorized: false,
    });
    const c = this.adopt(socket, 'outbound');
    t.conn = c;
    socket.once('secureConnect', () => c.begin());
  }

  private scheduleDial(t: DialTarget, delayMs: number): void {
    if (!this.running || t.disabled || t.timer !== undefined) return;
    t.timer = this.timers.setTimeout(() => this.dial(t), delayMs);
  }

  private onAuthenticated(c: Connection): void {
    const key = c.peerKeyHex;
    const existing = this.links.get(key);
    if (existing !== undefined && existing !== c) {
      if (!this.keepNew(existing, c)) {
        c.close('duplicate');
        return;
      }
      existing.close('duplicate');
    }
    this.links.set(key, c);
    this.counters.authenticated++;
    const target = this.targets.find((t) => t.conn === c);
    if (target !== undefined) {
      target.attempt = 0;
      target.knownKey = key;
    }
    this.logger.info({ peer: key, org: c.member?.org, direction: c.direction }, 'peer authenticated');
  }

  /**
   * Duplicate links between the same pair: both ends keep the link dialed by the lower key;
   * if both were dialed by the same side, the newer one wins (the older is likely stale).
   */
  private keepNew(existing: Connection, fresh: Connection): boolean {
    if (existing.direction === fresh.direction) return true;
    const self = this.ctx.key.publicKey.bytes;
    const peer = (fresh.peerKey as { bytes: Uint8Array }).bytes;
    const lowerDialer = compareBytes(self, peer) < 0 ? 'outbound' : 'inbound';
    return fresh.direction === lowerDialer;
  }

  private onFrame(c: Connection, channel: Channel, payload: Uint8Array): void {
    this.counters.framesIn++;
    const peer = this.info(c);
    for (const h of this.handlers) {
      try {
        h(peer, channel, payload);
      } catch (e) {
        this.logger.warn({ peer: peer.key, channel, err: String(e) }, 'message handler failed');
      }
    }
  }

  private onClosed(c: Connection, reason: CloseReason): void {
    this.all.delete(c);
    this.closed[reason]++;
    if (this.links.get(c.peerKeyHex) === c) this.links.delete(c.peerKeyHex);
    const level =
      reason === 'remote_closed' || reason === 'stopped' || reason === 'duplicate' ? 'debug' : 'warn';
    this.logger[level](
      { peer: c.peerKeyHex || undefined, reason, direction: c.direction },
      'connection closed',
    );
    const target = this.targets.find((t) => t.conn === c);
    if (target === undefined) return;
    target.conn = undefined;
    if (reason === 'self') target.disabled = true;
    const { initialMs, maxMs } = this.opts.reconnect;
    this.scheduleDial(target, Math.min(maxMs, initialMs * 2 ** Math.min(target.attempt, 30)));
    target.attempt++;
  }

  private info(c: Connection): PeerInfo {
    return {
      key: c.peerKeyHex,
      publicKey: (c.peerKey as { bytes: Uint8Array }).bytes,
      member: c.member as NonNullable<Connection['member']>,
      direction: c.direction,
      remoteAddress: c.socket.remoteAddress ?? '',
      remotePort: c.socket.remotePort ?? 0,
      queuedBytes: c.queuedBytes,
    };
  }
}
