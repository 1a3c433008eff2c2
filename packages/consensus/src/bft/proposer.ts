import type { ValidatorSet } from '@xinlian/codec';
import { XinlianError } from '@xinlian/utils';

function gcd(a: number, b: number): number {
  let [x, y] = [a, b];
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/**
 * Weighted round-robin proposer selection, a pure function of (height, round). With total power
 * T, slot s = (height + round) mod T is mapped to x = s · stride mod T, where stride is the first
 * integer ≥ T/φ (golden ratio) coprime to T; validator i owns the x in [Σ_{j<i} power_j, Σ_{j≤i} power_j).
 * Every T consecutive slots give validator i exactly power_i turns, spread out, and the next
 * round of a height always moves to the next slot.
 */
export class ProposerSchedule {
  private readonly ends: readonly number[];
  private readonly total: number;
  private readonly stride: number;

  constructor(set: ValidatorSet) {
    let total = 0;
    const ends: number[] = [];
    for (const v of set.validators) {
      if (!Number.isSafeInteger(v.power) || v.power < 0) {
        throw new XinlianError(
          'CONSENSUS_BAD_VALIDATOR_SET',
          'validator power must be a non-negative integer',
          {
            power: v.power,
          },
        );
      }
      total += v.power;
      ends.push(total);
    }
    if (total <= 0 || !Number.isSafeInteger(total)) {
      throw new XinlianError('CONSENSUS_BAD_VALIDATOR_SET', 'the validator set has no voting power', {
        total,
      });
    }
    let stride = Math.max(1, Math.ceil(total / 1.618033988749895));
    while (gcd(stride, total) !== 1) stride++;
    this.ends = ends;
    this.total = total;
    this.stride = stride;
  }

  /** Index of the proposer of (height, round). */
  proposer(height: number, round: number): number {
    const slot = BigInt(height) + BigInt(round);
    const x = Number((slot * BigInt(this.stride)) % BigInt(this.total));
    let lo = 0;
    let hi = this.ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ends[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
