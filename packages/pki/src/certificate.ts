/**
 * Building and parsing Xinlian X.509 v3 certificates (spec/pki.md). The ASN.1 structures come from
 * @peculiar/asn1-x509; signatures come from the chain's suite in @xinlian/crypto (SM2 with the
 * default user ID 1234567812345678, DER SEQUENCE{r, s} in the certificate; Ed25519 raw).
 */
import { OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  KeyUsage,
  KeyUsageFlags,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  type Time,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import {
  type CryptoSuite,
  type PrivateKey,
  type PublicKey,
  type SuiteId,
  sm2SignatureFromDer,
  sm2SignatureToDer,
} from '@xinlian/crypto';
import { equalBytes, fromHex, toHex } from '@xinlian/utils';
import {
  bufferOf,
  bytesOf,
  type DistinguishedName,
  decodeName,
  derOf,
  encodeName,
  parseStrict,
  serialize,
  serialOf,
} from './asn1.js';
import { pkiError } from './errors.js';
import {
  CA_OU,
  checkName,
  checkOrg,
  extKeyUsageOf,
  isRole,
  NODE_ROLES,
  OID,
  type Role,
  signatureOidOf,
} from './profile.js';

/** Randomness source: `n` fresh random bytes (e.g. `(n) => crypto.randomBytes(n)`). Injected, never global. */
export type RandomSource = (n: number) => Uint8Array;

/** Key usages of the profile by name. */
export type KeyUsageName = 'digitalSignature' | 'keyCertSign' | 'cRLSign';

/** A certificate that parsed and satisfies the profile (its signature is checked by verify*). */
export interface ParsedCertificate {
  /** The whole certificate, DER. */
  readonly der: Uint8Array;
  /** The signed TBSCertificate bytes. */
  readonly tbs: Uint8Array;
  /** The issuer's signature in the suite's form (gm: 64-byte r‖s; intl: 64-byte Ed25519). */
  readonly signature: Uint8Array;
  readonly suite: SuiteId;
  /** Serial number: lower-case hex without leading zero bytes. */
  readonly serial: string;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The subject's public key (validated point of the suite). */
  readonly publicKey: PublicKey;
  /** basicConstraints CA:TRUE (an organization CA). */
  readonly isCa: boolean;
  readonly keyUsage: readonly KeyUsageName[];
  /** Extended key usage OIDs (empty for CA certificates). */
  readonly extKeyUsage: readonly string[];
  readonly subjectKeyId: Uint8Array;
  /** The issuer's key identifier (from authorityKeyIdentifier; a self-signed CA may omit it: then its own SKI). */
  readonly authorityKeyId: Uint8Array;
  /** subject.org */
  readonly org: string;
  /** The member role, or "ca" for an organization CA. */
  readonly role: Role | typeof CA_OU;
  /** subject CN */
  readonly name: string;
}

const SM2_CURVE_PARAM = fromHex('06082a811ccf5501822d');
const DEFAULT_CA_DAYS = 3650;
const DEFAULT_MEMBER_DAYS = 365;
const DAY_MS = 86_400_000;

/** Key identifier of a public key: the first 20 bytes of the suite hash of the key bits (RFC 7093 §2 method 1 style). */
export function keyIdentifier(suite: CryptoSuite, publicKey: PublicKey): Uint8Array {
  return suite.hash(publicKey.bytes).slice(0, 20);
}

export function spkiOf(publicKey: PublicKey): SubjectPublicKeyInfo {
  const algorithm =
    publicKey.suite === 'gm'
      ? new AlgorithmIdentifier({ algorithm: OID.ecPublicKey, parameters: bufferOf(SM2_CURVE_PARAM) })
      : new AlgorithmIdentifier({ algorithm: OID.ed25519 });
  return new SubjectPublicKeyInfo({ algorithm, subjectPublicKey: bufferOf(publicKey.bytes) });
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(serialize(value)) });
}

