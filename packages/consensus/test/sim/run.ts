// Runs many seeds and summarizes them (used by the test suite and the `npm run sim` CLI).
import { describeScenario, type Mix, scenarioOf } from './scenario.js';
import { type SimOptions, type SimResult, simulate } from './simulator.js';

export interface Failure {
  readonly seed: number;
  readonly mix: Mix;
  readonly scenario: string;
  readonly violation: NonNullable<SimResult['violation']>;
}

export interface Summary {
  readonly seeds: number;
  readonly failures: readonly Failure[];
  readonly wallMs: number;
  readonly heights: number;
  readonly maxRound: number;
  readonly maxRecoveryMs: number;
  readonly crashes: number;
  readonly evidence: number;
  readonly rejected: number;
  readonly dropped: number;
  readonly byN: Readonly<Record<number, number>>;
}

/** Runs seeds first..first+count-1 of a mix (stopping after `maxFailures` failures). */
export function runSeeds(
  first: number,
  count: number,
  options: SimOptions = {},
  maxFailures = 1,
  mix: Mix = 'random',
): Summary {
  const started = performance.now();
  const failures: Failure[] = [];
  const byN: Record<number, number> = {};
  let heights = 0;
  let maxRound = 0;
  let maxRecoveryMs = 0;
  let crashes = 0;
  let evidence = 0;
  let rejected = 0;
  let dropped = 0;
  let seeds = 0;
  for (let seed = first; seed < first + count && failures.length < maxFailures; seed++) {
    const scenario = scenarioOf(seed, mix);
    const result = simulate(scenario, options);
    seeds++;
    byN[scenario.powers.length] = (byN[scenario.powers.length] ?? 0) + 1;
    heights += result.stats.height;
    maxRound = Math.max(maxRound, result.stats.maxRound);
    maxRecoveryMs = Math.max(maxRecoveryMs, result.stats.recoveryMs);
    crashes += result.stats.crashes;
    evidence += result.stats.evidence;
    rejected += result.stats.rejected;
    dropped += result.stats.dropped;
    if (result.violation !== undefined) {
      failures.push({ seed, mix, scenario: describeScenario(scenario), violation: result.violation });
    }
  }
  return {
    seeds,
    failures,
    wallMs: Math.round(performance.now() - started),
    heights,
    maxRound,
    maxRecoveryMs,
    crashes,
    evidence,
    rejected,
    dropped,
    byN,
  };
}

/** Human-readable report of a failure with the command that replays it. */
export function describeFailure(f: Failure): string {
  return (
    `seed ${f.seed} FAILED: ${f.violation.kind} at ${f.violation.atMs}ms: ${f.violation.message}\n` +
    `  scenario: ${f.scenario}\n` +
    `  reproduce: npm run sim -- --seed ${f.seed} --mix ${f.mix} --trace`
  );
}
