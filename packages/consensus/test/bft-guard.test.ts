// SignedVoteGuard (double-sign protection) and the weighted round-robin proposer schedule.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ValidatorSet, WalRecord } from '@xinlian/codec';
import { XinlianError } from '@xinlian/utils';
import fc from 'fast-check';
import {
  comparePositions,
  ProposerSchedule,
  type SignedPosition,
  SignedVoteGuard,
  type Step,
} from '../src/index.js';

const STEPS: readonly Step[] = ['propose', 'prevote', 'precommit'];
const position = fc.record({
  height: fc.integer({ min: 1, max: 4 }),
  round: fc.integer({ min: 0, max: 3 }),
  step: fc.constantFrom(...STEPS),
  blockId: fc.constantFrom(new Uint8Array(0), new Uint8Array([1]), new Uint8Array([2])),
});
const key = (p: SignedPosition) => `${p.height}/${p.round}/${p.step}`;

describe('SignedVoteGuard', () => {
  test('whatever is attempted, it never allows two different blocks at one position, nor going back', () => {
    fc.assert(
      fc.property(fc.array(position, { maxLength: 60 }), (attempts) => {
        const guard = new SignedVoteGuard();
        const signed = new Map<string, Uint8Array>();
        let last: SignedPosition | undefined;
        for (const p of attempts) {
          if (!guard.allows(p)) continue;
          guard.record(p);
          const before = signed.get(key(p));
          if (before !== undefined) assert.deepEqual(before, p.blockId, 'a conflicting signature');
          signed.set(key(p), p.blockId);
          if (last !== undefined) assert.ok(comparePositions(p, last) >= 0, 'positions never go back');
          last = p;
        }
      }),
    );
  });

  test('allows the same message again, refuses a conflicting or earlier one with CONSENSUS_DOUBLE_SIGN', () => {
    const at = (round: number, step: Step, b: number[]): SignedPosition => ({
      height: 5,
      round,
      step,
      blockId: new Uint8Array(b),
    });
    const guard = new SignedVoteGuard(at(2, 'prevote', [1]));
    assert.equal(guard.allows(at(2, 'prevote', [1])), true);
    assert.equal(guard.allows(at(2, 'prevote', [])), false);
    assert.equal(guard.allows(at(2, 'propose', [1])), false);
    assert.equal(guard.allows(at(1, 'precommit', [1])), false);
    assert.equal(guard.allows(at(2, 'precommit', [])), true);
    assert.equal(guard.allows({ ...at(0, 'propose', [9]), height: 6 }), true);
    assert.throws(
      () => guard.record(at(2, 'prevote', [2])),
      (e: unknown) =>
        e instanceof XinlianError && e.code === 'CONSENSUS_DOUBLE_SIGN' && e.details.round === 2,
    );
  });

  test('fromWal resumes from the latest record, whatever their order', () => {
    const vote = (height: number, round: number, type: 'prevote' | 'precommit'): WalRecord => ({
      kind: 'vote',
      vote: {
        chainId: 'c',
        type,
        height,
        round,
        blockId: new Uint8Array([height]),
        validatorIndex: 0,
        signature: new Uint8Array(0),
      },
    });
    const records = [vote(3, 1, 'prevote'), vote(3, 2, 'precommit'), vote(2, 9, 'precommit')];
    const guard = SignedVoteGuard.fromWal(records, () => new Uint8Array(0));
    assert.deepEqual(guard.last, { height: 3, round: 2, step: 'precommit', blockId: new Uint8Array([3]) });
    assert.equal(SignedVoteGuard.fromWal([], () => new Uint8Array(0)).last, undefined);
  });
});

const setOf = (powers: readonly number[]): ValidatorSet => ({
  validators: powers.map((power, i) => ({ name: `v${i}`, publicKey: new Uint8Array([i]), power })),
});

describe('ProposerSchedule', () => {
  test('over any total-power consecutive slots each validator proposes exactly its power times', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 9 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (powers, height) => {
          const schedule = new ProposerSchedule(setOf(powers));
          const total = powers.reduce((a, b) => a + b, 0);
          const counts = powers.map(() => 0);
          for (let round = 0; round < total; round++) {
            const p = schedule.proposer(height, round);
            counts[p] = (counts[p] ?? 0) + 1;
            // only the slot height + round matters: the next round is the next height's turn
            assert.equal(schedule.proposer(height, round + 1), schedule.proposer(height + 1, round));
          }
          assert.deepEqual(counts, powers);
        },
      ),
    );
  });

  test('equal powers rotate through every validator; a zero-power set is refused', () => {
    const schedule = new ProposerSchedule(setOf([1, 1, 1, 1]));
    const seen = new Set([0, 1, 2, 3].map((r) => schedule.proposer(1, r)));
    assert.equal(seen.size, 4);
    assert.equal(
      schedule.proposer(Number.MAX_SAFE_INTEGER, 5),
      schedule.proposer(Number.MAX_SAFE_INTEGER, 5),
    );
    for (const powers of [[], [0, 0], [1, -1], [1.5]]) {
      assert.throws(
        () => new ProposerSchedule(setOf(powers)),
        (e: unknown) => e instanceof XinlianError && e.code === 'CONSENSUS_BAD_VALIDATOR_SET',
        String(powers),
      );
    }
  });
});
