/**
 * The Tendermint consensus core: Algorithm 1 of Buchman, Kwon, Milosevic, "The latest gossip on
 * BFT consensus" (2018), as a deterministic state machine without I/O. Comments cite the paper's
 * line numbers. "2f+1" is power ≥ quorumPower (more than 2/3 of the total); "f+1" is power that
 * no faulty set can reach alone (total − quorum + 1).
 */
import {
  type CommitCertificate,
  type ConsensusMessage,
  encodeProposalSignBytes,
  encodeVoteSignBytes,
  type Proposal,
  type Vote,
  type VoteType,
  type WalRecord,
} from '@xinlian/codec';
import { equalBytes, toHex, XinlianError } from '@xinlian/utils';
import { makeCommitCertificate } from '../certificate.js';
import { quorumPower, totalPower } from '../quorum.js';
import { SignedVoteGuard } from './guard.js';
import { ProposerSchedule } from './proposer.js';
import type {
  ConsensusApp,
  Output,
  RejectReason,
  Step,
  TendermintOptions,
  Timeout,
  VoteSigner,
  VoteVerifier,
} from './types.js';

/** Injected modules of the core. */
export interface TendermintModules {
  readonly signer: VoteSigner;
  readonly verifier: VoteVerifier;
  readonly app: ConsensusApp;
}

/** The nil block ID (a vote for no block). */
const NIL = '';
/** Messages kept per validator for a round ahead of ours (a proposal, two votes, and spares). */
const MAX_AHEAD_ITEMS = 6;

type Item =
  | { readonly kind: 'proposal'; readonly proposal: Proposal; readonly receivedAt: number }
  | { readonly kind: 'vote'; readonly vote: Vote };

interface KnownProposal {
  readonly proposal: Proposal;
  readonly id: string;
  readonly receivedAt: number;
  readonly own: boolean;
}

interface KnownBlock {
  readonly bytes: Uint8Array;
  readonly id: Uint8Array;
  valid: boolean | undefined;
}

/**
 * The votes of one type in one round. Thresholds count the validators that signed a vote for a
 * block ("2f+1 ⟨PREVOTE, h, r, id(v)⟩"), so a validator that equivocates counts for each block it
 * voted for (quorum intersection still holds: correct validators never do). To bound memory, a
 * validator's second, conflicting vote is kept only for a block this node knows.
 */
class VoteSet {
  /** The first vote of each validator. */
  readonly first = new Map<number, Vote>();
  /** Votes by block ID (hex, '' for nil), then by validator. */
  readonly byId = new Map<string, Map<number, Vote>>();
  private readonly powerById = new Map<string, number>();
  /** Power of the validators that voted at all (each once). */
  total = 0;

  /** Power of the validators that voted for `id`. */
  power(id: string): number {
    return this.powerById.get(id) ?? 0;
  }

  votesFor(id: string): Vote[] {
    return [...(this.byId.get(id)?.values() ?? [])];
  }

  has(v: Vote, id: string): boolean {
    const known = this.byId.get(id)?.get(v.validatorIndex);
    return known !== undefined && equalBytes(known.signature, v.signature);
  }

  /** Adds a vote of `power`; returns the validator's first vote when this one conflicts with it. */
  add(v: Vote, id: string, power: number, keepConflicting: boolean): Vote | undefined {
    const first = this.first.get(v.validatorIndex);
    if (first === undefined) {
      this.first.set(v.validatorIndex, v);
      this.total += power;
    } else if (toHex(first.blockId) === id) {
      return undefined;
    } else if (!keepConflicting || this.byId.get(id)?.has(v.validatorIndex)) {
      return first;
    }
    let votes = this.byId.get(id);
    if (votes === undefined) {
      votes = new Map();
      this.byId.set(id, votes);
    }
    votes.set(v.validatorIndex, v);
    this.powerById.set(id, this.power(id) + power);
    return first;
  }
}