/** A random positive 128-bit serial: 16 bytes, top bit clear and second bit set (so exactly 16 octets in DER). */
export function randomSerial(random: RandomSource): Uint8Array {
  const r = random(16);
  if (!(r instanceof Uint8Array) || r.length !== 16) {
    throw pkiError('PKI_INVALID_ARGUMENT', 'the random source must return 16 bytes', {});
  }
  const s = new Uint8Array(r);
  s[0] = (s[0] & 0x3f) | 0x40;
  return s;
}

function checkWindow(notBefore: Date, notAfter: Date): void {
  const a = notBefore.getTime();
  const b = notAfter.getTime();
  if (!Number.isFinite(a) || !Number.isFinite(b) || a >= b) {
    throw pkiError('PKI_INVALID_ARGUMENT', 'validity window must have notBefore < notAfter', {
      notBefore: String(notBefore),
      notAfter: String(notAfter),
    });
  }
}

/** Whole seconds (X.509 times have no fractions). */
const seconds = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);

interface TbsInput {
  readonly suite: CryptoSuite;
  readonly serial: Uint8Array;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: PublicKey;
  readonly extensions: Extension[];
}

function signCertificate(t: TbsInput, issuerKey: PrivateKey): ParsedCertificate {
  const sigAlg = () => new AlgorithmIdentifier({ algorithm: signatureOidOf(t.suite.id) });
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: bufferOf(t.serial),
    signature: sigAlg(),
    issuer: encodeName(t.issuer),
    validity: new Validity({ notBefore: seconds(t.notBefore), notAfter: seconds(t.notAfter) }),
    subject: encodeName(t.subject),
    subjectPublicKeyInfo: spkiOf(t.publicKey),
    extensions: new Extensions(t.extensions),
  });
  const tbsDer = serialize(tbs);
  const raw = t.suite.sign(issuerKey, tbsDer);
  const signatureValue = t.suite.id === 'gm' ? sm2SignatureToDer(raw) : raw;
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: sigAlg(),
    signatureValue: bufferOf(signatureValue),
  });
  return parseCertificate(serialize(cert), t.suite);
}

function checkSuiteKey(suite: CryptoSuite, key: { suite: SuiteId }, what: string): void {
  if (key.suite !== suite.id) {
    throw pkiError('PKI_WRONG_SUITE', `${what} belongs to suite ${key.suite}, not ${suite.id}`, {
      expected: suite.id,
      actual: key.suite,
    });
  }
}

export interface CaCertificateOptions {
  readonly suite: CryptoSuite;
  /** Organization identifier (subject O). */
  readonly org: string;
  /** Subject CN (default "<org> CA"). */
  readonly name?: string;
  /** The CA's key pair (self-signed). */
  readonly key: PrivateKey;
  /** Start of validity (whole seconds are kept). */
  readonly notBefore: Date;
  /** End of validity (default notBefore + 3650 days). */
  readonly notAfter?: Date;
  readonly random: RandomSource;
}

/**
 * Creates a self-signed organization CA certificate: subject O=org, OU=ca, CN=name; basicConstraints
 * critical CA:TRUE pathLen 0; keyUsage critical keyCertSign, cRLSign; SKI; AKI = SKI.
 */
