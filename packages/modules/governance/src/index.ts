export { createAuthorizer } from './authorizer.js';
export {
  badArgs,
  GOV_ERROR_CODES,
  type GovErrorCode,
  govError,
  PERM_ERROR_CODES,
  SUPERVISION_ERROR_CODES,
} from './errors.js';
export { GOVERNANCE_MODULE, targetId } from './keys.js';
export {
  type DeclaredMethod,
  declaredMethods,
  declaredRoles,
  type PermissionCell,
  permissionMatrix,
} from './matrix.js';
export {
  auditCsv,
  createGovernance,
  GOVERNANCE_DEFAULT_ROLES,
  type Governance,
  type GovernanceOptions,
  MAX_VOTING_PERIOD,
  VALSET_CHANGE_DELAY,
} from './module.js';
export { decide, policyHolds, requiredYes, type Tally, tally } from './policy.js';
export * from './schemas.js';
