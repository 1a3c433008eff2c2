import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type BlockHeader,
  type CommitCertificate,
  blockId as computeBlockId,
  type ValidatorSet,
  type Vote,
  validatorSetHash,
} from '@xinlian/codec';
import { createSuite, type PrivateKey, SUITE_IDS } from '@xinlian/crypto';
import { XinlianError } from '@xinlian/utils';
import fc from 'fast-check';
import {
  makeCommitCertificate,
  quorumPower,
  SoloProposer,
  signVote,
  verifyCommitCertificate,
  verifyVote,
} from '../src/index.js';

const CHAIN = 'test-chain';

/** Asserts that fn throws a XinlianError with `code` whose details include `details`. */
function throwsCode(fn: () => unknown, code: string, details: Record<string, unknown> = {}): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof XinlianError, `expected a XinlianError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const [k, v] of Object.entries(details)) assert.deepEqual(e.details[k], v, `details.${k}`);
    return true;
  });
}

test('quorumPower is the least power strictly above 2/3 of the total', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 50 }),
      (powers) => {
        const set: ValidatorSet = {
          validators: powers.map((power, i) => ({ name: `v${i}`, publicKey: new Uint8Array([i]), power })),
        };
        const total = powers.reduce((a, b) => a + b, 0);
        const q = quorumPower(set);
        assert.ok(3 * q > 2 * total, 'quorum is more than 2/3');
        assert.ok(3 * (q - 1) <= 2 * total, 'one less is not');
      },
    ),
  );
  const ones = (n: number): ValidatorSet => ({
    validators: Array.from({ length: n }, (_, i) => ({
      name: `v${i}`,
      publicKey: new Uint8Array([i]),
      power: 1,
    })),
  });
  assert.equal(quorumPower(ones(1)), 1);
  assert.equal(quorumPower(ones(4)), 3);
  assert.equal(quorumPower(ones(3)), 3);
});

for (const suiteId of SUITE_IDS) {
  describe(`certificates (${suiteId})`, () => {
    const suite = createSuite(suiteId);
    const hash = (...parts: Uint8Array[]) => suite.hash(...parts);
    const keys4 = Array.from({ length: 4 }, () => suite.generateKey());
    const outsider = suite.generateKey();
    const setOf = (keys: readonly PrivateKey[]): ValidatorSet => ({
      validators: keys.map((k, i) => ({ name: `v${i}`, publicKey: k.publicKey.bytes, power: 1 })),
    });
    const set4 = setOf(keys4);
    const set1 = setOf(keys4.slice(0, 1));
    const height = 7;
    const blockId = suite.hash(new TextEncoder().encode('block 7'));
    const otherBlock = suite.hash(new TextEncoder().encode('block 7 bis'));
    const precommit = (key: PrivateKey, validatorIndex: number, overrides: Partial<Vote> = {}): Vote =>
      signVote(suite, key, {
        chainId: CHAIN,
        type: 'precommit',
        height,
        round: 1,
        blockId,
        validatorIndex,
        ...overrides,
      });
    const votes4 = keys4.map((k, i) => precommit(k, i));
    const verify = (
      set: ValidatorSet,
      cert: CommitCertificate,
      id = blockId,
      h: number | undefined = height,
    ) => verifyCommitCertificate(suite, CHAIN, set, cert, id, h);
    const withSigs = (cert: CommitCertificate, indexes: number[]): CommitCertificate => ({
      ...cert,
      signatures: indexes.map((i) => {
        const s = votes4[i];
        assert.ok(s);
        return { validatorIndex: i, signature: s.signature };
      }),
    });

    test('a single validator certificate verifies', () => {
      const cert = makeCommitCertificate(set1, [precommit(keys4[0]!, 0)]);
      assert.equal(cert.signatures.length, 1);
      verify(set1, cert);
      verify(set1, cert, blockId, undefined);
    });

    test('4 validators: all four, or any three, verify; votes are sorted by index', () => {
      const all = makeCommitCertificate(set4, [...votes4].reverse());
      assert.deepEqual(
        all.signatures.map((s) => s.validatorIndex),
        [0, 1, 2, 3],
      );
      verify(set4, all);
      for (let missing = 0; missing < 4; missing++) {
        verify(
          set4,
          makeCommitCertificate(
            set4,
            votes4.filter((_, i) => i !== missing),
          ),
        );
      }
    });

    test('missing signatures under quorum are rejected with the power reached and needed', () => {
      throwsCode(() => makeCommitCertificate(set4, votes4.slice(0, 2)), 'CONSENSUS_NO_QUORUM', {
        power: 2,
        needed: 3,
      });
      const full = makeCommitCertificate(set4, votes4);
      throwsCode(() => verify(set4, withSigs(full, [0, 3])), 'CONSENSUS_BAD_CERTIFICATE', {
        reason: 'no_quorum',
        power: 2,
        needed: 3,
      });
      throwsCode(() => verify(set1, withSigs(full, [])), 'CONSENSUS_BAD_CERTIFICATE', {
        reason: 'no_quorum',
      });
    });

    test('a signature by a key outside the set is rejected, naming the validator index', () => {
      const forged = precommit(outsider, 1);
      const cert = makeCommitCertificate(set4, [votes4[0]!, forged, votes4[2]!]);
      throwsCode(() => verify(set4, cert), 'CONSENSUS_BAD_CERTIFICATE', {
        reason: 'bad_signature',
        validatorIndex: 1,
      });
      throwsCode(() => verifyVote(suite, set4, forged), 'CONSENSUS_BAD_VOTE', { reason: 'bad_signature' });
      verifyVote(suite, set4, votes4[1]!);
    });

    test('a signature placed under another validator index is rejected', () => {
      const full = makeCommitCertificate(set4, votes4);
      const swapped: CommitCertificate = {
        ...full,
        signatures: [
          { validatorIndex: 0, signature: votes4[1]!.signature },
          { validatorIndex: 1, signature: votes4[0]!.signature },
          { validatorIndex: 2, signature: votes4[2]!.signature },
        ],
      };
      throwsCode(() => verify(set4, swapped), 'CONSENSUS_BAD_CERTIFICATE', {
        reason: 'bad_signature',
        validatorIndex: 0,
      });
    });

    test('duplicate, unsorted and out-of-range indexes are rejected', () => {
      const full = makeCommitCertificate(set4, votes4);
      throwsCode(() => verify(set4, withSigs(full, [0, 1, 1, 2])), 'CONSENSUS_BAD_CERTIFICATE', {
        reason: 'duplicate_index',
        validatorIndex: 1,
      });
      throwsCode(() => verify(set4, withSigs(full, [1, 0, 2])), 'CONSENSUS_BAD_CERTIFICATE', {
        reason: 'unsorted',
        validatorIndex: 0,
      });
      const outOfRange = {
        ...full,
        signatures: [...full.signatures, { validatorIndex: 4, signature: new Uint8Array(64) }],
      };
      throwsCode(() => verify(set4, outOfRange), 'CONSENSUS_BAD_CERTIFICATE', {
        reason: 'bad_index',
        validatorIndex: 4,
      });
      throwsCode(
        () => makeCommitCertificate(set4, [votes4[0]!, votes4[1]!, votes4[1]!]),
        'CONSENSUS_BAD_VOTE',
        {
          reason: 'duplicate_index',
        },
      );
    });

    test('a certificate for another block, height, round or chain is rejected', () => {
      const cert = makeCommitCertificate(set4, votes4);
      throwsCode(() => verify(set4, cert, otherBlock), 'CONSENSUS_BAD_CERTIFICATE', {
        reason: 'wrong_block',
      });
      throwsCode(() => verify(set4, cert, blockId, height + 1), 'CONSENSUS_BAD_CERTIFICATE', {
        reason: 'wrong_height',
        expected: height + 1,
        actual: height,
      });
      // Fields the signatures cover: changing them breaks the first signature.
      const moved = { ...cert, height: height + 1 };
      throwsCode(
        () => verifyCommitCertificate(suite, CHAIN, set4, moved, blockId),
        'CONSENSUS_BAD_CERTIFICATE',
        {
          reason: 'bad_signature',
          validatorIndex: 0,
        },
      );
      throwsCode(() => verify(set4, { ...cert, round: 0 }), 'CONSENSUS_BAD_CERTIFICATE', {
        reason: 'bad_signature',
      });
      throwsCode(
        () => verify(set4, { ...cert, blockId: otherBlock }, otherBlock),
        'CONSENSUS_BAD_CERTIFICATE',
        {
          reason: 'bad_signature',
        },
      );
      throwsCode(
        () => verifyCommitCertificate(suite, 'other-chain', set4, cert, blockId, height),
        'CONSENSUS_BAD_CERTIFICATE',
        { reason: 'bad_signature' },
      );
    });

    test('a malformed validator key fails the certificate, not the verifier', () => {
      const broken: ValidatorSet = {
        validators: set4.validators.map((v, i) => (i === 1 ? { ...v, publicKey: new Uint8Array(7) } : v)),
      };
      throwsCode(() => verify(broken, makeCommitCertificate(set4, votes4)), 'CONSENSUS_BAD_CERTIFICATE', {
        reason: 'bad_public_key',
        validatorIndex: 1,
      });
    });

    test('votes that are not precommits for one block cannot form a certificate', () => {
      for (const odd of [
        precommit(keys4[3]!, 3, { type: 'prevote' }),
        precommit(keys4[3]!, 3, { blockId: otherBlock }),
        precommit(keys4[3]!, 3, { round: 2 }),
        precommit(keys4[3]!, 3, { height: height + 1 }),
        precommit(keys4[3]!, 3, { blockId: new Uint8Array(0) }),
      ]) {
        throwsCode(() => makeCommitCertificate(set4, [...votes4.slice(0, 3), odd]), 'CONSENSUS_BAD_VOTE', {
          reason: 'mismatch',
        });
      }
    });

    test('any tampered signature byte is rejected', () => {
      const cert = makeCommitCertificate(set4, votes4);
      fc.assert(
        fc.property(
          fc.nat(3),
          fc.nat(suite.signatureLength - 1),
          fc.integer({ min: 1, max: 255 }),
          (i, pos, x) => {
            const signatures = cert.signatures.map((s) => ({ ...s, signature: new Uint8Array(s.signature) }));
            const sig = signatures[i]!.signature;
            sig[pos] = sig[pos]! ^ x;
            throwsCode(() => verify(set4, { ...cert, signatures }), 'CONSENSUS_BAD_CERTIFICATE', {
              reason: 'bad_signature',
              validatorIndex: i,
            });
          },
        ),
        { numRuns: 20 },
      );
    });

    describe('SoloProposer', () => {
      const key = keys4[0]!;
      const header = (h: number, overrides: Partial<BlockHeader> = {}): BlockHeader => ({
        chainId: CHAIN,
        height: h,
        time: 1_700_000_000_000 + h,
        parentId: new Uint8Array(32),
        txRoot: suite.hash(),
        receiptRoot: suite.hash(),
        appHash: suite.hash(new Uint8Array([h])),
        validatorSetHash: validatorSetHash(hash, set1),
        nextValidatorSetHash: validatorSetHash(hash, set1),
        proposer: key.publicKey.bytes,
        txCount: 0,
        ...overrides,
      });

      test('commits a header with a certificate that verifies, once per height', () => {
        const solo = new SoloProposer({ chainId: CHAIN, key, validatorSet: set1 }, { suite });
        const h1 = header(1);
        const out = solo.commit(h1);
        assert.deepEqual(out.blockId, computeBlockId(hash, h1));
        assert.equal(out.vote.type, 'precommit');
        verifyVote(suite, set1, out.vote);
        verifyCommitCertificate(suite, CHAIN, set1, out.certificate, out.blockId, 1);
        throwsCode(() => solo.commit(header(1, { time: 5 })), 'CONSENSUS_BAD_PROPOSAL', {
          reason: 'height_already_signed',
        });
        verifyCommitCertificate(
          suite,
          CHAIN,
          set1,
          solo.commit(header(2)).certificate,
          computeBlockId(hash, header(2)),
          2,
        );
      });

      test('refuses headers of another chain, validator set or proposer, and a restart below its last height', () => {
        const solo = new SoloProposer(
          { chainId: CHAIN, key, validatorSet: set1, lastSignedHeight: 10 },
          { suite },
        );
        throwsCode(() => solo.commit(header(10)), 'CONSENSUS_BAD_PROPOSAL', {
          reason: 'height_already_signed',
        });
        throwsCode(() => solo.commit(header(11, { chainId: 'x' })), 'CONSENSUS_BAD_PROPOSAL', {
          reason: 'wrong_chain',
        });
        throwsCode(
          () => solo.commit(header(11, { validatorSetHash: validatorSetHash(hash, set4) })),
          'CONSENSUS_BAD_PROPOSAL',
          { reason: 'wrong_validator_set' },
        );
        throwsCode(
          () => solo.commit(header(11, { proposer: outsider.publicKey.bytes })),
          'CONSENSUS_BAD_PROPOSAL',
          {
            reason: 'wrong_proposer',
          },
        );
        assert.equal(solo.commit(header(11)).certificate.height, 11);
      });

      test('needs a key in the set holding a quorum alone', () => {
        throwsCode(
          () => new SoloProposer({ chainId: CHAIN, key: outsider, validatorSet: set1 }, { suite }),
          'CONSENSUS_NOT_VALIDATOR',
        );
        throwsCode(
          () => new SoloProposer({ chainId: CHAIN, key, validatorSet: set4 }, { suite }),
          'CONSENSUS_NO_QUORUM',
          {
            power: 1,
            needed: 3,
          },
        );
      });
    });
  });
}
