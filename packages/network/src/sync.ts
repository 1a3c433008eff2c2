/**
 * Block sync over the `sync` channel: `GetBlocks { fromHeight, max }` → `Blocks { head, items }`.
 * `BlockSyncServer` answers from a BlockSource; `BlockSyncer` catches up by asking peers in turn
 * and hands each block to the node's `verifyAndApply` (which checks the commit certificate).
 */
import type { BlockSource, Channel, Logger, PeerInfo, Timers } from './types.js';
import { type Blocks, decodeSyncMessage, encodeSyncMessage, type SyncMessage } from './wire.js';

/** The part of PeerNetwork the sync protocol uses. */
export interface SyncTransport {
  onMessage(handler: (peer: PeerInfo, channel: Channel, payload: Uint8Array) => void): () => void;
  send(peerKey: string, channel: 'sync', payload: Uint8Array): boolean;
  peers(): PeerInfo[];
}

export interface BlockSyncServerOptions {
  /** Most blocks per response (default 64). */
  readonly maxBlocksPerResponse?: number;
  /** Response size budget; keep it under the network's maxFrameBytes (default 8 MiB). */
  readonly maxResponseBytes?: number;
}

function decodeOrUndefined(payload: Uint8Array): SyncMessage | undefined {
  try {
    return decodeSyncMessage(payload);
  } catch {
    return undefined;
  }
}

/** Serves decided blocks with their certificates to syncing peers. */
export class BlockSyncServer {
  private readonly maxBlocks: number;
  private readonly maxBytes: number;
  private readonly unsubscribe: () => void;

  constructor(opts: BlockSyncServerOptions, modules: { network: SyncTransport; source: BlockSource }) {
    this.maxBlocks = opts.maxBlocksPerResponse ?? 64;
    this.maxBytes = opts.maxResponseBytes ?? 8 * 1024 * 1024;
    const { network, source } = modules;
    this.unsubscribe = network.onMessage((peer, channel, payload) => {
      if (channel !== 'sync') return;
      const m = decodeOrUndefined(payload);
      if (m?.type !== 'get_blocks') return;
      const head = source.head();
      const items: Blocks['items'][number][] = [];
      let bytes = 0;
      const last = Math.min(head, m.fromHeight + Math.min(m.max, this.maxBlocks) - 1);
      for (let h = Math.max(1, m.fromHeight); h <= last; h++) {
        const item = source.getBlock(h);
        if (item === undefined) break;
        bytes += item.block.length + item.certificate.length + 8;
        if (items.length > 0 && bytes > this.maxBytes) break;
        items.push(item);
      }
      network.send(
        peer.key,
        'sync',
        encodeSyncMessage({ type: 'blocks', requestId: m.requestId, head, items }),
      );
    });
  }

  /** Stops answering requests. */
  close(): void {
    this.unsubscribe();
  }
}

export interface BlockSyncerOptions {
  /** Blocks asked per request (default 64). */
  readonly batchSize?: number;
  /** A request unanswered for this long counts as a failure of that peer (default 5000 ms). */
  readonly requestTimeoutMs?: number;
  /** Failures after which a peer is skipped for the rest of this sync (default 3). */
  readonly maxPeerFailures?: number;
}

export interface BlockSyncerModules {
  readonly network: SyncTransport;
  /** Height of the last block the node applied. */
  localHeight(): number;
  /** Verifies the commit certificate and applies the block; throws if either is invalid. */
  verifyAndApply(block: Uint8Array, certificate: Uint8Array): Promise<void>;
  readonly logger?: Logger;
  readonly timers?: Timers;
}

export interface SyncStats {
  readonly requests: number;
  readonly applied: number;
  readonly rejected: number;
  readonly timeouts: number;
  /** Peers skipped after repeated failures or an invalid block. */
  readonly penalized: readonly string[];
}

interface Pending {
  readonly requestId: number;
  readonly peerKey: string;
  readonly resolve: (m: Blocks | undefined) => void;
  readonly timer: unknown;
}

/**
 * Catches a node up from its peers. One request is in flight at a time (blocks must be applied
 * in order and each response is bounded), so memory stays bounded by one response.
 */
