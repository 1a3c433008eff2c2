import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { type CryptoSuite, type PrivateKey, type SuiteId, sm2SignatureToDer } from '@xinlian/crypto';
import { fromHex } from '@xinlian/utils';
import {
  createRevocationSet,
  keyIdentifier,
  type MemberCheckOptions,
  NO_REVOCATIONS,
  OID,
  parseCertificate,
  verifyCaCertificate,
  verifyMemberCertificate,
} from '../src/index.js';
import { code, DAY, makeOrg, T0 } from './helpers.js';

const buf = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

interface Craft {
  subject?: [string, string, string][];
  issuer?: [string, string, string][];
  extensions?: Extension[];
  signatureOid?: string;
  outerSignatureOid?: string;
}

function name(rdns: [string, string, string][]): Name {
  return new Name(
    rdns.map(
      ([type, value, kind]) =>
        new RelativeDistinguishedName([
          new AttributeTypeAndValue({ type, value: new AttributeValue({ [kind]: value }) }),
        ]),
    ),
  );
}
const dn = (o: string, ou: string, cn: string): [string, string, string][] => [
  [OID.organizationName, o, 'utf8String'],
  [OID.organizationalUnitName, ou, 'utf8String'],
  [OID.commonName, cn, 'utf8String'],
];
const ext = (id: string, critical: boolean, value: unknown) =>
  new Extension({ extnID: id, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });

/** Builds and signs a member-like certificate with arbitrary fields (to test the profile checks). */
function craft(
  suite: CryptoSuite,
  caKey: PrivateKey,
  caSki: Uint8Array,
  member: PrivateKey,
  c: Craft = {},
): Uint8Array {
  const sigOid = c.signatureOid ?? (suite.id === 'gm' ? OID.sm2WithSm3 : OID.ed25519);
  const spki =
    suite.id === 'gm'
      ? new SubjectPublicKeyInfo({
          algorithm: new AlgorithmIdentifier({
            algorithm: OID.ecPublicKey,
            parameters: buf(fromHex('06082a811ccf5501822d')),
          }),
          subjectPublicKey: buf(member.publicKey.bytes),
        })
      : new SubjectPublicKeyInfo({
          algorithm: new AlgorithmIdentifier({ algorithm: OID.ed25519 }),
          subjectPublicKey: buf(member.publicKey.bytes),
        });
  const extensions = c.extensions ?? [
    ext(OID.basicConstraints, true, new BasicConstraints({ cA: false })),
    ext(OID.keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature)),
    ext(OID.extKeyUsage, false, new ExtendedKeyUsage([OID.clientAuth])),
    ext(OID.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(suite, member.publicKey))),
    ext(
      OID.authorityKeyIdentifier,
      false,
      new AuthorityKeyIdentifier({ keyIdentifier: new OctetString(caSki) }),
    ),
  ];
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: buf(fromHex('4000000000000000000000000000abcd')),
    signature: new AlgorithmIdentifier({ algorithm: sigOid }),
    issuer: name(c.issuer ?? dn('acme', 'ca', 'acme CA')),
    validity: new Validity({ notBefore: T0, notAfter: new Date(T0.getTime() + 30 * DAY) }),
    subject: name(c.subject ?? dn('acme', 'client', 'crafted')),
    subjectPublicKeyInfo: spki,
    extensions: new Extensions(extensions),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const raw = suite.sign(caKey, tbsDer);
  const sig = suite.id === 'gm' ? sm2SignatureToDer(raw) : raw;
  return new Uint8Array(
    AsnConvert.serialize(
      new Certificate({
        tbsCertificate: tbs,
        signatureAlgorithm: new AlgorithmIdentifier({ algorithm: c.outerSignatureOid ?? sigOid }),
        signatureValue: buf(sig),
      }),
    ),
  );
}

