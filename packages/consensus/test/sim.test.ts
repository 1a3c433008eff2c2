// The deterministic network simulation (test/sim): many seeds with the real core, and proofs that
// its checkers fail when the protocol is broken on purpose.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSuite, SUITE_IDS } from '@xinlian/crypto';
import { TendermintCore } from '../src/index.js';
import { SuitePki } from './sim/fake-crypto.js';
import { describeFailure, runSeeds } from './sim/run.js';
import { scenarioOf } from './sim/scenario.js';
import { simulate } from './sim/simulator.js';

/** A core with the locking rule removed (lines 23 and 29 always allow the prevote). */
class NoLockCore extends TendermintCore {
  protected override lockAllows(): boolean {
    return true;
  }
}

describe('simulation', () => {
  test('2,000 seeds of n = 4, 5, 7, 10 with random faults: no violation after any step', () => {
    const summary = runSeeds(1, 2_000, {}, 5);
    assert.deepEqual(summary.failures.map(describeFailure), []);
    assert.equal(summary.seeds, 2_000);
    for (const n of [4, 5, 7, 10]) assert.ok((summary.byN[n] ?? 0) >= 300, `n = ${n} is exercised`);
    // the faults really happened
    assert.ok(summary.crashes >= 500, `crashes ${summary.crashes}`);
    assert.ok(summary.dropped > 0 && summary.evidence > 0 && summary.rejected > 0);
    assert.ok(summary.heights >= 2_000 * 3, 'blocks were committed');
  });

  test('adversarial mix (most Byzantine power, all equivocating and double voting): 60 seeds pass', () => {
    const summary = runSeeds(1, 60, {}, 5, 'adversarial');
    assert.deepEqual(summary.failures.map(describeFailure), []);
    assert.ok(summary.evidence > 0);
  });

  test('without the locking rule the simulator finds two blocks decided at one height', () => {
    const summary = runSeeds(1, 1_000, { core: (o, m) => new NoLockCore(o, m) }, 1, 'adversarial');
    const failure = summary.failures[0];
    assert.ok(failure !== undefined, `no violation in ${summary.seeds} seeds`);
    assert.equal(failure.violation.kind, 'agreement', describeFailure(failure));
  });

  test('restarting without restoring the WAL is caught as double signing', () => {
    const summary = runSeeds(1, 200, { restoreWal: false }, 1);
    assert.equal(summary.failures[0]?.violation.kind, 'double-sign');
  });

  test('a seed replays exactly: the same events and the same result', () => {
    const seed = [...Array(50).keys()].find(
      (s) => scenarioOf(s).crashes.length > 0 && scenarioOf(s).byzantine.size > 0,
    );
    assert.ok(seed !== undefined);
    const run = () => {
      const lines: string[] = [];
      const result = simulate(scenarioOf(seed), { trace: (l) => lines.push(l) });
      return { lines, result };
    };
    const a = run();
    const b = run();
    assert.ok(a.lines.length > 200);
    assert.deepEqual(b.lines, a.lines);
    assert.deepEqual(b.result, a.result);
  });

  for (const suiteId of SUITE_IDS) {
    test(`real ${suiteId} signatures: two seeds with n = 4`, () => {
      const suite = createSuite(suiteId);
      const seeds = [...Array(40).keys()].filter((s) => scenarioOf(s).powers.length === 4).slice(0, 2);
      for (const seed of seeds) {
        const result = simulate(scenarioOf(seed), { pki: () => new SuitePki(suite) });
        assert.equal(result.violation, undefined, `seed ${seed}: ${result.violation?.message}`);
        assert.ok(result.stats.height >= 3);
      }
    });
  }
});
