import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { compareBytes, utf8, XinlianError } from '@xinlian/utils';
import { type Database, open, type RangeOptions, type RootDatabase } from 'lmdb';
import {
  corrupt,
  decodeHead,
  encodeHead,
  heightKey,
  historyKey,
  historyPrefix,
  historyValue,
  locationKey,
  MAX_KEY_BYTES,
  prefixEnd,
  readHistoryValue,
  readLocation,
  readU64be,
  senderKey,
  senderPrefix,
  u64be,
} from './keys.js';
import type {
  BlockCommit,
  ChainHead,
  ChainStore,
  HistoryEntry,
  IndexedTx,
  KeyValue,
  LmdbStoreOptions,
  ScanOptions,
  SenderTx,
  StateWrite,
  StoreLogger,
  StoreModules,
  StoreStats,
  TxLocation,
} from './types.js';

type Db = Database<Uint8Array, Uint8Array>;

interface Dbs {
  readonly blocks: Db;
  readonly receipts: Db;
  readonly blockIds: Db;
  readonly txIndex: Db;
  readonly state: Db;
  readonly stateHistory: Db;
  readonly aux: Db;
  readonly meta: Db;
  readonly senderIndex: Db;
}

const DB_NAMES: readonly (keyof Dbs)[] = [
  'blocks',
  'receipts',
  'blockIds',
  'txIndex',
  'state',
  'stateHistory',
  'aux',
  'meta',
  'senderIndex',
];

const BINARY = { keyEncoding: 'binary', encoding: 'binary' } as const;

/** Layout version written at creation; opening another version fails with STORE_CORRUPT. */
const FORMAT_VERSION = 1;
const META_FORMAT = utf8('s/format');
const META_HEAD = utf8('s/head');
/**
 * u64be(h): blocks up to height h were committed before the sender index existed and are not in it
 * (0: the index is complete). Written when a store without it is opened; cleared by rebuildSenderIndex.
 */
const META_SENDER_GAP = utf8('s/senderIndexGap');
/** Blocks per write transaction of rebuildSenderIndex. */
const REBUILD_CHUNK_BLOCKS = 500;
const USER_META_PREFIX = 'u/';

interface MutableStats {
  commits: number;
  commitErrors: number;
  lastCommitMs: number;
  totalCommitMs: number;
  lastCommitBytes: number;
  totalCommitBytes: number;
  stateWrites: number;
}

/**
 * The chain store on one lmdb environment with one sub-database per kind of data. Every block
 * is written by one lmdb transaction (all or nothing) that is synced to disk before
 * `commitBlock` resolves. Reads are synchronous and return copies.
 */
export class LmdbChainStore implements ChainStore {
  private closed = false;
  /** See stateVersion(). */
  private version = 0;
  private readonly counters: MutableStats = {
    commits: 0,
    commitErrors: 0,
    lastCommitMs: 0,
    totalCommitMs: 0,
    lastCommitBytes: 0,
    totalCommitBytes: 0,
    stateWrites: 0,
  };

  private constructor(
    private readonly env: RootDatabase<Uint8Array, Uint8Array>,
    private readonly dbs: Dbs,
    private readonly initialHeight: number,
    private readonly path: string,
    private readonly logger: StoreLogger | undefined,
  ) {}

