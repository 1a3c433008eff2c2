/** One TLS link: handshake authentication, framing and the bounded outbound queue. */
import type { TLSSocket } from 'node:tls';
import type { CryptoSuite, PrivateKey, PublicKey } from '@xinlian/crypto';
import { equalBytes, isXinlianError, toHex } from '@xinlian/utils';
import { encodeFrame, FrameDecoder } from './frame.js';
import type { Channel, CloseReason, MemberInfo, MemberRegistry, Timers } from './types.js';
import {
  channelId,
  channelOf,
  decodeHello,
  EXPORTER_LABEL,
  encodeHello,
  HELLO_CHANNEL_ID,
  type HelloRole,
  helloSignBytes,
} from './wire.js';

/** Largest frame accepted before the peer has authenticated. */
const HELLO_MAX_BYTES = 1024;

/** Settings and collaborators a connection needs from its network. */
export interface ConnectionContext {
  readonly suite: CryptoSuite;
  readonly key: PrivateKey;
  readonly registry: MemberRegistry;
  readonly timers: Timers;
  readonly chainId: string;
  readonly genesisHash: Uint8Array;
  readonly maxFrameBytes: number;
  readonly maxQueueBytes: number;
  readonly helloTimeoutMs: number;
  onAuthenticated(conn: Connection): void;
  onFrame(conn: Connection, channel: Channel, payload: Uint8Array): void;
  onClosed(conn: Connection, reason: CloseReason): void;
  onTraffic(direction: 'in' | 'out', bytes: number): void;
  onDropped(conn: Connection): void;
}

interface Queued {
  readonly channel: Channel;
  readonly frame: Buffer;
}

/** A link to one remote node. */
export class Connection {
  /** Set once the peer's Hello verified. */
  peerKey: PublicKey | undefined;
  peerKeyHex = '';
  member: MemberInfo | undefined;
  private state: 'hello' | 'open' | 'closed' = 'hello';
  private readonly decoder = new FrameDecoder(HELLO_MAX_BYTES);
  private readonly queue: Queued[] = [];
  private queued = 0;
  private waitingDrain = false;
  private flushScheduled = false;
  private helloTimer: unknown;

