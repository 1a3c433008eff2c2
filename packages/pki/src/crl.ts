/**
 * X.509 v2 CRLs signed by an organization CA (RFC 5280 §5): what `openssl crl` and
 * `openssl verify -crl_check` read. The chain's authoritative revocation state is on chain; a CRL is
 * the CA's signed export of it for operators and TLS tooling.
 */
import { OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AuthorityKeyIdentifier,
  CertificateList,
  CRLNumber,
  CRLReason,
  Extension,
  RevokedCertificate,
  TBSCertList,
  Time,
  Version,
} from '@peculiar/asn1-x509';
import { type CryptoSuite, type PrivateKey, sm2SignatureFromDer, sm2SignatureToDer } from '@xinlian/crypto';
import { equalBytes, fromHex } from '@xinlian/utils';
import {
  bufferOf,
  bytesOf,
  type DistinguishedName,
  decodeName,
  derOf,
  encodeName,
  nameText,
  normalizeSerial,
  parseStrict,
  sameName,
  serialize,
  serialOf,
} from './asn1.js';
import type { ParsedCertificate } from './certificate.js';
import { pkiError } from './errors.js';
import {
  isRevocationReason,
  OID,
  REVOCATION_REASONS,
  type RevocationReason,
  signatureOidOf,
} from './profile.js';

/** One revoked certificate in a CRL. */
export interface CrlEntry {
  /** Serial number (normalized hex). */
  readonly serial: string;
  readonly revokedAt: Date;
  readonly reason: RevocationReason;
}

export interface CrlOptions {
  readonly suite: CryptoSuite;
  readonly ca: { readonly certificate: ParsedCertificate; readonly key: PrivateKey };
  readonly entries: readonly CrlEntry[];
  /** Monotonic CRL number (≥ 0). */
  readonly crlNumber: number;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}

const seconds = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);
const REASON_BY_CODE = new Map<number, RevocationReason>(
  Object.entries(REVOCATION_REASONS).map(([k, v]) => [v, k as RevocationReason]),
);

function ext(extnID: string, value: unknown): Extension {
  return new Extension({ extnID, critical: false, extnValue: new OctetString(serialize(value)) });
}

/** Creates a CRL (DER) listing `entries`, signed by the CA. The reason code is omitted for "unspecified". */
export function createCrl(opts: CrlOptions): Uint8Array {
  const { suite, ca } = opts;
  if (!ca.certificate.isCa) throw pkiError('PKI_NOT_A_CA', 'only a CA signs CRLs', {});
  if (!equalBytes(ca.certificate.publicKey.bytes, ca.key.publicKey.bytes) || ca.key.suite !== suite.id) {
    throw pkiError('PKI_INVALID_ARGUMENT', 'the CA key does not match the CA certificate', {});
  }
  if (!Number.isSafeInteger(opts.crlNumber) || opts.crlNumber < 0) {
    throw pkiError('PKI_INVALID_ARGUMENT', 'crlNumber must be a non-negative integer', {
      crlNumber: opts.crlNumber,
    });
  }
  if (!(opts.thisUpdate.getTime() < opts.nextUpdate.getTime())) {
    throw pkiError('PKI_INVALID_ARGUMENT', 'thisUpdate must be before nextUpdate', {});
  }
  const sigAlg = () => new AlgorithmIdentifier({ algorithm: signatureOidOf(suite.id) });
  const revoked = opts.entries.map((e) => {
    if (!isRevocationReason(e.reason)) {
      throw pkiError('PKI_INVALID_ARGUMENT', `unknown revocation reason ${JSON.stringify(e.reason)}`, {});
    }
    let serial = fromHex(normalizeSerial(e.serial));
    if (serial[0] & 0x80) serial = Uint8Array.of(0, ...serial);
    return new RevokedCertificate({
      userCertificate: bufferOf(serial),
      revocationDate: new Time(seconds(e.revokedAt)),
      ...(e.reason === 'unspecified'
        ? {}
        : { crlEntryExtensions: [ext(OID.crlReason, new CRLReason(REVOCATION_REASONS[e.reason]))] }),
    });
  });
  const tbs = new TBSCertList({
    version: Version.v2,
    signature: sigAlg(),
    issuer: encodeName(ca.certificate.subject),
    thisUpdate: new Time(seconds(opts.thisUpdate)),
    nextUpdate: new Time(seconds(opts.nextUpdate)),
    ...(revoked.length === 0 ? {} : { revokedCertificates: revoked }),
    crlExtensions: [
      ext(
        OID.authorityKeyIdentifier,
        new AuthorityKeyIdentifier({ keyIdentifier: new OctetString(ca.certificate.subjectKeyId) }),
      ),
      ext(OID.crlNumber, new CRLNumber(opts.crlNumber)),
    ],
  });
  const raw = suite.sign(ca.key, serialize(tbs));
  const signature = suite.id === 'gm' ? sm2SignatureToDer(raw) : raw;
  return serialize(
    new CertificateList({ tbsCertList: tbs, signatureAlgorithm: sigAlg(), signature: bufferOf(signature) }),
  );
}