export function createCaCertificate(opts: CaCertificateOptions): ParsedCertificate {
  const { suite, key } = opts;
  checkSuiteKey(suite, key, 'the CA key');
  const org = checkOrg(opts.org);
  const name = checkName(opts.name ?? `${org} CA`);
  const notAfter = opts.notAfter ?? new Date(opts.notBefore.getTime() + DEFAULT_CA_DAYS * DAY_MS);
  checkWindow(opts.notBefore, notAfter);
  const dn: DistinguishedName = { org, unit: CA_OU, name };
  const ski = keyIdentifier(suite, key.publicKey);
  return signCertificate(
    {
      suite,
      serial: randomSerial(opts.random),
      issuer: dn,
      subject: dn,
      notBefore: opts.notBefore,
      notAfter,
      publicKey: key.publicKey,
      extensions: [
        extension(OID.basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
        extension(OID.keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
        extension(OID.subjectKeyIdentifier, false, new SubjectKeyIdentifier(ski)),
        extension(
          OID.authorityKeyIdentifier,
          false,
          new AuthorityKeyIdentifier({ keyIdentifier: new OctetString(ski) }),
        ),
      ],
    },
    key,
  );
}

export interface IssueOptions {
  readonly suite: CryptoSuite;
  /** The issuing organization CA: its certificate and private key. */
  readonly ca: { readonly certificate: ParsedCertificate; readonly key: PrivateKey };
  readonly role: Role;
  /** Subject CN: the member's name within the organization. */
  readonly name: string;
  /** The member's public key. */
  readonly publicKey: PublicKey;
  readonly notBefore: Date;
  /** End of validity (default notBefore + 365 days); must not be after the CA's notAfter. */
  readonly notAfter?: Date;
  readonly random: RandomSource;
}

/**
 * Issues a member certificate: subject O=<CA org>, OU=role, CN=name; basicConstraints critical
 * CA:FALSE; keyUsage critical digitalSignature; extKeyUsage clientAuth (and serverAuth for
 * validator/observer nodes); SKI; AKI = the CA's SKI.
 */
export function issueCertificate(opts: IssueOptions): ParsedCertificate {
  const { suite, ca } = opts;
  if (!isRole(opts.role)) {
    throw pkiError('PKI_INVALID_ARGUMENT', `unknown role ${JSON.stringify(opts.role)}`, {
      role: String(opts.role),
    });
  }
  const name = checkName(opts.name);
  checkSuiteKey(suite, ca.key, 'the CA key');
  checkSuiteKey(suite, opts.publicKey, 'the member key');
  checkSuiteKey(suite, ca.certificate, 'the CA certificate');
  if (!ca.certificate.isCa)
    throw pkiError('PKI_NOT_A_CA', 'the issuer certificate is not a CA certificate', {});
  if (!equalBytes(ca.certificate.publicKey.bytes, ca.key.publicKey.bytes)) {
    throw pkiError('PKI_INVALID_ARGUMENT', 'the CA key does not match the CA certificate', {});
  }
  suite.publicKeyFromBytes(opts.publicKey.bytes);
  const notAfter = opts.notAfter ?? new Date(opts.notBefore.getTime() + DEFAULT_MEMBER_DAYS * DAY_MS);
  checkWindow(opts.notBefore, notAfter);
  if (
    notAfter.getTime() > ca.certificate.notAfter.getTime() ||
    opts.notBefore.getTime() < ca.certificate.notBefore.getTime()
  ) {
    throw pkiError(
      'PKI_INVALID_ARGUMENT',
      'a member certificate must lie within the CA certificate validity',
      {
        caNotBefore: ca.certificate.notBefore.toISOString(),
        caNotAfter: ca.certificate.notAfter.toISOString(),
      },
    );
  }
  return signCertificate(
    {
      suite,
      serial: randomSerial(opts.random),
      issuer: ca.certificate.subject,
      subject: { org: ca.certificate.org, unit: opts.role, name },
      notBefore: opts.notBefore,
      notAfter,
      publicKey: opts.publicKey,
      extensions: [
        extension(OID.basicConstraints, true, new BasicConstraints({ cA: false })),
        extension(OID.keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature)),
        extension(OID.extKeyUsage, false, new ExtendedKeyUsage([...extKeyUsageOf(opts.role)])),
        extension(
          OID.subjectKeyIdentifier,
          false,
          new SubjectKeyIdentifier(keyIdentifier(suite, opts.publicKey)),
        ),
        extension(
          OID.authorityKeyIdentifier,
          false,
          new AuthorityKeyIdentifier({ keyIdentifier: new OctetString(ca.certificate.subjectKeyId) }),
        ),
      ],
    },
    ca.key,
  );
}

// ---------------------------------------------------------------------------------------------
// Parsing

const profile = (reason: string, details: Record<string, unknown> = {}): never => {
  throw pkiError('PKI_PROFILE', `certificate profile: ${reason}`, { reason, ...details });
};

/** The suite of a signature algorithm identifier, or undefined for any other algorithm. */
export function suiteOfSignature(alg: AlgorithmIdentifier): SuiteId | undefined {
  if (alg.parameters !== undefined) return undefined;
  if (alg.algorithm === OID.sm2WithSm3) return 'gm';
  if (alg.algorithm === OID.ed25519) return 'intl';
  return undefined;
}

/** Reads the subject public key; throws PKI_WRONG_SUITE / PKI_PROFILE. */
export function readPublicKey(spki: SubjectPublicKeyInfo, suite: CryptoSuite): PublicKey {
  const alg = spki.algorithm;
  const params =
    alg.parameters === undefined || alg.parameters === null ? undefined : bytesOf(alg.parameters);
  let keySuite: SuiteId | undefined;
  if (alg.algorithm === OID.ecPublicKey && params !== undefined && equalBytes(params, SM2_CURVE_PARAM))
    keySuite = 'gm';
  else if (alg.algorithm === OID.ed25519 && alg.parameters === undefined) keySuite = 'intl';
  if (keySuite === undefined)
    return profile('subject key is neither SM2 (id-ecPublicKey, curve SM2) nor Ed25519', {
      algorithm: alg.algorithm,
    });
  if (keySuite !== suite.id) {
    throw pkiError('PKI_WRONG_SUITE', `the subject key is a ${keySuite} key, the chain uses ${suite.id}`, {
      expected: suite.id,
      actual: keySuite,
    });
  }
  try {
    return suite.publicKeyFromBytes(bytesOf(spki.subjectPublicKey));
  } catch (e) {
    throw pkiError(
      'PKI_PROFILE',
      'the subject public key is not a valid key of the suite',
      { reason: 'publicKey' },
      e,
    );
  }
}

interface ExtensionsRead {
  isCa: boolean | undefined;
  basicCritical: boolean;
  pathLen: number | undefined;
  keyUsage: number | undefined;
  keyUsageCritical: boolean;
  extKeyUsage: string[] | undefined;
  ski: Uint8Array | undefined;
  aki: Uint8Array | undefined;
}

function readExtensions(exts: readonly Extension[]): ExtensionsRead {
  const seen = new Set<string>();
  const r: ExtensionsRead = {
    isCa: undefined,
    basicCritical: false,
    pathLen: undefined,
    keyUsage: undefined,
    keyUsageCritical: false,
    extKeyUsage: undefined,
    ski: undefined,
    aki: undefined,
  };
  for (const ext of exts) {
    if (seen.has(ext.extnID)) profile('duplicate extension', { extension: ext.extnID });
    seen.add(ext.extnID);
    const value = bytesOf(ext.extnValue.buffer);
    switch (ext.extnID) {
      case OID.basicConstraints: {
        const bc = parseStrict(value, BasicConstraints, 'basicConstraints');
        r.isCa = bc.cA;
        r.basicCritical = ext.critical;
        r.pathLen = bc.pathLenConstraint;
        break;
      }
      case OID.keyUsage: {
        const ku = parseStrict(value, KeyUsage, 'keyUsage');
        r.keyUsage = ku.toNumber();
        r.keyUsageCritical = ext.critical;
        break;
      }
      case OID.extKeyUsage:
        r.extKeyUsage = [...parseStrict(value, ExtendedKeyUsage, 'extKeyUsage')];
        break;
      case OID.subjectKeyIdentifier:
        r.ski = bytesOf(parseStrict(value, SubjectKeyIdentifier, 'subjectKeyIdentifier').buffer);
        break;
      case OID.authorityKeyIdentifier: {
        const aki = parseStrict(value, AuthorityKeyIdentifier, 'authorityKeyIdentifier');
        if (aki.keyIdentifier === undefined) profile('authorityKeyIdentifier without keyIdentifier');
        r.aki = bytesOf((aki.keyIdentifier as OctetString).buffer);
        break;
      }
      default:
        // Unknown non-critical extensions (e.g. subjectAltName) are ignored (RFC 5280 §4.2).
        if (ext.critical) profile('unknown critical extension', { extension: ext.extnID });
    }
  }
  return r;
}

const KU_PROFILE =
  KeyUsageFlags.digitalSignature |
  KeyUsageFlags.nonRepudiation |
  KeyUsageFlags.keyCertSign |
  KeyUsageFlags.cRLSign;

function keyUsageNames(bits: number): KeyUsageName[] {
  const out: KeyUsageName[] = [];
  if (bits & KeyUsageFlags.digitalSignature) out.push('digitalSignature');
  if (bits & KeyUsageFlags.keyCertSign) out.push('keyCertSign');
  if (bits & KeyUsageFlags.cRLSign) out.push('cRLSign');
  return out;
}

function checkKeyId(id: Uint8Array | undefined, what: string): Uint8Array {
  if (id === undefined) return profile(`missing ${what}`);
  if (id.length < 8 || id.length > 64) profile(`${what} must be 8 to 64 bytes`, { length: id.length });
  return id;
}

/**
 * Parses a certificate (DER, or PEM "CERTIFICATE") of the chain's suite and checks it against the
 * profile. Does not check the issuer's signature, validity at a time, or revocation (see
 * verifyMemberCertificate / verifyCaCertificate). Throws PKI_MALFORMED, PKI_PROFILE or PKI_WRONG_SUITE.
 */
export function parseCertificate(input: Uint8Array | string, suite: CryptoSuite): ParsedCertificate {
  const der = new Uint8Array(derOf(input, 'CERTIFICATE'));
  const cert = parseStrict(der, Certificate, 'certificate');
  const t = cert.tbsCertificate;
  // The signed bytes as they were read (the whole certificate re-encoded identically, so they are canonical).
  const tbs = cert.tbsCertificateRaw === undefined ? serialize(t) : bytesOf(cert.tbsCertificateRaw);
  if (t.version !== Version.v3) profile('version must be v3');
  if (t.issuerUniqueID !== undefined || t.subjectUniqueID !== undefined)
    profile('unique identifiers are not allowed');

  const outer = suiteOfSignature(cert.signatureAlgorithm);
  const inner = suiteOfSignature(t.signature);
  if (outer === undefined || inner === undefined) {
    profile('signature algorithm must be SM2-with-SM3 or Ed25519 without parameters', {
      algorithm: cert.signatureAlgorithm.algorithm,
    });
  }
  if (outer !== inner) profile('signatureAlgorithm differs from tbsCertificate.signature');
  if (outer !== suite.id) {
    throw pkiError('PKI_WRONG_SUITE', `a ${outer} certificate on a ${suite.id} chain`, {
      expected: suite.id,
      actual: String(outer),
    });
  }
  let signature: Uint8Array;
  const sigBytes = bytesOf(cert.signatureValue);
  if (suite.id === 'gm') {
    try {
      signature = sm2SignatureFromDer(sigBytes);
    } catch (e) {
      throw pkiError(
        'PKI_MALFORMED',
        'the SM2 signature is not DER SEQUENCE{r, s}',
        { what: 'signature' },
        e,
      );
    }
  } else {
    if (sigBytes.length !== 64)
      throw pkiError('PKI_MALFORMED', 'an Ed25519 signature is 64 bytes', { what: 'signature' });
    signature = sigBytes;
  }

  const serial = serialOf(bytesOf(t.serialNumber));
  const issuer = decodeName(t.issuer, 'issuer');
  const subject = decodeName(t.subject, 'subject');
  const notBefore = t.validity.notBefore.getTime();
  const notAfter = t.validity.notAfter.getTime();
  checkTimeEncoding(t.validity.notBefore);
  checkTimeEncoding(t.validity.notAfter);
  if (notBefore.getTime() >= notAfter.getTime()) profile('notBefore must be before notAfter');
  const publicKey = readPublicKey(t.subjectPublicKeyInfo, suite);

  if (t.extensions === undefined) return profile('extensions are required');
  const x = readExtensions(t.extensions);
  const ski = checkKeyId(x.ski, 'subjectKeyIdentifier');
  if (x.isCa === undefined || !x.basicCritical) profile('basicConstraints must be present and critical');
  if (x.keyUsage === undefined || !x.keyUsageCritical) profile('keyUsage must be present and critical');
  const ku = x.keyUsage as number;
  if ((ku & ~KU_PROFILE) !== 0) profile('keyUsage allows more than signing', { keyUsage: ku });

  const isCa = x.isCa === true;
  let authorityKeyId: Uint8Array;
  if (isCa) {
    if (subject.unit !== CA_OU) profile('a CA certificate must have OU=ca');
    if (x.pathLen !== undefined && x.pathLen !== 0) profile('an organization CA has pathLenConstraint 0');
    if (
      (ku & (KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)) !==
      (KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)
    ) {
      profile('a CA certificate needs keyUsage keyCertSign and cRLSign');
    }
    if (x.extKeyUsage !== undefined) profile('a CA certificate has no extKeyUsage');
    if (issuer.org !== subject.org || issuer.unit !== subject.unit || issuer.name !== subject.name) {
      profile('an organization CA certificate is self-issued (issuer = subject)');
    }
    if (x.aki !== undefined && !equalBytes(x.aki, ski))
      profile('a self-signed CA has authorityKeyIdentifier = subjectKeyIdentifier');
    authorityKeyId = ski;
  } else {
    if (subject.unit === CA_OU) profile('OU=ca is reserved for CA certificates');
    if (x.pathLen !== undefined) profile('pathLenConstraint on a member certificate');
    if ((ku & KeyUsageFlags.digitalSignature) === 0)
      profile('a member certificate needs keyUsage digitalSignature');
    if ((ku & (KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)) !== 0)
      profile('a member certificate cannot sign certificates or CRLs');
    if (issuer.unit !== CA_OU || issuer.org !== subject.org)
      profile("a member certificate is issued by its own organization's CA");
    const eku = x.extKeyUsage;
    if (eku === undefined || !eku.includes(OID.clientAuth))
      profile('a member certificate needs extKeyUsage clientAuth');
    const role = subject.unit as Role;
    const server = (eku as string[]).includes(OID.serverAuth);
    if (server !== NODE_ROLES.includes(role)) {
      profile('extKeyUsage serverAuth is for validator and observer nodes only', { role });
    }
    authorityKeyId = checkKeyId(x.aki, 'authorityKeyIdentifier');
  }

  return {
    der,
    tbs,
    signature,
    suite: suite.id,
    serial,
    issuer,
    subject,
    notBefore,
    notAfter,
    publicKey,
    isCa,
    keyUsage: keyUsageNames(ku),
    extKeyUsage: x.extKeyUsage ?? [],
    subjectKeyId: ski,
    authorityKeyId,
    org: subject.org,
    role: subject.unit,
    name: subject.name,
  };
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
function checkTimeEncoding(time: Time): void {
  const year = time.getTime().getUTCFullYear();
  if ((time.utcTime !== undefined) !== year < 2050)
    profile('UTCTime must be used through 2049, GeneralizedTime after');
}

/** The suite hash of the certificate's DER, lower-case hex (a stable fingerprint). */
export function fingerprint(suite: CryptoSuite, cert: ParsedCertificate): string {
  return toHex(suite.hash(cert.der));
}
