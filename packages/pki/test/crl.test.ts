import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SuiteId } from '@xinlian/crypto';
import { createCrl, fromPem, toPem, verifyCrl } from '../src/index.js';
import { code, DAY, makeOrg, T0 } from './helpers.js';

for (const id of ['gm', 'intl'] as SuiteId[]) {
  describe(`CRLs (${id})`, () => {
    const org = makeOrg(id, 'acme');
    const other = makeOrg(org.suite, 'acme', 'acme-impostor');
    const { suite } = org;
    const a = org.issue('client', 'a').cert;
    const b = org.issue('auditor', 'b').cert;
    const base = {
      suite,
      ca: { certificate: org.certificate, key: org.key },
      crlNumber: 12,
      thisUpdate: T0,
      nextUpdate: new Date(T0.getTime() + 7 * DAY),
    };

    it('round-trips entries, reasons, number and times', () => {
      const der = createCrl({
        ...base,
        entries: [
          { serial: a.serial, revokedAt: new Date(T0.getTime() + 1500), reason: 'unspecified' },
          { serial: b.serial.toUpperCase(), revokedAt: T0, reason: 'privilegeWithdrawn' },
        ],
      });
      const crl = verifyCrl(toPem(der, 'X509 CRL'), { suite, ca: org.certificate });
      assert.deepEqual(crl.issuer, org.certificate.subject);
      assert.equal(crl.crlNumber, 12);
      assert.equal(crl.thisUpdate.getTime(), T0.getTime());
      assert.equal(crl.nextUpdate?.getTime(), T0.getTime() + 7 * DAY);
      assert.deepEqual(
        crl.entries.map((e) => [e.serial, e.reason, e.revokedAt.getTime()]),
        [
          [a.serial, 'unspecified', T0.getTime() + 1000],
          [b.serial, 'privilegeWithdrawn', T0.getTime()],
        ],
      );
      assert.deepEqual(fromPem(toPem(der, 'X509 CRL'), 'X509 CRL'), der);
    });

    it('an empty CRL has no revokedCertificates field and verifies', () => {
      const crl = verifyCrl(createCrl({ ...base, entries: [] }), { suite, ca: org.certificate });
      assert.deepEqual(crl.entries, []);
    });

    it('refuses a CRL checked against another CA, or signed by another key', () => {
      const der = createCrl({ ...base, entries: [] });
      const beta = makeOrg(suite, 'beta');
      assert.throws(() => verifyCrl(der, { suite, ca: beta.certificate }), code('PKI_UNKNOWN_ISSUER'));
      // same name, another key: its key id differs
      assert.throws(() => verifyCrl(der, { suite, ca: other.certificate }), code('PKI_UNKNOWN_ISSUER'));
      // a CA record with the right name and key id but another key: the signature check catches it
      const wrongKey = { ...org.certificate, publicKey: other.certificate.publicKey };
      assert.throws(() => verifyCrl(der, { suite, ca: wrongKey }), code('PKI_BAD_SIGNATURE'));
    });

    it('validates arguments', () => {
      assert.throws(() => createCrl({ ...base, entries: [], crlNumber: -1 }), code('PKI_INVALID_ARGUMENT'));
      assert.throws(() => createCrl({ ...base, entries: [], nextUpdate: T0 }), code('PKI_INVALID_ARGUMENT'));
      assert.throws(
        () =>
          createCrl({
            ...base,
            entries: [{ serial: a.serial, revokedAt: T0, reason: 'removeFromCRL' as never }],
          }),
        code('PKI_INVALID_ARGUMENT'),
      );
      assert.throws(
        () => createCrl({ ...base, entries: [{ serial: 'xyz', revokedAt: T0, reason: 'superseded' }] }),
        code('PKI_INVALID_ARGUMENT'),
      );
      assert.throws(
        () => createCrl({ ...base, ca: { certificate: a, key: org.key }, entries: [] }),
        code('PKI_NOT_A_CA'),
      );
      assert.throws(
        () => createCrl({ ...base, ca: { certificate: org.certificate, key: other.key }, entries: [] }),
        code('PKI_INVALID_ARGUMENT'),
      );
    });
  });
}
