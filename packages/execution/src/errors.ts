/**
 * Every error code execution produces, with its meaning. Codes are stable public API: the node
 * maps them to HTTP statuses and the API docs list them from these tables.
 */

/** Rejections of a transaction (checkTx) and reasons a tx fails inside a block (receipt code). */
export const TX_ERROR_CODES = Object.freeze({
  TX_TOO_LARGE: 'the encoded transaction is larger than the chain parameter maxTxBytes',
  TX_MALFORMED: 'the bytes are not a canonical encoded SignedTx (details.reason has the codec code)',
  TX_WRONG_CHAIN: 'the transaction is for another chain ID',
  TX_BAD_SIGNER: "the signer field is not a valid public key of the chain's crypto suite",
  TX_BAD_SIGNATURE: 'the signature does not verify over the body bytes with the signer key',
  TX_EXPIRED: 'expiryHeight is lower than the height the tx would be included at',
  TX_EXPIRY_TOO_FAR: 'expiryHeight is more than maxTxLifetime blocks after the inclusion height',
  TX_DUPLICATE: 'a transaction with this txId is already committed (or earlier in the same block)',
  TX_UNKNOWN_MODULE: 'no module with this name is installed',
  TX_UNKNOWN_METHOD: 'the module has no method with this name',
  TX_BAD_ARGS: 'args are not canonical JSON or do not match the method (modules may use their own code)',
} as const);
export type TxErrorCode = keyof typeof TX_ERROR_CODES;

/** Errors of the execution host itself (bad wiring, invalid blocks, misbehaving modules). */
export const EXEC_ERROR_CODES = Object.freeze({
  EXEC_INVALID_MODULE: 'a module has an invalid or duplicate name (wiring error)',
  EXEC_BAD_BLOCK: 'the block input is invalid (height, time, prevAppHash or too many txs)',
  EXEC_MODULE_ERROR: 'a module method threw something other than a XinlianError (receipt code)',
  EXEC_BAD_RESULT: 'a module method returned a result or events that cannot be encoded (receipt code)',
  EXEC_STATE_UNAVAILABLE: 'reading committed state failed; the block was not executed',
} as const);
export type ExecErrorCode = keyof typeof EXEC_ERROR_CODES;

/** Errors of module queries on committed state. */
export const QUERY_ERROR_CODES = Object.freeze({
  QUERY_UNKNOWN: 'no such module or no such query in the module',
  QUERY_BAD_PARAMS: 'the query parameters are invalid (details.field names the offending field)',
} as const);
export type QueryErrorCode = keyof typeof QUERY_ERROR_CODES;