  /** Opens (or creates) the store at opts.path and checks its format and head. */
  static async open(opts: LmdbStoreOptions, modules: StoreModules = {}): Promise<LmdbChainStore> {
    const initialHeight = opts.initialHeight ?? 1;
    if (!Number.isSafeInteger(initialHeight) || initialHeight < 0) {
      throw new XinlianError('STORE_BAD_HEIGHT', 'initialHeight must be a non-negative integer', {
        initialHeight,
      });
    }
    let env: RootDatabase<Uint8Array, Uint8Array>;
    try {
      env = open<Uint8Array, Uint8Array>({
        path: opts.path,
        maxDbs: DB_NAMES.length + 4,
        overlappingSync: false,
        noSync: opts.noSync === true,
        ...BINARY,
        ...(opts.mapSizeBytes === undefined ? {} : { mapSize: opts.mapSizeBytes }),
      });
    } catch (e) {
      throw ioError('open', e, { path: opts.path });
    }
    let store: LmdbChainStore;
    try {
      const dbs = Object.fromEntries(
        DB_NAMES.map((name) => [name, env.openDB<Uint8Array, Uint8Array>(name, BINARY)]),
      ) as unknown as Dbs;
      store = new LmdbChainStore(env, dbs, initialHeight, opts.path, modules.logger);
      await store.checkFormat();
      store.checkHead();
    } catch (e) {
      await env.close();
      throw e instanceof XinlianError ? e : ioError('open', e, { path: opts.path });
    }
    store.logger?.info({ path: opts.path, height: store.head()?.height ?? null }, 'store opened');
    return store;
  }

  head(): ChainHead | undefined {
    const bytes = this.read(() => this.dbs.meta.get(META_HEAD));
    return bytes === undefined ? undefined : decodeHead(view(bytes));
  }

  /**
   * Writes the whole block in one lmdb transaction and resolves once it is durable.
   * Fails with STORE_BAD_HEIGHT unless height = head + 1 (or initialHeight for the first block),
   * STORE_DUPLICATE if the blockId or a txId is already stored, STORE_BAD_ARGUMENT on malformed input.
   * The commit's arrays must not be mutated until the promise settles.
   */
  async commitBlock(commit: BlockCommit): Promise<void> {
    this.assertOpen();
    const started = performance.now();
    let bytes: number;
    this.version++;
    try {
      bytes = await this.env.childTransaction(() => this.writeBlock(commit));
    } catch (e) {
      this.version++;
      this.counters.commitErrors++;
      if (e instanceof XinlianError) throw e;
      const err = ioError('commit', e, { height: commit.height });
      this.logger?.warn({ err, height: commit.height }, 'block commit failed');
      throw err;
    }
    this.version++;
    const ms = performance.now() - started;
    const c = this.counters;
    c.commits++;
    c.lastCommitMs = ms;
    c.totalCommitMs += ms;
    c.lastCommitBytes = bytes;
    c.totalCommitBytes += bytes;
    c.stateWrites += commit.stateWrites.length;
  }

  /**
   * A counter that changes whenever committed state, the tx index or the head may have changed:
   * incremented when a block commit starts and again when it settles. Two equal readings with no
   * commit in flight in between mean nothing changed; while a commit is in flight its writes may
   * become visible at any moment, and the value changes again when it settles (so a cache kept per
   * value is dropped then). Executor's and Admission's stateVersion.
   */
  stateVersion(): number {
    return this.version;
  }

  getBlockBytes(height: number): Uint8Array | undefined {
    checkHeight(height);
    return this.read(() => view(this.dbs.blocks.get(heightKey(height))));
  }

  getHeightByBlockId(blockId: Uint8Array): number | undefined {
    return this.read(() => {
      const v = this.dbs.blockIds.get(blockId);
      if (v === undefined) return undefined;
      if (v.length !== 8) throw corrupt('bad blockId record', { length: v.length });
      return readU64be(v, 0);
    });
  }

  getReceipts(height: number): Uint8Array[] | undefined {
    checkHeight(height);
    return this.read(() => {
      const prefix = heightKey(height);
      if (this.dbs.blocks.get(prefix) === undefined) return undefined;
      const range = this.dbs.receipts.getRange({ start: prefix, end: prefixEnd(prefix)! });
      return Array.from(range, ({ value }) => view(value));
    });
  }

