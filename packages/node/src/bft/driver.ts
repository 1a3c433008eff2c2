/**
 * The BFT driver (spec/consensus.md §9): carries out the outputs of the pure TendermintCore —
 * durable WAL appends before anything that follows, broadcasts on the consensus channel, timers —
 * feeds it messages from the network, commits decided blocks through the store, runs block sync
 * for a node that fell behind, and gossips transactions.
 */
import {
  type CommitCertificate,
  type ConsensusMessage,
  decodeBlock,
  decodeCommitCertificate,
  decodeConsensusMessage,
  encodeBlockHeader,
  encodeCommitCertificate,
  encodeConsensusMessage,
  type Proposal,
  type ValidatorSet,
  type WalRecord,
} from '@xinlian/codec';
import { type Output, type TendermintCore, verifyCommitCertificate } from '@xinlian/consensus';
import type { CryptoSuite } from '@xinlian/crypto';
import {
  BlockSyncer,
  BlockSyncServer,
  type Channel,
  type NetworkStats,
  type PeerInfo,
  SeenSet,
} from '@xinlian/network';
import type { ConsensusStatus } from '@xinlian/schemas';
import type { ChainStore } from '@xinlian/store';
import { type Clock, equalBytes, toHex, XinlianError } from '@xinlian/utils';
import type { Logger } from 'pino';
import type { Mempool } from '../mempool.js';
import type { NodeMetrics } from '../metrics.js';
import type { CommittedBlock, HeadState, PendingTx } from '../producer.js';
import type { TimerHandle, Timers } from '../timers.js';
import type { BftApp } from './app.js';
import type { BftMetrics } from './metrics.js';
import { type HeightValidatorSet, staticValidatorSet } from './valsets.js';
import type { ConsensusWal } from './wal.js';

/** The parts of PeerNetwork the driver uses. */
export interface DriverNetwork {
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
  onMessage(handler: (peer: PeerInfo, channel: Channel, payload: Uint8Array) => void): () => void;
  broadcast(channel: Channel, payload: Uint8Array, exceptKey?: string): number;
  send(peerKey: string, channel: Channel, payload: Uint8Array): boolean;
  peers(): PeerInfo[];
  stats(): NetworkStats;
}

export interface BftDriverOptions {
  readonly chainId: string;
  /** The set of a chain without validator-set changes (when `validatorSets` is not given). */
  readonly validatorSet: ValidatorSet;
  /** Organization of each validator of `validatorSet`. */
  readonly organizations: readonly (string | null)[];
  /** This node's index in `validatorSet`; undefined for an observer. */
  readonly selfIndex: number | undefined;
  /**
   * This node's public key (hex) when it signs at every height whose set holds it (with
   * `validatorSets`); undefined: it never signs (an observer by configuration).
   */
  readonly selfKey?: string | undefined;
  /** Re-send the current round's messages this often (gossip liveness). */
  readonly rebroadcastMs: number;
  /** Without pending txs, start the next height after this long (an empty block as a heartbeat). */
  readonly emptyBlockMs: number;
  /** Minimum time between a commit and the start of the next height (lets txs gather). */
  readonly commitDelayMs: number;
  /** A validator not heard from for this long is reported silent. */
  readonly silentAfterMs: number;
}

export interface BftDriverModules {
  /** The core of the first height started (its set: `validatorSets.at(head + 1)` or the fixed set). */
  readonly core: TendermintCore;
  /**
   * Validator sets from committed governance state (spec/consensus.md §11). With it, each height H
   * runs with `at(H)`: a new core (`newCore`) whenever the set changes.
   */
  readonly validatorSets?: { at(height: number): HeightValidatorSet };
  /** Builds the core of a set (with this node's index in it, undefined when it does not sign). */
  readonly newCore?: (set: ValidatorSet, selfIndex: number | undefined) => TendermintCore;
  readonly app: BftApp;
  /** Undefined for an observer (it signs nothing); `openWal` opens it once the node signs. */
  readonly wal: ConsensusWal | undefined;
  /** Opens the WAL when a set starts to hold this node's key (an observer turned validator). */
  readonly openWal?: () => ConsensusWal;
  readonly network: DriverNetwork;
  readonly store: ChainStore;
  readonly suite: CryptoSuite;
  readonly mempool: Mempool<PendingTx>;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly metrics: BftMetrics;
  readonly nodeMetrics: NodeMetrics;
  /** Admits a tx received by gossip (the node's admission path: checkTx, signature, mempool). */
  readonly admitGossip: (bytes: Uint8Array) => Promise<unknown>;
  /** Called once a block is durably stored (acknowledge txs, publish the block). */
  readonly onCommit: (committed: CommittedBlock) => void;
}