/** Votes of one round and the "for the first time" flags of the rules that depend on them. */
class RoundVotes {
  readonly prevotes = new VoteSet();
  readonly precommits = new VoteSet();
  prevoteTimeoutScheduled = false;
  precommitTimeoutScheduled = false;
  lockRuleFired = false;
}

/** Messages of one validator for the highest (height, round) ahead of ours it sent. */
interface Ahead {
  readonly height: number;
  readonly round: number;
  readonly items: Item[];
}

/**
 * Tendermint BFT for one validator (or observer). Every input returns the outputs the driver must
 * carry out in order ({@link Output}); the core reads no clock and does no I/O. Call `restore`
 * with the WAL (if any) once, then `start(height)` for each height after the previous one is
 * decided and stored.
 */
export class TendermintCore {
  private readonly opts: TendermintOptions;
  private readonly signer: VoteSigner;
  private readonly verifier: VoteVerifier;
  private readonly app: ConsensusApp;
  private readonly schedule: ProposerSchedule;
  private readonly quorum: number;
  private readonly skipPower: number;
  private guard = new SignedVoteGuard();
  /** WAL records of the latest height signed at, replayed by start(height) for that height. */
  private restored: readonly WalRecord[] = [];

  private started = false;
  private height = 0;
  private round = 0;
  private step: Step = 'propose';
  private decided = false;
  private lockedId = NIL;
  private lockedRound = -1;
  private validId = NIL;
  private validRound = -1;
  private blocks = new Map<string, KnownBlock>();
  private proposals = new Map<number, KnownProposal>();
  private rounds = new Map<number, RoundVotes>();
  private own = new Map<string, ConsensusMessage>();
  private ahead = new Map<number, Ahead>();
  private quorumCandidates: { round: number; id: string }[] = [];
  private evidenceSeen = new Set<string>();
  private out: Output[] = [];

  constructor(opts: TendermintOptions, modules: TendermintModules) {
    const n = opts.validatorSet.validators.length;
    if (opts.selfIndex !== undefined && !(Number.isSafeInteger(opts.selfIndex) && opts.selfIndex < n)) {
      throw new XinlianError('CONSENSUS_NOT_VALIDATOR', `no validator at index ${opts.selfIndex}`, {
        selfIndex: opts.selfIndex,
        validators: n,
      });
    }
    this.opts = opts;
    this.signer = modules.signer;
    this.verifier = modules.verifier;
    this.app = modules.app;
    this.schedule = new ProposerSchedule(opts.validatorSet);
    this.quorum = quorumPower(opts.validatorSet);
    this.skipPower = totalPower(opts.validatorSet) - this.quorum + 1;
  }

  /** Current height, round and step (for status and tests). */
  get state(): {
    readonly height: number;
    readonly round: number;
    readonly step: Step;
    readonly decided: boolean;
  } {
    return { height: this.height, round: this.round, step: this.step, decided: this.decided };
  }

  /** The proposer of (height, round). */
  proposerOf(height: number, round: number): number {
    return this.schedule.proposer(height, round);
  }

  /**
   * Restores from this validator's WAL after a restart (before the first `start`): the guard then
   * refuses anything conflicting with what was signed, and `start` of the last signed height
   * resumes its round, re-sends the signed messages and restores the lock.
   */
  restore(records: readonly WalRecord[]): void {
    if (this.started) {
      throw new XinlianError('CONSENSUS_BAD_STATE', 'restore must come before the first start', {});
    }
    this.guard = SignedVoteGuard.fromWal(records, (b) => this.app.blockId(b));
    const last = this.guard.last;
    this.restored = last === undefined ? [] : records.filter((r) => recordHeight(r) === last.height);
  }

