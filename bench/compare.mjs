#!/usr/bin/env node
// Compares benchmark results: `node bench/compare.mjs OLD.json NEW.json` (default NEW: latest.json).
// Prints each headline figure of each suite side by side with the relative change.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [oldPath, newPath = join(here, 'results', 'latest.json')] = process.argv.slice(2);
if (oldPath === undefined) {
  process.stderr.write('usage: node bench/compare.mjs OLD.json [NEW.json]\n');
  process.exit(2);
}
const load = (p) => JSON.parse(readFileSync(p, 'utf8'));
const before = load(oldPath);
const after = load(newPath);

/** Headline figures of one suite result; `higher` says which direction is better. */
const FIGURES = [
  ['verify/s (bound)', (s) => s.verify?.verifiesPerSecond, true],
  ['tx/s', (s) => s.throughput?.txPerSecond, true],
  ['ratio of bound %', (s) => (s.throughput ? s.throughput.ratio * 100 : undefined), true],
  ['node CPU ms/tx', (s) => s.throughput?.nodeCpuMsPerTx, false],
  ['main thread ms/tx', (s) => s.throughput?.mainThreadCpuMsPerTx, false],
  ['latency p50 ms', (s) => s.latency?.p50Ms, false],
  ['latency p99 ms', (s) => s.latency?.p99Ms, false],
  ['batch digests/s', (s) => s.batch?.digestsPerSecond, true],
];

const cell = (x) =>
  x === undefined || x === null ? '-' : x >= 100 ? Math.round(x).toString() : x.toFixed(2);
const env = (d) =>
  `${d.environment.gitCommit?.slice(0, 10) ?? 'n/a'} ${d.startedAt} load ${d.environment.loadAverage?.[0]}`;
console.log(`old: ${oldPath} (${env(before)})`);
console.log(`new: ${newPath} (${env(after)})`);
for (const s of after.suites) {
  const o = before.suites.find((x) => x.suite === s.suite);
  console.log(`\n${s.suite}`);
  for (const [name, get, higher] of FIGURES) {
    const a = o === undefined ? undefined : get(o);
    const b = get(s);
    let change = '';
    if (typeof a === 'number' && typeof b === 'number' && a !== 0) {
      const pct = ((b - a) / a) * 100;
      change = `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}% ${(pct >= 0) === higher ? 'better' : 'worse'}`;
    }
    console.log(`  ${name.padEnd(20)} ${cell(a).padStart(10)} → ${cell(b).padStart(10)}  ${change}`);
  }
}
