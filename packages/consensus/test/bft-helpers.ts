// Test helper (not a test file): validators with keys, apps and cores, signed message builders,
// and a synchronous in-memory network for driving TendermintCore by hand.
import type { ConsensusMessage, Proposal, ValidatorSet, Vote, VoteType, WalRecord } from '@xinlian/codec';
import { encodeProposalSignBytes, encodeVoteSignBytes } from '@xinlian/codec';
import { toHex } from '@xinlian/utils';
import { type Output, TendermintCore, type TendermintModules, type TendermintOptions } from '../src/index.js';
import { type ChainEntry, GENESIS_TIME, SimApp } from './sim/app.js';
import { FakePki, type Pki, type SimKey } from './sim/fake-crypto.js';
import { Prng } from './sim/prng.js';

export const CHAIN = 'test-chain';
export const TIMEOUTS = { proposeMs: 1_000, prevoteMs: 500, precommitMs: 500, deltaMs: 100 } as const;
export const SYNCHRONY = { precisionMs: 500, messageDelayMs: 1_000 } as const;
/** Every node's local clock in these tests. */
export const NOW = GENESIS_TIME + 10_000;

export type CoreClass = new (opts: TendermintOptions, modules: TendermintModules) => TendermintCore;

/** A validator set with keys, one app per validator (each with its own chain) and core factories. */
export class Validators {
  readonly keys: SimKey[];
  readonly set: ValidatorSet;
  readonly chains: ChainEntry[][];
  readonly apps: SimApp[];

  constructor(
    powers: readonly number[],
    readonly pki: Pki = new FakePki(new Prng(7)),
  ) {
    this.keys = powers.map(() => pki.member());
    this.set = {
      validators: this.keys.map((k, i) => ({ name: `v${i}`, publicKey: k.publicKey, power: powers[i] ?? 1 })),
    };
    this.chains = powers.map(() => []);
    let nonce = 0;
    this.apps = powers.map(
      (_, i) =>
        new SimApp(
          i,
          this.chains[i] ?? [],
          () => NOW,
          () => nonce++,
        ),
    );
  }

  /** A core for validator `self` (undefined: an observer using validator 0's app). */
  core(self: number | undefined, Core: CoreClass = TendermintCore, key?: SimKey): TendermintCore {
    const opts: TendermintOptions = {
      chainId: CHAIN,
      validatorSet: this.set,
      timeouts: TIMEOUTS,
      synchrony: SYNCHRONY,
      ...(self === undefined ? {} : { selfIndex: self }),
    };
    return new Core(opts, {
      signer: (key ?? this.keys[self ?? 0]!).signer,
      verifier: this.pki.verifier,
      app: this.apps[self ?? 0]!,
    });
  }

  /** A block built by validator `by` for (height, round). */
  block(by: number, height: number, round: number, flag = 1): Uint8Array {
    return this.apps[by]!.build(height, round, flag);
  }

  blockId(bytes: Uint8Array): Uint8Array {
    return this.apps[0]!.blockId(bytes);
  }

  /** A proposal signed by `signer` (default: the named proposer). */
  proposal(
    p: Omit<Proposal, 'chainId' | 'signature' | 'polRound'> & { polRound?: number },
    signer?: SimKey,
  ): Proposal {
    const unsigned: Proposal = { chainId: CHAIN, polRound: -1, signature: new Uint8Array(0), ...p };
    const key = signer ?? this.keys[p.proposerIndex]!;
    return { ...unsigned, signature: key.signer.sign(encodeProposalSignBytes(unsigned)) };
  }

  /** A vote of validator `i` (signed by `signer`, default its own key). */
  vote(i: number, type: VoteType, height: number, round: number, blockId: Uint8Array, signer?: SimKey): Vote {
    const unsigned: Vote = {
      chainId: CHAIN,
      type,
      height,
      round,
      blockId,
      validatorIndex: i,
      signature: new Uint8Array(0),
    };
    const key = signer ?? this.keys[i]!;
    return { ...unsigned, signature: key.signer.sign(encodeVoteSignBytes(unsigned)) };
  }
}

