/** Property tests of vote counting: a proposal passes iff the policy predicate holds. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Choice, decide, policyHolds, requiredYes, tally, type VotingPolicy } from '../src/index.js';

const policyArb: fc.Arbitrary<VotingPolicy> = fc.oneof(
  fc.constant({ kind: 'ALL' as const }),
  fc.constant({ kind: 'MAJORITY' as const }),
  fc.constant({ kind: 'ANY' as const }),
  fc.integer({ min: 1, max: 20 }).map((count) => ({ kind: 'COUNT' as const, count })),
  fc
    .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }))
    .map(([a, b]) => ({ kind: 'FRACTION' as const, numerator: Math.min(a, b), denominator: Math.max(a, b) })),
);
const choiceArb = fc.option(fc.constantFrom<Choice>('yes', 'no', 'abstain'), { nil: undefined });
const electorate = fc.array(choiceArb, { minLength: 1, maxLength: 20 });

function votesOf(choices: readonly (Choice | undefined)[]): { orgs: string[]; votes: Map<string, Choice> } {
  const orgs = choices.map((_, i) => `org${i}`);
  const votes = new Map<string, Choice>();
  choices.forEach((c, i) => {
    if (c !== undefined) votes.set(`org${i}`, c);
  });
  return { orgs, votes };
}

describe('voting policies', () => {
  it('requiredYes agrees with the predicate: yes passes iff yes ≥ requiredYes', () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 50 }), (p, n, y) => {
        const yes = Math.min(y, n);
        assert.equal(policyHolds(p, n, yes), yes >= requiredYes(p, n));
      }),
    );
  });

  it('the predicate matches its definition for each policy', () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 50 }), (p, n, y) => {
        const yes = Math.min(y, n);
        const expected =
          p.kind === 'ALL'
            ? yes === n
            : p.kind === 'MAJORITY'
              ? yes > n / 2
              : p.kind === 'ANY'
                ? yes > 0
                : p.kind === 'COUNT'
                  ? yes >= p.count
                  : yes > 0 && yes / n >= p.numerator / p.denominator - 1e-12;
        assert.equal(policyHolds(p, n, yes), expected);
      }),
    );
  });

  it('decide: passed iff the predicate holds on current votes; rejected iff it cannot hold even if all pending vote yes', () => {
    fc.assert(
      fc.property(policyArb, electorate, (p, choices) => {
        const { orgs, votes } = votesOf(choices);
        const t = tally(orgs, votes);
        const yes = choices.filter((c) => c === 'yes').length;
        const pending = choices.filter((c) => c === undefined).length;
        assert.equal(t.yes + t.no + t.abstain + t.pending, orgs.length);
        const d = decide(p, t);
        assert.equal(d === 'passed', policyHolds(p, orgs.length, yes));
        assert.equal(d === 'rejected', !policyHolds(p, orgs.length, yes + pending));
      }),
    );
  });

  it('monotone: an extra yes vote never turns passed into open or rejected', () => {
    fc.assert(
      fc.property(policyArb, electorate, fc.nat(), (p, choices, i) => {
        const pendingIdx = choices.map((c, j) => (c === undefined ? j : -1)).filter((j) => j >= 0);
        fc.pre(pendingIdx.length > 0);
        const before = votesOf(choices);
        const after = [...choices];
        after[pendingIdx[i % pendingIdx.length]!] = 'yes';
        const a = decide(p, tally(before.orgs, before.votes));
        const { orgs, votes } = votesOf(after);
        const b = decide(p, tally(orgs, votes));
        if (a === 'passed') assert.equal(b, 'passed');
        if (a === 'rejected') assert.equal(b, 'rejected');
      }),
    );
  });

  it('votes of organizations that are no longer members do not count', () => {
    const votes = new Map<string, Choice>([
      ['gone', 'yes'],
      ['a', 'yes'],
    ]);
    assert.deepEqual(tally(['a', 'b', 'c'], votes), { yes: 1, no: 0, abstain: 0, pending: 2 });
    assert.equal(decide({ kind: 'MAJORITY' }, tally(['a', 'b', 'c'], votes)), 'open');
  });
});