/** A CRL whose signature verified against its CA. */
export interface VerifiedCrl {
  readonly issuer: DistinguishedName;
  readonly crlNumber: number;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  readonly entries: readonly CrlEntry[];
}

/**
 * Parses a CRL (DER or PEM "X509 CRL") and verifies it was signed by `ca`. Throws PKI_MALFORMED,
 * PKI_PROFILE, PKI_WRONG_SUITE, PKI_UNKNOWN_ISSUER or PKI_BAD_SIGNATURE.
 */
export function verifyCrl(
  input: Uint8Array | string,
  opts: { suite: CryptoSuite; ca: ParsedCertificate },
): VerifiedCrl {
  const { suite, ca } = opts;
  const der = derOf(input, 'X509 CRL');
  const crl = parseStrict(der, CertificateList, 'CRL');
  const t = crl.tbsCertList;
  const profile = (reason: string): never => {
    throw pkiError('PKI_PROFILE', `CRL profile: ${reason}`, { reason });
  };
  if (t.version !== Version.v2) profile('version must be v2');
  const oid = signatureOidOf(suite.id);
  for (const alg of [crl.signatureAlgorithm, t.signature]) {
    if (alg.parameters !== undefined) profile('signature algorithm has parameters');
    if (alg.algorithm !== oid) {
      throw pkiError(
        'PKI_WRONG_SUITE',
        `CRL signature algorithm ${alg.algorithm} is not the ${suite.id} suite's`,
        {
          expected: suite.id,
        },
      );
    }
  }
  const issuer = decodeName(t.issuer, 'issuer');
  let crlNumber: number | undefined;
  let aki: Uint8Array | undefined;
  const seen = new Set<string>();
  for (const e of t.crlExtensions ?? []) {
    if (seen.has(e.extnID)) profile('duplicate extension');
    seen.add(e.extnID);
    const value = bytesOf(e.extnValue.buffer);
    if (e.extnID === OID.crlNumber) crlNumber = parseStrict(value, CRLNumber, 'cRLNumber').value;
    else if (e.extnID === OID.authorityKeyIdentifier) {
      const k = parseStrict(value, AuthorityKeyIdentifier, 'authorityKeyIdentifier').keyIdentifier;
      if (k !== undefined) aki = bytesOf(k.buffer);
    } else if (e.critical) profile(`unknown critical extension ${e.extnID}`);
  }
  if (crlNumber === undefined || aki === undefined)
    profile('cRLNumber and authorityKeyIdentifier are required');
  if (!sameName(issuer, ca.subject) || !equalBytes(aki as Uint8Array, ca.subjectKeyId)) {
    throw pkiError('PKI_UNKNOWN_ISSUER', `the CRL is from ${nameText(issuer)}, not from the given CA`, {});
  }
  const sigBytes = bytesOf(crl.signature);
  let signature: Uint8Array;
  try {
    signature = suite.id === 'gm' ? sm2SignatureFromDer(sigBytes) : sigBytes;
  } catch (e) {
    throw pkiError('PKI_MALFORMED', 'the SM2 signature is not DER SEQUENCE{r, s}', { what: 'signature' }, e);
  }
  const tbs = crl.tbsCertListRaw === undefined ? serialize(t) : bytesOf(crl.tbsCertListRaw);
  if (!suite.verify(ca.publicKey, tbs, signature)) {
    throw pkiError('PKI_BAD_SIGNATURE', 'the CRL signature does not verify', { which: 'crl' });
  }
  const entries = (t.revokedCertificates ?? []).map((r): CrlEntry => {
    let reason: RevocationReason = 'unspecified';
    for (const e of r.crlEntryExtensions ?? []) {
      if (e.extnID === OID.crlReason) {
        const code = parseStrict(bytesOf(e.extnValue.buffer), CRLReason, 'reasonCode').reason;
        const name = REASON_BY_CODE.get(code);
        if (name === undefined) profile(`unsupported reason code ${code}`);
        reason = name as RevocationReason;
      } else if (e.critical) profile(`unknown critical entry extension ${e.extnID}`);
    }
    return { serial: serialOf(bytesOf(r.userCertificate)), revokedAt: r.revocationDate.getTime(), reason };
  });
  return {
    issuer,
    crlNumber: crlNumber as number,
    thisUpdate: t.thisUpdate.getTime(),
    nextUpdate: t.nextUpdate?.getTime(),
    entries,
  };
}
