/**
 * Public contract of @xinlian/store: the embedded database (lmdb). It stores bytes and knows
 * nothing about codecs or modules. One block = one atomic, durable commit.
 *
 * Keys are Uint8Array compared bytewise; state keys are namespaced by the execution layer.
 */

export interface StateWrite {
  readonly key: Uint8Array;
  /** null deletes the key (history keeps the deletion). */
  readonly value: Uint8Array | null;
  /** false: write the value but no history entry (history()/getAt() do not see this write). */
  readonly history?: boolean;
}

/** Everything one block changes, written in one lmdb transaction. */
export interface BlockCommit {
  readonly height: number;
  readonly blockId: Uint8Array;
  /** Encoded block (header, txs, certificate) as produced by @xinlian/codec. */
  readonly blockBytes: Uint8Array;
  /** Encoded receipts of the block's txs, in tx order. */
  readonly receipts: readonly Uint8Array[];
  /** txId of each tx in block order (index = position). */
  readonly txIds: readonly Uint8Array[];
  readonly appHash: Uint8Array;
  readonly stateWrites: readonly StateWrite[];
  /** Node-local, non-consensus data to write atomically with the block (e.g. batch leaves). */
  readonly auxWrites?: readonly StateWrite[];
  /**
   * Sender of each tx in block order (e.g. the signer's address bytes), same length as txIds:
   * indexed for `txsBySender`. Absent: the block's txs are not in the sender index.
   */
  readonly txSenders?: readonly Uint8Array[];
}

/** A tx of a sender (`txsBySender`): where it is and its ID. */
export interface SenderTx {
  readonly height: number;
  readonly index: number;
  readonly txId: Uint8Array;
}

/** One tx of a stored block, as `rebuildSenderIndex` needs it. */
export interface IndexedTx {
  readonly txId: Uint8Array;
  readonly sender: Uint8Array;
}

export interface ChainHead {
  readonly height: number;
  readonly blockId: Uint8Array;
  readonly appHash: Uint8Array;
}

export interface TxLocation {
  readonly height: number;
  readonly index: number;
}

export interface ScanOptions {
  /** Inclusive lower bound (default: prefix). */
  readonly start?: Uint8Array;
  /** Exclusive upper bound (default: end of prefix). */
  readonly end?: Uint8Array;
  readonly limit?: number;
  readonly reverse?: boolean;
}

export interface KeyValue {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

export interface HistoryEntry {
  readonly height: number;
  /** null = deleted at that height. */
  readonly value: Uint8Array | null;
}

/** Read-only view of the latest committed state. Synchronous (lmdb reads are). */
export interface StateReader {
  get(key: Uint8Array): Uint8Array | undefined;
  /** Latest values of keys starting with prefix, in key order. */
  scan(prefix: Uint8Array, opts?: ScanOptions): KeyValue[];
}

export interface ChainStore extends StateReader {
  /** Highest committed block, undefined before the first block. */
  head(): ChainHead | undefined;
  /** Atomically and durably commits a block; resolves only once it is on disk. Heights must be consecutive. */
  commitBlock(commit: BlockCommit): Promise<void>;
  /** Changes whenever a commit starts and when it settles (LmdbChainStore.stateVersion). */
  stateVersion(): number;
  getBlockBytes(height: number): Uint8Array | undefined;
  getHeightByBlockId(blockId: Uint8Array): number | undefined;
  getReceipts(height: number): Uint8Array[] | undefined;
  getTxLocation(txId: Uint8Array): TxLocation | undefined;
  /**
   * Txs of a sender, newest first (highest height, then highest index): at most `limit`, strictly
   * before `before` when given (the last location of the previous page).
   */
  txsBySender(sender: Uint8Array, opts: { readonly limit: number; readonly before?: TxLocation }): SenderTx[];
  /** Value of key as of the end of block `height` (undefined if absent or deleted then). */
  getAt(key: Uint8Array, height: number): Uint8Array | undefined;
  /** Every version of a key, oldest first. */
  history(key: Uint8Array, opts?: { readonly limit?: number; readonly reverse?: boolean }): HistoryEntry[];
  /** Node-local auxiliary data (not consensus state). */
  getAux(key: Uint8Array): Uint8Array | undefined;
  scanAux(prefix: Uint8Array, opts?: ScanOptions): KeyValue[];
  /**
   * Atomically and durably writes node-local aux data outside a block (e.g. an index compaction):
   * all of `writes` or none; resolves once on disk.
   */
  commitAux(writes: readonly StateWrite[]): Promise<void>;
  /** Small metadata (genesis, node identity); written durably. */
  getMeta(key: string): Uint8Array | undefined;
  putMeta(key: string, value: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Minimal structured logger (a pino logger fits). */
export interface StoreLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface LmdbStoreOptions {
  /** Directory of the lmdb environment (created if missing). */
  readonly path: string;
  /** Initial map size; lmdb grows it automatically when full. */
  readonly mapSizeBytes?: number;
  /** Skip fsync: commits are NOT durable. Only for tests and benchmarks. */
  readonly noSync?: boolean;
  /** Height of the first block (default 1: genesis has no block). */
  readonly initialHeight?: number;
}

export interface StoreModules {
  readonly logger?: StoreLogger;
}

/** Counters since open, for the node's metrics. */
export interface StoreStats {
  /** Blocks committed. */
  readonly commits: number;
  /** commitBlock calls that failed (bad input or I/O). */
  readonly commitErrors: number;
  /** Duration of the last successful commit, in milliseconds. */
  readonly lastCommitMs: number;
  /** Sum of successful commit durations, in milliseconds. */
  readonly totalCommitMs: number;
  /** Payload bytes (keys and values) of the last successful commit. */
  readonly lastCommitBytes: number;
  /** Payload bytes of all successful commits. */
  readonly totalCommitBytes: number;
  /** State writes (sets and deletes) committed. */
  readonly stateWrites: number;
  /** Bytes of the environment in use (pages up to the last used one). */
  readonly dbSizeBytes: number;
}