  /** Starts `height` (paper line 10) once the previous height is decided and stored. */
  start(height: number): Output[] {
    if (!Number.isSafeInteger(height) || height < 1 || (this.started && height <= this.height)) {
      throw new XinlianError('CONSENSUS_BAD_HEIGHT', `cannot start height ${height}`, {
        height,
        current: this.height,
      });
    }
    this.started = true;
    this.height = height;
    this.decided = false;
    this.lockedId = NIL; // line 53: reset locked and valid values
    this.lockedRound = -1;
    this.validId = NIL;
    this.validRound = -1;
    this.blocks = new Map();
    this.proposals = new Map();
    this.rounds = new Map();
    this.own = new Map();
    this.quorumCandidates = [];
    this.evidenceSeen = new Set();
    const resume = this.guard.last;
    const resumeRound = resume !== undefined && resume.height === height ? resume.round : 0;
    if (resume?.height === height) this.replayWal();
    this.startRound(resumeRound);
    for (const [key, msg] of this.own) {
      if (!key.startsWith(`${resumeRound}/`)) continue;
      if (msg.kind === 'proposal') this.sendProposal(msg.proposal);
      else this.broadcast(msg);
    }
    this.runRules();
    return this.flush();
  }

  /** A proposal received from the network at local time `now` (ms since epoch). */
  onProposal(proposal: Proposal, now: number): Output[] {
    const p = proposal;
    if (this.admitProposal(p)) {
      const item: Item = { kind: 'proposal', proposal: p, receivedAt: now };
      if (p.height === this.height && this.started && p.round <= this.round) {
        this.insert(item);
        this.runRules();
      } else this.bufferAhead(p.proposerIndex, p.height, p.round, item);
    }
    return this.flush();
  }

  /** A vote received from the network. */
  onVote(vote: Vote): Output[] {
    if (this.admitVote(vote)) {
      const item: Item = { kind: 'vote', vote };
      if (vote.height === this.height && this.started && vote.round <= this.round) {
        this.insert(item);
        this.runRules();
      } else this.bufferAhead(vote.validatorIndex, vote.height, vote.round, item);
    }
    return this.flush();
  }

  /**
   * A commit certificate for the current height and the block it commits, e.g. from block sync.
   * Its precommits (2f+1, each verified) decide the block (line 49); they are not merged into the
   * vote counts, where an equivocating validator's other vote may have been counted first.
   */
  onCertificate(blockBytes: Uint8Array, certificate: CommitCertificate): Output[] {
    const c = certificate;
    if (!this.started || this.decided || c.height !== this.height) return this.flush();
    const id = this.app.blockId(blockBytes);
    if (!this.certificateOk(id, c) || !this.isValid(this.knowBlock(blockBytes, id))) {
      this.reject('bad_certificate', c.height, c.round, -1);
      return this.flush();
    }
    this.decided = true;
    this.out.push({
      kind: 'decide',
      height: c.height,
      round: c.round,
      blockId: id,
      block: blockBytes,
      certificate: c,
    });
    return this.flush();
  }

  /** A timer scheduled by an earlier `scheduleTimeout` output fired (lines 57–67). */
  onTimeout(t: Timeout): Output[] {
    if (this.started && !this.decided && t.height === this.height && t.round === this.round) {
      if (t.step === 'propose' && this.step === 'propose') {
        this.vote('prevote', NIL); // lines 57–60
        this.step = 'prevote';
      } else if (t.step === 'prevote' && this.step === 'prevote') {
        this.vote('precommit', NIL); // lines 61–64
        this.step = 'precommit';
      } else if (t.step === 'precommit') {
        this.startRound(this.round + 1); // lines 65–67
      }
      this.runRules();
    }
    return this.flush();
  }

  /**
   * The messages to send again (call it periodically: the paper assumes gossip eventually delivers
   * every message): the current round's proposal and, when it re-proposes a locked block, the
   * prevotes proving the lock, and this validator's own votes of the round. No persist outputs.
   */
  rebroadcast(): Output[] {
    if (!this.started || this.decided) return [];
    const kp = this.proposals.get(this.round);
    if (kp !== undefined) this.sendProposal(kp.proposal);
    for (const type of ['prevote', 'precommit'] as const) {
      const msg = this.own.get(`${this.round}/${type}`);
      if (msg !== undefined) this.broadcast(msg);
    }
    return this.flush();
  }