interface Heard {
  height: number;
  round: number;
  at: number;
}

/** Ticks (of rebroadcastMs / REBROADCAST_TICKS) between re-sends; peers are checked every tick. */
const REBROADCAST_TICKS = 4;
/** Wait before retrying to store a decided block whose commit failed. */
const COMMIT_RETRY_MS = 1000;
/** Poll interval while waiting to start the next height. */
const START_POLL_MS = 5;
/** Messages of the next height held while another set's core runs (re-sent anyway by gossip). */
const MAX_HELD_MESSAGES = 1024;
/** Heights of WAL records kept below the committed height before compaction. */
const WAL_COMPACT_RECORDS = 256;

export class BftDriver {
  readonly #o: BftDriverOptions;
  readonly #m: BftDriverModules;
  #head: HeadState;
  readonly #timers = new Set<TimerHandle>();
  #tick: TimerHandle | undefined;
  #startWait: TimerHandle | undefined;
  #pendingStart: { height: number; since: number } | undefined;
  #applying: Promise<void> = Promise.resolve();
  #syncing: Promise<void> | undefined;
  #behindSince: number | undefined;
  #heightStartedAt = 0;
  #lastCommitAt: number | null = null;
  #stopped = false;
  /** Halted for an upgrade this software lacks (`halt()`): no consensus, no commits; links stay. */
  #halted = false;
  #unsubscribe: (() => void) | undefined;
  #syncServer: BlockSyncServer | undefined;
  /** Latest message heard from each validator, by public key hex. */
  readonly #heard = new Map<string, Heard>();
  #core: TendermintCore;
  #wal: ConsensusWal | undefined;
  /** The set of the core (the set deciding the height it works on). */
  #set: HeightValidatorSet;
  #selfIndex: number | undefined;
  /** Messages for the next height when its set differs from the core's: fed to the next core. */
  #nextHeightMsgs: { height: number; msg: ConsensusMessage }[] = [];
  readonly #seenTxs = new SeenSet(100_000);
  readonly #txFrom = new Map<string, string>();
  /** App signature counters already added to the metric. */
  readonly #sigsCounted = { worker: 0, main: 0 };
  /** Payloads received by gossip (admission keeps the same bytes object: no second hash). */
  readonly #gossipPayloads = new WeakSet<Uint8Array>();
  /** Peers linked as of the last check (a new one triggers a re-send). */
  readonly #linked = new Set<string>();
  #ticks = 0;
  readonly #closedSeen = new Map<string, number>();
  /**
   * Received proposals whose txs are being verified on the worker pool, by signature (hex), with
   * the propose timeouts of their (height, round) that fired meanwhile (run once it is delivered).
   */
  readonly #preparing = new Map<string, { height: number; round: number; timeouts: (() => void)[] }>();
  /** `height/round` slots whose first proposal was prepared (heights below the current are dropped). */
  readonly #preparedSlots = new Set<string>();
  /** The last `height/round/blockId` each validator voted for (a block, not nil), heard over its own link. */
  readonly #votedIn = new Map<string, string>();
  /** WAL appends whose fdatasync has not completed yet. */
  #walPending = 0;
  /** Resolves once the latest WAL append is durable. */
  #durable: Promise<void> = Promise.resolve();
  /** Output lists waiting for a WAL append to be durable (carried out in order by #outputChain). */
  #deferred = 0;
  #outputChain: Promise<void> = Promise.resolve();
  /** A WAL fdatasync failed: nothing is sent any more (durability cannot be guaranteed). */
  #walFailed = false;

  constructor(opts: BftDriverOptions, modules: BftDriverModules, head: HeadState) {
    this.#o = opts;
    this.#m = modules;
    this.#head = head;
    this.#core = modules.core;
    this.#wal = modules.wal;
    this.#set =
      modules.validatorSets?.at(head.height + 1) ??
      staticValidatorSet(modules.suite, opts.validatorSet, opts.organizations);
    this.#selfIndex = modules.validatorSets === undefined ? opts.selfIndex : this.#indexIn(this.#set);
  }

