/** Interoperability with the OpenSSL 3 command line (installed in CI by .ci/run), both ways. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { exportPrivateKeyPem, exportPublicKeyPem, type SuiteId } from '@xinlian/crypto';
import {
  createCrl,
  createRevocationSet,
  parseCertificate,
  toPem,
  verifyCaCertificate,
  verifyCrl,
  verifyMemberCertificate,
} from '../src/index.js';
import { code, derChildren, makeOrg, openssl, opensslRun, tempDir } from './helpers.js';

const tmp = tempDir();
after(() => tmp.dispose());

/** OpenSSL 3 verifies an SM2 signature with an empty distinguishing ID unless told the GB/T default. */
const DISTID = ['-vfyopt', 'distid:1234567812345678'];
const SIGOPT = ['-sigopt', 'distid:1234567812345678'];

const OPENSSL_CONF = `
[req]
distinguished_name = dn
prompt = no
string_mask = utf8only
utf8 = yes
[dn]
O = x
[v3_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_validator]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:node-1.example
`;

for (const id of ['gm', 'intl'] as SuiteId[]) {
  describe(`OpenSSL interop (${id})`, () => {
    const f = (name: string) => tmp.file(`${id}-${name}`);
    const gm = id === 'gm';
    const vfy = gm ? DISTID : [];
    const org = makeOrg(id, 'acme', `openssl-${id}`);
    const { suite } = org;

    /** Checks with `openssl pkeyutl` (default SM2 ID) that the CA's key signed a signed DER object (tbs, alg, sig). */
    const assertSm2SignedByCa = (der: Uint8Array, name: string) => {
      const [tbs, , sigBits] = derChildren(der);
      writeFileSync(f(`${name}.tbs`), tbs);
      writeFileSync(f(`${name}.sig`), sigBits.subarray(3)); // BIT STRING header (tag, length) + unused-bits byte
      writeFileSync(f('ca.pub.pem'), exportPublicKeyPem(org.certificate.publicKey));
      const ok = openssl([
        'pkeyutl',
        '-verify',
        '-rawin',
        '-digest',
        'sm3',
        '-pkeyopt',
        'distid:1234567812345678',
        '-pubin',
        '-inkey',
        f('ca.pub.pem'),
        '-sigfile',
        f(`${name}.sig`),
        '-in',
        f(`${name}.tbs`),
      ]);
      assert.match(ok, /Signature Verified Successfully/);
    };
    const validator = org.issue('validator', 'node-1');
    const client = org.issue('client', '张三');
    writeFileSync(f('ca.pem'), toPem(org.certificate.der, 'CERTIFICATE'));
    writeFileSync(f('validator.pem'), toPem(validator.cert.der, 'CERTIFICATE'));
    writeFileSync(f('client.pem'), toPem(client.cert.der, 'CERTIFICATE'));

    it('openssl x509 -text parses our certificates and names the algorithms', () => {
      const ca = openssl(['x509', '-in', f('ca.pem'), '-noout', '-text', '-nameopt', 'utf8']);
      const leaf = openssl(['x509', '-in', f('validator.pem'), '-noout', '-text', '-nameopt', 'utf8']);
      if (gm) {
        // SM2-with-SM3 is OID 1.2.156.10197.1.501: in the DER as 06 08 2a 81 1c cf 55 01 83 75
        // (signature field of the TBS and the outer signatureAlgorithm), which openssl names so.
        const oid = Buffer.from('06082a811ccf55018375', 'hex');
        const der = Buffer.from(validator.cert.der);
        assert.ok(
          der.indexOf(oid) >= 0 && der.indexOf(oid, der.indexOf(oid) + 1) > 0,
          'OID 1.2.156.10197.1.501 twice',
        );
        const objects = openssl(['asn1parse', '-in', f('validator.pem')]).match(/OBJECT\s+:SM2-with-SM3/g);
        assert.equal(objects?.length, 2);
        assert.match(leaf, /Signature Algorithm: SM2-with-SM3/);
        assert.match(leaf, /Public Key Algorithm: id-ecPublicKey/);
        assert.match(leaf, /ASN1 OID: SM2/);
      } else {
        assert.match(leaf, /Signature Algorithm: ED25519/);
        assert.match(leaf, /Public Key Algorithm: ED25519/);
      }
      assert.match(leaf, /Version: 3 \(0x2\)/);
      assert.match(leaf, /Subject: O ?= ?acme, OU ?= ?validator, CN ?= ?node-1/);
      assert.match(leaf, /Issuer: O ?= ?acme, OU ?= ?ca, CN ?= ?acme CA/);
      assert.match(leaf, /Basic Constraints: critical\s+CA:FALSE/);
      assert.match(leaf, /Key Usage: critical\s+Digital Signature\n/);
      assert.match(leaf, /TLS Web Server Authentication, TLS Web Client Authentication/);
      assert.match(ca, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
      assert.match(ca, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
      const serial = openssl(['x509', '-in', f('validator.pem'), '-noout', '-serial']).trim();
      assert.equal(serial.toLowerCase(), `serial=${validator.cert.serial}`);
      const utf8 = openssl([
        'x509',
        '-in',
        f('client.pem'),
        '-noout',
        '-subject',
        '-nameopt',
        'utf8,sep_comma_plus',
      ]);
      assert.match(utf8, /CN=张三/);
    });

    it('openssl verify accepts the chain CA → member (strict X.509, TLS purposes)', () => {
      const server = openssl([
        'verify',
        ...vfy,
        '-x509_strict',
        '-purpose',
        'sslserver',
        '-CAfile',
        f('ca.pem'),
        f('validator.pem'),
      ]);
      assert.match(server, /validator\.pem: OK/);
      const cl = openssl([
        'verify',
        ...vfy,
        '-x509_strict',
        '-purpose',
        'sslclient',
        '-CAfile',
        f('ca.pem'),
        f('client.pem'),
      ]);
      assert.match(cl, /client\.pem: OK/);
      // a client certificate is not a TLS server certificate
      assert.equal(
        opensslRun(['verify', ...vfy, '-purpose', 'sslserver', '-CAfile', f('ca.pem'), f('client.pem')]).ok,
        false,
      );
      // another org's CA does not anchor it
      const other = makeOrg(suite, 'acme', 'other-acme');
      writeFileSync(f('other-ca.pem'), toPem(other.certificate.der, 'CERTIFICATE'));
      assert.equal(
        opensslRun(['verify', ...vfy, '-CAfile', f('other-ca.pem'), f('validator.pem')]).ok,
        false,
      );
    });

    it("the CA's self-signature verifies in openssl", () => {
      if (!gm) {
        assert.match(
          openssl(['verify', '-check_ss_sig', '-x509_strict', '-CAfile', f('ca.pem'), f('ca.pem')]),
          /OK/,
        );
        return;
      }
      // openssl verify applies -vfyopt to the leaf only; check the SM2 self-signature with pkeyutl.
      assertSm2SignedByCa(org.certificate.der, 'ca');
    });

    it('openssl verify refuses a tampered certificate', () => {
      const der = new Uint8Array(validator.cert.der);
      const at = Buffer.from(der).indexOf(Buffer.from('node-1'));
      assert.ok(at > 0);
      der[at + 5] = '2'.charCodeAt(0); // node-1 → node-2, same length: still well-formed DER
      writeFileSync(f('tampered.pem'), toPem(der, 'CERTIFICATE'));
      openssl(['x509', '-in', f('tampered.pem'), '-noout']);
      const r = opensslRun(['verify', ...vfy, '-CAfile', f('ca.pem'), f('tampered.pem')]);
      assert.equal(r.ok, false);
      assert.match(r.output, /certificate signature failure/);
      assert.throws(
        () =>
          verifyMemberCertificate(der, {
            suite,
            trustedCas: [org.certificate],
            at: validator.cert.notBefore,
          }),
        code('PKI_BAD_SIGNATURE'),
      );
    });

    it('an OpenSSL-made CA and member certificate parse and verify in our code', () => {
      writeFileSync(f('openssl.cnf'), OPENSSL_CONF);
      writeFileSync(f('o-ca.key'), exportPrivateKeyPem(suite.generateKey()));
      const leafKey = suite.generateKey();
      writeFileSync(f('o-leaf.key'), exportPrivateKeyPem(leafKey));
      const digest = gm ? ['-sm3', ...SIGOPT] : [];
      /** `openssl req -x509` of a CA certificate for `subject`, self-signed with o-ca.key, into `out`. */
      const selfSignCa = (subject: string, out: string) =>
        openssl([
          'req',
          '-config',
          f('openssl.cnf'),
          '-new',
          '-x509',
          '-key',
          f('o-ca.key'),
          ...digest,
          '-subj',
          subject,
          '-extensions',
          'v3_ca',
          '-days',
          '30',
          '-out',
          f(out),
        ]);
      selfSignCa('/O=gongsi/OU=ca/CN=Gongsi Root', 'o-ca.pem');
      openssl([
        'req',
        '-config',
        f('openssl.cnf'),
        '-new',
        '-key',
        f('o-leaf.key'),
        ...digest,
        '-subj',
        '/O=gongsi/OU=validator/CN=节点-1',
        '-out',
        f('o-leaf.csr'),
      ]);
      openssl([
        'x509',
        '-req',
        '-in',
        f('o-leaf.csr'),
        ...(gm ? DISTID : []),
        '-CA',
        f('o-ca.pem'),
        '-CAkey',
        f('o-ca.key'),
        '-CAcreateserial',
        '-CAserial',
        f('o-ca.srl'),
        ...digest,
        '-extfile',
        f('openssl.cnf'),
        '-extensions',
        'v3_validator',
        '-days',
        '10',
        '-out',
        f('o-leaf.pem'),
      ]);
      const now = new Date();
      const ca = verifyCaCertificate(readFileSync(f('o-ca.pem'), 'utf8'), { suite, at: now });
      assert.equal(ca.org, 'gongsi');
      assert.equal(ca.name, 'Gongsi Root');
      const member = verifyMemberCertificate(readFileSync(f('o-leaf.pem'), 'utf8'), {
        suite,
        trustedCas: [ca],
        at: now,
        usage: 'tls-server',
      });
      assert.equal(member.org, 'gongsi');
      assert.equal(member.role, 'validator');
      assert.equal(member.name, '节点-1');
      assert.deepEqual(member.publicKey.bytes, leafKey.publicKey.bytes);
      const serial = openssl(['x509', '-in', f('o-leaf.pem'), '-noout', '-serial'])
        .trim()
        .slice('serial='.length);
      const revoked = createRevocationSet([{ org: 'gongsi', serial }]);
      assert.throws(
        () =>
          verifyMemberCertificate(readFileSync(f('o-leaf.pem')), {
            suite,
            trustedCas: [ca],
            at: now,
            revoked,
          }),
        code('PKI_REVOKED'),
      );
      // a certificate that does not follow the profile (no OU) is refused even though OpenSSL made it
      selfSignCa('/O=gongsi/CN=plain', 'o-plain.pem');
      assert.throws(
        () => parseCertificate(readFileSync(f('o-plain.pem'), 'utf8'), suite),
        code('PKI_PROFILE'),
      );
    });

    it('our CRL is read by openssl crl and lists the revoked serial; openssl checks its signature', () => {
      const now = validator.cert.notBefore;
      const crl = createCrl({
        suite,
        ca: { certificate: org.certificate, key: org.key },
        entries: [{ serial: validator.cert.serial, revokedAt: now, reason: 'keyCompromise' }],
        crlNumber: 3,
        thisUpdate: now,
        nextUpdate: new Date(Date.now() + 86_400_000),
      });
      writeFileSync(f('crl.pem'), toPem(crl, 'X509 CRL'));
      const text = openssl(['crl', '-in', f('crl.pem'), '-noout', '-text']);
      assert.match(text, new RegExp(`Serial Number: ${validator.cert.serial.toUpperCase()}`));
      assert.match(text, /Key Compromise/);
      assert.match(text, /CRL Number: \s*3/);
      assert.match(text, gm ? /Signature Algorithm: SM2-with-SM3/ : /Signature Algorithm: ED25519/);
      if (gm) {
        // OpenSSL 3.0 checks CRL signatures with an empty SM2 ID (no -vfyopt for CRLs): verify with pkeyutl.
        assertSm2SignedByCa(crl, 'crl');
      } else {
        assert.match(
          opensslRun(['crl', '-in', f('crl.pem'), '-CAfile', f('ca.pem'), '-noout', '-verify']).output,
          /verify OK/,
        );
        const revoked = opensslRun([
          'verify',
          '-crl_check',
          '-CRLfile',
          f('crl.pem'),
          '-CAfile',
          f('ca.pem'),
          f('validator.pem'),
        ]);
        assert.equal(revoked.ok, false);
        assert.match(revoked.output, /certificate revoked/);
        assert.match(
          openssl([
            'verify',
            '-crl_check',
            '-CRLfile',
            f('crl.pem'),
            '-CAfile',
            f('ca.pem'),
            f('client.pem'),
          ]),
          /OK/,
        );
      }
      const read = verifyCrl(readFileSync(f('crl.pem'), 'utf8'), { suite, ca: org.certificate });
      assert.deepEqual(
        read.entries.map((e) => [e.serial, e.reason]),
        [[validator.cert.serial, 'keyCompromise']],
      );
      const set = createRevocationSet(read.entries.map((e) => ({ org: read.issuer.org, serial: e.serial })));
      const opts = { suite, trustedCas: [org.certificate], at: now, revoked: set };
      assert.throws(() => verifyMemberCertificate(validator.cert, opts), code('PKI_REVOKED'));
      assert.equal(verifyMemberCertificate(client.cert, opts).name, '张三');
    });

    it('an OpenSSL-made CRL of our CA is read by our code', () => {
      if (gm) return; // OpenSSL 3.0 signs SM2 CRLs without the GB/T default ID (see the test above)
      writeFileSync(f('ca.key'), exportPrivateKeyPem(org.key));
      writeFileSync(f('index.txt'), '');
      writeFileSync(f('crlnumber'), '05\n');
      const exp = new Date(Date.now() + 86_400_000 * 30).toISOString().replace(/[-:T]/g, '').slice(2, 14);
      writeFileSync(
        f('index.txt'),
        `R\t${exp}Z\t260101000000Z,superseded\t${client.cert.serial.toUpperCase()}\tunknown\t/O=acme/OU=client/CN=x\n`,
      );
      writeFileSync(
        f('ca.cnf'),
        `[ca]\ndefault_ca = x\n[x]\ndatabase = ${f('index.txt')}\ncrlnumber = ${f('crlnumber')}\ndefault_md = default\ndefault_crl_days = 7\ncrl_extensions = crl_ext\n[crl_ext]\nauthorityKeyIdentifier = keyid:always\n`,
      );
      openssl([
        'ca',
        '-config',
        f('ca.cnf'),
        '-gencrl',
        '-keyfile',
        f('ca.key'),
        '-cert',
        f('ca.pem'),
        '-out',
        f('o-crl.pem'),
      ]);
      const read = verifyCrl(readFileSync(f('o-crl.pem'), 'utf8'), { suite, ca: org.certificate });
      assert.equal(read.crlNumber, 5);
      assert.deepEqual(
        read.entries.map((e) => [e.serial, e.reason]),
        [[client.cert.serial, 'superseded']],
      );
    });
  });
}
