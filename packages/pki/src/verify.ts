/**
 * Path validation for Xinlian's two-level PKI: a trusted organization CA certificate → a member
 * certificate (spec/pki.md §5). Pure functions: the time, the trusted CA set and the revocation set
 * are arguments, so consensus/governance and the network can call them with on-chain state.
 */
import type { CryptoSuite, PublicKey, SuiteId } from '@xinlian/crypto';
import { equalBytes, toHex } from '@xinlian/utils';
import { nameText, normalizeSerial, sameName } from './asn1.js';
import { type ParsedCertificate, parseCertificate } from './certificate.js';
import { pkiError } from './errors.js';
import { OID, type Role } from './profile.js';

/** What the revocation check asks: is (organization, serial) revoked? Serials are normalized hex. */
export interface RevocationSet {
  isRevoked(org: string, serial: string): boolean;
}

/** An immutable revocation set built from (org, serial) pairs; serials are normalized. */
export function createRevocationSet(
  entries: Iterable<{ readonly org: string; readonly serial: string }>,
): RevocationSet {
  const keys = new Set<string>();
  for (const e of entries) keys.add(`${e.org}\n${normalizeSerial(e.serial)}`);
  return Object.freeze({
    isRevoked: (org: string, serial: string) => keys.has(`${org}\n${normalizeSerial(serial)}`),
  });
}

/** The empty revocation set. */
export const NO_REVOCATIONS: RevocationSet = Object.freeze({ isRevoked: () => false });

function checkTime(cert: ParsedCertificate, at: Date, which: 'ca' | 'member'): void {
  const t = at.getTime();
  if (!Number.isFinite(t))
    throw pkiError('PKI_INVALID_ARGUMENT', 'the time of the check is not a valid date', {});
  const details = {
    which,
    serial: cert.serial,
    at: at.toISOString(),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
  };
  if (t < cert.notBefore.getTime()) {
    throw pkiError(
      'PKI_NOT_YET_VALID',
      `the ${which} certificate is not valid before ${details.notBefore}`,
      details,
    );
  }
  if (t > cert.notAfter.getTime()) {
    throw pkiError('PKI_EXPIRED', `the ${which} certificate expired at ${details.notAfter}`, details);
  }
}

function checkSuite(cert: ParsedCertificate, suite: CryptoSuite): void {
  if (cert.suite !== suite.id) {
    throw pkiError('PKI_WRONG_SUITE', `a ${cert.suite} certificate on a ${suite.id} chain`, {
      expected: suite.id,
      actual: cert.suite,
    });
  }
}

export interface CaCheckOptions {
  readonly suite: CryptoSuite;
  /** Also check validity at this time (omit to check structure and self-signature only). */
  readonly at?: Date;
}

/**
 * Checks an organization CA certificate: the profile (parsing), CA:TRUE with keyCertSign/cRLSign,
 * self-issued, its self-signature, and (with `at`) its validity. Returns the parsed certificate, ready
 * to be a trust anchor. Throws PKI_* codes.
 */
export function verifyCaCertificate(
  input: ParsedCertificate | Uint8Array | string,
  opts: CaCheckOptions,
): ParsedCertificate {
  const ca =
    typeof input === 'string' || input instanceof Uint8Array ? parseCertificate(input, opts.suite) : input;
  checkSuite(ca, opts.suite);
  if (!ca.isCa)
    throw pkiError('PKI_NOT_A_CA', `${nameText(ca.subject)} is not a CA certificate`, { serial: ca.serial });
  if (!opts.suite.verify(ca.publicKey, ca.tbs, ca.signature)) {
    throw pkiError('PKI_BAD_SIGNATURE', `the self-signature of ${nameText(ca.subject)} does not verify`, {
      which: 'ca',
      serial: ca.serial,
    });
  }
  if (opts.at !== undefined) checkTime(ca, opts.at, 'ca');
  return ca;
}

/** Who a verified member certificate identifies. */
export interface MemberIdentity {
  readonly suite: SuiteId;
  readonly org: string;
  readonly role: Role;
  readonly name: string;
  /** Serial number, normalized hex. */
  readonly serial: string;
  /** The member's key: the one its transactions and network Hellos are signed with. */
  readonly publicKey: PublicKey;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The issuing CA certificate's serial and key identifier (hex). */
  readonly caSerial: string;
  readonly caKeyId: string;
}

