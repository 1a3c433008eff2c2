/**
 * State overlays and module namespacing. A block executes on a BlockOverlay (committed state +
 * the block's pending writes); each tx runs on a TxOverlay on top of it whose writes are merged
 * into the block only if the tx succeeds. Modules see their own namespace only:
 * full key = utf8(moduleName) ‖ 0x00 ‖ moduleKey.
 */
import type { TxEvent } from '@xinlian/codec';
import { compareBytes, concatBytes, startsWithBytes, toHex, utf8 } from '@xinlian/utils';
import type { ExecutionStateReader, KeyValue, ModuleQueryState, ModuleState, StateWrite } from './types.js';

export interface ScanOptions {
  readonly start?: Uint8Array;
  readonly end?: Uint8Array;
  readonly limit?: number;
  readonly reverse?: boolean;
}

/** The key prefix of a module's namespace: utf8(name) ‖ 0x00. */
export function namespacePrefix(moduleName: string): Uint8Array {
  return concatBytes(utf8(moduleName), new Uint8Array([0]));
}

function inRange(key: Uint8Array, prefix: Uint8Array, opts: ScanOptions): boolean {
  if (!startsWithBytes(key, prefix)) return false;
  if (opts.start !== undefined && compareBytes(key, opts.start) < 0) return false;
  return opts.end === undefined || compareBytes(key, opts.end) < 0;
}

function hasPrefix(id: string, prefixes: readonly string[]): boolean {
  for (let i = 0; i < prefixes.length; i++) if (id.startsWith(prefixes[i]!)) return true;
  return false;
}

/** Pending writes keyed by the hex of the full key. */
type WriteMap = Map<string, StateWrite>;

/** Committed state plus the pending writes of one block. */
export class BlockOverlay {
  readonly writes: WriteMap = new Map();
  /** Committed values read during the block, by hex key (committed state does not change meanwhile). */
  readonly #reads = new Map<string, Uint8Array | undefined>();

  constructor(readonly committed: ExecutionStateReader) {}

  /** The committed value of `key` (hex `id`), read once per block. */
  committedGet(id: string, key: Uint8Array): Uint8Array | undefined {
    if (this.#reads.has(id)) return this.#reads.get(id);
    const value = this.committed.get(key);
    this.#reads.set(id, value);
    return value;
  }

  /**
   * Net writes of the block: sorted by key, one per key, writes equal to committed state dropped;
   * writes under one of the `unversioned` prefixes (hex of full keys) get `history: false`.
   */
  netWrites(unversioned: readonly string[] = []): StateWrite[] {
    // Lower-case hex strings sort exactly like the bytes they encode (a prefix sorts first).
    const ids = [...this.writes.keys()].sort();
    const out: StateWrite[] = [];
    for (const id of ids) {
      const w = this.writes.get(id)!;
      const before = this.committedGet(id, w.key);
      const same =
        w.value === null ? before === undefined : before !== undefined && compareBytes(before, w.value) === 0;
      if (same) continue;
      out.push(hasPrefix(id, unversioned) ? { key: w.key, value: w.value, history: false } : w);
    }
    return out;
  }
}

/** One transaction's view: its own writes on top of the block overlay. */
export class TxOverlay {
  private readonly writes: WriteMap = new Map();
  readonly events: TxEvent[] = [];

  constructor(private readonly block: BlockOverlay) {}

  get(key: Uint8Array): Uint8Array | undefined {
    const id = toHex(key);
    const w = this.writes.get(id) ?? this.block.writes.get(id);
    if (w !== undefined) return w.value ?? undefined;
    return this.block.committedGet(id, key);
  }

  put(key: Uint8Array, value: Uint8Array | null): void {
    this.putOwnKey(key.slice(), value);
  }

  /** put for a key array nobody else holds (e.g. just built by concatenation): not copied again. */
  putOwnKey(key: Uint8Array, value: Uint8Array | null): void {
    this.writes.set(toHex(key), { key, value: value === null ? null : value.slice() });
  }

  /** Latest values under prefix (full keys), merging committed state and pending writes. */
  scan(prefix: Uint8Array, opts: ScanOptions): KeyValue[] {
    const pending = new Map<string, StateWrite>();
    for (const layer of [this.block.writes, this.writes]) {
      for (const [id, w] of layer) if (inRange(w.key, prefix, opts)) pending.set(id, w);
    }
    const committedOpts: ScanOptions =
      opts.limit === undefined ? opts : { ...opts, limit: opts.limit + pending.size };
    const merged = new Map<string, KeyValue>();
    for (const kv of this.block.committed.scan(prefix, committedOpts)) merged.set(toHex(kv.key), kv);
    for (const [id, w] of pending) {
      if (w.value === null) merged.delete(id);
      else merged.set(id, { key: w.key, value: w.value });
    }
    const sorted = [...merged.values()].sort((a, b) => compareBytes(a.key, b.key));
    if (opts.reverse === true) sorted.reverse();
    return opts.limit === undefined ? sorted : sorted.slice(0, opts.limit);
  }

  /** Makes this tx's writes part of the block. */
  commit(): void {
    for (const [id, w] of this.writes) this.block.writes.set(id, w);
  }
}

function stripPrefix(prefix: Uint8Array, kvs: readonly KeyValue[]): { key: Uint8Array; value: Uint8Array }[] {
  return kvs.map((kv) => ({ key: kv.key.subarray(prefix.length), value: kv.value }));
}

function nsOptions(ns: Uint8Array, opts: ScanOptions | undefined): ScanOptions {
  const out: { -readonly [K in keyof ScanOptions]: ScanOptions[K] } = {};
  if (opts?.start !== undefined) out.start = concatBytes(ns, opts.start);
  if (opts?.end !== undefined) out.end = concatBytes(ns, opts.end);
  if (opts?.limit !== undefined) out.limit = opts.limit;
  if (opts?.reverse !== undefined) out.reverse = opts.reverse;
  return out;
}

/** The ModuleState a module method sees: the tx overlay restricted to the module's namespace. */
export function moduleState(
  overlay: TxOverlay,
  moduleName: string,
  ns: Uint8Array = namespacePrefix(moduleName),
): ModuleState {
  return {
    get: (key) => overlay.get(concatBytes(ns, key)),
    set: (key, value) => overlay.putOwnKey(concatBytes(ns, key), value),
    delete: (key) => overlay.putOwnKey(concatBytes(ns, key), null),
    scan: (prefix, opts) => stripPrefix(ns, overlay.scan(concatBytes(ns, prefix), nsOptions(ns, opts))),
    emit: (event) => {
      overlay.events.push(event);
    },
  };
}

/** The read-only, namespaced view of committed state a module query sees. */
export function moduleQueryState(reader: ExecutionStateReader, moduleName: string): ModuleQueryState {
  const ns = namespacePrefix(moduleName);
  return {
    get: (key) => reader.get(concatBytes(ns, key)),
    scan: (prefix, opts) => stripPrefix(ns, reader.scan(concatBytes(ns, prefix), nsOptions(ns, opts))),
    history: (key) => reader.history(concatBytes(ns, key)).map((h) => ({ height: h.height, value: h.value })),
  };
}
