/** Error codes of governance, permissions and supervision (stable public API; spec/governance.md). */
import { XinlianError } from '@xinlian/utils';

/** Refusals of the host-level admission (and of governance's own role checks). */
export const PERM_ERROR_CODES = Object.freeze({
  PERM_UNKNOWN_SENDER: 'the signer is not a registered member of this permissioned chain',
  PERM_REVOKED: "the signer's certificate (or its CA) is revoked on chain",
  PERM_CERT_EXPIRED: "the block time is outside the signer's certificate validity",
  PERM_ORG_REMOVED: "the signer's organization is no longer a member",
  PERM_ROLE_NOT_ALLOWED: "the signer's role may not call this method under the on-chain policy",
  PERM_MODULE_DISABLED: 'the module is disabled by governance',
} as const);

/** Failures of governance methods and proposals. */
export const GOV_ERROR_CODES = Object.freeze({
  GOV_BAD_ARGS: 'args or query parameters are invalid (details.field names the offending field)',
  GOV_UNKNOWN_ORG: 'no such organization',
  GOV_ORG_EXISTS: 'an organization with this ID already exists',
  GOV_LAST_ORG: 'the last organization cannot be removed',
  GOV_NOT_ORG_ADMIN: 'only an admin of the organization concerned may do this',
  GOV_BAD_CERTIFICATE: 'the certificate does not verify (details.reason has the PKI code)',
  GOV_MEMBER_EXISTS: 'this key is already registered',
  GOV_UNKNOWN_MEMBER: 'no member with this address',
  GOV_ALREADY_REVOKED: 'this certificate is already revoked',
  GOV_UNKNOWN_PROPOSAL: 'no proposal with this ID',
  GOV_PROPOSAL_CLOSED: 'the proposal no longer accepts votes (decided or past its deadline)',
  GOV_ALREADY_VOTED: 'this organization has already voted on the proposal',
  GOV_BAD_HEIGHT: 'deadlineHeight / executeHeight / upgrade height is out of range',
  GOV_PROTECTED: 'the governance module cannot be disabled, frozen or stripped of its admins',
} as const);

/** Failures of supervision (regulator) actions, and the refusal of frozen objects. */
export const SUPERVISION_ERROR_CODES = Object.freeze({
  SUPERVISION_FROZEN: 'the account, module or record is frozen by a regulator (details.target, reference)',
  SUPERVISION_ALREADY_FROZEN: 'the target is already frozen',
  SUPERVISION_NOT_FROZEN: 'the target is not frozen',
} as const);

export type GovErrorCode =
  | keyof typeof PERM_ERROR_CODES
  | keyof typeof GOV_ERROR_CODES
  | keyof typeof SUPERVISION_ERROR_CODES;

export function govError(
  code: GovErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): XinlianError {
  return new XinlianError(code, message, details);
}

/** GOV_BAD_ARGS naming the offending field. */
export function badArgs(field: string, message: string): XinlianError {
  return new XinlianError('GOV_BAD_ARGS', `${field}: ${message}`, { field });
}