for (const id of ['gm', 'intl'] as SuiteId[]) {
  describe(`path validation (${id})`, () => {
    const acme = makeOrg(id, 'acme');
    const { suite } = acme;
    const beta = makeOrg(suite, 'beta');
    const trustedCas = [
      verifyCaCertificate(acme.certificate, { suite }),
      verifyCaCertificate(beta.certificate, { suite }),
    ];
    const at = new Date(T0.getTime() + 10 * DAY);
    const opts: MemberCheckOptions = { suite, trustedCas, at };
    const validator = acme.issue('validator', 'node-1');
    const client = beta.issue('client', 'alice');

    it('accepts a member of a trusted org and returns its identity', () => {
      const v = verifyMemberCertificate(validator.cert.der, opts);
      assert.equal(v.org, 'acme');
      assert.equal(v.role, 'validator');
      assert.equal(v.name, 'node-1');
      assert.equal(v.serial, validator.cert.serial);
      assert.deepEqual(v.publicKey.bytes, validator.key.publicKey.bytes);
      assert.equal(v.caSerial, acme.certificate.serial);
      const c = verifyMemberCertificate(client.cert, {
        ...opts,
        revoked: NO_REVOCATIONS,
        roles: ['client'],
        usage: 'tls-client',
      });
      assert.equal(c.org, 'beta');
      assert.equal(c.role, 'client');
      assert.equal(
        verifyMemberCertificate(validator.cert, { ...opts, usage: 'tls-server' }).role,
        'validator',
      );
    });

    it('refuses an issuer that is not trusted', () => {
      assert.throws(
        () => verifyMemberCertificate(client.cert, { ...opts, trustedCas: [trustedCas[0]] }),
        code('PKI_UNKNOWN_ISSUER'),
      );
      assert.throws(
        () => verifyMemberCertificate(client.cert, { ...opts, trustedCas: [] }),
        code('PKI_UNKNOWN_ISSUER'),
      );
    });

    it('refuses a certificate signed by an impostor CA with the same name and key id', () => {
      const impostorKey = suite.generateKey();
      const forged = craft(suite, impostorKey, acme.certificate.subjectKeyId, suite.generateKey());
      const parsed = parseCertificate(forged, suite);
      assert.throws(() => verifyMemberCertificate(parsed, opts), code('PKI_BAD_SIGNATURE'));
      const genuine = craft(suite, acme.key, acme.certificate.subjectKeyId, suite.generateKey());
      assert.equal(verifyMemberCertificate(genuine, opts).name, 'crafted');
    });

    it('checks validity of the member and of its CA at the given time', () => {
      assert.throws(
        () => verifyMemberCertificate(validator.cert, { ...opts, at: new Date(T0.getTime() - 1000) }),
        code('PKI_NOT_YET_VALID'),
      );
      assert.throws(
        () => verifyMemberCertificate(validator.cert, { ...opts, at: new Date(T0.getTime() + 366 * DAY) }),
        code('PKI_EXPIRED'),
      );
      assert.equal(
        verifyMemberCertificate(validator.cert, { ...opts, at: validator.cert.notAfter }).role,
        'validator',
      );
      const late = acme.issue('client', 'late', { notBefore: new Date(T0.getTime() + 20 * DAY) });
      assert.throws(
        () => verifyMemberCertificate(late.cert, opts),
        (e) =>
          code('PKI_NOT_YET_VALID')(e) && (e as { details: { which: string } }).details.which === 'member',
      );
      assert.throws(
        () => verifyCaCertificate(acme.certificate, { suite, at: new Date(T0.getTime() + 3651 * DAY) }),
        code('PKI_EXPIRED'),
      );
    });

    it('refuses revoked members, and every member of a revoked CA', () => {
      const revoked = createRevocationSet([{ org: 'acme', serial: validator.cert.serial.toUpperCase() }]);
      assert.throws(() => verifyMemberCertificate(validator.cert, { ...opts, revoked }), code('PKI_REVOKED'));
      assert.equal(verifyMemberCertificate(client.cert, { ...opts, revoked }).name, 'alice');
      // the same serial under another org is another certificate
      const other = createRevocationSet([{ org: 'beta', serial: validator.cert.serial }]);
      assert.equal(verifyMemberCertificate(validator.cert, { ...opts, revoked: other }).name, 'node-1');
      const caRevoked = createRevocationSet([{ org: 'beta', serial: beta.certificate.serial }]);
      assert.throws(
        () => verifyMemberCertificate(client.cert, { ...opts, revoked: caRevoked }),
        code('PKI_REVOKED'),
      );
    });

    it('enforces accepted roles and TLS usages', () => {
      assert.throws(
        () => verifyMemberCertificate(client.cert, { ...opts, roles: ['validator', 'observer'] }),
        code('PKI_ROLE_NOT_ALLOWED'),
      );
      assert.throws(
        () => verifyMemberCertificate(client.cert, { ...opts, usage: 'tls-server' }),
        code('PKI_USAGE_NOT_ALLOWED'),
      );
    });

    it('refuses a CA certificate as a member and a member as a CA', () => {
      assert.throws(() => verifyMemberCertificate(acme.certificate, opts), code('PKI_NOT_A_MEMBER'));
      assert.throws(() => verifyCaCertificate(validator.cert, { suite }), code('PKI_NOT_A_CA'));
    });

    it('refuses a CA certificate whose self-signature is wrong', () => {
      const der = new Uint8Array(acme.certificate.der);
      const forged = {
        ...parseCertificate(der, suite),
        signature: parseCertificate(beta.certificate.der, suite).signature,
      };
      assert.throws(() => verifyCaCertificate(forged, { suite }), code('PKI_BAD_SIGNATURE'));
    });

    describe('profile checks at parse time', () => {
      const m = suite.generateKey();
      const ski = acme.certificate.subjectKeyId;
      const aki = ext(
        OID.authorityKeyIdentifier,
        false,
        new AuthorityKeyIdentifier({ keyIdentifier: new OctetString(ski) }),
      );
      const skiExt = ext(
        OID.subjectKeyIdentifier,
        false,
        new SubjectKeyIdentifier(keyIdentifier(suite, m.publicKey)),
      );
      const bc = ext(OID.basicConstraints, true, new BasicConstraints({ cA: false }));
      const ku = ext(OID.keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature));
      const eku = ext(OID.extKeyUsage, false, new ExtendedKeyUsage([OID.clientAuth]));
      const cases: [string, Craft][] = [
        [
          'subject without OU',
          {
            subject: [
              [OID.organizationName, 'acme', 'utf8String'],
              [OID.commonName, 'x', 'utf8String'],
            ],
          },
        ],
        [
          'subject in another order',
          {
            subject: [
              dn('acme', 'client', 'x')[1],
              dn('acme', 'client', 'x')[0],
              dn('acme', 'client', 'x')[2],
            ],
          },
        ],
        ['unknown role', { subject: dn('acme', 'root', 'x') }],
        [
          'PrintableString name',
          {
            subject: [
              [OID.organizationName, 'acme', 'printableString'],
              dn('a', 'client', 'x')[1],
              dn('a', 'client', 'x')[2],
            ],
          },
        ],
        ['member of another org than its CA', { subject: dn('beta', 'client', 'x') }],
        ['member OU=ca without CA:TRUE', { subject: dn('acme', 'ca', 'x') }],
        ['missing basicConstraints', { extensions: [ku, eku, skiExt, aki] }],
        [
          'non-critical basicConstraints',
          {
            extensions: [
              ext(OID.basicConstraints, false, new BasicConstraints({ cA: false })),
              ku,
              eku,
              skiExt,
              aki,
            ],
          },
        ],
        ['missing keyUsage', { extensions: [bc, eku, skiExt, aki] }],
        [
          'keyCertSign on a member',
          {
            extensions: [
              bc,
              ext(
                OID.keyUsage,
                true,
                new KeyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyCertSign),
              ),
              eku,
              skiExt,
              aki,
            ],
          },
        ],
        [
          'keyEncipherment',
          {
            extensions: [
              bc,
              ext(
                OID.keyUsage,
                true,
                new KeyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment),
              ),
              eku,
              skiExt,
              aki,
            ],
          },
        ],
        ['missing extKeyUsage', { extensions: [bc, ku, skiExt, aki] }],
        [
          'serverAuth on a client',
          {
            extensions: [
              bc,
              ku,
              ext(OID.extKeyUsage, false, new ExtendedKeyUsage([OID.serverAuth, OID.clientAuth])),
              skiExt,
              aki,
            ],
          },
        ],
        ['missing subjectKeyIdentifier', { extensions: [bc, ku, eku, aki] }],
        ['missing authorityKeyIdentifier', { extensions: [bc, ku, eku, skiExt] }],
        ['duplicate extension', { extensions: [bc, ku, eku, skiExt, aki, eku] }],
        [
          'unknown critical extension',
          {
            extensions: [bc, ku, eku, skiExt, aki, ext('1.2.3.4', true, new BasicConstraints({ cA: false }))],
          },
        ],
        ['outer and inner signature algorithms differ', { outerSignatureOid: '1.2.840.10045.4.3.2' }],
        [
          'another signature algorithm',
          { signatureOid: '1.2.840.10045.4.3.2', outerSignatureOid: '1.2.840.10045.4.3.2' },
        ],
      ];
      for (const [what, c] of cases) {
        it(`refuses: ${what}`, () => {
          assert.throws(
            () => parseCertificate(craft(suite, acme.key, ski, m, c), suite),
            code('PKI_PROFILE'),
          );
        });
      }
      it('accepts an unknown non-critical extension (RFC 5280)', () => {
        const extra = ext('1.2.3.4', false, new BasicConstraints({ cA: false }));
        assert.equal(
          parseCertificate(
            craft(suite, acme.key, ski, m, { extensions: [bc, ku, eku, skiExt, aki, extra] }),
            suite,
          ).role,
          'client',
        );
      });
    });
  });
}
