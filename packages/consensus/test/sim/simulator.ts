// Deterministic simulation of a validator network running the real TendermintCore: a virtual
// clock, an event queue, a faulty network (delays, drops, duplicates, reordering, partitions that
// heal), crashes with restarts from the write-ahead log, Byzantine validators and a non-member.
// Invariants are checked after every event; the same seed replays the same run exactly.
import {
  type CommitCertificate,
  type ConsensusMessage,
  encodeProposalSignBytes,
  encodeVoteSignBytes,
  type Proposal,
  type ValidatorSet,
  type Vote,
  type WalRecord,
} from '@xinlian/codec';
import { equalBytes, toHex } from '@xinlian/utils';
import {
  type Output,
  quorumPower,
  TendermintCore,
  type TendermintModules,
  type TendermintOptions,
} from '../../src/index.js';
import { type ChainEntry, GENESIS_TIME, SimApp, simBlockId, validSimBlock } from './app.js';
import { FakePki, type Pki, type SimKey } from './fake-crypto.js';
import { Prng } from './prng.js';
import { CLOCK_PRECISION_MS, HEALED_MAX_DELAY_MS, type Misbehaviour, type Scenario } from './scenario.js';

export const CHAIN_ID = 'sim-chain';
export const TIMEOUTS = { proposeMs: 300, prevoteMs: 150, precommitMs: 150, deltaMs: 100 } as const;
const SYNCHRONY = { precisionMs: CLOCK_PRECISION_MS, messageDelayMs: 300 } as const;
const GOSSIP_MS = 1_000;
const SYNC_BATCH = 8;
const EVENT_BUDGET = 2_000_000;

export type CoreFactory = (opts: TendermintOptions, modules: TendermintModules) => TendermintCore;

export interface SimOptions {
  /** Signature scheme (default: the fast keyed-hash stand-in). */
  readonly pki?: (prng: Prng) => Pki;
  /** Builds each validator's core (default: TendermintCore); tests pass deliberately broken ones. */
  readonly core?: CoreFactory;
  /** Restore the core from the WAL after a crash (default true; false must break signing safety). */
  readonly restoreWal?: boolean;
  /** After the heal, every correct validator must commit 2 new blocks within this (virtual ms). */
  readonly livenessBoundMs?: number;
  /** Receives a line per event (for reproducing a failing seed). */
  readonly trace?: (line: string) => void;
}

export type ViolationKind =
  | 'agreement'
  | 'validity'
  | 'double-sign'
  | 'persist-before-send'
  | 'liveness'
  | 'stall';

export interface SimResult {
  readonly violation?: { readonly kind: ViolationKind; readonly atMs: number; readonly message: string };
  readonly stats: {
    /** Highest height committed by a correct validator. */
    readonly height: number;
    readonly maxRound: number;
    readonly sent: number;
    readonly dropped: number;
    readonly events: number;
    readonly crashes: number;
    readonly evidence: number;
    readonly rejected: number;
    /** Virtual ms from the heal until the liveness target was met. */
    readonly recoveryMs: number;
  };
}

type Wire =
  | ConsensusMessage
  | {
      readonly kind: 'sync';
      readonly blocks: readonly { bytes: Uint8Array; certificate: CommitCertificate }[];
    };

type SimEvent =
  | { readonly kind: 'deliver'; readonly from: number; readonly to: number; readonly msg: Wire }
  | { readonly kind: 'timeout'; readonly node: number; readonly epoch: number; readonly out: Output }
  | { readonly kind: 'gossip'; readonly node: number; readonly epoch: number }
  | { readonly kind: 'sync'; readonly node: number; readonly epoch: number }
  | { readonly kind: 'crash'; readonly node: number; readonly now: boolean }
  | { readonly kind: 'restart'; readonly node: number }
  | { readonly kind: 'outsider' }
  | { readonly kind: 'heal' }
  | { readonly kind: 'deadline' };

interface Scheduled {
  readonly time: number;
  readonly seq: number;
  readonly event: SimEvent;
}