  /** One receipt by position, e.g. after getTxLocation (cheaper than getReceipts for big blocks). */
  getReceipt(height: number, index: number): Uint8Array | undefined {
    checkHeight(height);
    if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) return undefined;
    return this.read(() => view(this.dbs.receipts.get(locationKey(height, index))));
  }

  getTxLocation(txId: Uint8Array): TxLocation | undefined {
    return this.read(() => {
      // getBinaryFast: a reused buffer, parsed before the next read (no copy per lookup).
      const v = this.dbs.txIndex.getBinaryFast(txId);
      return v === undefined ? undefined : readLocation(v);
    });
  }

  txsBySender(
    sender: Uint8Array,
    opts: { readonly limit: number; readonly before?: TxLocation },
  ): SenderTx[] {
    checkKey('sender', sender);
    const { limit, before } = opts;
    if (!Number.isInteger(limit) || limit < 0)
      throw badArgument('limit must be a non-negative integer', { limit });
    if (before !== undefined) checkHeight(before.height);
    return this.read(() =>
      rangeScan(this.dbs.senderIndex, senderPrefix(sender), {
        limit,
        reverse: true,
        ...(before === undefined ? {} : { end: senderKey(sender, before.height, before.index) }),
      }).map(({ key, value }) => {
        const loc = readLocation(key.subarray(key.length - 12));
        return { height: loc.height, index: loc.index, txId: value };
      }),
    );
  }

  /** Highest height of the blocks missing from the sender index (0: none; see rebuildSenderIndex). */
  senderIndexGap(): number {
    return this.read(() => {
      const v = this.dbs.meta.get(META_SENDER_GAP);
      return v === undefined ? 0 : readU64be(v, 0);
    });
  }

  /**
   * Adds the blocks committed before the sender index existed (heights up to senderIndexGap()) to
   * it: `txsOf` decodes a stored block into its txs' IDs and senders. Written in transactions of
   * REBUILD_CHUNK_BLOCKS blocks; idempotent (an interrupted rebuild is redone from the start on the
   * next call). Resolves with the number of txs indexed.
   */
  async rebuildSenderIndex(
    txsOf: (height: number, blockBytes: Uint8Array) => readonly IndexedTx[],
  ): Promise<number> {
    this.assertOpen();
    const gap = this.senderIndexGap();
    let indexed = 0;
    for (let from = this.initialHeight; from <= gap; from += REBUILD_CHUNK_BLOCKS) {
      const to = Math.min(gap, from + REBUILD_CHUNK_BLOCKS - 1);
      const entries: (readonly [Uint8Array, Uint8Array])[] = [];
      for (let h = from; h <= to; h++) {
        const bytes = this.getBlockBytes(h);
        if (bytes === undefined) continue;
        txsOf(h, bytes).forEach((t, index) => {
          checkKey('sender', t.sender);
          entries.push([senderKey(t.sender, h, index), t.txId]);
        });
      }
      try {
        await this.env.childTransaction(() => {
          for (const [k, v] of entries) this.dbs.senderIndex.putSync(k, v);
        });
      } catch (e) {
        throw ioError('rebuildSenderIndex', e, { from, to });
      }
      indexed += entries.length;
    }
    try {
      await this.dbs.meta.put(META_SENDER_GAP, u64be(0));
    } catch (e) {
      throw ioError('rebuildSenderIndex', e, {});
    }
    if (gap > 0) this.logger?.info({ blocks: gap, txs: indexed }, 'sender index rebuilt');
    return indexed;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.read(() => view(this.dbs.state.get(key)));
  }

  scan(prefix: Uint8Array, opts: ScanOptions = {}): KeyValue[] {
    return this.read(() => rangeScan(this.dbs.state, prefix, opts));
  }

  getAt(key: Uint8Array, height: number): Uint8Array | undefined {
    checkHeight(height);
    return this.read(() => {
      const range = this.dbs.stateHistory.getRange({
        start: historyKey(key, height),
        end: historyPrefix(key),
        reverse: true,
        limit: 1,
      });
      for (const { value } of range) return view(readHistoryValue(value) ?? undefined);
      return undefined;
    });
  }

  history(
    key: Uint8Array,
    opts: { readonly limit?: number; readonly reverse?: boolean } = {},
  ): HistoryEntry[] {
    return this.read(() =>
      rangeScan(this.dbs.stateHistory, historyPrefix(key), opts).map((kv) => ({
        height: readU64be(kv.key, kv.key.length - 8),
        value: readHistoryValue(kv.value),
      })),
    );
  }

  getAux(key: Uint8Array): Uint8Array | undefined {
    return this.read(() => view(this.dbs.aux.get(key)));
  }

  scanAux(prefix: Uint8Array, opts: ScanOptions = {}): KeyValue[] {
    return this.read(() => rangeScan(this.dbs.aux, prefix, opts));
  }

  async commitAux(writes: readonly StateWrite[]): Promise<void> {
    this.assertOpen();
    for (const w of writes) checkKey('aux key', w.key);
    try {
      await this.env.childTransaction(() => {
        for (const { key, value } of writes) {
          if (value === null) this.dbs.aux.removeSync(key);
          else this.dbs.aux.putSync(key, value);
        }
      });
    } catch (e) {
      if (e instanceof XinlianError) throw e;
      throw ioError('commitAux', e, { writes: writes.length });
    }
  }

  getMeta(key: string): Uint8Array | undefined {
    const k = userMetaKey(key);
    return this.read(() => view(this.dbs.meta.get(k)));
  }

  async putMeta(key: string, value: Uint8Array): Promise<void> {
    this.assertOpen();
    const k = userMetaKey(key);
    try {
      await this.dbs.meta.put(k, value);
    } catch (e) {
      throw ioError('putMeta', e, { key });
    }
  }

  /**
   * Hot backup: writes a consistent snapshot of the whole store (a complete lmdb environment,
   * openable with LmdbChainStore.open) to `targetPath` while the store stays in use.
   */
  async backup(targetPath: string, opts: { readonly compact?: boolean } = {}): Promise<void> {
    this.assertOpen();
    if (existsSync(join(targetPath, 'data.mdb'))) {
      throw new XinlianError('STORE_BAD_ARGUMENT', 'backup target already holds a database', {
        path: targetPath,
      });
    }
    try {
      await mkdir(targetPath, { recursive: true });
      await this.env.backup(targetPath, opts.compact === true);
    } catch (e) {
      throw ioError('backup', e, { path: targetPath });
    }
    this.logger?.info({ path: targetPath }, 'store backed up');
  }

  /** Counters since open (the node exports them as metrics). */
  stats(): StoreStats {
    this.assertOpen();
    const s = this.env.getStats() as { pageSize?: number; lastPageNumber?: number };
    const dbSizeBytes = (s.pageSize ?? 0) * ((s.lastPageNumber ?? -1) + 1);
    return { ...this.counters, dbSizeBytes };
  }

  /** Waits for pending commits, then closes the environment. Later calls throw STORE_CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.env.close();
    } catch (e) {
      throw ioError('close', e, { path: this.path });
    }
    this.logger?.info({ path: this.path }, 'store closed');
  }

  /** Runs inside the lmdb write transaction; throwing aborts everything it wrote. Returns payload bytes. */
  private writeBlock(c: BlockCommit): number {
    validateCommit(c);
    const { blocks, receipts, blockIds, txIndex, state, stateHistory, aux, meta, senderIndex } = this.dbs;
    const headBytes = meta.get(META_HEAD);
    const expected = headBytes === undefined ? this.initialHeight : decodeHead(headBytes).height + 1;
    if (c.height !== expected) {
      throw new XinlianError('STORE_BAD_HEIGHT', `expected block height ${expected}, got ${c.height}`, {
        expected,
        actual: c.height,
      });
    }
    if (blockIds.get(c.blockId) !== undefined) {
      throw new XinlianError('STORE_DUPLICATE', 'block id already stored', {
        kind: 'block',
        height: c.height,
      });
    }
    let bytes = c.blockBytes.length + c.blockId.length;
    const hk = heightKey(c.height);
    blocks.putSync(hk, c.blockBytes);
    blockIds.putSync(c.blockId, hk);
    c.txIds.forEach((txId, index) => {
      const loc = locationKey(c.height, index);
      // noOverwrite: the put itself reports a txId already stored (or earlier in this block),
      // without a read first; throwing aborts the whole transaction.
      if (!putIfAbsent(txIndex, txId, loc)) {
        throw new XinlianError('STORE_DUPLICATE', 'tx id already stored', {
          kind: 'tx',
          height: c.height,
          index,
        });
      }
      receipts.putSync(loc, c.receipts[index]!);
      bytes += txId.length + c.receipts[index]!.length;
    });
    c.txSenders?.forEach((sender, index) => {
      senderIndex.putSync(senderKey(sender, c.height, index), c.txIds[index]!);
      bytes += sender.length + 14;
    });
    for (const { key, value, history } of c.stateWrites) {
      if (value === null) state.removeSync(key);
      else state.putSync(key, value);
      if (history !== false) stateHistory.putSync(historyKey(key, c.height), historyValue(value));
      bytes += key.length + (value?.length ?? 0);
    }
    for (const { key, value } of c.auxWrites ?? []) {
      if (value === null) aux.removeSync(key);
      else aux.putSync(key, value);
      bytes += key.length + (value?.length ?? 0);
    }
    meta.putSync(META_HEAD, encodeHead(c.height, c.blockId, c.appHash));
    return bytes;
  }

  private async checkFormat(): Promise<void> {
    const v = this.dbs.meta.get(META_FORMAT);
    if (v === undefined) {
      if (this.dbs.blocks.getKeysCount({ limit: 1 }) > 0 || this.dbs.meta.get(META_HEAD) !== undefined) {
        throw corrupt('store has data but no format marker', { path: this.path });
      }
      await this.dbs.meta.put(META_FORMAT, u32be(FORMAT_VERSION));
      await this.dbs.meta.put(META_SENDER_GAP, u64be(0));
      return;
    }
    const version = v.length === 4 ? new DataView(v.buffer, v.byteOffset, 4).getUint32(0) : -1;
    if (version !== FORMAT_VERSION) {
      throw corrupt('unsupported store format', { path: this.path, version, supported: FORMAT_VERSION });
    }
    // A store from before the sender index: its blocks so far are not in it (rebuildSenderIndex).
    if (this.dbs.meta.get(META_SENDER_GAP) === undefined) {
      await this.dbs.meta.put(META_SENDER_GAP, u64be(this.head()?.height ?? 0));
    }
  }

  /** The head's block must exist and nothing may follow it. */
  private checkHead(): void {
    const head = this.head();
    const last = [...this.dbs.blocks.getKeys({ reverse: true, limit: 1 })][0];
    const lastHeight = last === undefined ? undefined : readU64be(last, 0);
    if (lastHeight !== head?.height) {
      throw corrupt('head does not match the last stored block', {
        path: this.path,
        head: head?.height ?? null,
        lastBlock: lastHeight ?? null,
      });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new XinlianError('STORE_CLOSED', 'store is closed', { path: this.path });
  }

  /** Runs a read, mapping lmdb failures to STORE_IO. */
  private read<T>(fn: () => T): T {
    this.assertOpen();
    try {
      return fn();
    } catch (e) {
      if (e instanceof XinlianError) throw e;
      throw ioError('read', e, { path: this.path });
    }
  }
}

