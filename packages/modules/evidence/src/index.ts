export { createEvidenceModule, EVIDENCE_ERROR_CODES, EVIDENCE_MODULE } from './module.js';
export * from './schemas.js';