export interface MemberCheckOptions {
  readonly suite: CryptoSuite;
  /**
   * The trusted organization CA certificates (e.g. from the chain's membership state). Each should
   * have passed verifyCaCertificate once when it was admitted; here each is checked again to be a CA.
   */
  readonly trustedCas: readonly ParsedCertificate[];
  /** The time of the check: validity of the member and of its CA. */
  readonly at: Date;
  /** Revoked (org, serial) pairs (default: none). A revoked CA serial revokes every member it issued. */
  readonly revoked?: RevocationSet;
  /** Accept only these roles (default: any). */
  readonly roles?: readonly Role[];
  /** Require the extended key usage for a TLS server (node) or client. */
  readonly usage?: 'tls-server' | 'tls-client';
}

/** Returns the identity of `cert` or throws the PKI_* code naming the first check that failed. */
export function verifyMemberCertificate(
  input: ParsedCertificate | Uint8Array | string,
  opts: MemberCheckOptions,
): MemberIdentity {
  const { suite } = opts;
  const cert =
    typeof input === 'string' || input instanceof Uint8Array ? parseCertificate(input, suite) : input;
  checkSuite(cert, suite);
  if (cert.isCa || cert.role === 'ca') {
    throw pkiError('PKI_NOT_A_MEMBER', 'a CA certificate is not a member identity', { serial: cert.serial });
  }
  const ca = opts.trustedCas.find(
    (c) => sameName(c.subject, cert.issuer) && equalBytes(c.subjectKeyId, cert.authorityKeyId),
  );
  if (ca === undefined) {
    throw pkiError(
      'PKI_UNKNOWN_ISSUER',
      `no trusted CA ${nameText(cert.issuer)} with key id ${toHex(cert.authorityKeyId)}`,
      {
        issuer: nameText(cert.issuer),
        authorityKeyId: toHex(cert.authorityKeyId),
      },
    );
  }
  checkSuite(ca, suite);
  if (!ca.isCa)
    throw pkiError('PKI_NOT_A_CA', `${nameText(ca.subject)} is not a CA certificate`, { serial: ca.serial });
  if (!suite.verify(ca.publicKey, cert.tbs, cert.signature)) {
    throw pkiError('PKI_BAD_SIGNATURE', `the CA signature on certificate ${cert.serial} does not verify`, {
      which: 'member',
      serial: cert.serial,
    });
  }
  checkTime(ca, opts.at, 'ca');
  checkTime(cert, opts.at, 'member');
  const revoked = opts.revoked;
  if (revoked !== undefined) {
    if (revoked.isRevoked(ca.org, ca.serial)) {
      throw pkiError('PKI_REVOKED', `the CA certificate ${ca.serial} of ${ca.org} is revoked`, {
        which: 'ca',
        org: ca.org,
        serial: ca.serial,
      });
    }
    if (revoked.isRevoked(cert.org, cert.serial)) {
      throw pkiError('PKI_REVOKED', `certificate ${cert.serial} of ${cert.org} is revoked`, {
        which: 'member',
        org: cert.org,
        serial: cert.serial,
      });
    }
  }
  const role = cert.role as Role;
  if (opts.roles !== undefined && !opts.roles.includes(role)) {
    throw pkiError('PKI_ROLE_NOT_ALLOWED', `role ${role} is not accepted here`, {
      role,
      accepted: [...opts.roles],
    });
  }
  if (opts.usage !== undefined) {
    const need = opts.usage === 'tls-server' ? OID.serverAuth : OID.clientAuth;
    if (!cert.extKeyUsage.includes(need)) {
      throw pkiError('PKI_USAGE_NOT_ALLOWED', `certificate ${cert.serial} does not allow ${opts.usage}`, {
        usage: opts.usage,
        role,
      });
    }
  }
  return {
    suite: suite.id,
    org: cert.org,
    role,
    name: cert.name,
    serial: cert.serial,
    publicKey: cert.publicKey,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    caSerial: ca.serial,
    caKeyId: toHex(ca.subjectKeyId),
  };
}