function ioError(op: string, cause: unknown, details: Record<string, unknown>): XinlianError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new XinlianError('STORE_IO', `lmdb ${op} failed: ${message}`, { op, ...details }, { cause });
}

/** Latest entries of db under prefix within [start, end), honouring limit and reverse. */
function rangeScan(db: Db, prefix: Uint8Array, opts: ScanOptions): KeyValue[] {
  const limit = opts.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw badArgument('limit must be a non-negative integer', { limit });
  }
  let lo = prefix;
  if (opts.start !== undefined && compareBytes(opts.start, lo) > 0) lo = opts.start;
  let hi = prefixEnd(prefix);
  if (opts.end !== undefined && (hi === undefined || compareBytes(opts.end, hi) < 0)) hi = opts.end;
  if (limit === 0 || (hi !== undefined && compareBytes(lo, hi) >= 0)) return [];
  const range: RangeOptions = { ...(limit === undefined ? {} : { limit }) };
  const low = lo.length > 0 ? lo : undefined;
  if (opts.reverse === true) {
    range.reverse = true;
    if (hi !== undefined) Object.assign(range, { start: hi, exclusiveStart: true });
    // Without an explicit end lmdb stops a reverse scan before key 0x00: 0x00 is the smallest key.
    Object.assign(range, { end: low ?? Uint8Array.of(0), inclusiveEnd: true });
  } else {
    if (low !== undefined) range.start = low;
    if (hi !== undefined) range.end = hi;
  }
  return Array.from(db.getRange(range), ({ key, value }) => ({ key: view(key), value: view(value) }));
}

