/**
 * Public contract of @xinlian/execution: deterministic transaction validation and execution,
 * and the module host. Modules see a namespaced state view and a context, nothing else:
 * no wall clock, no randomness, no I/O, no floating point in consensus data.
 */
import type { JsonValue, SignedTx, TxEvent, TxReceipt } from '@xinlian/codec';

/** What a module method knows about the transaction being executed. */
export interface TxContext {
  readonly chainId: string;
  readonly height: number;
  /** Block (proposer) time, ms since epoch: the only notion of time a module has. */
  readonly blockTime: number;
  readonly txId: Uint8Array;
  /** Position of the tx in the block. */
  readonly txIndex: number;
  readonly sender: {
    /** Raw public key bytes of the signer. */
    readonly publicKey: Uint8Array;
    /** Lower-case hex of the first 20 bytes of suite.hash(publicKey). */
    readonly address: string;
  };
  /** The chain suite's hash (deterministic, allowed in execution). */
  hash(...parts: readonly Uint8Array[]): Uint8Array;
  /**
   * Read-only view of the whole state by full (namespaced) keys, as this tx sees it (committed
   * state plus the writes of earlier txs of the block and of this tx): the same view the
   * authorizer gets. For reading another module's records (e.g. the sender's organization in
   * governance state); writes still go only to the module's own namespace.
   */
  readonly view: StateView;
}

/**
 * State as seen by one module: keys are automatically prefixed with the module's namespace,
 * so a module can never read or write another module's state. Writes are buffered and only
 * become visible to later txs if the whole tx succeeds.
 */
export interface ModuleState {
  get(key: Uint8Array): Uint8Array | undefined;
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
  /** Keys (without the namespace) and latest values under prefix, in key order, including this block's pending writes. */
  scan(
    prefix: Uint8Array,
    opts?: { readonly limit?: number; readonly reverse?: boolean },
  ): { key: Uint8Array; value: Uint8Array }[];
  emit(event: TxEvent): void;
}

/** A method of a module. Throwing a XinlianError fails the tx with that code (state changes discarded). */
export interface ModuleMethod<A = unknown> {
  /** Validates and decodes the canonical JSON args; throws TX_BAD_ARGS (or a module code such as EVIDENCE_BAD_ARGS) on bad input. */
  decodeArgs(args: JsonValue): A;
  /** Runs the tx. Must not mutate `args`: the args decoded at admission are reused. */
  execute(ctx: TxContext, state: ModuleState, args: A): JsonValue | undefined;
  /**
   * Roles allowed to call this method by default (membership roles, e.g. `admin`, `client`,
   * `regulator`; spec/governance.md). The on-chain permission policy may override it. Absent:
   * any registered member. Only enforced when an `authorizer` is wired (a permissioned chain).
   */
  readonly roles?: readonly string[];
  /**
   * IDs of existing records of this module the call changes or refers to (e.g. the registration
   * a license is granted on), so that a frozen record refuses further changes.
   */
  targets?(args: A): readonly string[];
}

/** What a module's `beginBlock` hook knows: the block being executed (no tx). */
export interface BlockContext {
  readonly chainId: string;
  readonly height: number;
  /** Block (proposer) time, ms since epoch. */
  readonly blockTime: number;
  hash(...parts: readonly Uint8Array[]): Uint8Array;
}

/** Read access to state by full (namespaced) keys, as an authorizer sees it. */
export interface StateView {
  get(key: Uint8Array): Uint8Array | undefined;
  scan(
    prefix: Uint8Array,
    opts?: { readonly start?: Uint8Array; readonly end?: Uint8Array; readonly limit?: number },
  ): readonly KeyValue[];
}

/** One transaction to authorize before its method runs. */
export interface AuthRequest {
  readonly module: string;
  readonly method: string;
  /** The method object (its default `roles` and `targets`). */
  readonly definition: ModuleMethod<unknown>;
  /** The decoded args. */
  readonly args: unknown;
  readonly sender: { readonly publicKey: Uint8Array; readonly address: string };
  /** The height the tx is (or would be) included at. */
  readonly height: number;
  /** Block time (executeBlock), or the caller's estimate (checkTx; absent if unknown). */
  readonly time?: number;
}

/**
 * Host-level admission of a tx to its method (membership, role permission, freezes, disabled
 * modules): throws a XinlianError (PERM_*, SUPERVISION_*) to refuse. Must be deterministic: it
 * reads only `state` (committed state plus, in a block, the writes of earlier txs of the block).
 */
export interface TxAuthorizer {
  authorize(request: AuthRequest, state: StateView): void;
}

/** Read-only state access for queries (latest committed state, namespaced like ModuleState). */
export interface ModuleQueryState {
  get(key: Uint8Array): Uint8Array | undefined;
  scan(
    prefix: Uint8Array,
    opts?: {
      readonly start?: Uint8Array;
      readonly end?: Uint8Array;
      readonly limit?: number;
      readonly reverse?: boolean;
    },
  ): { key: Uint8Array; value: Uint8Array }[];
  /** Past versions of a key (per-key history). */
  history(key: Uint8Array): { height: number; value: Uint8Array | null }[];
}

