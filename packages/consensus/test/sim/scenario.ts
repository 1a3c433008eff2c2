// A simulation scenario: everything random about one run, drawn from its seed.
import { Prng } from './prng.js';

/** What a Byzantine validator does besides following the protocol. */
export type Misbehaviour =
  | 'equivocate' // as proposer, sends two different valid blocks to two halves of the network
  | 'doubleVote' // sends conflicting votes (block vs nil or another block) to two halves
  | 'invalidProposal' // as proposer, proposes blocks the application rejects
  | 'unknownVotes'; // votes for block IDs nobody proposed

export const MISBEHAVIOURS: readonly Misbehaviour[] = [
  'equivocate',
  'doubleVote',
  'invalidProposal',
  'unknownVotes',
];

export interface Partition {
  readonly fromMs: number;
  readonly toMs: number;
  /** Nodes on one side; messages between the sides are lost while it lasts. */
  readonly side: readonly number[];
}

export interface Crash {
  readonly node: number;
  readonly atMs: number;
  readonly restartMs: number;
}

export interface Scenario {
  readonly seed: number;
  readonly powers: readonly number[];
  /** Byzantine validators and their misbehaviours (their power is below 1/3 of the total). */
  readonly byzantine: ReadonlyMap<number, readonly Misbehaviour[]>;
  /** Until then: drops, partitions, crashes and long delays; after it the network is healed. */
  readonly faultUntilMs: number;
  readonly dropRate: number;
  readonly duplicateRate: number;
  /** Longest delay of a message before the heal (after it: at most HEALED_MAX_DELAY_MS). */
  readonly maxDelayMs: number;
  readonly partitions: readonly Partition[];
  readonly crashes: readonly Crash[];
  /** A non-member keeps sending proposals and votes signed with its own key. */
  readonly nonMember: boolean;
  readonly clockSkewMs: readonly number[];
  /** How often a validator sends decided blocks to peers that are behind (block sync). */
  readonly syncEveryMs: number;
}

export const HEALED_MAX_DELAY_MS = 60;
export const CLOCK_PRECISION_MS = 100;

/** Largest total power a faulty set may hold: total − quorum. */
export function maxFaultyPower(powers: readonly number[]): number {
  const total = powers.reduce((a, b) => a + b, 0);
  return total - (Math.floor((2 * total) / 3) + 1);
}

/**
 * Fault mixes: `random` varies everything; `adversarial` always has the most Byzantine power
 * allowed, all equivocating and double-voting, and a lossy network without crashes.
 */
export type Mix = 'random' | 'adversarial';

/** Draws the scenario of `seed`: n ∈ {4, 5, 7, 10}, up to f Byzantine, and a fault mix. */
export function scenarioOf(seed: number, mix: Mix = 'random'): Scenario {
  if (mix === 'adversarial') return adversarial(seed);
  const r = new Prng(seed ^ 0x5eed);
  const n = r.pick([4, 5, 7, 10]);
  const powers = Array.from({ length: n }, () => (r.chance(0.25) ? r.range(1, 4) : 1));
  const budget = maxFaultyPower(powers);
  const byzantine = new Map<number, Misbehaviour[]>();
  if (r.chance(0.75)) {
    let used = 0;
    const order = r.shuffle(Array.from({ length: n }, (_, i) => i));
    for (const i of order) {
      const p = powers[i] ?? 0;
      if (used + p > budget || (byzantine.size > 0 && r.chance(0.3))) continue;
      used += p;
      const kinds = MISBEHAVIOURS.filter(() => r.chance(0.5));
      byzantine.set(i, kinds.length > 0 ? kinds : [r.pick(MISBEHAVIOURS)]);
    }
  }
  const faultUntilMs = r.range(1_000, 8_000);
  const correct = Array.from({ length: n }, (_, i) => i).filter((i) => !byzantine.has(i));
  const partitions: Partition[] = [];
  for (let k = r.int(3); k > 0; k--) {
    const fromMs = r.range(0, faultUntilMs - 500);
    const side = correct.filter(() => r.chance(0.5));
    partitions.push({ fromMs, toMs: r.range(fromMs + 200, faultUntilMs), side });
  }
  const crashes: Crash[] = [];
  for (let k = r.chance(0.5) ? r.range(1, 3) : 0; k > 0; k--) {
    const atMs = r.range(100, faultUntilMs - 100);
    crashes.push({ node: r.pick(correct), atMs, restartMs: r.range(atMs + 150, faultUntilMs + 100) });
  }
  return {
    seed,
    powers,
    byzantine,
    faultUntilMs,
    dropRate: r.pick([0, 0.05, 0.2, 0.4]),
    duplicateRate: r.pick([0, 0.1, 0.3]),
    maxDelayMs: r.pick([50, 300, 1_500, 4_000]),
    partitions,
    crashes,
    nonMember: r.chance(0.5),
    clockSkewMs: powers.map(() => r.range(-CLOCK_PRECISION_MS / 2 + 10, CLOCK_PRECISION_MS / 2 - 10)),
    syncEveryMs: 400,
  };
}

function adversarial(seed: number): Scenario {
  const r = new Prng(seed ^ 0xbad);
  const n = r.pick([4, 5, 7, 10]);
  const powers = Array.from({ length: n }, () => 1);
  const byzantine = new Map<number, Misbehaviour[]>();
  for (const i of r.shuffle(powers.map((_, i) => i)).slice(0, maxFaultyPower(powers))) {
    byzantine.set(i, ['equivocate', 'doubleVote', ...MISBEHAVIOURS.slice(2).filter(() => r.chance(0.3))]);
  }
  return {
    seed,
    powers,
    byzantine,
    faultUntilMs: 20_000,
    dropRate: r.pick([0.1, 0.2, 0.3]),
    duplicateRate: 0,
    maxDelayMs: r.pick([300, 1_500]),
    partitions: [],
    crashes: [],
    nonMember: false,
    clockSkewMs: powers.map(() => 0),
    syncEveryMs: 3_000,
  };
}

/** One line describing a scenario. */
export function describeScenario(s: Scenario): string {
  const byz = [...s.byzantine].map(([i, kinds]) => `${i}:${kinds.join('+')}`).join(' ');
  return (
    `n=${s.powers.length} powers=[${s.powers.join(',')}] byzantine={${byz}} faults<${s.faultUntilMs}ms ` +
    `drop=${s.dropRate} dup=${s.duplicateRate} delay<=${s.maxDelayMs}ms partitions=${s.partitions.length} ` +
    `crashes=${s.crashes.length} nonMember=${s.nonMember}`
  );
}