/**
 * putSync with MDB_NOOVERWRITE inside the write transaction: false (nothing written) when the key
 * exists. lmdb's typings declare putSync as void, but it returns whether the put succeeded
 * (lmdb/write.js: `put(...) === SYNC_PROMISE_SUCCESS`); the store tests cover both outcomes.
 */
function putIfAbsent(db: Db, key: Uint8Array, value: Uint8Array): boolean {
  const put = db.putSync as unknown as (k: Uint8Array, v: Uint8Array, o: { noOverwrite: boolean }) => unknown;
  return put.call(db, key, value, { noOverwrite: true }) === true;
}

/** A plain Uint8Array over lmdb's (already copied) Buffer, so callers see one type. */
function view(b: Uint8Array): Uint8Array;
function view(b: Uint8Array | undefined): Uint8Array | undefined;
function view(b: Uint8Array | undefined): Uint8Array | undefined {
  return b === undefined ? undefined : new Uint8Array(b.buffer, b.byteOffset, b.length);
}

function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

function badArgument(message: string, details: Record<string, unknown>): XinlianError {
  return new XinlianError('STORE_BAD_ARGUMENT', message, details);
}

function checkHeight(height: number): void {
  if (!Number.isSafeInteger(height) || height < 0) {
    throw new XinlianError('STORE_BAD_HEIGHT', 'height must be a non-negative safe integer', { height });
  }
}

