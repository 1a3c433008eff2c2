/** Vote counting: pure functions of a voting policy, the member organizations and their votes. */
import type { Choice, VotingPolicy } from './schemas.js';

/** Yes votes needed to pass among n organizations (may exceed n: the proposal cannot pass). */
export function requiredYes(policy: VotingPolicy, n: number): number {
  switch (policy.kind) {
    case 'ALL':
      return Math.max(1, n);
    case 'MAJORITY':
      return Math.floor(n / 2) + 1;
    case 'ANY':
      return 1;
    case 'COUNT':
      return policy.count;
    case 'FRACTION':
      return Math.max(1, Math.ceil((policy.numerator * n) / policy.denominator));
  }
}

/** The predicate of the policy (the specification `requiredYes` must agree with). */
export function policyHolds(policy: VotingPolicy, n: number, yes: number): boolean {
  switch (policy.kind) {
    case 'ALL':
      return yes >= 1 && yes === n;
    case 'MAJORITY':
      return 2 * yes > n;
    case 'ANY':
      return yes >= 1;
    case 'COUNT':
      return yes >= policy.count;
    case 'FRACTION':
      return yes >= 1 && yes * policy.denominator >= policy.numerator * n;
  }
}

export type Tally = {
  readonly yes: number;
  readonly no: number;
  readonly abstain: number;
  readonly pending: number;
};

/** Counts the votes of the current member organizations (votes of removed organizations do not count). */
export function tally(orgs: readonly string[], votes: ReadonlyMap<string, Choice>): Tally {
  let yes = 0;
  let no = 0;
  let abstain = 0;
  for (const org of orgs) {
    const v = votes.get(org);
    if (v === 'yes') yes++;
    else if (v === 'no') no++;
    else if (v === 'abstain') abstain++;
  }
  return { yes, no, abstain, pending: orgs.length - yes - no - abstain };
}

/** 'passed' once the policy holds, 'rejected' once it can no longer hold, else 'open'. */
export function decide(policy: VotingPolicy, t: Tally): 'passed' | 'rejected' | 'open' {
  const n = t.yes + t.no + t.abstain + t.pending;
  if (policyHolds(policy, n, t.yes)) return 'passed';
  if (!policyHolds(policy, n, t.yes + t.pending)) return 'rejected';
  return 'open';
}
