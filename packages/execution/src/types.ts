/**
 * Public contract of @xinlian/execution: deterministic transaction validation and execution,
 * and the module host. Modules see a namespaced state view and a context, nothing else:
 * no wall clock, no randomness, no I/O, no floating point in consensus data.
 */
import type { JsonValue, TxEvent } from '@xinlian/codec';

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
  /** Validates and decodes the canonical JSON args; throws EXEC_BAD_ARGS (or a module code) on bad input. */
  decodeArgs(args: JsonValue): A;
  execute(ctx: TxContext, state: ModuleState, args: A): JsonValue | undefined;
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
}
