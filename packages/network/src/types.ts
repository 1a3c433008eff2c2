/** Public contract of @xinlian/network. */
import type { PublicKey } from '@xinlian/crypto';

/** Application channels carried over a link. Hello (id 0) is internal to the handshake. */
export type Channel = 'consensus' | 'txs' | 'sync';
export const CHANNELS: readonly Channel[] = ['consensus', 'txs', 'sync'];

/** What the member registry knows about a node key (from the genesis / validator set). */
export interface MemberInfo {
  readonly org: string;
  readonly name: string;
  readonly role: 'validator' | 'observer';
}

/** Decides who may connect: returns the member bound to the key, or undefined for a non-member. */
export interface MemberRegistry {
  isMember(publicKey: PublicKey): MemberInfo | undefined;
}

/** A pino-compatible structured logger (only the methods used here). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Timers as an injected dependency (defaults to Node's, unref'd). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/** An authenticated peer. */
export interface PeerInfo {
  /** Hex of the peer's raw suite public key: its identity. */
  readonly key: string;
  readonly publicKey: Uint8Array;
  readonly member: MemberInfo;
  readonly direction: 'inbound' | 'outbound';
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Bytes waiting in this peer's outbound queue. */
  readonly queuedBytes: number;
}

/** Why a connection was closed; each has a counter in `stats().closed`. */
export type CloseReason =
  | 'wrong_chain'
  | 'wrong_genesis'
  | 'not_member'
  | 'bad_signature'
  | 'bad_hello'
  | 'hello_timeout'
  | 'protocol'
  | 'oversize_frame'
  | 'slow_peer'
  | 'self'
  | 'duplicate'
  | 'remote_closed'
  | 'stopped'
  | 'requested';

export interface NetworkStats {
  readonly peers: number;
  readonly connectionsAccepted: number;
  readonly connectionsDialed: number;
  readonly authenticated: number;
  readonly framesIn: number;
  readonly framesOut: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Gossip (txs) messages dropped because a peer's queue was full. */
  readonly droppedMessages: number;
  readonly closed: Readonly<Record<CloseReason, number>>;
}

export interface ReconnectBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

export interface PeerNetworkOptions {
  readonly listenHost: string;
  /** 0 picks a free port (see `start()`'s result). */
  readonly listenPort: number;
  /** Addresses this node dials and keeps redialing. */
  readonly peers: readonly PeerAddress[];
  readonly chainId: string;
  readonly genesisHash: Uint8Array;
  /** Largest frame body accepted or sent (default 16 MiB). */
  readonly maxFrameBytes?: number;
  /** Bound on each peer's outbound queue (default 64 MiB). */
  readonly maxQueueBytesPerPeer?: number;
  /** A peer must authenticate within this time (default 5000 ms). */
  readonly helloTimeoutMs?: number;
  /** Redial backoff (default 500 ms doubling to 30 s). */
  readonly reconnect?: ReconnectBackoff;
}

/** Source of decided blocks served to syncing peers. */
export interface BlockSource {
  /** Height of the last decided block (0 before the first). */
  head(): number;
  /** The block and its commit certificate (encoded), or undefined if not stored. */
  getBlock(height: number): { readonly block: Uint8Array; readonly certificate: Uint8Array } | undefined;
}
