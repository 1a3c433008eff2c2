/**
 * @xinlian/pki — organization CAs and member certificates (X.509 v3; SM2-with-SM3 on gm chains,
 * Ed25519 on intl chains). Profile and checks: spec/pki.md.
 */
export {
  type DistinguishedName,
  derOf,
  fromPem,
  fromPemAll,
  nameText,
  normalizeSerial,
  toPem,
} from './asn1.js';
export {
  type CaCertificateOptions,
  createCaCertificate,
  fingerprint,
  type IssueOptions,
  issueCertificate,
  type KeyUsageName,
  keyIdentifier,
  type ParsedCertificate,
  parseCertificate,
  type RandomSource,
  randomSerial,
} from './certificate.js';
export { type CrlEntry, type CrlOptions, createCrl, type VerifiedCrl, verifyCrl } from './crl.js';
export { createCsr, type ParsedCsr, parseCsr } from './csr.js';
export { type PkiErrorCode, pkiError } from './errors.js';
export {
  CA_OU,
  checkName,
  checkOrg,
  extKeyUsageOf,
  isRevocationReason,
  isRole,
  NODE_ROLES,
  OID,
  ORG_PATTERN,
  REVOCATION_REASONS,
  type RevocationReason,
  ROLES,
  type Role,
  signatureOidOf,
} from './profile.js';
export {
  type CaCheckOptions,
  createRevocationSet,
  type MemberCheckOptions,
  type MemberIdentity,
  NO_REVOCATIONS,
  type RevocationSet,
  verifyCaCertificate,
  verifyMemberCertificate,
} from './verify.js';