  /**
   * Whether the locking rule lets this validator prevote block `id` proposed with proof-of-lock
   * round `polRound` (−1 for none): lines 23 and 29, `lockedRound ≤ polRound ∨ lockedValue = v`.
   */
  protected lockAllows(id: string, polRound: number): boolean {
    return this.lockedRound <= polRound || this.lockedId === id;
  }

  // ---- admission: checks done once when a message arrives ----

  private admitProposal(p: Proposal): boolean {
    if (p.chainId !== this.opts.chainId)
      return this.reject('wrong_chain', p.height, p.round, p.proposerIndex);
    if (p.height < this.height || p.height > this.height + 1 || (p.height === this.height && this.decided)) {
      return false;
    }
    if (p.polRound < -1 || p.polRound >= p.round)
      return this.reject('bad_round', p.height, p.round, p.proposerIndex);
    if (p.proposerIndex !== this.schedule.proposer(p.height, p.round)) {
      return this.reject('wrong_proposer', p.height, p.round, p.proposerIndex);
    }
    const known = p.height === this.height ? this.proposals.get(p.round)?.proposal : undefined;
    if (known !== undefined && equalBytes(known.signature, p.signature) && sameProposal(known, p))
      return false;
    if (this.isBuffered(p.proposerIndex, p.signature)) return false;
    const key = this.opts.validatorSet.validators[p.proposerIndex]?.publicKey ?? new Uint8Array(0);
    if (!this.verifier.verify(key, encodeProposalSignBytes(p), p.signature)) {
      return this.reject('bad_signature', p.height, p.round, p.proposerIndex);
    }
    return true;
  }

  private admitVote(v: Vote): boolean {
    if (v.chainId !== this.opts.chainId)
      return this.reject('wrong_chain', v.height, v.round, v.validatorIndex);
    if (v.height < this.height || v.height > this.height + 1 || (v.height === this.height && this.decided)) {
      return false;
    }
    if (this.opts.validatorSet.validators[v.validatorIndex] === undefined) {
      return this.reject('bad_index', v.height, v.round, v.validatorIndex);
    }
    if (v.height === this.height && this.votesOf(v.round, v.type)?.has(v, toHex(v.blockId))) return false;
    if (this.isBuffered(v.validatorIndex, v.signature)) return false;
    if (!this.signatureOk(v)) return this.reject('bad_signature', v.height, v.round, v.validatorIndex);
    return true;
  }

  private signatureOk(v: Vote): boolean {
    const validator = this.opts.validatorSet.validators[v.validatorIndex];
    return (
      validator !== undefined &&
      this.verifier.verify(validator.publicKey, encodeVoteSignBytes(v), v.signature)
    );
  }

  /** Indexes strictly increasing, 2f+1 power, the block's ID, and every signature valid. */
  private certificateOk(id: Uint8Array, c: CommitCertificate): boolean {
    if (c.blockId.length === 0 || !equalBytes(id, c.blockId)) return false;
    let power = 0;
    let previous = -1;
    for (const { validatorIndex } of c.signatures) {
      const validator = this.opts.validatorSet.validators[validatorIndex];
      if (validator === undefined || validatorIndex <= previous) return false;
      previous = validatorIndex;
      power += validator.power;
    }
    return (
      power >= this.quorum &&
      c.signatures.every(({ validatorIndex, signature }) =>
        this.signatureOk({
          chainId: this.opts.chainId,
          type: 'precommit',
          height: c.height,
          round: c.round,
          blockId: c.blockId,
          validatorIndex,
          signature,
        }),
      )
    );
  }

