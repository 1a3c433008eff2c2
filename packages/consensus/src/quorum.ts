import type { ValidatorSet } from '@xinlian/codec';

/** Sum of the voting power of all validators. */
export function totalPower(set: ValidatorSet): number {
  let total = 0;
  for (const v of set.validators) total += v.power;
  return total;
}

/** Minimum power that is strictly more than 2/3 of the total: floor(2·total/3) + 1. */
export function quorumPower(set: ValidatorSet): number {
  return Math.floor((2 * totalPower(set)) / 3) + 1;
}
