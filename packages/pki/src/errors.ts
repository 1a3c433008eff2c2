import { type ErrorDetails, XinlianError } from '@xinlian/utils';

/** Stable error codes thrown by @xinlian/pki (spec/pki.md §6 says when each is raised). */
export type PkiErrorCode =
  /** Not a DER X.509 certificate/CRL, not canonical DER, or an unreadable field. */
  | 'PKI_MALFORMED'
  /** Well-formed X.509 that breaks the Xinlian profile (names, extensions, algorithms). */
  | 'PKI_PROFILE'
  /** The certificate's algorithms belong to another suite than the chain's. */
  | 'PKI_WRONG_SUITE'
  /** No trusted organization CA matches the certificate's issuer name and key identifier. */
  | 'PKI_UNKNOWN_ISSUER'
  /** The issuer's signature over the certificate (or CRL) does not verify. */
  | 'PKI_BAD_SIGNATURE'
  /** The time of the check is before notBefore. */
  | 'PKI_NOT_YET_VALID'
  /** The time of the check is after notAfter. */
  | 'PKI_EXPIRED'
  /** The issuer is not a CA certificate of the profile (basicConstraints/keyUsage). */
  | 'PKI_NOT_A_CA'
  /** A CA certificate was presented where a member certificate is required, or the reverse. */
  | 'PKI_NOT_A_MEMBER'
  /** The certificate's serial number is in the revocation set. */
  | 'PKI_REVOKED'
  /** The member's role is not one the caller accepts, or its key usage does not allow the purpose. */
  | 'PKI_ROLE_NOT_ALLOWED'
  | 'PKI_USAGE_NOT_ALLOWED'
  /** A bad argument to a builder (unknown role, bad name, inverted validity window, ...). */
  | 'PKI_INVALID_ARGUMENT';

/** Builds a XinlianError with a PKI error code. */
export function pkiError(
  code: PkiErrorCode,
  message: string,
  details: ErrorDetails = {},
  cause?: unknown,
): XinlianError<PkiErrorCode> {
  return new XinlianError(code, message, details, cause === undefined ? undefined : { cause });
}