function checkKey(what: string, key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length === 0 || key.length > MAX_KEY_BYTES) {
    throw badArgument(`${what} must be 1..${MAX_KEY_BYTES} bytes`, { what, length: key?.length ?? null });
  }
}

function userMetaKey(key: string): Uint8Array {
  const k = utf8(USER_META_PREFIX + key);
  if (key.length === 0 || k.length > MAX_KEY_BYTES) {
    throw badArgument(`meta key must be 1..${MAX_KEY_BYTES - 2} UTF-8 bytes`, { length: k.length - 2 });
  }
  return k;
}

function validateCommit(c: BlockCommit): void {
  checkHeight(c.height);
  checkKey('blockId', c.blockId);
  if (c.txIds.length !== c.receipts.length) {
    throw badArgument('one receipt per tx is required', { txs: c.txIds.length, receipts: c.receipts.length });
  }
  for (const id of c.txIds) checkKey('txId', id);
  if (c.txSenders !== undefined) {
    if (c.txSenders.length !== c.txIds.length) {
      throw badArgument('one sender per tx is required', {
        txs: c.txIds.length,
        senders: c.txSenders.length,
      });
    }
    for (const s of c.txSenders) checkKey('sender', s);
  }
  for (const w of c.stateWrites) checkKey('state key', w.key);
  for (const w of c.auxWrites ?? []) checkKey('aux key', w.key);
}
