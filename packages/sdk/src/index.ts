export type { Genesis, Receipt, VerificationReport, VerificationStep } from '@xinlian/schemas';
export { type FileDigest, type HashBlobOptions, type HashProgress, hashBlob } from './blob.js';
export {
  type AccountTxsQuery,
  type AccountTxsResponse,
  type BlockStream,
  type BlockView,
  type ClientOptions,
  type EpcisCaptureJob,
  type EpcisQueryParams,
  EvidenceApi,
  type EvidenceList,
  type EvidenceLookup,
  type EvidenceRecordView,
  type FetchFn,
  GovernanceApi,
  type SearchResponse,
  type StatusResponse,
  TraceabilityApi,
  type TxAccepted,
  type TxCommitted,
  type TxInput,
  type TxResponse,
  type WaitCommit,
  type WaitNone,
  XinlianClient,
} from './client.js';
export * from './evidence.js';
export * from './keys.js';
export { type ReadAuthorizerInput, readAuthorization, readAuthorizer } from './read-auth.js';
export {
  type BatchOfReceipts,
  type BuildReceiptInput,
  batchReceipts,
  buildBatchReceipts,
  buildReceipt,
  RECEIPT_STEPS,
  type ReceiptStep,
  type VerifyReceiptOptions,
  validatorSetLinkToJson,
  verifyReceipt,
} from './receipt.js';
export { type BuildTxInput, type BuiltTx, buildTx, randomNonce } from './tx.js';
