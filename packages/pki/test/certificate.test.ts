import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSuite, type SuiteId } from '@xinlian/crypto';
import { toHex } from '@xinlian/utils';
import {
  createCaCertificate,
  fingerprint,
  fromPem,
  issueCertificate,
  keyIdentifier,
  normalizeSerial,
  OID,
  parseCertificate,
  ROLES,
  randomSerial,
  toPem,
} from '../src/index.js';
import { code, DAY, makeOrg, seededRandom, T0 } from './helpers.js';

for (const id of ['gm', 'intl'] as SuiteId[]) {
  describe(`certificates (${id})`, () => {
    const org = makeOrg(id);
    const { suite } = org;

    it('a CA certificate carries the CA profile', () => {
      const ca = org.certificate;
      assert.equal(ca.isCa, true);
      assert.equal(ca.role, 'ca');
      assert.deepEqual(ca.subject, { org: 'acme', unit: 'ca', name: 'acme CA' });
      assert.deepEqual(ca.issuer, ca.subject);
      assert.deepEqual(ca.keyUsage, ['keyCertSign', 'cRLSign']);
      assert.deepEqual(ca.extKeyUsage, []);
      assert.deepEqual(ca.subjectKeyId, keyIdentifier(suite, org.key.publicKey));
      assert.deepEqual(ca.authorityKeyId, ca.subjectKeyId);
      assert.deepEqual(ca.publicKey.bytes, org.key.publicKey.bytes);
      assert.equal(ca.notBefore.getTime(), T0.getTime());
      assert.equal(ca.notAfter.getTime(), T0.getTime() + 3650 * DAY);
      assert.equal(ca.suite, id);
      assert.equal(suite.verify(ca.publicKey, ca.tbs, ca.signature), true);
    });

    it('member certificates carry role, org, name and the right key usages', () => {
      for (const role of ROLES) {
        const { cert, key } = org.issue(role, `${role} one`);
        assert.equal(cert.isCa, false);
        assert.equal(cert.role, role);
        assert.equal(cert.org, 'acme');
        assert.equal(cert.name, `${role} one`);
        assert.deepEqual(cert.issuer, org.certificate.subject);
        assert.deepEqual(cert.keyUsage, ['digitalSignature']);
        const node = role === 'validator' || role === 'observer';
        assert.deepEqual(cert.extKeyUsage, node ? [OID.serverAuth, OID.clientAuth] : [OID.clientAuth]);
        assert.deepEqual(cert.authorityKeyId, org.certificate.subjectKeyId);
        assert.deepEqual(cert.publicKey.bytes, key.publicKey.bytes);
        assert.equal(cert.notAfter.getTime(), T0.getTime() + 365 * DAY);
        assert.equal(suite.verify(org.key.publicKey, cert.tbs, cert.signature), true);
      }
    });

    it('parses its own DER and PEM to the same certificate', () => {
      const { cert } = org.issue('client', '张三 (客户端)');
      const pem = toPem(cert.der, 'CERTIFICATE');
      assert.match(
        pem,
        /^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----\n$/,
      );
      assert.deepEqual(fromPem(pem, 'CERTIFICATE'), cert.der);
      const again = parseCertificate(pem, suite);
      assert.deepEqual(again, cert);
      assert.equal(again.name, '张三 (客户端)');
      assert.deepEqual(parseCertificate(new TextEncoder().encode(pem), suite), cert);
      assert.equal(fingerprint(suite, cert), toHex(suite.hash(cert.der)));
    });

    it('refuses a certificate of the other suite', () => {
      const other = makeOrg(id === 'gm' ? 'intl' : 'gm');
      assert.throws(() => parseCertificate(other.certificate.der, suite), code('PKI_WRONG_SUITE'));
    });

    it('serials come from the injected random source: 16 octets, positive', () => {
      const a = createCaCertificate({
        suite,
        org: 'o',
        key: org.key,
        notBefore: T0,
        random: seededRandom('x'),
      });
      const b = createCaCertificate({
        suite,
        org: 'o',
        key: org.key,
        notBefore: T0,
        random: seededRandom('x'),
      });
      const c = createCaCertificate({
        suite,
        org: 'o',
        key: org.key,
        notBefore: T0,
        random: seededRandom('y'),
      });
      assert.equal(a.serial, b.serial);
      assert.notEqual(a.serial, c.serial);
      assert.match(a.serial, /^[4-7][0-9a-f]{31}$/);
    });

    it('validates builder arguments', () => {
      const base = { suite, key: org.key, notBefore: T0, random: seededRandom('z') };
      assert.throws(() => createCaCertificate({ ...base, org: 'bad org' }), code('PKI_INVALID_ARGUMENT'));
      assert.throws(() => createCaCertificate({ ...base, org: '' }), code('PKI_INVALID_ARGUMENT'));
      assert.throws(
        () => createCaCertificate({ ...base, org: 'o', name: ' padded' }),
        code('PKI_INVALID_ARGUMENT'),
      );
      assert.throws(
        () => createCaCertificate({ ...base, org: 'o', name: 'a\nb' }),
        code('PKI_INVALID_ARGUMENT'),
      );
      assert.throws(
        () => createCaCertificate({ ...base, org: 'o', name: 'x'.repeat(65) }),
        code('PKI_INVALID_ARGUMENT'),
      );
      assert.throws(
        () => createCaCertificate({ ...base, org: 'o', notAfter: T0 }),
        code('PKI_INVALID_ARGUMENT'),
      );
      const otherSuite = createSuite(id === 'gm' ? 'intl' : 'gm');
      assert.throws(
        () => createCaCertificate({ ...base, org: 'o', suite: otherSuite }),
        code('PKI_WRONG_SUITE'),
      );
      const member = suite.generateKey();
      const issue = {
        suite,
        ca: { certificate: org.certificate, key: org.key },
        role: 'client' as const,
        name: 'n',
        publicKey: member.publicKey,
        notBefore: T0,
        random: seededRandom('w'),
      };
      assert.throws(() => issueCertificate({ ...issue, role: 'ca' as never }), code('PKI_INVALID_ARGUMENT'));
      assert.throws(
        () => issueCertificate({ ...issue, role: 'root' as never }),
        code('PKI_INVALID_ARGUMENT'),
      );
      assert.throws(
        () => issueCertificate({ ...issue, notAfter: new Date(T0.getTime() + 4000 * DAY) }),
        code('PKI_INVALID_ARGUMENT'),
      );
      assert.throws(
        () => issueCertificate({ ...issue, ca: { certificate: org.certificate, key: member } }),
        code('PKI_INVALID_ARGUMENT'),
      );
      const leaf = org.issue('client', 'leaf').cert;
      assert.throws(
        () => issueCertificate({ ...issue, ca: { certificate: leaf, key: org.key } }),
        code('PKI_NOT_A_CA'),
      );
      assert.throws(() => randomSerial(() => new Uint8Array(8)), code('PKI_INVALID_ARGUMENT'));
    });

    it('uses GeneralizedTime from 2050 and keeps whole seconds', () => {
      const ca = createCaCertificate({
        suite,
        org: 'late',
        key: org.key,
        notBefore: new Date('2049-06-01T00:00:00.750Z'),
        notAfter: new Date('2051-01-01T00:00:00Z'),
        random: seededRandom('late'),
      });
      assert.equal(ca.notBefore.toISOString(), '2049-06-01T00:00:00.000Z');
      assert.equal(ca.notAfter.toISOString(), '2051-01-01T00:00:00.000Z');
      const hex = toHex(ca.der);
      assert.ok(hex.includes(toHex(new TextEncoder().encode('490601000000Z'))), 'UTCTime for 2049');
      assert.ok(hex.includes(toHex(new TextEncoder().encode('20510101000000Z'))), 'GeneralizedTime for 2051');
    });
  });
}

describe('serial numbers', () => {
  it('normalizes the forms openssl prints', () => {
    assert.equal(normalizeSerial('40:D3:06'), '40d306');
    assert.equal(normalizeSerial('0x0040d306'), '40d306');
    assert.equal(normalizeSerial('abc'), '0abc');
    assert.throws(() => normalizeSerial('00'), code('PKI_INVALID_ARGUMENT'));
    assert.throws(() => normalizeSerial('xyz'), code('PKI_INVALID_ARGUMENT'));
    assert.throws(() => normalizeSerial('1'.repeat(42)), code('PKI_INVALID_ARGUMENT'));
  });
});