export class BlockSyncer {
  private readonly batchSize: number;
  private readonly requestTimeoutMs: number;
  private readonly maxPeerFailures: number;
  private readonly timers: Timers;
  private readonly failures = new Map<string, number>();
  private readonly banned = new Set<string>();
  private pending: Pending | undefined;
  private nextRequestId = 1;
  private rotation = 0;
  private readonly unsubscribe: () => void;
  private readonly counts = { requests: 0, applied: 0, rejected: 0, timeouts: 0 };

  constructor(
    opts: BlockSyncerOptions,
    private readonly modules: BlockSyncerModules,
  ) {
    this.batchSize = opts.batchSize ?? 64;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 5000;
    this.maxPeerFailures = opts.maxPeerFailures ?? 3;
    this.timers = modules.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    };
    this.unsubscribe = modules.network.onMessage((peer, channel, payload) => {
      const p = this.pending;
      if (channel !== 'sync' || p === undefined || peer.key !== p.peerKey) return;
      const m = decodeOrUndefined(payload);
      if (m?.type !== 'blocks' || m.requestId !== p.requestId) return;
      this.finish(m);
    });
  }

  /**
   * Requests blocks until every usable peer reports no newer block (or none is left). Resolves
   * with the local height reached.
   */
  async sync(): Promise<number> {
    const caughtUp = new Set<string>();
    let lastFrom = -1;
    for (;;) {
      const from = this.modules.localHeight() + 1;
      if (from !== lastFrom) caughtUp.clear();
      lastFrom = from;
      const peer = this.pickPeer(caughtUp);
      if (peer === undefined) return this.modules.localHeight();
      const reply = await this.request(peer, from);
      if (reply === undefined) {
        this.counts.timeouts++;
        this.fail(peer, 1);
        continue;
      }
      if (reply.items.length === 0) {
        if (reply.head < from) caughtUp.add(peer);
        else this.fail(peer, 1);
        continue;
      }
      if (!(await this.applyAll(peer, reply))) this.fail(peer, this.maxPeerFailures);
    }
  }

  /** Sync counters. */
  stats(): SyncStats {
    return { ...this.counts, penalized: [...this.banned] };
  }

  /** Stops listening and abandons a pending request. */
  close(): void {
    this.unsubscribe();
    this.finish(undefined);
  }

  private async applyAll(peer: string, reply: Blocks): Promise<boolean> {
    for (const item of reply.items) {
      try {
        await this.modules.verifyAndApply(item.block, item.certificate);
        this.counts.applied++;
      } catch (e) {
        this.counts.rejected++;
        this.modules.logger?.warn({ peer, err: String(e) }, 'sync block rejected');
        return false;
      }
    }
    return true;
  }

  private pickPeer(skip: ReadonlySet<string>): string | undefined {
    const candidates = this.modules.network
      .peers()
      .map((p) => p.key)
      .filter((k) => !this.banned.has(k) && !skip.has(k))
      .sort();
    if (candidates.length === 0) return undefined;
    return candidates[this.rotation++ % candidates.length];
  }

  private fail(peer: string, weight: number): void {
    const n = (this.failures.get(peer) ?? 0) + weight;
    this.failures.set(peer, n);
    this.rotation++;
    if (n >= this.maxPeerFailures) this.banned.add(peer);
  }

  private request(peerKey: string, fromHeight: number): Promise<Blocks | undefined> {
    const requestId = this.nextRequestId++;
    this.counts.requests++;
    return new Promise((resolve) => {
      const timer = this.timers.setTimeout(() => this.finish(undefined), this.requestTimeoutMs);
      this.pending = { requestId, peerKey, resolve, timer };
      const msg = encodeSyncMessage({ type: 'get_blocks', requestId, fromHeight, max: this.batchSize });
      if (!this.modules.network.send(peerKey, 'sync', msg)) this.finish(undefined);
    });
  }

  private finish(m: Blocks | undefined): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    this.timers.clearTimeout(p.timer);
    p.resolve(m);
  }
}
