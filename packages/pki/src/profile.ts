/**
 * The Xinlian certificate profile (spec/pki.md): roles, name rules, object identifiers and the
 * extensions each kind of certificate carries.
 */
import type { SuiteId } from '@xinlian/crypto';
import { ORG_ID_PATTERN } from '@xinlian/utils';
import { pkiError } from './errors.js';

/** Member roles. A member certificate carries exactly one, in the subject's OU. */
export type Role = 'admin' | 'client' | 'validator' | 'observer' | 'regulator' | 'auditor';
export const ROLES: readonly Role[] = Object.freeze([
  'admin',
  'client',
  'validator',
  'observer',
  'regulator',
  'auditor',
]);
/** The OU of an organization CA certificate (never a member role). */
export const CA_OU = 'ca';

/** true iff `r` names a member role. */
export function isRole(r: unknown): r is Role {
  return typeof r === 'string' && (ROLES as readonly string[]).includes(r);
}

/** Object identifiers used by the profile (dotted form, as the ASN.1 library reads and writes them). */
export const OID = Object.freeze({
  /** id-ecPublicKey (RFC 5480); SM2 keys carry it with the SM2 curve as parameter, as OpenSSL 3 writes them. */
  ecPublicKey: '1.2.840.10045.2.1',
  /** sm2p256v1 curve (GB/T 33560). */
  sm2Curve: '1.2.156.10197.1.301',
  /** SM2 signature with SM3 (GM/T 0006). */
  sm2WithSm3: '1.2.156.10197.1.501',
  /** Ed25519 (RFC 8410), both key and signature algorithm. */
  ed25519: '1.3.101.112',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  subjectAltName: '2.5.29.17',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
});

/** Signature algorithm OID of a suite's certificates. */
export function signatureOidOf(suite: SuiteId): string {
  return suite === 'gm' ? OID.sm2WithSm3 : OID.ed25519;
}

/** Roles that run nodes: their certificates also allow TLS server authentication. */
export const NODE_ROLES: readonly Role[] = Object.freeze(['validator', 'observer']);

/** Extended key usages a role's certificate carries (TLS client for everyone, TLS server for nodes). */
export function extKeyUsageOf(role: Role): readonly string[] {
  return NODE_ROLES.includes(role) ? [OID.serverAuth, OID.clientAuth] : [OID.clientAuth];
}

/**
 * Organization identifiers: the chain-wide rule of @xinlian/utils (1–63 characters of a–z 0–9 `-`,
 * starting with a letter or digit), so every CA the PKI makes or accepts can be added on chain.
 */
export const ORG_PATTERN = ORG_ID_PATTERN;
/** Longest member/CA common name in characters (RFC 5280 ub-common-name). */
export const MAX_NAME_LENGTH = 64;

/** Throws PKI_INVALID_ARGUMENT (or `code`) unless `org` is a valid organization identifier. */
export function checkOrg(
  org: unknown,
  code: 'PKI_INVALID_ARGUMENT' | 'PKI_PROFILE' = 'PKI_INVALID_ARGUMENT',
) {
  if (typeof org !== 'string' || !ORG_PATTERN.test(org)) {
    throw pkiError(code, `organization must match ${ORG_PATTERN.source}`, { org: String(org) });
  }
  return org;
}

/**
 * Throws unless `name` is a valid common name: 1–64 Unicode characters (NFC), no control characters,
 * no leading or trailing space.
 */
export function checkName(
  name: unknown,
  code: 'PKI_INVALID_ARGUMENT' | 'PKI_PROFILE' = 'PKI_INVALID_ARGUMENT',
) {
  const ok =
    typeof name === 'string' &&
    name.length > 0 &&
    [...name].length <= MAX_NAME_LENGTH &&
    name === name.normalize('NFC') &&
    name.trim() === name &&
    !/\p{Cc}/u.test(name);
  if (!ok) {
    throw pkiError(code, 'name must be 1-64 characters without control characters or outer spaces', {
      name: String(name),
    });
  }
  return name;
}

/** CRL reason codes (RFC 5280 §5.3.1) accepted for revocation. */
export type RevocationReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'privilegeWithdrawn';
export const REVOCATION_REASONS: Readonly<Record<RevocationReason, number>> = Object.freeze({
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  privilegeWithdrawn: 9,
});

/** true iff `r` names a revocation reason. */
export function isRevocationReason(r: unknown): r is RevocationReason {
  return typeof r === 'string' && Object.hasOwn(REVOCATION_REASONS, r);
}