  /** Whether a message with this signature is already buffered for the validator (a re-send). */
  private isBuffered(validator: number, signature: Uint8Array): boolean {
    const items = this.ahead.get(validator)?.items ?? [];
    return items.some((i) =>
      equalBytes(i.kind === 'vote' ? i.vote.signature : i.proposal.signature, signature),
    );
  }

  private reject(reason: RejectReason, height: number, round: number, validatorIndex: number): false {
    this.out.push({ kind: 'reject', reason, height, round, validatorIndex });
    return false;
  }

  // ---- message store ----

  private votesOf(round: number, type: VoteType): VoteSet | undefined {
    const rv = this.rounds.get(round);
    return type === 'prevote' ? rv?.prevotes : rv?.precommits;
  }

  private roundVotes(round: number): RoundVotes {
    let rv = this.rounds.get(round);
    if (rv === undefined) {
      rv = new RoundVotes();
      this.rounds.set(round, rv);
    }
    return rv;
  }

  private knowBlock(bytes: Uint8Array, id: Uint8Array): string {
    const hex = toHex(id);
    if (!this.blocks.has(hex)) this.blocks.set(hex, { bytes, id, valid: undefined });
    return hex;
  }

  /** valid(v) of the paper, asked of the application once per block. */
  private isValid(id: string): boolean {
    const b = this.blocks.get(id);
    if (b === undefined) return false;
    if (b.valid === undefined) b.valid = this.app.validate(this.height, b.bytes);
    return b.valid;
  }

  /** Stores an admitted message of the current height; a conflicting second message is evidence. */
  private insert(item: Item, own = false): void {
    if (item.kind === 'proposal') {
      const p = item.proposal;
      const known = this.proposals.get(p.round);
      if (known !== undefined) {
        if (!sameProposal(known.proposal, p)) {
          this.evidence(`proposal/${p.round}`, {
            kind: 'duplicateProposal',
            first: known.proposal,
            second: p,
          });
        }
        return;
      }
      const id = this.knowBlock(p.blockBytes, this.app.blockId(p.blockBytes));
      this.proposals.set(p.round, { proposal: p, id, receivedAt: item.receivedAt, own });
      return;
    }
    const v = item.vote;
    const rv = this.roundVotes(v.round);
    const votes = v.type === 'prevote' ? rv.prevotes : rv.precommits;
    const id = toHex(v.blockId);
    const power = this.opts.validatorSet.validators[v.validatorIndex]?.power ?? 0;
    const before = votes.power(id);
    const first = votes.add(v, id, power, id !== NIL && this.blocks.has(id));
    if (first !== undefined) {
      this.evidence(`${v.type}/${v.round}/${v.validatorIndex}`, { kind: 'duplicateVote', first, second: v });
    }
    if (v.type === 'precommit' && id !== NIL && votes.power(id) >= this.quorum && before < this.quorum) {
      this.quorumCandidates.push({ round: v.round, id });
    }
  }

  private evidence(key: string, evidence: Extract<Output, { kind: 'evidence' }>['evidence']): void {
    if (this.evidenceSeen.has(key)) return;
    this.evidenceSeen.add(key);
    this.out.push({ kind: 'evidence', evidence });
  }

  /**
   * Keeps a message of a round (or the next height) ahead of ours: per validator only those of the
   * highest (height, round) it sent, so memory stays bounded whatever a faulty validator sends.
   */
  private bufferAhead(validator: number, height: number, round: number, item: Item): void {
    const a = this.ahead.get(validator);
    if (a === undefined || height > a.height || (height === a.height && round > a.round)) {
      this.ahead.set(validator, { height, round, items: [item] });
    } else if (height === a.height && round === a.round && a.items.length < MAX_AHEAD_ITEMS) {
      a.items.push(item);
    }
    this.runRules();
  }

  /** Moves buffered messages that are no longer ahead into the store. */
  private drainAhead(): void {
    for (const [validator, a] of this.ahead) {
      if (a.height < this.height) this.ahead.delete(validator);
      else if (a.height === this.height && a.round <= this.round) {
        this.ahead.delete(validator);
        for (const item of a.items) this.insert(item);
      }
    }
  }

