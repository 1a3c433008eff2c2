import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type BlockHeader,
  type CommitCertificate,
  blockId as computeBlockId,
  type ValidatorSet,
  validatorSetHash,
} from '@xinlian/codec';
import { createSuite, type PrivateKey, SUITE_IDS } from '@xinlian/crypto';
import { XinlianError } from '@xinlian/utils';
import fc from 'fast-check';
import {
  headerValidatorSets,
  type ScheduledValidatorSet,
  signVote,
  VALSET_CHANGE_DELAY,
  type ValidatorSetLink,
  validatorSetAt,
  verifyHeaderAcrossChanges,
  verifyValidatorSetChain,
} from '../src/index.js';

const CHAIN = 'valset-chain';

function throwsCode(fn: () => unknown, code: string, details: Record<string, unknown> = {}): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof XinlianError, `expected a XinlianError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const [k, v] of Object.entries(details)) assert.deepEqual(e.details[k], v, `details.${k}`);
    return true;
  });
}

const labelSet = (label: number): ValidatorSet => ({
  validators: [{ name: `s${label}`, publicKey: new Uint8Array([label]), power: 1 }],
});

test('every node derives the same sets for a height from the state committed before it', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 8 }),
      fc.integer({ min: 1, max: 70 }),
      (scheduledBy, height) => {
        const sorted = [...scheduledBy].sort((a, b) => a - b);
        // A change scheduled by block h is written as the set deciding h + 2.
        const full: ScheduledValidatorSet[] = [
          { height: 0, validatorSet: labelSet(0) },
          ...sorted.map((h) => ({ height: h + VALSET_CHANGE_DELAY, validatorSet: labelSet(h) })),
        ];
        // What a node knows after committing height − 1: changes scheduled by blocks ≤ height − 1.
        const known = full.filter((_s, i) => i === 0 || (sorted[i - 1] as number) <= height - 1);
        const a = headerValidatorSets(full, height);
        const b = headerValidatorSets(known, height);
        assert.deepEqual(b, a, 'the committed state before H fixes the sets of H and H+1');
        // The set for H is the latest change effective at or below H.
        const effective = sorted.filter((h) => h + VALSET_CHANGE_DELAY <= height);
        const expected = effective.length === 0 ? 0 : (effective[effective.length - 1] as number);
        assert.deepEqual(validatorSetAt(full, height), labelSet(expected));
      },
    ),
  );
  throwsCode(
    () => validatorSetAt([{ height: 3, validatorSet: labelSet(1) }], 2),
    'CONSENSUS_NO_VALIDATOR_SET',
  );
});

describe('validator-set chain', () => {
  const suite = createSuite(SUITE_IDS[0]);
  const hash = (...p: Uint8Array[]) => suite.hash(...p);
  const keysA = Array.from({ length: 4 }, () => suite.generateKey());
  const fifth = suite.generateKey();
  const keysB = [...keysA, fifth];
  const keysC = keysB.slice(1); // removes validator 0 of B
  const setOf = (keys: readonly PrivateKey[]): ValidatorSet => ({
    validators: keys.map((k, i) => ({ name: `v${i}`, publicKey: k.publicKey.bytes, power: 1 })),
  });
  const A = setOf(keysA);
  const B = setOf(keysB);
  const C = setOf(keysC);
  const z = new Uint8Array(32);
  const header = (height: number, set: ValidatorSet, next: ValidatorSet): BlockHeader => ({
    chainId: CHAIN,
    height,
    time: 1_000 + height,
    parentId: z,
    txRoot: z,
    receiptRoot: z,
    appHash: z,
    validatorSetHash: validatorSetHash(hash, set),
    nextValidatorSetHash: validatorSetHash(hash, next),
    proposer: keysA[0]?.publicKey.bytes ?? z,
    txCount: 0,
  });
  /** A certificate of `h` by the `signers` found in `set` (at their indexes; quorum not checked). */
  const certify = (h: BlockHeader, set: ValidatorSet, signers: readonly PrivateKey[]): CommitCertificate => {
    const id = computeBlockId(hash, h);
    const votes = signers
      .map((k) => ({
        k,
        validatorIndex: set.validators.findIndex((v) => Buffer.from(v.publicKey).equals(k.publicKey.bytes)),
      }))
      .filter((x) => x.validatorIndex >= 0)
      .sort((a, b) => a.validatorIndex - b.validatorIndex)
      .map(({ k, validatorIndex }) =>
        signVote(suite, k, {
          chainId: CHAIN,
          type: 'precommit',
          height: h.height,
          round: 0,
          blockId: id,
          validatorIndex,
        }),
      );
    return {
      height: h.height,
      round: 0,
      blockId: id,
      signatures: votes.map((v) => ({ validatorIndex: v.validatorIndex, signature: v.signature })),
    };
  };
  // Block 3 scheduled A → B (effective 5): header 4 is signed by A and commits next = B.
  const h4 = header(4, A, B);
  const link5: ValidatorSetLink = {
    height: 5,
    validatorSet: B,
    header: h4,
    certificate: certify(h4, A, keysA),
  };
  // Block 7 scheduled B → C (effective 9): header 8 is signed by B (with the 5th) and commits C.
  const h8 = header(8, B, C);
  const link9: ValidatorSetLink = {
    height: 9,
    validatorSet: C,
    header: h8,
    certificate: certify(h8, B, keysB.slice(1)),
  };
  const links = [link5, link9];

  test('a block after each change verifies with the new set; before it with the old', () => {
    const schedule = verifyValidatorSetChain(suite, CHAIN, A, links);
    assert.deepEqual(
      schedule.map((s) => s.height),
      [0, 5, 9],
    );
    const h3 = header(3, A, A);
    assert.deepEqual(
      verifyHeaderAcrossChanges(suite, CHAIN, A, links, h3, certify(h3, A, keysA.slice(0, 3))),
      A,
    );
    const h6 = header(6, B, B);
    // The new validator's signature counts: 4 of 5 including it.
    const withFifth = certify(h6, B, [fifth, ...keysA.slice(0, 3)]);
    assert.ok(withFifth.signatures.some((s) => s.validatorIndex === 4));
    assert.deepEqual(verifyHeaderAcrossChanges(suite, CHAIN, A, links, h6, withFifth), B);
    const h10 = header(10, C, C);
    assert.deepEqual(
      verifyHeaderAcrossChanges(suite, CHAIN, A, links, h10, certify(h10, C, keysC.slice(0, 3))),
      C,
    );
    // Old receipts: no links, genesis set, still verify.
    assert.deepEqual(verifyHeaderAcrossChanges(suite, CHAIN, A, [], h3, certify(h3, A, keysA)), A);
  });

  test('a certificate by the old set after the switch height is rejected', () => {
    // A header still naming A at height 6 is not the chain's set.
    const h6old = header(6, A, A);
    throwsCode(
      () => verifyHeaderAcrossChanges(suite, CHAIN, A, links, h6old, certify(h6old, A, keysA)),
      'CONSENSUS_BAD_VALSET_CHAIN',
      { reason: 'wrong_validator_set' },
    );
    // A header naming B but signed only by the old members (3 of 5) has no quorum.
    const h6 = header(6, B, B);
    throwsCode(
      () => verifyHeaderAcrossChanges(suite, CHAIN, A, links, h6, certify(h6, B, keysA.slice(0, 3))),
      'CONSENSUS_BAD_CERTIFICATE',
      { reason: 'no_quorum' },
    );
    // The removed validator's signature does not count after 9: its key is not in C.
    const h10 = header(10, C, C);
    const byC = certify(h10, C, keysC.slice(0, 2));
    throwsCode(
      () => verifyHeaderAcrossChanges(suite, CHAIN, A, links, h10, byC),
      'CONSENSUS_BAD_CERTIFICATE',
      {
        reason: 'no_quorum',
      },
    );
  });

  test('tampering any link fails at the chain step', () => {
    const h10 = header(10, C, C);
    const cert10 = certify(h10, C, keysC);
    const fails = (bad: ValidatorSetLink[], reason: string) =>
      throwsCode(
        () => verifyHeaderAcrossChanges(suite, CHAIN, A, bad, h10, cert10),
        'CONSENSUS_BAD_VALSET_CHAIN',
        {
          reason,
        },
      );
    for (const [i, link] of links.entries()) {
      const put = (l: ValidatorSetLink) => links.map((x, j) => (j === i ? l : x));
      const other = link.validatorSet.validators.map((v, k) => (k === 0 ? { ...v, power: 5 } : v));
      fails(put({ ...link, validatorSet: { validators: other } }), 'wrong_next_validator_set');
      fails(put({ ...link, header: { ...link.header, time: link.header.time + 1 } }), 'bad_certificate');
      fails(put({ ...link, header: { ...link.header, chainId: 'other' } }), 'wrong_chain');
      fails(put({ ...link, height: link.height + 1 }), 'wrong_header_height');
      const sig = link.certificate.signatures[0];
      assert.ok(sig);
      const flipped = new Uint8Array(sig.signature);
      flipped[0] = (flipped[0] ?? 0) ^ 1;
      fails(
        put({
          ...link,
          certificate: {
            ...link.certificate,
            signatures: [{ ...sig, signature: flipped }, ...link.certificate.signatures.slice(1)],
          },
        }),
        'bad_certificate',
      );
      // A link certified by its own new set instead of the previous one.
      const selfSigned = certify(link.header, link.validatorSet, keysB);
      fails(put({ ...link, certificate: selfSigned }), 'bad_certificate');
    }
    // A link left out: the next link's header (or the block) is not signed by the trusted set.
    fails([link9], 'wrong_validator_set');
    fails([link5], 'wrong_validator_set');
    fails([link9, link5], 'wrong_validator_set');
    fails([link5, link5], 'unordered');
    fails([{ ...link5, height: 1 }], 'bad_height');
  });
});
