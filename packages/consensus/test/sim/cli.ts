// `npm run sim -- [--seeds N] [--from S] [--mix random|adversarial] [--keep-going]` runs the
// deterministic consensus simulation for N seeds from S (default 2000 from 1);
// `npm run sim -- --seed S [--mix M] [--trace]` replays one seed (with an event trace).
import { parseArgs } from 'node:util';
import { describeFailure, runSeeds } from './run.js';
import { describeScenario, type Mix, scenarioOf } from './scenario.js';
import { simulate } from './simulator.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '2000' },
    from: { type: 'string', default: '1' },
    seed: { type: 'string' },
    trace: { type: 'boolean', default: false },
    mix: { type: 'string', default: 'random' },
    'keep-going': { type: 'boolean', default: false },
  },
});

if (values.mix !== 'random' && values.mix !== 'adversarial') {
  console.error('--mix must be random or adversarial');
  process.exit(2);
}
const mix: Mix = values.mix;

function int(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer`);
    process.exit(2);
  }
  return n;
}

if (values.seed !== undefined) {
  const seed = int('seed', values.seed);
  const scenario = scenarioOf(seed, mix);
  console.log(`seed ${seed}: ${describeScenario(scenario)}`);
  const result = simulate(scenario, values.trace ? { trace: (line) => console.log(line) } : {});
  console.log(JSON.stringify(result, null, 2));
  process.exit(result.violation === undefined ? 0 : 1);
}

const count = int('seeds', values.seeds);
const from = int('from', values.from);
const summary = runSeeds(from, count, {}, values['keep-going'] ? Number.POSITIVE_INFINITY : 1, mix);
for (const f of summary.failures) console.error(describeFailure(f));
console.log(
  `${summary.seeds} ${mix} seeds (${from}..${from + summary.seeds - 1}), n: ${JSON.stringify(summary.byN)}, ` +
    `${summary.failures.length} failed, ${summary.wallMs} ms wall\n` +
    `  heights committed ${summary.heights}, max round ${summary.maxRound}, ` +
    `max recovery after heal ${summary.maxRecoveryMs} ms (virtual)\n` +
    `  crashes ${summary.crashes}, messages dropped ${summary.dropped}, evidence ${summary.evidence}, ` +
    `rejected messages ${summary.rejected}`,
);
process.exit(summary.failures.length === 0 ? 0 : 1);