  #indexIn(set: HeightValidatorSet): number | undefined {
    return this.#o.selfKey === undefined ? undefined : set.index.get(this.#o.selfKey);
  }

  get head(): HeadState {
    return this.#head;
  }

  /** Restores the WAL, starts the network and block sync server, and starts height head+1. */
  async start(): Promise<{ p2pPort: number }> {
    const { network, store } = this.#m;
    const wal = this.#wal;
    if (wal !== undefined) this.#core.restore(wal.records);
    this.#unsubscribe = network.onMessage((peer, channel, payload) =>
      this.#onMessage(peer, channel, payload),
    );
    this.#syncServer = new BlockSyncServer(
      {},
      {
        network,
        source: {
          head: () => this.#head.height,
          getBlock: (height) => {
            const bytes = store.getBlockBytes(height);
            if (bytes === undefined) return undefined;
            return { block: bytes, certificate: encodeCommitCertificate(decodeBlock(bytes).certificate) };
          },
        },
      },
    );
    const { port } = await network.start();
    this.#startHeight(this.#head.height + 1);
    this.#scheduleTick();
    return { p2pPort: port };
  }

  /** Stopped, or halted: takes no part in consensus and commits nothing more. */
  get #idle(): boolean {
    return this.#stopped || this.#halted;
  }

  /**
   * Halts consensus for good at the committed head (a scheduled upgrade this software does not
   * support; node.ts): no new height, no votes, no proposals, no commits — by consensus or by
   * block sync. Unlike `stop()`, the links and the block sync server stay up, so a node that is
   * behind can still fetch the blocks up to this head (and halts there itself), and the API keeps
   * showing the peers. Callable before `start()` (a node halted at restart).
   */
  halt(): void {
    if (this.#halted) return;
    this.#halted = true;
    for (const t of this.#timers) this.#m.timers.clearTimeout(t);
    this.#timers.clear();
    if (this.#startWait !== undefined) this.#m.timers.clearTimeout(this.#startWait);
    this.#startWait = undefined;
    this.#pendingStart = undefined;
    this.#m.logger.warn(
      { height: this.#head.height },
      'consensus halted; links and block sync serving stay up',
    );
  }

  get halted(): boolean {
    return this.#halted;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) this.#m.timers.clearTimeout(t);
    this.#timers.clear();
    if (this.#tick !== undefined) this.#m.timers.clearTimeout(this.#tick);
    if (this.#startWait !== undefined) this.#m.timers.clearTimeout(this.#startWait);
    this.#unsubscribe?.();
    this.#syncServer?.close();
    await this.#m.network.stop();
    await this.#applying;
    await this.#syncing;
    await this.#wal?.flush().catch(() => undefined);
    this.#wal?.close();
  }

  /**
   * A tx admitted to this node's mempool. Submitted here (API): sent once to every peer. Received
   * by gossip: not forwarded — the peers form a full mesh and the node it was submitted to sent
   * it to every peer it was linked to (a peer that missed it gets it in a proposal; §9).
   */
  onTxAdmitted(entry: PendingTx): void {
    if (this.#idle) return;
    const bytes = entry.checked.bytes;
    // A tx received by gossip is in the seen set already (#onTx); admission keeps its bytes object.
    if (!this.#gossipPayloads.has(bytes)) {
      const key = toHex(this.#m.suite.hash(bytes));
      const gossiped = this.#txFrom.has(key);
      this.#seenTxs.add(key);
      if (!gossiped) {
        this.#m.network.broadcast('txs', bytes);
        this.#m.metrics.txsGossiped.inc({ direction: 'out' });
      }
    }
    // A waiting node can start the next height now that there is work (later txs change nothing
    // the start poll would not see within START_POLL_MS).
    if (this.#pendingStart !== undefined && this.#m.mempool.size === 1) this.#checkStart();
  }

  /** Whether this node verified the signature of (txId, signature) while validating a proposal. */
  signatureKnown(txId: Uint8Array, signature: Uint8Array): boolean {
    return this.#m.app.hasVerified(txId, signature);
  }

  status(): ConsensusStatus {
    const now = this.#m.clock.now();
    const state = this.#core.state;
    const connected = new Set(this.#m.network.peers().map((p) => p.key));
    // The set deciding the next height (the core switches to it when that height starts).
    const set = this.#m.validatorSets?.at(this.#head.height + 1) ?? this.#set;
    const selfIndex = set === this.#set ? this.#selfIndex : this.#indexIn(set);
    return {
      role: selfIndex === undefined ? 'observer' : 'validator',
      height: this.#pendingStart?.height ?? state.height,
      round: this.#pendingStart === undefined ? state.round : 0,
      step: this.#pendingStart === undefined ? state.step : 'propose',
      lastCommitAt: this.#lastCommitAt,
      peers: connected.size,
      syncing: this.#syncing !== undefined,
      validators: set.set.validators.map((v, index) => {
        const self = index === selfIndex;
        const key = toHex(v.publicKey);
        const heard = this.#heard.get(key);
        let st: 'ok' | 'behind' | 'silent' = 'ok';
        if (!self) {
          if (heard === undefined || now - heard.at > this.#o.silentAfterMs) st = 'silent';
          else if (heard.height < this.#head.height) st = 'behind';
        }
        return {
          index,
          name: v.name,
          organization: set.organizations[index] ?? null,
          self,
          connected: self || connected.has(key),
          lastHeight: self ? state.height : (heard?.height ?? null),
          lastRound: self ? state.round : (heard?.round ?? null),
          lastHeardAt: self ? now : (heard?.at ?? null),
          state: st,
        };
      }),
    };
  }

  // ---- core outputs ----

  /**
   * Carries out outputs in order, except that all persist records of the list are written first,
   * in their order, with one write (§9: a record is durable before anything after it, and making it
   * durable earlier is always allowed — it records a message the core already holds). The
   * fdatasync runs off the main thread: until every record written so far is on disk, the outputs
   * (sends, commits, timers) of this and every later list wait, in order, so no message leaves
   * before the record that justifies it is durable; the event loop keeps admitting txs and feeding
   * the core meanwhile.
   */
  #run(outputs: readonly Output[], resend = false): void {
    const { metrics, logger, clock } = this.#m;
    const wal = this.#wal;
    if (wal !== undefined) {
      const records: WalRecord[] = [];
      for (const o of outputs) if (o.kind === 'persist') records.push(o.record);
      if (records.length > 0 && !this.#walFailed) {
        const t0 = clock.now();
        this.#walPending++;
        const durable = wal.appendAllDurable(records);
        this.#durable = durable;
        durable.then(
          () => {
            this.#walPending--;
            metrics.walAppend.observe((clock.now() - t0) / 1000);
          },
          (e: unknown) => {
            this.#walPending--;
            if (this.#walFailed) return;
            this.#walFailed = true;
            logger.error(
              { err: e },
              'consensus WAL sync failed: this validator sends nothing more (restart it)',
            );
          },
        );
      }
    }
    if (this.#walFailed) return;
    if (this.#walPending === 0 && this.#deferred === 0) {
      this.#carryOut(outputs, resend);
      return;
    }
    // Behind the latest WAL write, after every list deferred before this one.
    const durable = this.#durable;
    this.#deferred++;
    this.#outputChain = this.#outputChain
      .then(() => durable)
      .then(
        () => {
          this.#deferred--;
          if (!this.#walFailed) this.#carryOut(outputs, resend);
        },
        () => {
          this.#deferred--;
        },
      );
  }

  /** Carries out a list of outputs whose WAL records are durable (persist outputs: already written). */
  #carryOut(outputs: readonly Output[], resend: boolean): void {
    const { metrics, logger, network } = this.#m;
    // The core may list one message twice (e.g. a new proposal and its re-send at start): send once.
    const sent: Uint8Array[] = [];
    for (const o of outputs) {
      switch (o.kind) {
        case 'persist':
          break; // written by #run

        case 'broadcast': {
          if (this.#idle) break;
          const bytes = encodeConsensusMessage(o.msg);
          if (sent.some((b) => equalBytes(b, bytes))) break;
          sent.push(bytes);
          if (resend && o.msg.kind === 'proposal') this.#resendProposal(o.msg.proposal, bytes);
          else network.broadcast('consensus', bytes);
          if (logger.isLevelEnabled('trace')) {
            const m = o.msg.kind === 'proposal' ? o.msg.proposal : o.msg.vote;
            const what = o.msg.kind === 'proposal' ? 'proposal' : o.msg.vote.type;
            logger.trace({ what, height: m.height, round: m.round }, 'sent');
          }
          break;
        }
        case 'scheduleTimeout': {
          if (this.#idle) break;
          const fire = () => {
            if (this.#idle) return;
            this.#run(this.#core.onTimeout({ height: o.height, round: o.round, step: o.step }));
          };
          const handle = this.#m.timers.setTimeout(() => {
            this.#timers.delete(handle);
            // The proposal of this round arrived and its txs are being verified: the timeout
            // waits for it (a later timer only delays this node; it never affects safety).
            const waiting =
              o.step === 'propose'
                ? [...this.#preparing.values()].find((e) => e.height === o.height && e.round === o.round)
                : undefined;
            if (waiting !== undefined) waiting.timeouts.push(fire);
            else fire();
          }, o.delayMs);
          this.#timers.add(handle);
          break;
        }
        case 'decide':
          this.#onDecide(o.height, o.block, o.certificate);
          break;
        case 'evidence': {
          const e = o.evidence;
          metrics.evidence.inc({ kind: e.kind });
          const who = e.kind === 'duplicateVote' ? e.first.validatorIndex : e.first.proposerIndex;
          const { height, round } = e.kind === 'duplicateVote' ? e.first : e.first;
          logger.warn({ kind: e.kind, validatorIndex: who, height, round }, 'double-sign evidence');
          break;
        }
        case 'reject':
          metrics.rejected.inc({ reason: o.reason });
          logger.debug(
            { reason: o.reason, height: o.height, round: o.round, validatorIndex: o.validatorIndex },
            'consensus message rejected',
          );
          break;
      }
    }
    metrics.round.set(this.#core.state.round);
  }

  /**
   * A periodic re-send of a proposal (with its whole block) goes only to the peers that may still
   * need it: not to a validator whose vote for that block in that round reached us over its own
   * link (it has the block). Observers and everyone else get it as before.
   */
  #resendProposal(p: Proposal, bytes: Uint8Array): void {
    const round = `${p.height}/${p.round}/${toHex(this.#m.app.blockId(p.blockBytes))}`;
    for (const peer of this.#m.network.peers()) {
      if (this.#votedIn.get(peer.key) === round) continue;
      this.#m.network.send(peer.key, 'consensus', bytes);
    }
  }

  #onDecide(height: number, blockBytes: Uint8Array, certificate: CommitCertificate): void {
    if (this.#idle) return;
    this.#enqueueApply(async () => {
      if (height !== this.#head.height + 1 || this.#idle) return; // already applied (block sync got there first), or halted
      await this.#commit(height, blockBytes, certificate, 'consensus');
    }).catch(() => {
      // The decision stands (the core is decided at this height): retry storing it.
      if (this.#idle) return;
      const retry = this.#m.timers.setTimeout(() => {
        this.#timers.delete(retry);
        if (!this.#idle) this.#onDecide(height, blockBytes, certificate);
      }, COMMIT_RETRY_MS);
      this.#timers.add(retry);
    });
  }

  /** Applies in order: one block at a time, from consensus or block sync. */
  #enqueueApply(fn: () => Promise<void>): Promise<void> {
    const next = this.#applying.then(fn);
    this.#applying = next.catch((e: unknown) => {
      this.#m.logger.error({ err: e, height: this.#head.height + 1 }, 'applying a block failed');
    });
    return next;
  }

  async #commit(
    height: number,
    blockBytes: Uint8Array,
    certificate: CommitCertificate,
    source: 'consensus' | 'sync',
  ): Promise<void> {
    const { app, store, clock, nodeMetrics, metrics, mempool, logger } = this.#m;
    const ready = app.committable(height, blockBytes, certificate);
    if (ready === undefined) {
      throw new XinlianError('CONSENSUS_INVALID_DECISION', 'a certified block does not validate', { height });
    }
    const t0 = clock.now();
    await store.commitBlock(ready.commit);
    const done = clock.now();
    nodeMetrics.storeCommit.observe((done - t0) / 1000);
    const { block, blockId, execution, txs } = ready.committed;
    this.#head = { height, blockId, appHash: execution.appHash, time: block.header.time };
    app.committed(height);
    mempool.remove(txs.map((t) => t.txId));
    nodeMetrics.blockHeight.set(height);
    nodeMetrics.blocksCommitted.inc();
    nodeMetrics.txsCommitted.inc(txs.length);
    nodeMetrics.mempoolSize.set(mempool.size);
    for (const t of txs) nodeMetrics.commitLatency.observe(Math.max(0, done - t.admittedAt) / 1000);
    if (source === 'consensus') {
      metrics.heightDuration.observe((done - this.#heightStartedAt) / 1000);
      nodeMetrics.blockCommitLatency.observe((done - this.#heightStartedAt) / 1000);
    }
    if (source === 'sync') metrics.syncedBlocks.inc();
    this.#lastCommitAt = done;
    this.#updateLag();
    logger.debug(
      { height, round: certificate.round, txCount: txs.length, blockId: toHex(blockId), source },
      'block committed',
    );
    this.#compactWal(height);
    this.#m.onCommit(ready.committed);
    if (this.#syncing === undefined && !this.#idle) this.#scheduleStart(height + 1);
  }

  #compactWal(committed: number): void {
    const wal = this.#wal;
    // While an fdatasync is in flight the file stays as it is (compacted after a later commit).
    if (wal === undefined || wal.syncing || wal.records.length < WAL_COMPACT_RECORDS) return;
    const last = wal.records[wal.records.length - 1] as WalRecord;
    const keep = wal.records.filter((r) => recordHeight(r) > committed);
    if (!keep.includes(last)) keep.push(last);
    wal.compact(keep);
  }

  // ---- heights ----

  /** Starts `height` once there is work, a peer is there already, or the heartbeat is due. */
  #scheduleStart(height: number): void {
    if (this.#idle || this.#core.state.height >= height) return;
    this.#pendingStart = { height, since: this.#m.clock.now() };
    this.#checkStart();
  }

  #checkStart(): void {
    const p = this.#pendingStart;
    if (p === undefined || this.#idle) return;
    if (this.#startWait !== undefined) {
      this.#m.timers.clearTimeout(this.#startWait);
      this.#startWait = undefined;
    }
    const waited = this.#m.clock.now() - p.since;
    const peerThere = [...this.#heard.values()].some((h) => h.height >= p.height);
    const due =
      waited >= this.#o.emptyBlockMs ||
      peerThere ||
      (this.#m.mempool.size > 0 && waited >= this.#o.commitDelayMs);
    if (due) {
      this.#startHeight(p.height);
      return;
    }
    this.#startWait = this.#m.timers.setTimeout(() => {
      this.#startWait = undefined;
      this.#checkStart();
    }, START_POLL_MS);
  }

  #startHeight(height: number): void {
    this.#pendingStart = undefined;
    for (const slot of this.#preparedSlots) {
      if (Number(slot.slice(0, slot.indexOf('/'))) < height) this.#preparedSlots.delete(slot);
    }
    if (this.#idle || (this.#core.state.height >= height && this.#heightStartedAt !== 0)) return;
    this.#heightStartedAt = this.#m.clock.now();
    this.#m.metrics.height.set(height);
    this.#useSetOf(height);
    this.#m.logger.debug({ height, mempool: this.#m.mempool.size }, 'height started');
    this.#run(this.#core.start(height));
    // Messages of this height that arrived while the previous core (another set) was running.
    const held = this.#nextHeightMsgs.filter((x) => x.height === height);
    this.#nextHeightMsgs = [];
    for (const x of held) this.#deliver(x.msg);
  }

  /**
   * Before starting `height`: the set deciding it (fixed by the state committed at height − 1).
   * When it is not the core's set, a new core takes over with it (its own proposer schedule and
   * quorum); it restores the WAL so its guard knows everything this node signed (spec §11).
   */
  #useSetOf(height: number): void {
    const { validatorSets, newCore, logger } = this.#m;
    if (validatorSets === undefined || newCore === undefined) return;
    const next = validatorSets.at(height);
    if (next.hashHex === this.#set.hashHex) return;
    const selfIndex = this.#indexIn(next);
    if (selfIndex !== undefined && this.#wal === undefined) this.#wal = this.#m.openWal?.();
    const core = newCore(next.set, selfIndex);
    if (this.#wal !== undefined) core.restore(this.#wal.records);
    logger.info(
      {
        height,
        since: next.since,
        validators: next.set.validators.length,
        validatorSetHash: next.hashHex,
        role: selfIndex === undefined ? 'observer' : 'validator',
      },
      'validator set changed',
    );
    this.#core = core;
    this.#set = next;
    this.#selfIndex = selfIndex;
  }

  // ---- network ----

  #onMessage(peer: PeerInfo, channel: Channel, payload: Uint8Array): void {
    if (this.#stopped) return;
    if (!this.#linked.has(peer.key)) this.#onPeerLinked(peer.key);
    if (this.#halted) return; // consensus messages and txs are of heights this node cannot commit
    if (channel === 'consensus') this.#onConsensus(peer, payload);
    else if (channel === 'txs') this.#onTx(peer, payload);
  }

  #onConsensus(peer: PeerInfo, payload: Uint8Array): void {
    const { metrics, logger } = this.#m;
    let msg: ConsensusMessage;
    try {
      msg = decodeConsensusMessage(payload);
    } catch (e) {
      logger.debug({ err: e, peer: peer.member.name }, 'undecodable consensus message');
      metrics.rejected.inc({ reason: 'malformed' });
      return;
    }
    const m = msg.kind === 'proposal' ? msg.proposal : msg.vote;
    const index = msg.kind === 'proposal' ? msg.proposal.proposerIndex : msg.vote.validatorIndex;
    // The set of the message's height: known up to head + 2 (committed state fixes both).
    const sets = this.#m.validatorSets;
    const known = sets !== undefined && m.height >= 1 && m.height <= this.#head.height + 2;
    const set = known ? sets.at(m.height) : this.#set;
    // Heard-from view (status, sync trigger): only messages signed by the peer itself count, and
    // only once the core accepted their signature would be stricter; the index is checked against
    // the sending link's key so a relayed message does not mark its signer as heard.
    if (set.index.get(peer.key) === index) {
      const prev = this.#heard.get(peer.key);
      if (
        prev === undefined ||
        m.height > prev.height ||
        (m.height === prev.height && m.round >= prev.round)
      ) {
        this.#heard.set(peer.key, { height: m.height, round: m.round, at: this.#m.clock.now() });
      } else prev.at = this.#m.clock.now();
      if (msg.kind === 'vote' && msg.vote.blockId.length > 0) {
        this.#votedIn.set(peer.key, `${m.height}/${m.round}/${toHex(msg.vote.blockId)}`);
      }
    }
    if (set.hashHex !== this.#set.hashHex) {
      // Another set decides that height: the next core (not this one) can check the signature.
      if (m.height > this.#core.state.height && this.#nextHeightMsgs.length < MAX_HELD_MESSAGES) {
        this.#nextHeightMsgs.push({ height: m.height, msg });
      }
    } else this.#deliver(msg);
    if (this.#pendingStart !== undefined && m.height >= this.#pendingStart.height) this.#checkStart();
  }

  #deliver(msg: ConsensusMessage): void {
    const { metrics, logger, clock } = this.#m;
    if (msg.kind === 'proposal') {
      const p = msg.proposal;
      metrics.proposalsReceived.inc();
      logger.debug({ height: p.height, round: p.round }, 'proposal received');
      const receivedAt = clock.now();
      // Signatures of txs this node has not verified yet are verified on the worker pool first;
      // the core (whose validation is synchronous) gets the proposal, with its arrival time, after.
      const key = toHex(p.signature);
      if (this.#preparing.has(key)) return; // a re-send of a proposal being prepared
      // Only the first proposal of a (height, round) is prepared: an equivocating proposer cannot
      // hold back this node's propose timeout by sending ever new blocks (the core keeps the first).
      const slot = `${p.height}/${p.round}`;
      const first = p.height >= this.#core.state.height && !this.#preparedSlots.has(slot);
      const preparing = first ? this.#m.app.prepare(p.blockBytes) : undefined;
      if (first) this.#preparedSlots.add(slot);
      if (preparing === undefined) this.#run(this.#core.onProposal(p, receivedAt));
      else {
        const entry = { height: p.height, round: p.round, timeouts: [] as (() => void)[] };
        this.#preparing.set(key, entry);
        const deliver = () => {
          this.#preparing.delete(key);
          if (this.#idle) return;
          this.#run(this.#core.onProposal(p, receivedAt));
          for (const fire of entry.timeouts) fire();
          if (this.#pendingStart !== undefined && p.height >= this.#pendingStart.height) this.#checkStart();
        };
        preparing.then(deliver, (e: unknown) => {
          logger.warn({ err: e, height: p.height }, 'verifying a proposal on the worker pool failed');
          deliver(); // validation then verifies on the main thread
        });
      }
    } else {
      metrics.votesReceived.inc({ type: msg.vote.type });
      this.#run(this.#core.onVote(msg.vote));
    }
  }

  #onTx(peer: PeerInfo, payload: Uint8Array): void {
    const key = toHex(this.#m.suite.hash(payload));
    if (!this.#seenTxs.add(key)) return;
    this.#m.metrics.txsGossiped.inc({ direction: 'in' });
    this.#txFrom.set(key, peer.key);
    this.#gossipPayloads.add(payload);
    this.#m.admitGossip(payload).then(
      () => this.#txFrom.delete(key),
      (e: unknown) => {
        this.#txFrom.delete(key);
        this.#m.logger.debug(
          { code: (e as { code?: unknown }).code, peer: peer.member.name },
          'gossiped tx not admitted',
        );
      },
    );
  }

  // ---- periodic: rebroadcast, lag, sync ----

  #scheduleTick(): void {
    if (this.#stopped) return;
    this.#tick = this.#m.timers.setTimeout(() => {
      this.#tick = undefined;
      this.#onTick();
      this.#scheduleTick();
    }, this.#o.rebroadcastMs / REBROADCAST_TICKS);
  }

  /** A newly linked peer gets this node's current round messages at once (§9 gossip). */
  #onPeerLinked(key: string): void {
    this.#linked.add(key);
    if (this.#halted) return;
    this.#m.logger.debug({ peer: key.slice(0, 16) }, 'peer linked: re-sending current round');
    if (this.#pendingStart === undefined) this.#run(this.#core.rebroadcast());
    // After a restart or a partition, blocks decided meanwhile are fetched at once (when the peer
    // has none above our head this costs one request).
    if (this.#syncing === undefined) this.#startSync();
  }

  #onTick(): void {
    const { network, metrics } = this.#m;
    const peers = network.peers();
    metrics.peersConnected.set(peers.length);
    const now = new Set(peers.map((p) => p.key));
    for (const k of this.#linked) if (!now.has(k)) this.#linked.delete(k);
    for (const k of now) if (!this.#linked.has(k)) this.#onPeerLinked(k);
    this.#m.nodeMetrics.mempoolSize.set(this.#m.mempool.size);
    for (const [reason, n] of Object.entries(network.stats().closed)) {
      const before = this.#closedSeen.get(reason) ?? 0;
      if (n > before) metrics.connectionsClosed.inc({ reason }, n - before);
      this.#closedSeen.set(reason, n);
    }
    const { app } = this.#m;
    if (app.signaturesPreverified > this.#sigsCounted.worker) {
      metrics.proposalSignatures.inc(
        { where: 'worker' },
        app.signaturesPreverified - this.#sigsCounted.worker,
      );
      this.#sigsCounted.worker = app.signaturesPreverified;
    }
    if (app.signaturesVerified > this.#sigsCounted.main) {
      metrics.proposalSignatures.inc({ where: 'main' }, app.signaturesVerified - this.#sigsCounted.main);
      this.#sigsCounted.main = app.signaturesVerified;
    }
    this.#ticks++;
    if (this.#ticks % REBROADCAST_TICKS !== 0 || this.#halted) return;
    if (this.#pendingStart === undefined) this.#run(this.#core.rebroadcast(), true);
    this.#updateLag();
    // Peers decided heights we have not: after one quiet tick, fetch them by block sync.
    const ahead = this.#maxHeard() > this.#head.height + 1 || this.#peerDecidedCurrent();
    if (!ahead) this.#behindSince = undefined;
    else if (this.#behindSince === undefined) this.#behindSince = this.#head.height;
    else if (this.#behindSince === this.#head.height && this.#syncing === undefined) this.#startSync();
  }

  /** True when a validator is already past the height this node works on. */
  #peerDecidedCurrent(): boolean {
    return this.#maxHeard() > this.#core.state.height && this.#core.state.height === this.#head.height + 1;
  }

  #maxHeard(): number {
    let max = 0;
    for (const h of this.#heard.values()) max = Math.max(max, h.height);
    return max;
  }

  #updateLag(): void {
    this.#m.metrics.syncLag.set(Math.max(0, this.#maxHeard() - 1 - this.#head.height));
  }

  #startSync(): void {
    const { network, logger, timers } = this.#m;
    const from = this.#head.height;
    logger.debug({ height: from, heard: this.#maxHeard() }, 'block sync');
    const syncer = new BlockSyncer(
      {},
      {
        network,
        localHeight: () => this.#head.height,
        verifyAndApply: (block, cert) => this.#enqueueApply(() => this.#applySynced(block, cert)),
        logger: logger.child({ component: 'sync' }),
        timers: {
          setTimeout: (fn, ms) => timers.setTimeout(fn, ms),
          clearTimeout: (h) => timers.clearTimeout(h as TimerHandle),
        },
      },
    );
    this.#syncing = syncer
      .sync()
      .then(
        (height) => {
          const level = height > from ? 'info' : 'debug';
          logger[level]({ from, height, stats: syncer.stats() }, 'block sync done');
        },
        (e: unknown) => logger.warn({ err: e }, 'block sync failed'),
      )
      .finally(() => {
        syncer.close();
        this.#syncing = undefined;
        this.#behindSince = undefined;
        if (!this.#idle && this.#core.state.height <= this.#head.height) {
          this.#scheduleStart(this.#head.height + 1);
        }
      });
  }

  /** A block from block sync: its certificate must verify against the validator set. */
  async #applySynced(blockBytes: Uint8Array, certBytes: Uint8Array): Promise<void> {
    const { suite } = this.#m;
    const block = decodeBlock(blockBytes);
    const height = block.header.height;
    // Halted (an upgrade this software lacks is due at the next height): nothing more is committed.
    if (this.#halted) {
      throw new XinlianError(
        'NODE_UPGRADE_REQUIRED',
        `halted after ${this.#head.height}: block ${height} not applied`,
        {
          height,
        },
      );
    }
    // Not asked for (or decided by consensus meanwhile): refused, so a peer that keeps sending
    // known blocks cannot keep the sync (which holds back the next height) running forever.
    if (height <= this.#head.height) {
      throw new XinlianError('NODE_SYNC_STALE', `block ${height} is not above ${this.#head.height}`, {
        height,
      });
    }
    if (height !== this.#head.height + 1) {
      throw new XinlianError('NODE_SYNC_GAP', `block ${height} does not follow ${this.#head.height}`, {
        height,
      });
    }
    const certificate = decodeCommitCertificate(certBytes);
    const blockId = suite.hash(encodeBlockHeader(block.header));
    // The set of that height, fixed by the state committed just below it (spec §11).
    const set = this.#m.validatorSets?.at(height).set ?? this.#o.validatorSet;
    verifyCommitCertificate(suite, this.#o.chainId, set, certificate, blockId, height);
    await this.#commit(height, blockBytes, certificate, 'sync');
  }
}

function recordHeight(r: WalRecord): number {
  return r.kind === 'proposal' ? r.proposal.height : r.vote.height;
}
