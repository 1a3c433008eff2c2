export { type BackupResult, backupHome } from './backup.js';
export { DEFAULT_P2P_PORT, type InitNetworkOptions, initNetwork } from './bft/net-home.js';
export {
  DEFAULT_API_HOST,
  DEFAULT_API_PORT,
  defaultConfig,
  LogLevel,
  type NodeConfig,
  NodeConfigSchema,
  type P2pConfig,
  P2pConfigSchema,
  parseConfig,
  parseGenesis,
} from './config.js';
export {
  CONFIG_FILE,
  GENESIS_FILE,
  type HomeInfo,
  type InitHomeOptions,
  initHome,
  readHome,
} from './home.js';
export {
  ERROR_STATUS,
  ERROR_STATUS_PREFIXES,
  NODE_ERROR_CODES,
  problemOf,
  retryAfterOf,
  type StatusSource,
  statusOf,
} from './http/errors.js';
export { createLogger, type Logger } from './logger.js';
export { Mempool, type MempoolOptions, type MempoolTx } from './mempool.js';
export { NodeMetrics } from './metrics.js';
export { type RunningNode, type StartNodeOptions, startNode } from './node.js';
export type { CommittedBlock, HeadState, PendingTx } from './producer.js';
export {
  ChainRules,
  SUPPORTED_UPGRADES,
  UPGRADE_WARN_BLOCKS,
  type UpgradeHalt,
  type UpgradeInfo,
} from './upgrades.js';
export { NODE_VERSION } from './version.js';
