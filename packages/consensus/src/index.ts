export { validatorSetHash } from '@xinlian/codec';
export * from './bft/index.js';
export { type CertificateFailure, makeCommitCertificate, verifyCommitCertificate } from './certificate.js';
export { type GenesisDocument, genesisHash, genesisValidatorSet } from './genesis.js';
export { quorumPower, totalPower } from './quorum.js';
export { type SoloCommit, SoloProposer, type SoloProposerOptions } from './solo.js';
export {
  headerValidatorSets,
  type ScheduledValidatorSet,
  VALSET_CHANGE_DELAY,
  type ValidatorSetChainFailure,
  type ValidatorSetLink,
  validatorSetAt,
  verifyHeaderAcrossChanges,
  verifyValidatorSetChain,
} from './valset.js';
export { checkSignature, type SignatureCheck, signVote, type UnsignedVote, verifyVote } from './vote.js';
