/** PKCS#10 requests: round trip, self-signature, suite checks, and every mutation refused with a PKI_* code. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSuite, type SuiteId } from '@xinlian/crypto';
import fc from 'fast-check';
import { createCsr, parseCsr, toPem } from '../src/index.js';
import { pkiCode } from './helpers.js';

for (const id of ['gm', 'intl'] as SuiteId[]) {
  describe(`certificate requests (${id})`, () => {
    const suite = createSuite(id);
    const key = suite.generateKey();
    const der = createCsr({ suite, key, subject: { org: 'org1', unit: 'client', name: '张三' } });

    it('round-trips (PEM and DER) with the proven key and the subject', () => {
      for (const input of [der, toPem(der, 'CERTIFICATE REQUEST')]) {
        const csr = parseCsr(input, suite);
        assert.deepEqual(csr.publicKey.bytes, key.publicKey.bytes);
        assert.deepEqual(csr.subject, { org: 'org1', unit: 'client', name: '张三' });
      }
    });

    it('refuses the other suite (PKI_WRONG_SUITE)', () => {
      assert.equal(
        pkiCode(() => parseCsr(der, createSuite(id === 'gm' ? 'intl' : 'gm'))),
        'PKI_WRONG_SUITE',
      );
    });

    it('refuses every single-byte change, truncation or extension', () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.record({ at: fc.nat(der.length - 1), xor: fc.integer({ min: 1, max: 255 }) }),
            fc.record({ cut: fc.integer({ min: 0, max: der.length - 1 }) }),
            fc.record({ extra: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
          ),
          (m) => {
            let bytes: Uint8Array;
            if ('xor' in m) {
              bytes = der.slice();
              bytes[m.at] = (bytes[m.at] as number) ^ m.xor;
            } else if ('cut' in m) bytes = der.slice(0, m.cut);
            else bytes = new Uint8Array([...der, ...m.extra]);
            assert.notEqual(
              pkiCode(() => parseCsr(bytes, suite)),
              undefined,
            );
          },
        ),
        { numRuns: 200 },
      );
    });
  });
}