  // ---- signing ----

  /** Sends a message again, or signs and persists it first if it is new; undefined when refused. */
  private sign(
    key: string,
    build: () => ConsensusMessage,
    pos: Parameters<SignedVoteGuard['allows']>[0],
    record: (msg: ConsensusMessage) => WalRecord,
  ): ConsensusMessage | undefined {
    const existing = this.own.get(key);
    if (existing !== undefined) return existing;
    if (!this.guard.allows(pos)) return undefined;
    const msg = build();
    this.guard.record(pos);
    this.own.set(key, msg);
    this.out.push({ kind: 'persist', record: record(msg) });
    this.broadcast(msg);
    return msg;
  }

  /** Signs, persists, broadcasts and counts this validator's vote of the current round. */
  private vote(type: VoteType, id: string, lock?: KnownProposal): void {
    const self = this.opts.selfIndex;
    if (self === undefined) return;
    const blockId = id === NIL ? new Uint8Array(0) : (this.blocks.get(id)?.id ?? new Uint8Array(0));
    const unsigned: Vote = {
      chainId: this.opts.chainId,
      type,
      height: this.height,
      round: this.round,
      blockId,
      validatorIndex: self,
      signature: new Uint8Array(0),
    };
    const msg = this.sign(
      `${this.round}/${type}`,
      () => ({
        kind: 'vote',
        vote: { ...unsigned, signature: this.signer.sign(encodeVoteSignBytes(unsigned)) },
      }),
      { height: this.height, round: this.round, step: type, blockId },
      (m) => {
        const vote = (m as Extract<ConsensusMessage, { kind: 'vote' }>).vote;
        if (lock === undefined) return { kind: 'vote', vote };
        const prevotes = this.roundVotes(this.round).prevotes.votesFor(id);
        return { kind: 'lock', vote, proposal: lock.proposal, prevotes };
      },
    );
    if (msg?.kind === 'vote') this.insert({ kind: 'vote', vote: msg.vote });
  }

  /** Signs, persists and broadcasts this validator's proposal of the current round (lines 14–19). */
  private propose(self: number): void {
    if (this.own.has(`${this.round}/proposal`)) return; // restored from the WAL; start() sends it
    const valid = this.validId === NIL ? undefined : this.blocks.get(this.validId);
    const blockBytes = valid?.bytes ?? this.app.propose(this.height, this.round); // lines 15–18
    const polRound = valid === undefined ? -1 : this.validRound;
    const unsigned: Proposal = {
      chainId: this.opts.chainId,
      height: this.height,
      round: this.round,
      polRound,
      blockBytes,
      proposerIndex: self,
      signature: new Uint8Array(0),
    };
    const blockId = valid?.id ?? this.app.blockId(blockBytes);
    const pos = { height: this.height, round: this.round, step: 'propose', blockId } as const;
    const msg = this.sign(
      `${this.round}/proposal`,
      () => ({
        kind: 'proposal',
        proposal: { ...unsigned, signature: this.signer.sign(encodeProposalSignBytes(unsigned)) },
      }),
      pos,
      (m) => ({
        kind: 'proposal',
        proposal: (m as Extract<ConsensusMessage, { kind: 'proposal' }>).proposal,
      }),
    );
    if (msg?.kind !== 'proposal') return;
    this.insert({ kind: 'proposal', proposal: msg.proposal, receivedAt: 0 }, true);
    this.sendPolPrevotes(msg.proposal);
  }

  private broadcast(msg: ConsensusMessage): void {
    this.out.push({ kind: 'broadcast', msg });
  }

  /** Sends a proposal and, for a re-proposed block, the prevotes of its proof-of-lock round. */
  private sendProposal(p: Proposal): void {
    this.broadcast({ kind: 'proposal', proposal: p });
    this.sendPolPrevotes(p);
  }

