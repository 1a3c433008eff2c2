export {
  createEvidenceModule,
  EVIDENCE_DEFAULT_ROLES,
  EVIDENCE_ERROR_CODES,
  EVIDENCE_MODULE,
} from './module.js';
export * from './schemas.js';
