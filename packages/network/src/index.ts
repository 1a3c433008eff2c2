export type { TlsIdentity } from './cert.js';
export { generateTlsIdentity } from './cert.js';
export type { NetworkErrorCode } from './errors.js';
export { encodeFrame, type Frame, FrameDecoder } from './frame.js';
export { type MessageHandler, PeerNetwork, type PeerNetworkModules } from './peer-network.js';
export { SeenSet } from './seen.js';
export {
  BlockSyncer,
  type BlockSyncerModules,
  type BlockSyncerOptions,
  BlockSyncServer,
  type BlockSyncServerOptions,
  type SyncStats,
  type SyncTransport,
} from './sync.js';
export * from './types.js';
export {
  AUTH_DOMAIN,
  type Blocks,
  channelId,
  channelOf,
  decodeHello,
  decodeSyncMessage,
  EXPORTER_LABEL,
  encodeHello,
  encodeSyncMessage,
  type GetBlocks,
  HELLO_CHANNEL_ID,
  type Hello,
  type HelloRole,
  helloSignBytes,
  type SyncMessage,
} from './wire.js';
