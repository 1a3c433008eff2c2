export {
  CODEC_ERROR_CODES,
  type CodecErrorCode,
  MERKLE_ERROR_CODES,
  type MerkleErrorCode,
} from './errors.js';
export { blockId, txId, validatorSetHash } from './ids.js';
export { canonicalJson, MAX_JSON_DEPTH, parseCanonicalJson } from './json.js';
export {
  consistencyProof,
  type HashFn,
  inclusionProof,
  MerkleTree,
  merkleLeafHash,
  merkleNodeHash,
  merkleRoot,
  merkleRootFromLeafHashes,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
export {
  decodeBlock,
  decodeBlockHeader,
  decodeCommitCertificate,
  decodeConsensusMessage,
  decodeProposal,
  decodeSignedTx,
  decodeTxBody,
  decodeTxReceipt,
  decodeValidatorSet,
  decodeVote,
  decodeWalRecord,
  encodeBlock,
  encodeBlockHeader,
  encodeBlockWithTxBytes,
  encodeCommitCertificate,
  encodeConsensusMessage,
  encodeProposal,
  encodeProposalSignBytes,
  encodeSignedTx,
  encodeTxBody,
  encodeTxReceipt,
  encodeValidatorSet,
  encodeVote,
  encodeVoteSignBytes,
  encodeWalRecord,
  PROPOSAL_SIGN_DOMAIN,
  VOTE_SIGN_DOMAIN,
} from './messages.js';
export { XINLIAN_PROTO } from './proto-text.js';
export * from './types.js';