  private sendPolPrevotes(p: Proposal): void {
    const rv = p.polRound >= 0 ? this.rounds.get(p.polRound) : undefined;
    const id = this.proposals.get(p.round)?.id;
    if (rv === undefined || id === undefined) return;
    for (const vote of rv.prevotes.votesFor(id)) this.broadcast({ kind: 'vote', vote });
  }

  /** Puts this height's WAL records back: own messages, and the lock with its proof. */
  private replayWal(): void {
    let lock: Extract<WalRecord, { kind: 'lock' }> | undefined;
    for (const r of this.restored) {
      if (r.kind === 'proposal') {
        this.own.set(`${r.proposal.round}/proposal`, { kind: 'proposal', proposal: r.proposal });
        this.insert({ kind: 'proposal', proposal: r.proposal, receivedAt: 0 }, true);
        continue;
      }
      this.own.set(`${r.vote.round}/${r.vote.type}`, { kind: 'vote', vote: r.vote });
      this.insert({ kind: 'vote', vote: r.vote });
      if (r.kind === 'lock' && (lock === undefined || r.vote.round > lock.vote.round)) lock = r;
    }
    if (lock === undefined) return;
    this.insert({ kind: 'proposal', proposal: lock.proposal, receivedAt: 0 });
    for (const vote of lock.prevotes) this.insert({ kind: 'vote', vote });
    const id = toHex(lock.vote.blockId);
    this.lockedId = this.validId = id; // lines 38–43, as they were when the lock was taken
    this.lockedRound = this.validRound = lock.vote.round;
  }

  // ---- rules ----

  /** StartRound (lines 11–21); the proposer also schedules the propose timeout (it only acts in step propose). */
  private startRound(round: number): void {
    this.round = round;
    this.step = 'propose';
    this.roundVotes(round);
    this.drainAhead();
    const self = this.opts.selfIndex;
    if (self !== undefined && this.schedule.proposer(this.height, round) === self) this.propose(self);
    this.scheduleTimeout('propose', this.opts.timeouts.proposeMs);
  }

  private scheduleTimeout(step: Step, baseMs: number): void {
    const delayMs = baseMs + this.round * this.opts.timeouts.deltaMs;
    this.out.push({ kind: 'scheduleTimeout', height: this.height, round: this.round, step, delayMs });
  }

  /** Applies every enabled rule until none is. */
  private runRules(): void {
    while (this.started && !this.decided) {
      if (this.ruleDecide()) return;
      const fired = this.ruleSkip() || this.ruleProposal() || this.ruleLock() || this.ruleNilPrecommit();
      this.ruleTimeouts();
      if (!fired) return;
    }
  }

  /** Lines 49–54: a valid block with precommits of 2f+1 in some round is decided. */
  private ruleDecide(): boolean {
    for (const { round, id } of this.quorumCandidates) {
      const block = this.blocks.get(id);
      if (block === undefined || !this.isValid(id)) continue;
      const blockId = block.id;
      const votes = this.rounds.get(round)?.precommits.votesFor(id) ?? [];
      const certificate = makeCommitCertificate(this.opts.validatorSet, votes);
      this.decided = true;
      this.out.push({ kind: 'decide', height: this.height, round, blockId, block: block.bytes, certificate });
      return true;
    }
    return false;
  }

  /**
   * Lines 55–56: move to a higher round once validators holding f+1 power (so at least one correct)
   * sent messages for it; with the per-validator buffer, to the highest round that f+1 power reached.
   */
  private ruleSkip(): boolean {
    const powerAt = new Map<number, number>();
    for (const [validator, a] of this.ahead) {
      if (a.height !== this.height || a.round <= this.round) continue;
      const power = this.opts.validatorSet.validators[validator]?.power ?? 0;
      powerAt.set(a.round, (powerAt.get(a.round) ?? 0) + power);
    }
    let power = 0;
    for (const round of [...powerAt.keys()].sort((a, b) => b - a)) {
      power += powerAt.get(round) ?? 0;
      if (power >= this.skipPower) {
        this.startRound(round);
        return true;
      }
    }
    return false;
  }

