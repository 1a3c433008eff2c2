import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SuiteId } from '@xinlian/crypto';
import fc from 'fast-check';
import {
  createCrl,
  normalizeSerial,
  verifyCaCertificate,
  verifyCrl,
  verifyMemberCertificate,
} from '../src/index.js';
import { DAY, makeOrg, pkiCode, T0 } from './helpers.js';

/** A mutation of DER bytes: change one byte, truncate, or append. */
const mutation = (length: number) =>
  fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.integer({ min: 0, max: length - 1 }),
      xor: fc.integer({ min: 1, max: 255 }),
    }),
    fc.record({
      kind: fc.constant('truncate' as const),
      at: fc.integer({ min: 0, max: length - 1 }),
      xor: fc.constant(0),
    }),
    fc.record({
      kind: fc.constant('append' as const),
      at: fc.integer({ min: 1, max: 8 }),
      xor: fc.integer({ min: 0, max: 255 }),
    }),
  );

function mutate(
  der: Uint8Array,
  m: { kind: 'flip' | 'truncate' | 'append'; at: number; xor: number },
): Uint8Array {
  if (m.kind === 'truncate') return der.slice(0, m.at);
  if (m.kind === 'append') return new Uint8Array([...der, ...new Array(m.at).fill(m.xor)]);
  const out = new Uint8Array(der);
  out[m.at] ^= m.xor;
  return out;
}

for (const id of ['gm', 'intl'] as SuiteId[]) {
  describe(`mutated DER never verifies (${id})`, () => {
    const org = makeOrg(id);
    const { suite } = org;
    const trustedCas = [verifyCaCertificate(org.certificate, { suite })];
    const at = new Date(T0.getTime() + DAY);
    const member = org.issue('validator', 'node-1').cert;

    it('member certificate: every mutation fails parsing or verification', () => {
      assert.equal(verifyMemberCertificate(member.der, { suite, trustedCas, at }).name, 'node-1');
      fc.assert(
        fc.property(mutation(member.der.length), (m) => {
          const bad = mutate(member.der, m);
          assert.notEqual(
            pkiCode(() => verifyMemberCertificate(bad, { suite, trustedCas, at })),
            undefined,
          );
        }),
        { numRuns: 400 },
      );
    });

    it('every single-byte change of the member certificate is refused (exhaustive, one xor per byte)', () => {
      for (let i = 0; i < member.der.length; i++) {
        const bad = mutate(member.der, { kind: 'flip', at: i, xor: 0x01 });
        assert.notEqual(
          pkiCode(() => verifyMemberCertificate(bad, { suite, trustedCas, at })),
          undefined,
          `byte ${i}`,
        );
      }
    });

    it('CA certificate: every mutation fails parsing or the self-signature check', () => {
      fc.assert(
        fc.property(mutation(org.certificate.der.length), (m) => {
          const bad = mutate(org.certificate.der, m);
          assert.notEqual(
            pkiCode(() => verifyCaCertificate(bad, { suite })),
            undefined,
          );
        }),
        { numRuns: 300 },
      );
    });

    it('CRL: every mutation fails parsing or verification', () => {
      const crl = createCrl({
        suite,
        ca: { certificate: org.certificate, key: org.key },
        entries: [{ serial: member.serial, revokedAt: at, reason: 'keyCompromise' }],
        crlNumber: 7,
        thisUpdate: at,
        nextUpdate: new Date(at.getTime() + DAY),
      });
      assert.equal(verifyCrl(crl, { suite, ca: org.certificate }).crlNumber, 7);
      fc.assert(
        fc.property(mutation(crl.length), (m) => {
          const bad = mutate(crl, m);
          assert.notEqual(
            pkiCode(() => verifyCrl(bad, { suite, ca: org.certificate })),
            undefined,
          );
        }),
        { numRuns: 300 },
      );
    });

    it('random bytes never parse as a certificate', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
          assert.notEqual(
            pkiCode(() => verifyMemberCertificate(bytes, { suite, trustedCas, at })),
            undefined,
          );
        }),
        { numRuns: 300 },
      );
    });
  });
}

describe('normalizeSerial', () => {
  it('is idempotent and independent of case, colons and leading zeros', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.nat(3), (bytes, zeros) => {
        fc.pre(bytes.some((b) => b !== 0));
        const hex = Buffer.from(bytes).toString('hex');
        const n = normalizeSerial(hex);
        assert.equal(normalizeSerial(n), n);
        assert.equal(normalizeSerial(`${'00'.repeat(zeros)}${hex.toUpperCase()}`), n);
        assert.equal(normalizeSerial(hex.match(/../g)?.join(':') ?? hex), n);
        assert.equal(BigInt(`0x${n}`), BigInt(`0x${hex}`));
        assert.equal(n.length % 2, 0);
      }),
    );
  });
});