export const NIL = new Uint8Array(0);

export function ofKind<K extends Output['kind']>(
  outputs: readonly Output[],
  kind: K,
): Extract<Output, { kind: K }>[] {
  return outputs.filter((o): o is Extract<Output, { kind: K }> => o.kind === kind);
}

/** The votes among broadcast outputs (optionally of one type). */
export function votesIn(outputs: readonly Output[], type?: VoteType): Vote[] {
  return ofKind(outputs, 'broadcast')
    .map((o) => o.msg)
    .filter((m): m is Extract<ConsensusMessage, { kind: 'vote' }> => m.kind === 'vote')
    .map((m) => m.vote)
    .filter((v) => type === undefined || v.type === type);
}

export function proposalsIn(outputs: readonly Output[]): Proposal[] {
  return ofKind(outputs, 'broadcast')
    .map((o) => o.msg)
    .filter((m): m is Extract<ConsensusMessage, { kind: 'proposal' }> => m.kind === 'proposal')
    .map((m) => m.proposal);
}

export function walOf(outputs: readonly Output[]): WalRecord[] {
  return ofKind(outputs, 'persist').map((o) => o.record);
}

/** hex of a block ID, 'nil' for an empty one. */
export function idOf(v: { readonly blockId: Uint8Array }): string {
  return v.blockId.length === 0 ? 'nil' : toHex(v.blockId);
}

/**
 * A synchronous network of cores: broadcasts are queued and delivered in order (to the nodes
 * `link` allows), timers are kept until `fireTimers` runs them, decisions and WALs are recorded.
 */
export class Cluster {
  readonly queue: { from: number; to: number; msg: ConsensusMessage }[] = [];
  readonly timers: { node: number; out: Extract<Output, { kind: 'scheduleTimeout' }> }[] = [];
  readonly decided: (Extract<Output, { kind: 'decide' }> | undefined)[];
  readonly wal: WalRecord[][];
  readonly outputs: Output[][];
  link: (from: number, to: number, msg: ConsensusMessage) => boolean = () => true;

  constructor(readonly cores: (TendermintCore | undefined)[]) {
    this.decided = cores.map(() => undefined);
    this.wal = cores.map(() => []);
    this.outputs = cores.map(() => []);
  }

  apply(node: number, outputs: readonly Output[]): void {
    for (const o of outputs) {
      this.outputs[node]!.push(o);
      if (o.kind === 'persist') this.wal[node]!.push(o.record);
      if (o.kind === 'scheduleTimeout') this.timers.push({ node, out: o });
      if (o.kind === 'decide') this.decided[node] = o;
      if (o.kind === 'broadcast') {
        for (const [to] of this.cores.entries())
          if (to !== node) this.queue.push({ from: node, to, msg: o.msg });
      }
    }
  }

  startAll(height: number): void {
    for (const [i, core] of this.cores.entries()) if (core !== undefined) this.apply(i, core.start(height));
  }

  /** Delivers queued messages until none is left. */
  deliverAll(): void {
    for (let m = this.queue.shift(); m !== undefined; m = this.queue.shift()) {
      const core = this.cores[m.to];
      if (core === undefined || !this.link(m.from, m.to, m.msg)) continue;
      this.apply(
        m.to,
        m.msg.kind === 'vote' ? core.onVote(m.msg.vote) : core.onProposal(m.msg.proposal, NOW),
      );
    }
  }

  /** Fires every pending timer (shortest first), then delivers what that caused. */
  fireTimers(): void {
    const due = this.timers.splice(0).sort((a, b) => a.out.delayMs - b.out.delayMs);
    for (const t of due) {
      const core = this.cores[t.node];
      if (core !== undefined) this.apply(t.node, core.onTimeout(t.out));
    }
    this.deliverAll();
  }
}