/** A binary min-heap of events ordered by (time, insertion order). */
class EventQueue {
  private readonly heap: Scheduled[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, event: SimEvent): void {
    const h = this.heap;
    h.push({ time, seq: this.seq++, event });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  pop(): Scheduled | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/** A committed block as a simulated node stores it. */
interface StoredBlock extends ChainEntry {
  readonly certificate: CommitCertificate;
}

interface SimNode {
  readonly index: number;
  readonly key: SimKey;
  readonly misbehaviour: readonly Misbehaviour[] | undefined;
  readonly prng: Prng;
  /** Durable: survives crashes. */
  readonly wal: WalRecord[];
  readonly walSignatures: Set<string>;
  readonly chain: StoredBlock[];
  readonly app: SimApp;
  core: TendermintCore | undefined;
  epoch: number;
  /** A crash is due: it happens part-way through the next list of outputs. */
  crashing: boolean;
}

/** Runs one scenario to the end (liveness met, a violation, or the deadline). */
export function simulate(scenario: Scenario, options: SimOptions = {}): SimResult {
  return new Simulation(scenario, options).run();
}

class Simulation {
  private readonly prng: Prng;
  private readonly pki: Pki;
  private readonly set: ValidatorSet;
  private readonly nodes: SimNode[];
  private readonly outsiderKey: SimKey;
  private readonly queue = new EventQueue();
  private readonly makeCore: CoreFactory;
  private readonly healAtMs: number;
  private readonly deadlineMs: number;
  private now = 0;
  private violation: SimResult['violation'];
  /** The agreed chain: the block each height was decided with (by correct validators). */
  private readonly agreed: ChainEntry[] = [];
  /** What each correct validator signed, by (kind, height, round, validator): block (and polRound). */
  private readonly signed = new Map<string, string>();
  private healed = false;
  private target = Number.POSITIVE_INFINITY;
  private done = false;
  private readonly stats = {
    height: 0,
    maxRound: 0,
    sent: 0,
    dropped: 0,
    events: 0,
    crashes: 0,
    evidence: 0,
    rejected: 0,
    recoveryMs: 0,
  };

  constructor(
    private readonly scenario: Scenario,
    private readonly options: SimOptions,
  ) {
    this.prng = new Prng(scenario.seed);
    this.pki = (options.pki ?? ((p) => new FakePki(p)))(this.prng.fork());
    this.makeCore = options.core ?? ((opts, modules) => new TendermintCore(opts, modules));
    const keys = scenario.powers.map(() => this.pki.member());
    this.outsiderKey = this.pki.outsider();
    this.set = {
      validators: keys.map((k, i) => ({
        name: `v${i}`,
        publicKey: k.publicKey,
        power: scenario.powers[i] ?? 1,
      })),
    };
    this.nodes = keys.map((key, index) => {
      const prng = this.prng.fork();
      const chain: StoredBlock[] = [];
      const node: SimNode = {
        index,
        key,
        misbehaviour: scenario.byzantine.get(index),
        prng,
        wal: [],
        walSignatures: new Set(),
        chain,
        app: new SimApp(
          index,
          chain,
          () => this.clockOf(index),
          () => prng.u32(),
        ),
        core: undefined,
        epoch: 0,
        crashing: false,
      };
      return node;
    });
    const lastRestart = Math.max(0, ...scenario.crashes.map((c) => c.restartMs));
    this.healAtMs = Math.max(scenario.faultUntilMs, lastRestart);
    this.deadlineMs = this.healAtMs + (options.livenessBoundMs ?? 30_000);
  }

  run(): SimResult {
    for (const node of this.nodes) this.queue.push(this.prng.int(50), { kind: 'restart', node: node.index });
    for (const c of this.scenario.crashes) {
      this.queue.push(c.atMs, { kind: 'crash', node: c.node, now: this.prng.chance(0.5) });
      this.queue.push(c.restartMs, { kind: 'restart', node: c.node });
    }
    if (this.scenario.nonMember) this.queue.push(this.prng.range(50, 300), { kind: 'outsider' });
    this.queue.push(this.healAtMs, { kind: 'heal' });
    this.queue.push(this.deadlineMs, { kind: 'deadline' });
    while (this.violation === undefined && !this.done) {
      const next = this.queue.pop();
      if (next === undefined) break;
      this.now = next.time;
      if (++this.stats.events > EVENT_BUDGET) {
        this.fail('stall', `more than ${EVENT_BUDGET} events`);
        break;
      }
      this.handle(next.event);
    }
    return this.violation === undefined
      ? { stats: this.stats }
      : { violation: this.violation, stats: this.stats };
  }

  private trace(line: string): void {
    this.options.trace?.(`${String(this.now).padStart(7)}ms ${line}`);
  }

  private fail(kind: ViolationKind, message: string): void {
    if (this.violation === undefined) this.violation = { kind, atMs: this.now, message };
    this.trace(`VIOLATION ${kind}: ${message}`);
  }

  private clockOf(index: number): number {
    return GENESIS_TIME + 1_000 + this.now + (this.scenario.clockSkewMs[index] ?? 0);
  }

  private isCorrect(index: number): boolean {
    return !this.scenario.byzantine.has(index);
  }

  // ---- events ----

  private handle(e: SimEvent): void {
    switch (e.kind) {
      case 'deliver':
        this.deliver(e.from, e.to, e.msg);
        return;
      case 'timeout': {
        const node = this.nodes[e.node]!;
        if (node.core === undefined || node.epoch !== e.epoch || e.out.kind !== 'scheduleTimeout') return;
        this.trace(`v${e.node} timeout ${e.out.step} h${e.out.height} r${e.out.round}`);
        this.apply(node, node.core.onTimeout(e.out));
        return;
      }
      case 'gossip':
        this.gossip(e.node, e.epoch);
        return;
      case 'sync':
        this.sync(e.node, e.epoch);
        return;
      case 'crash': {
        const node = this.nodes[e.node]!;
        if (node.core === undefined) return;
        if (e.now) {
          this.crash(node);
          return;
        }
        node.crashing = true;
        this.queue.push(this.now + 100, { kind: 'crash', node: e.node, now: true });
        return;
      }
      case 'restart':
        this.restart(this.nodes[e.node]!);
        return;
      case 'outsider':
        this.outsider();
        this.queue.push(this.now + this.prng.range(100, 500), { kind: 'outsider' });
        return;
      case 'heal':
        this.healed = true;
        this.target = this.correctHeights().reduce((a, b) => Math.max(a, b), 0) + 2;
        this.trace(`heal: every correct validator must reach height ${this.target}`);
        this.checkLiveness();
        return;
      case 'deadline': {
        const heights = this.correctHeights();
        this.fail(
          'liveness',
          `${this.deadlineMs - this.healAtMs}ms after the heal, correct validators are at heights ` +
            `[${heights.join(',')}], target ${this.target}`,
        );
        return;
      }
    }
  }

  private correctHeights(): number[] {
    return this.nodes.filter((n) => this.isCorrect(n.index)).map((n) => n.chain.length);
  }

  private checkLiveness(): void {
    if (this.healed && this.correctHeights().every((h) => h >= this.target)) {
      this.stats.recoveryMs = this.now - this.healAtMs;
      this.done = true;
    }
  }

  private restart(node: SimNode): void {
    if (node.core !== undefined) return;
    node.epoch++;
    node.crashing = false;
    const core = this.makeCore(
      {
        chainId: CHAIN_ID,
        validatorSet: this.set,
        selfIndex: node.index,
        timeouts: TIMEOUTS,
        synchrony: SYNCHRONY,
      },
      { signer: node.key.signer, verifier: this.pki.verifier, app: node.app },
    );
    if (this.options.restoreWal !== false) core.restore(node.wal);
    node.core = core;
    this.trace(`v${node.index} start at height ${node.chain.length + 1} (WAL ${node.wal.length} records)`);
    const { index, epoch } = node;
    this.queue.push(this.now + node.prng.range(1, GOSSIP_MS), { kind: 'gossip', node: index, epoch });
    this.queue.push(this.now + node.prng.range(1, this.scenario.syncEveryMs), {
      kind: 'sync',
      node: index,
      epoch,
    });
    this.apply(node, core.start(node.chain.length + 1));
  }

  private crash(node: SimNode): void {
    this.trace(`v${node.index} CRASH`);
    this.stats.crashes++;
    node.core = undefined;
    node.crashing = false;
    node.epoch++;
  }

  private gossip(index: number, epoch: number): void {
    const node = this.nodes[index]!;
    if (node.core === undefined || node.epoch !== epoch) return;
    this.apply(node, node.core.rebroadcast());
    this.queue.push(this.now + GOSSIP_MS + node.prng.int(50), { kind: 'gossip', node: index, epoch });
  }

  /** Block sync: sends decided blocks with their certificates to peers that are behind. */
  private sync(index: number, epoch: number): void {
    const node = this.nodes[index]!;
    if (node.core === undefined || node.epoch !== epoch) return;
    for (const peer of this.nodes) {
      const from = peer.chain.length;
      if (peer === node || from >= node.chain.length) continue;
      const blocks = node.chain
        .slice(from, from + SYNC_BATCH)
        .map((b) => ({ bytes: b.bytes, certificate: b.certificate }));
      this.send(index, peer.index, { kind: 'sync', blocks });
    }
    const every = this.scenario.syncEveryMs;
    this.queue.push(this.now + every + node.prng.int(every / 8), { kind: 'sync', node: index, epoch });
  }

  // ---- network ----

  private partitioned(a: number, b: number): boolean {
    return this.scenario.partitions.some(
      (p) => this.now >= p.fromMs && this.now < p.toMs && p.side.includes(a) !== p.side.includes(b),
    );
  }

  private send(from: number, to: number, msg: Wire): void {
    this.stats.sent++;
    const s = this.scenario;
    const faulty = this.now < s.faultUntilMs;
    if (faulty && (this.partitioned(from, to) || this.prng.chance(s.dropRate))) {
      this.stats.dropped++;
      return;
    }
    const copies = this.prng.chance(s.duplicateRate) ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const delay = faulty
        ? this.prng.chance(0.1)
          ? this.prng.range(1, s.maxDelayMs)
          : this.prng.range(1, Math.min(s.maxDelayMs, 100))
        : this.prng.range(1, HEALED_MAX_DELAY_MS);
      this.queue.push(this.now + delay, { kind: 'deliver', from, to, msg });
    }
  }

  private broadcastFrom(from: number, msg: Wire, to: readonly number[] = this.peersOf(from)): void {
    for (const j of to) this.send(from, j, msg);
  }

  private peersOf(index: number): number[] {
    return this.nodes.filter((n) => n.index !== index).map((n) => n.index);
  }

  private deliver(from: number, to: number, msg: Wire): void {
    const node = this.nodes[to]!;
    const core = node.core;
    if (core === undefined) return;
    switch (msg.kind) {
      case 'proposal': {
        const p = msg.proposal;
        this.trace(
          `v${from}->v${to} proposal h${p.height} r${p.round} pol${p.polRound} by v${p.proposerIndex}`,
        );
        this.apply(node, core.onProposal(p, this.clockOf(to)));
        return;
      }
      case 'vote': {
        const v = msg.vote;
        const id = v.blockId.length === 0 ? 'nil' : toHex(v.blockId).slice(0, 8);
        this.trace(`v${from}->v${to} ${v.type} h${v.height} r${v.round} ${id} by v${v.validatorIndex}`);
        this.apply(node, core.onVote(v));
        return;
      }
      case 'sync':
        for (const b of msg.blocks) {
          const current = node.core;
          if (current === undefined || b.certificate.height !== node.chain.length + 1) continue;
          this.trace(`v${from}->v${to} sync h${b.certificate.height}`);
          this.apply(node, current.onCertificate(b.bytes, b.certificate));
        }
        return;
    }
  }

  // ---- outputs of a core ----

  private apply(node: SimNode, outputs: readonly Output[]): void {
    let next: number | undefined;
    for (const o of outputs) {
      if (node.crashing && node.prng.chance(0.3)) {
        this.crash(node);
        return;
      }
      switch (o.kind) {
        case 'persist':
          this.checkSigned(
            node,
            o.record.kind === 'proposal' ? o.record : { kind: 'vote', vote: o.record.vote },
          );
          node.wal.push(o.record);
          node.walSignatures.add(toHex(signatureOf(o.record)));
          break;
        case 'broadcast':
          this.onBroadcast(node, o.msg);
          break;
        case 'scheduleTimeout':
          this.queue.push(this.now + o.delayMs, {
            kind: 'timeout',
            node: node.index,
            epoch: node.epoch,
            out: o,
          });
          break;
        case 'decide':
          next = this.onDecide(node, o);
          break;
        case 'evidence': {
          this.stats.evidence++;
          const e = o.evidence;
          const culprit = e.kind === 'duplicateVote' ? e.first.validatorIndex : e.first.proposerIndex;
          if (this.isCorrect(culprit))
            this.fail('double-sign', `evidence against correct validator v${culprit}`);
          break;
        }
        case 'reject':
          this.stats.rejected++;
          break;
      }
      if (this.violation !== undefined) return;
    }
    if (next !== undefined && node.core !== undefined) this.apply(node, node.core.start(next));
  }

  /** A correct validator never signs two different messages for one (kind, height, round). */
  private checkSigned(node: SimNode, msg: ConsensusMessage): void {
    if (!this.isCorrect(node.index)) return;
    const [key, value] =
      msg.kind === 'proposal'
        ? [
            `proposal/${msg.proposal.height}/${msg.proposal.round}`,
            `${toHex(simBlockId(msg.proposal.blockBytes))}/${msg.proposal.polRound}`,
          ]
        : [`${msg.vote.type}/${msg.vote.height}/${msg.vote.round}`, toHex(msg.vote.blockId)];
    const full = `${node.index}/${key}`;
    const before = this.signed.get(full);
    if (before === undefined) this.signed.set(full, value);
    else if (before !== value) this.fail('double-sign', `v${node.index} signed two different ${key}`);
  }

  private onBroadcast(node: SimNode, msg: ConsensusMessage): void {
    const own = msg.kind === 'proposal' ? msg.proposal.proposerIndex : msg.vote.validatorIndex;
    if (own === node.index) {
      this.checkSigned(node, msg);
      const sig = msg.kind === 'proposal' ? msg.proposal.signature : msg.vote.signature;
      if (this.isCorrect(node.index) && !node.walSignatures.has(toHex(sig))) {
        this.fail('persist-before-send', `v${node.index} sent a ${msg.kind} that is not in its WAL`);
        return;
      }
    }
    if (node.misbehaviour !== undefined && own === node.index) this.misbehave(node, msg, node.misbehaviour);
    else this.broadcastFrom(node.index, msg);
  }

  /** Checks a decision against the invariants, stores the block, and returns the next height. */
  private onDecide(node: SimNode, o: Extract<Output, { kind: 'decide' }>): number {
    this.stats.maxRound = Math.max(this.stats.maxRound, o.round);
    this.trace(`v${node.index} DECIDE h${o.height} r${o.round} ${toHex(o.blockId).slice(0, 8)}`);
    const entry = {
      id: o.blockId,
      bytes: o.block,
      time: node.app.blockTime(o.block),
      certificate: o.certificate,
    };
    if (this.isCorrect(node.index)) {
      const h = o.height;
      if (h !== node.chain.length + 1)
        this.fail('validity', `v${node.index} decided height ${h} out of order`);
      const agreed = this.agreed[h - 1];
      if (agreed !== undefined && !equalBytes(agreed.id, o.blockId)) {
        this.fail(
          'agreement',
          `two blocks decided at height ${h}: ${toHex(agreed.id)} and ${toHex(o.blockId)}`,
        );
      }
      if (!validSimBlock(h, o.block, this.agreed[h - 2]) || !equalBytes(simBlockId(o.block), o.blockId)) {
        this.fail('validity', `v${node.index} decided an invalid block at height ${h}`);
      }
      const certError = this.certificateError(o.certificate, o.blockId, h);
      if (certError !== undefined)
        this.fail('validity', `v${node.index} certificate at height ${h}: ${certError}`);
      if (agreed === undefined) this.agreed[h - 1] = entry;
      this.stats.height = Math.max(this.stats.height, h);
    }
    node.chain.push(entry);
    this.checkLiveness();
    return o.height + 1;
  }

  /** Independent check of a commit certificate with the simulation's verifier. */
  private certificateError(c: CommitCertificate, blockId: Uint8Array, height: number): string | undefined {
    if (c.height !== height || !equalBytes(c.blockId, blockId)) return 'wrong height or block';
    let power = 0;
    let previous = -1;
    for (const s of c.signatures) {
      const v = this.set.validators[s.validatorIndex];
      if (v === undefined || s.validatorIndex <= previous) return 'bad or unsorted index';
      previous = s.validatorIndex;
      power += v.power;
      const vote: Vote = { chainId: CHAIN_ID, type: 'precommit', height, round: c.round, blockId, ...s };
      if (!this.pki.verifier.verify(v.publicKey, encodeVoteSignBytes(vote), s.signature))
        return 'bad signature';
    }
    return power >= quorumPower(this.set) ? undefined : 'no quorum';
  }

  // ---- Byzantine validators and the non-member ----

  private misbehave(node: SimNode, msg: ConsensusMessage, kinds: readonly Misbehaviour[]): void {
    const r = node.prng;
    const peers = this.peersOf(node.index);
    const half = peers.filter(() => r.chance(0.5));
    const rest = peers.filter((p) => !half.includes(p));
    if (msg.kind === 'proposal') {
      const p = msg.proposal;
      if (kinds.includes('invalidProposal') && r.chance(0.6)) {
        const bad = r.chance(0.5) ? node.app.build(p.height, p.round, 0) : r.bytes(r.int(80));
        this.broadcastFrom(node.index, this.signProposal(node.key, { ...p, blockBytes: bad, polRound: -1 }));
        return;
      }
      if (kinds.includes('equivocate') && r.chance(0.8)) {
        const other = this.signProposal(node.key, {
          ...p,
          blockBytes: node.app.build(p.height, p.round),
          polRound: -1,
        });
        this.broadcastFrom(node.index, msg, half);
        this.broadcastFrom(node.index, other, rest);
        return;
      }
      this.broadcastFrom(node.index, msg);
      return;
    }
    const v = msg.vote;
    if (kinds.includes('doubleVote') && r.chance(0.7)) {
      const blockId = v.blockId.length === 0 ? r.bytes(32) : new Uint8Array(0);
      this.broadcastFrom(node.index, msg, half);
      this.broadcastFrom(node.index, this.signVote(node.key, { ...v, blockId }), rest);
    } else this.broadcastFrom(node.index, msg);
    if (kinds.includes('unknownVotes') && r.chance(0.5)) {
      const type = r.chance(0.5) ? 'prevote' : 'precommit';
      const fake = this.signVote(node.key, { ...v, type, round: v.round + r.int(2), blockId: r.bytes(32) });
      this.broadcastFrom(
        node.index,
        fake,
        peers.filter(() => r.chance(0.5)),
      );
    }
  }

  /** A proposal or vote signed by a key outside the validator set, to a random validator. */
  private outsider(): void {
    const r = this.prng;
    const to = r.int(this.nodes.length);
    const height = (this.nodes[to]?.chain.length ?? 0) + 1;
    const round = r.int(3);
    const chainId = r.chance(0.1) ? 'other-chain' : CHAIN_ID;
    const index = r.int(this.nodes.length + 2);
    const msg: ConsensusMessage = r.chance(0.3)
      ? this.signProposal(this.outsiderKey, {
          chainId,
          height,
          round,
          polRound: -1,
          blockBytes: this.nodes[to]!.app.build(height, round),
          proposerIndex: r.chance(0.5) ? index : (this.nodes[to]?.core?.proposerOf(height, round) ?? 0),
          signature: new Uint8Array(0),
        })
      : this.signVote(this.outsiderKey, {
          chainId,
          type: r.chance(0.5) ? 'prevote' : 'precommit',
          height,
          round,
          blockId: r.bytes(32),
          validatorIndex: index,
          signature: new Uint8Array(0),
        });
    this.send(this.nodes.length, to, msg);
  }

  private signProposal(key: SimKey, p: Proposal): ConsensusMessage {
    return { kind: 'proposal', proposal: { ...p, signature: key.signer.sign(encodeProposalSignBytes(p)) } };
  }

  private signVote(key: SimKey, v: Vote): ConsensusMessage {
    return { kind: 'vote', vote: { ...v, signature: key.signer.sign(encodeVoteSignBytes(v)) } };
  }
}

function signatureOf(r: WalRecord): Uint8Array {
  return r.kind === 'proposal' ? r.proposal.signature : r.vote.signature;
}
