export { computeAppHash, encodeStateWrites, genesisAppHash } from './app-hash.js';
export { argsFieldName, argsValidator, type SchemaCheck } from './args.js';
export {
  EXEC_ERROR_CODES,
  type ExecErrorCode,
  QUERY_ERROR_CODES,
  type QueryErrorCode,
  TX_ERROR_CODES,
  type TxErrorCode,
} from './errors.js';
export {
  type CheckTxOptions,
  Executor,
  type ExecutorModules,
  type ExecutorOptions,
  txTooLarge,
} from './executor.js';
export { MemoryState } from './memory.js';
export { MemoryChain, type MemoryChainCall, type MemoryChainOptions } from './memory-chain.js';
export { queryModule } from './query.js';
export { namespacePrefix, type ScanOptions } from './state.js';
export * from './types.js';