export interface ModuleQuery<P = unknown, R = JsonValue> {
  decodeParams(params: JsonValue): P;
  run(state: ModuleQueryState, params: P): R;
}

/**
 * The one interface every module implements: system modules (evidence, governance,
 * traceability, ...) and, later, user contracts.
 */
export interface Module {
  /** Unique name; also the state namespace. [a-z][a-z0-9_]{0,31} */
  readonly name: string;
  readonly methods: Readonly<Record<string, ModuleMethod<unknown>>>;
  readonly queries: Readonly<Record<string, ModuleQuery<unknown, JsonValue>>>;
  /**
   * Module-key prefixes whose writes keep no per-key history in the store (e.g. write-once
   * indexes whose past values nobody reads); the app hash is not affected (spec/state.md).
   */
  readonly unversioned?: readonly Uint8Array[];
  /**
   * Runs at the start of every block, before its txs, on the module's namespace (e.g. governance
   * executes proposals due at this height). Events it emits are not in any receipt; if it throws,
   * its writes are discarded and the block goes on.
   */
  beginBlock?(ctx: BlockContext, state: ModuleState): void;
}

/** One change of the state: `value: null` deletes the key (same shape as @xinlian/store's StateWrite). */
export interface StateWrite {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
  /** false: the store keeps no history entry for this write (a module's `unversioned` key). */
  readonly history?: boolean;
}

/** A key and its value, as returned by scans. */
export interface KeyValue {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/**
 * The narrow read interface execution needs from the committed state (structurally satisfied by
 * @xinlian/store's ChainStore). Keys are full (namespaced) keys.
 */
export interface ExecutionStateReader {
  get(key: Uint8Array): Uint8Array | undefined;
  /** Latest values of keys starting with prefix, in key order (start inclusive, end exclusive). */
  scan(
    prefix: Uint8Array,
    opts?: {
      readonly start?: Uint8Array;
      readonly end?: Uint8Array;
      readonly limit?: number;
      readonly reverse?: boolean;
    },
  ): readonly KeyValue[];
  /** Every version of a key, oldest first; `value: null` = deleted at that height. */
  history(key: Uint8Array): readonly { readonly height: number; readonly value: Uint8Array | null }[];
}

/** Replay guard: which txIds are already committed (structurally satisfied by ChainStore). */
export interface TxIndexReader {
  getTxLocation(txId: Uint8Array): { readonly height: number; readonly index: number } | undefined;
}

/** Chain parameters execution enforces (a subset of the genesis ChainParams). */
export interface ExecutionParams {
  readonly maxTxBytes: number;
  readonly maxTxLifetime: number;
  readonly maxBlockTxs: number;
  /** Sum of the encoded txs of a block (absent: not checked by execution). */
  readonly maxBlockBytes?: number;
}

/**
 * Where the current chain parameters live in committed state (e.g. governance's `params` record):
 * one full state key whose value `decode` turns into overrides of the constructor's params.
 * Deterministic: the params of block H are those committed after block H−1 (a change written in
 * block H applies from H+1 on), and checkTx uses the latest committed ones.
 */
export interface ParamsSource {
  /** Full (namespaced) state key of the overrides. */
  readonly key: Uint8Array;
  /** Decodes the stored value; must be pure. Throws on a malformed value (the overrides are then ignored). */
  decode(value: Uint8Array): Partial<ExecutionParams>;
}

/** A transaction that passed `Executor.checkTx` (immutable). */
export interface CheckedTx {
  readonly tx: SignedTx;
  readonly txId: Uint8Array;
  /** The encoded SignedTx exactly as received (the txRoot leaf data). */
  readonly bytes: Uint8Array;
  readonly sender: { readonly publicKey: Uint8Array; readonly address: string };
}

/** What to execute: a block's txs in block order, at a height, on top of the previous app hash. */
export interface BlockInput {
  readonly height: number;
  /** Block (proposer) time, ms since epoch. */
  readonly time: number;
  /** App hash after the previous block (genesisAppHash for height 1). */
  readonly prevAppHash: Uint8Array;
  readonly txs: readonly CheckedTx[];
}

/** Everything a block's execution produces; the node stores it and puts the roots in the header. */
export interface BlockExecution {
  /** One receipt per tx, in block order. */
  readonly receipts: readonly TxReceipt[];
  /** Encoded receipts (the receiptRoot leaf data), in block order. */
  readonly receiptBytes: readonly Uint8Array[];
  /** txId of each tx, in block order. */
  readonly txIds: readonly Uint8Array[];
  /** Net state changes, sorted by key, one per key, no-op writes removed. */
  readonly stateWrites: readonly StateWrite[];
  readonly appHash: Uint8Array;
  readonly txRoot: Uint8Array;
  readonly receiptRoot: Uint8Array;
}