  /** Lines 22–33: prevote for the round's proposal, or nil. */
  private ruleProposal(): boolean {
    if (this.step !== 'propose') return false;
    const kp = this.proposals.get(this.round);
    if (kp === undefined) return false;
    const vr = kp.proposal.polRound;
    if (vr === -1) {
      // lines 22–27
      const ok = this.isValid(kp.id) && this.timely(kp) && this.lockAllows(kp.id, -1);
      this.vote('prevote', ok ? kp.id : NIL);
    } else {
      // lines 28–33
      if ((this.rounds.get(vr)?.prevotes.power(kp.id) ?? 0) < this.quorum) return false;
      const ok = this.isValid(kp.id) && this.lockAllows(kp.id, vr);
      this.vote('prevote', ok ? kp.id : NIL);
    }
    this.step = 'prevote';
    return true;
  }

  /** Lines 36–43: 2f+1 prevotes for the round's valid proposal lock it (first time only). */
  private ruleLock(): boolean {
    if (this.step === 'propose') return false;
    const rv = this.roundVotes(this.round);
    const kp = this.proposals.get(this.round);
    if (rv.lockRuleFired || kp === undefined) return false;
    if (rv.prevotes.power(kp.id) < this.quorum || !this.isValid(kp.id)) return false;
    rv.lockRuleFired = true;
    if (this.step === 'prevote') {
      this.lockedId = kp.id; // lines 38–41
      this.lockedRound = this.round;
      this.vote('precommit', kp.id, kp);
      this.step = 'precommit';
    }
    this.validId = kp.id; // lines 42–43
    this.validRound = this.round;
    return true;
  }

  /** Lines 44–46: 2f+1 prevotes for nil. */
  private ruleNilPrecommit(): boolean {
    if (this.step !== 'prevote') return false;
    if (this.roundVotes(this.round).prevotes.power(NIL) < this.quorum) return false;
    this.vote('precommit', NIL);
    this.step = 'precommit';
    return true;
  }

  /** Lines 34–35 and 47–48: timeouts once 2f+1 prevotes / precommits of any kind arrived. */
  private ruleTimeouts(): void {
    const rv = this.roundVotes(this.round);
    if (this.step === 'prevote' && !rv.prevoteTimeoutScheduled && rv.prevotes.total >= this.quorum) {
      rv.prevoteTimeoutScheduled = true;
      this.scheduleTimeout('prevote', this.opts.timeouts.prevoteMs);
    }
    if (!rv.precommitTimeoutScheduled && rv.precommits.total >= this.quorum) {
      rv.precommitTimeoutScheduled = true;
      this.scheduleTimeout('precommit', this.opts.timeouts.precommitMs);
    }
  }

  /**
   * Proposer-time bound for a new block (polRound −1): its time is within the clock precision of
   * the local time it was received at, allowing the message delay (which grows per round).
   */
  private timely(kp: KnownProposal): boolean {
    if (kp.own) return true;
    const { precisionMs, messageDelayMs } = this.opts.synchrony;
    const time = this.app.blockTime(this.blocks.get(kp.id)?.bytes ?? new Uint8Array(0));
    const delay = messageDelayMs + kp.proposal.round * this.opts.timeouts.deltaMs;
    return time <= kp.receivedAt + precisionMs && time >= kp.receivedAt - precisionMs - delay;
  }

  private flush(): Output[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}

function sameProposal(a: Proposal, b: Proposal): boolean {
  return a.polRound === b.polRound && equalBytes(a.blockBytes, b.blockBytes);
}

function recordHeight(r: WalRecord): number {
  return r.kind === 'proposal' ? r.proposal.height : r.vote.height;
}