  constructor(
    readonly socket: TLSSocket,
    readonly direction: 'inbound' | 'outbound',
    private readonly ctx: ConnectionContext,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close('remote_closed'));
    socket.on('close', () => this.close('remote_closed'));
    // Covers the TLS handshake of outbound links too.
    this.helloTimer = ctx.timers.setTimeout(() => this.close('hello_timeout'), ctx.helloTimeoutMs);
  }

  /** Bytes waiting in the outbound queue (excluding the socket's own small buffer). */
  get queuedBytes(): number {
    return this.queued;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Called once the TLS handshake completed: sends our Hello. */
  begin(): void {
    if (this.state !== 'hello') return;
    const role: HelloRole = this.direction === 'outbound' ? 'client' : 'server';
    const signature = this.ctx.suite.sign(this.ctx.key, helloSignBytes(this.exporter(), role));
    const hello = encodeHello({
      chainId: this.ctx.chainId,
      genesisHash: this.ctx.genesisHash,
      role,
      nodePublicKey: this.ctx.key.publicKey.bytes,
      signature,
    });
    this.write(encodeFrame(HELLO_CHANNEL_ID, hello));
  }

  /** Queues a payload; returns false if it was dropped (or the link is not open). */
  send(channel: Channel, payload: Uint8Array): boolean {
    if (this.state !== 'open') return false;
    const frame = encodeFrame(channelId(channel), payload);
    while (this.queued + frame.length > this.ctx.maxQueueBytes && this.dropOldestGossip()) {
      this.ctx.onDropped(this);
    }
    if (this.queued + frame.length > this.ctx.maxQueueBytes) {
      if (channel === 'txs') {
        this.ctx.onDropped(this);
        return false;
      }
      this.close('slow_peer');
      return false;
    }
    this.queue.push({ channel, frame });
    this.queued += frame.length;
    // Frames queued in one turn of the event loop (e.g. a batch of admitted txs) are written
    // together: one writev, so one TLS record and one syscall instead of one per frame.
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
    return true;
  }

  /** Closes the link (idempotent) and reports the reason once. */
  close(reason: CloseReason): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.helloTimer !== undefined) this.ctx.timers.clearTimeout(this.helloTimer);
    this.queue.length = 0;
    this.queued = 0;
    this.socket.destroy();
    this.ctx.onClosed(this, reason);
  }

  private alive(): boolean {
    return this.state !== 'closed';
  }

  private exporter(): Uint8Array {
    return this.socket.exportKeyingMaterial(32, EXPORTER_LABEL, Buffer.alloc(0));
  }

  private dropOldestGossip(): boolean {
    const i = this.queue.findIndex((q) => q.channel === 'txs');
    if (i < 0) return false;
    const [removed] = this.queue.splice(i, 1);
    this.queued -= (removed as Queued).frame.length;
    return true;
  }

  private flush(): void {
    if (this.waitingDrain || this.queue.length === 0 || this.state !== 'open') return;
    this.socket.cork();
    while (!this.waitingDrain && this.queue.length > 0 && this.state === 'open') {
      const item = this.queue.shift() as Queued;
      this.queued -= item.frame.length;
      if (!this.write(item.frame)) {
        this.waitingDrain = true;
        this.socket.once('drain', () => {
          this.waitingDrain = false;
          this.flush();
        });
      }
    }
    this.socket.uncork();
  }

  private write(frame: Buffer): boolean {
    this.ctx.onTraffic('out', frame.length);
    return this.socket.write(frame);
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.ctx.onTraffic('in', chunk.length);
    let frames: ReturnType<FrameDecoder['push']>;
    try {
      frames = this.decoder.push(chunk);
    } catch (e) {
      this.close(isXinlianError(e) && e.code === 'NET_FRAME_TOO_LARGE' ? 'oversize_frame' : 'protocol');
      return;
    }
    for (const f of frames) {
      if (!this.alive()) return;
      if (this.state === 'hello') {
        const reason = f.channelId === HELLO_CHANNEL_ID ? this.verifyHello(f.payload) : 'protocol';
        if (reason !== undefined) this.close(reason);
        continue;
      }
      const channel = channelOf(f.channelId);
      if (channel === undefined) this.close('protocol');
      else this.ctx.onFrame(this, channel, f.payload);
    }
  }

  /** Checks the peer's Hello; on success the link opens. Returns the refusal reason otherwise. */
  private verifyHello(payload: Uint8Array): CloseReason | undefined {
    let hello: ReturnType<typeof decodeHello>;
    let peerKey: PublicKey;
    try {
      hello = decodeHello(payload);
      peerKey = this.ctx.suite.publicKeyFromBytes(hello.nodePublicKey);
    } catch {
      return 'bad_hello';
    }
    if (hello.chainId !== this.ctx.chainId) return 'wrong_chain';
    if (!equalBytes(hello.genesisHash, this.ctx.genesisHash)) return 'wrong_genesis';
    const expectedRole: HelloRole = this.direction === 'outbound' ? 'server' : 'client';
    if (hello.role !== expectedRole) return 'bad_hello';
    const signed = helloSignBytes(this.exporter(), hello.role);
    if (!this.ctx.suite.verify(peerKey, signed, hello.signature)) return 'bad_signature';
    if (equalBytes(peerKey.bytes, this.ctx.key.publicKey.bytes)) return 'self';
    const member = this.ctx.registry.isMember(peerKey);
    if (member === undefined) return 'not_member';
    this.ctx.timers.clearTimeout(this.helloTimer);
    this.helloTimer = undefined;
    this.peerKey = peerKey;
    this.peerKeyHex = toHex(peerKey.bytes);
    this.member = member;
    this.decoder.maxFrameBytes = this.ctx.maxFrameBytes;
    this.state = 'open';
    this.ctx.onAuthenticated(this);
    return undefined;
  }
}
