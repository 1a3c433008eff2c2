/**
 * The Executor: deterministic transaction validation (checkTx, for mempool admission) and block
 * execution (executeBlock). It reads committed state through injected readers and returns the
 * block's receipts, net state writes, roots and app hash; it never writes, reads a clock or does I/O.
 */
import {
  canonicalJson,
  decodeSignedTx,
  encodeSignedTx,
  encodeTxReceipt,
  type JsonValue,
  merkleRoot,
  parseCanonicalJson,
  type SignedTx,
  type TxBody,
  type TxReceipt,
} from '@xinlian/codec';
import { addressOf, type CryptoSuite, type PublicKey } from '@xinlian/crypto';
import { concatBytes, isXinlianError, toHex, toXinlianError, XinlianError } from '@xinlian/utils';
import { computeAppHash } from './app-hash.js';
import { queryModule } from './query.js';
import { BlockOverlay, moduleState, namespacePrefix, TxOverlay } from './state.js';
import type {
  BlockExecution,
  BlockInput,
  CheckedTx,
  ExecutionParams,
  ExecutionStateReader,
  KeyValue,
  Module,
  ModuleMethod,
  ParamsSource,
  StateView,
  TxAuthorizer,
  TxContext,
  TxIndexReader,
} from './types.js';

export interface ExecutorOptions {
  readonly chainId: string;
  readonly params: ExecutionParams;
}

export interface ExecutorModules {
  readonly suite: CryptoSuite;
  readonly modules: readonly Module[];
  /** Latest committed state (the store). */
  readonly state: ExecutionStateReader;
  /** Committed txIds (the store). */
  readonly txIndex: TxIndexReader;
  /** Host-level admission (membership, permissions, freezes); absent: every valid tx may run. */
  readonly authorizer?: TxAuthorizer;
  /** On-chain overrides of `ExecutorOptions.params` (governance); absent: the options' params always. */
  readonly params?: ParamsSource;
  /**
   * A number that changes whenever committed state may have changed (the store's stateVersion:
   * bumped when a commit starts and when it ends). With it, checkTx reuses the chain params and the
   * authorizer's committed-state reads while the version stays the same, instead of reading them
   * from the store for every tx. executeBlock never uses these caches.
   */
  readonly stateVersion?: () => number;
}

export interface CheckTxOptions {
  /**
   * The caller has already verified the signature over bodyBytes with the signer key (e.g. in a
   * VerifierPool batch). Trusted in-process callers only: the result counts as verified.
   */
  readonly skipSignature?: boolean;
  /**
   * Do not run the authorizer (validating a proposed block: whether its sender may act is a
   * state-dependent check that executeBlock records in the receipt, not a reason to reject the
   * block — peers' views of the latest membership may differ by a block).
   */
  readonly skipAuthorizer?: boolean;
}

const MODULE_NAME_RE = /^[a-z][a-z0-9_]{0,31}$/;
const EMPTY = new Uint8Array(0);

/** Records the first failure of a committed-state read so a block aborts instead of recording it. */
class ReadGuard {
  failure: unknown;
  run<T>(read: () => T): T {
    try {
      return read();
    } catch (e) {
      this.failure ??= e;
      throw e;
    }
  }
}

/** Per-block execution state. */
interface BlockRun {
  readonly input: BlockInput;
  /** The chain params of this block (committed before it). */
  readonly params: ExecutionParams;
  readonly guard: ReadGuard;
  readonly overlay: BlockOverlay;
  /** Hex txIds already seen in this block. */
  readonly seen: Set<string>;
}

function guardedReader(reader: ExecutionStateReader, guard: ReadGuard): ExecutionStateReader {
  return {
    get: (key) => guard.run(() => reader.get(key)),
    scan: (prefix, opts) => guard.run(() => reader.scan(prefix, opts)),
    history: (key) => guard.run(() => reader.history(key)),
  };
}

function failedReceipt(txId: Uint8Array, e: unknown): TxReceipt {
  const err = isXinlianError(e)
    ? e
    : new XinlianError('EXEC_MODULE_ERROR', 'module threw an error that is not a XinlianError');
  return { txId, status: 'failed', code: err.code, message: err.message, events: [], result: EMPTY };
}

/** Deterministic tx validation and block execution over a set of modules. */
export class Executor {
  readonly #opts: ExecutorOptions;
  readonly #suite: CryptoSuite;
  readonly #moduleList: readonly Module[];
  readonly #modules: ReadonlyMap<string, Module>;
  readonly #state: ExecutionStateReader;
  readonly #txIndex: TxIndexReader;
  readonly #authorizer: TxAuthorizer | undefined;
  readonly #paramsSource: ParamsSource | undefined;
  /** The last decoded params and the stored bytes they came from (re-decoded only when those change). */
  #paramsCache: { readonly raw: Uint8Array | undefined; readonly params: ExecutionParams } | undefined;
  /** Modules with a beginBlock hook. */
  readonly #beginBlock: readonly Module[];
  /**
   * CheckedTx objects this executor's checkTx returned (signature verified), with their decoded
   * args: executeBlock reuses them instead of parsing and validating the args again.
   */
  readonly #verified = new WeakMap<CheckedTx, unknown>();
  readonly #hash: (...parts: Uint8Array[]) => Uint8Array;
  /** Hex full-key prefixes of the modules' `unversioned` keys. */
  readonly #unversioned: readonly string[];
  /** namespacePrefix of each module, by name. */
  readonly #namespaces = new Map<string, Uint8Array>();
  /** Signer address by public key (latin1 string of its bytes); cleared when it grows past ADDRESS_CACHE_SIZE. */
  readonly #addresses = new Map<string, string>();
  readonly #stateVersion: (() => number) | undefined;
  /** checkTx's view of committed state at one stateVersion (see ExecutorModules.stateVersion). */
  #snapshot: CheckSnapshot | undefined;

  constructor(opts: ExecutorOptions, modules: ExecutorModules) {
    const byName = new Map<string, Module>();
    for (const m of modules.modules) {
      if (!MODULE_NAME_RE.test(m.name) || byName.has(m.name)) {
        throw new XinlianError('EXEC_INVALID_MODULE', `invalid or duplicate module name "${m.name}"`, {
          module: m.name,
        });
      }
      byName.set(m.name, m);
    }
    this.#opts = opts;
    this.#suite = modules.suite;
    this.#moduleList = modules.modules;
    this.#modules = byName;
    this.#unversioned = modules.modules.flatMap((m) =>
      (m.unversioned ?? []).map((p) => toHex(concatBytes(namespacePrefix(m.name), p))),
    );
    this.#state = modules.state;
    this.#txIndex = modules.txIndex;
    this.#authorizer = modules.authorizer;
    this.#paramsSource = modules.params;
    this.#beginBlock = modules.modules.filter((m) => m.beginBlock !== undefined);
    this.#hash = modules.suite.hash;
    this.#stateVersion = modules.stateVersion;
  }

  /**
   * Mempool admission: validates an encoded SignedTx for inclusion at `ctx.height` (the next
   * height) against committed state. Throws a XinlianError with a TX_* code (or a module's args
   * code) on the first failed check, in this order: size, decoding, chain ID, signer, signature,
   * expiry, replay, module, method, args.
   */
  checkTx(
    bytes: Uint8Array,
    ctx: { readonly height: number; readonly time?: number },
    opts?: CheckTxOptions,
  ): CheckedTx {
    const { params, view } = this.#checkSnapshot();
    const checked = this.#admit(bytes, opts?.skipSignature === true, params.maxTxBytes);
    this.#checkExpiry(checked.tx.body, ctx.height, params.maxTxLifetime);
    if (this.#txIndex.getTxLocation(checked.txId) !== undefined) throw duplicate(checked.txId);
    const method = this.#resolve(checked.tx.body);
    const args = this.#decodeArgs(method, checked.tx.body);
    if (this.#authorizer !== undefined && opts?.skipAuthorizer !== true) {
      const { module, method: name } = checked.tx.body;
      const req = {
        module,
        method: name,
        definition: method,
        args,
        sender: checked.sender,
        height: ctx.height,
      };
      this.#authorizer.authorize(ctx.time === undefined ? req : { ...req, time: ctx.time }, view);
    }
    this.#verified.set(checked, args);
    return checked;
  }

  /**
   * Executes a block's txs in order on top of committed state. Every tx gets a receipt: a tx
   * that fails any check or whose method throws is 'failed' with the error code and has no state
   * effect. Signatures are re-verified except for CheckedTx objects returned by this executor's
   * checkTx. Throws EXEC_BAD_BLOCK for an invalid input and aborts (throws) if reading committed
   * state fails.
   */
  executeBlock(input: BlockInput): BlockExecution {
    const params = this.params();
    this.#checkBlockInput(input, params);
    const guard = new ReadGuard();
    const run: BlockRun = {
      input,
      params,
      guard,
      overlay: new BlockOverlay(guardedReader(this.#state, guard)),
      seen: new Set<string>(),
    };
    for (const m of this.#beginBlock) {
      const o = new TxOverlay(run.overlay);
      try {
        m.beginBlock!(
          { chainId: this.#opts.chainId, height: input.height, blockTime: input.time, hash: this.#hash },
          moduleState(o, m.name),
        );
        o.commit();
      } catch {
        // A failing hook changes nothing (deterministic on every node); read failures abort below.
      }
      if (guard.failure !== undefined) throw toXinlianError(guard.failure, 'EXEC_STATE_UNAVAILABLE');
    }
    const receipts: TxReceipt[] = [];
    const receiptBytes: Uint8Array[] = [];
    const txIds: Uint8Array[] = [];
    const txBytes: Uint8Array[] = [];
    for (let i = 0; i < input.txs.length; i++) {
      const item = input.txs[i]!;
      const verified = this.#verified.has(item);
      const bytes = verified ? item.bytes : encodeForBlock(item.tx, i);
      const txId = verified ? item.txId : this.#suite.hash(item.tx.bodyBytes);
      const receipt = this.#executeTx(run, verified ? item : bytes, txId, i);
      if (guard.failure !== undefined) throw toXinlianError(guard.failure, 'EXEC_STATE_UNAVAILABLE');
      receipts.push(receipt.receipt);
      receiptBytes.push(receipt.bytes);
      txIds.push(txId);
      txBytes.push(bytes);
    }
    const stateWrites = run.overlay.netWrites(this.#unversioned);
    if (guard.failure !== undefined) throw toXinlianError(guard.failure, 'EXEC_STATE_UNAVAILABLE');
    return {
      receipts,
      receiptBytes,
      txIds,
      stateWrites,
      appHash: computeAppHash(this.#suite, input.prevAppHash, stateWrites),
      txRoot: merkleRoot(this.#hash, txBytes),
      receiptRoot: merkleRoot(this.#hash, receiptBytes),
    };
  }

  /**
   * The chain params in force for the next block and for checkTx: the constructor's params with
   * the overrides committed in state (ExecutorModules.params). A block executes with the params
   * committed before it, so a change made by block H applies from block H+1 on.
   */
  params(): ExecutionParams {
    const source = this.#paramsSource;
    if (source === undefined) return this.#opts.params;
    const raw = this.#state.get(source.key);
    const cached = this.#paramsCache;
    if (cached !== undefined && sameBytes(cached.raw, raw)) return cached.params;
    let params = this.#opts.params;
    if (raw !== undefined) {
      try {
        params = Object.freeze({ ...this.#opts.params, ...definedOnly(source.decode(raw)) });
      } catch {
        // A malformed record cannot be written by governance (its schema is checked); ignore it.
      }
    }
    this.#paramsCache = { raw: raw === undefined ? undefined : raw.slice(), params };
    return params;
  }

  /**
   * The params and the committed-state reader checkTx uses: with a stateVersion, one snapshot per
   * version (params read once, reads memoized); without, fresh reads every time.
   */
  #checkSnapshot(): { readonly params: ExecutionParams; readonly view: StateView } {
    const versionOf = this.#stateVersion;
    if (versionOf === undefined) return { params: this.params(), view: this.#state };
    const version = versionOf();
    const current = this.#snapshot;
    if (current !== undefined && current.version === version) return current;
    const snapshot = new CheckSnapshot(version, this.params(), this.#state);
    // A commit that started while the params were read would leave them stale: keep them for one call only.
    if (versionOf() === version) this.#snapshot = snapshot;
    return snapshot;
  }

  /** Runs a module query on the latest committed state (QUERY_UNKNOWN, QUERY_BAD_PARAMS). */
  query(moduleName: string, queryName: string, params: JsonValue): JsonValue {
    return queryModule(this.#moduleList, moduleName, queryName, params, this.#state);
  }

  /** Executes one tx: `tx` is a verified CheckedTx, or the bytes of one still to be admitted. */
  #executeTx(
    run: BlockRun,
    tx: CheckedTx | Uint8Array,
    txId: Uint8Array,
    txIndex: number,
  ): { receipt: TxReceipt; bytes: Uint8Array } {
    const { input, overlay, seen, guard, params } = run;
    try {
      const id = toHex(txId);
      if (seen.has(id)) throw duplicate(txId, true);
      seen.add(id);
      const checked = tx instanceof Uint8Array ? this.#admit(tx, false, params.maxTxBytes) : tx;
      // A tx checked earlier was checked against the params of that time: size again (they may have changed).
      if (!(tx instanceof Uint8Array)) checkSize(checked.bytes.length, params.maxTxBytes);
      const body = checked.tx.body;
      this.#checkExpiry(body, input.height, params.maxTxLifetime);
      if (guard.run(() => this.#txIndex.getTxLocation(txId)) !== undefined) throw duplicate(txId);
      const method = this.#resolve(body);
      const args = tx instanceof Uint8Array ? this.#decodeArgs(method, body) : this.#verified.get(tx);
      const txOverlay = new TxOverlay(overlay);
      const view: StateView = {
        get: (key) => txOverlay.get(key),
        scan: (prefix, opts) => txOverlay.scan(prefix, opts ?? {}),
      };
      if (this.#authorizer !== undefined) {
        this.#authorizer.authorize(
          {
            module: body.module,
            method: body.method,
            definition: method,
            args,
            sender: checked.sender,
            height: input.height,
            time: input.time,
          },
          view,
        );
      }
      const ctx: TxContext = Object.freeze({
        chainId: this.#opts.chainId,
        height: input.height,
        blockTime: input.time,
        txId,
        txIndex,
        sender: checked.sender,
        hash: this.#hash,
        view,
      });
      const value = method.execute(
        ctx,
        moduleState(txOverlay, body.module, this.#namespace(body.module)),
        args,
      );
      const receipt: TxReceipt = {
        txId,
        status: 'ok',
        code: '',
        message: '',
        events: txOverlay.events,
        result: value === undefined ? EMPTY : encodeResult(value),
      };
      const encoded = encodeReceiptChecked(receipt);
      txOverlay.commit();
      return { receipt, bytes: encoded };
    } catch (e) {
      const receipt = failedReceipt(txId, e);
      return { receipt, bytes: encodeTxReceipt(receipt) };
    }
  }

  /** Stateless checks: size, canonical decoding, chain ID, signer key, signature. */
  #admit(bytes: Uint8Array, skipSignature: boolean, maxTxBytes: number): CheckedTx {
    checkSize(bytes.length, maxTxBytes);
    let tx: SignedTx;
    try {
      tx = decodeSignedTx(bytes);
    } catch (e) {
      const reason = isXinlianError(e) ? e.code : 'UNKNOWN';
      throw new XinlianError(
        'TX_MALFORMED',
        'transaction bytes are not a canonical SignedTx',
        { reason },
        {
          cause: e,
        },
      );
    }
    const body = tx.body;
    if (body.chainId !== this.#opts.chainId) {
      throw new XinlianError('TX_WRONG_CHAIN', `transaction is for chain "${body.chainId}"`, {
        expected: this.#opts.chainId,
        actual: body.chainId,
      });
    }
    let publicKey: PublicKey;
    try {
      publicKey = this.#suite.publicKeyFromBytes(body.signer);
    } catch (e) {
      throw new XinlianError(
        'TX_BAD_SIGNER',
        `signer is not a valid ${this.#suite.id} public key`,
        {
          suite: this.#suite.id,
        },
        { cause: e },
      );
    }
    if (!skipSignature && !this.#suite.verify(publicKey, tx.bodyBytes, tx.signature)) {
      throw new XinlianError('TX_BAD_SIGNATURE', 'signature does not verify with the signer key', {});
    }
    Object.freeze(body);
    Object.freeze(tx);
    const sender = Object.freeze({ publicKey: body.signer, address: this.#addressOf(body.signer) });
    return Object.freeze({ tx, txId: this.#suite.hash(tx.bodyBytes), bytes, sender });
  }

  #namespace(moduleName: string): Uint8Array {
    let ns = this.#namespaces.get(moduleName);
    if (ns === undefined) {
      ns = namespacePrefix(moduleName);
      this.#namespaces.set(moduleName, ns);
    }
    return ns;
  }

  /** addressOf(signer), cached: a few signers send most txs, and the address costs a hash. */
  #addressOf(signer: Uint8Array): string {
    const key = Buffer.from(signer.buffer, signer.byteOffset, signer.length).toString('latin1');
    let address = this.#addresses.get(key);
    if (address === undefined) {
      if (this.#addresses.size >= ADDRESS_CACHE_SIZE) this.#addresses.clear();
      address = addressOf(this.#suite, signer);
      this.#addresses.set(key, address);
    }
    return address;
  }

  #checkExpiry(body: TxBody, height: number, maxTxLifetime: number): void {
    if (body.expiryHeight < height) {
      throw new XinlianError('TX_EXPIRED', `transaction expired at height ${body.expiryHeight}`, {
        expiryHeight: body.expiryHeight,
        height,
      });
    }
    const max = height + maxTxLifetime;
    if (body.expiryHeight > max) {
      throw new XinlianError(
        'TX_EXPIRY_TOO_FAR',
        `expiryHeight ${body.expiryHeight} is beyond the maximum ${max} for height ${height}`,
        { expiryHeight: body.expiryHeight, height, max },
      );
    }
  }

  #resolve(body: TxBody): ModuleMethod<unknown> {
    const module = this.#modules.get(body.module);
    if (module === undefined) {
      throw new XinlianError('TX_UNKNOWN_MODULE', `unknown module "${body.module}"`, { module: body.module });
    }
    const method = Object.hasOwn(module.methods, body.method) ? module.methods[body.method] : undefined;
    if (method === undefined) {
      throw new XinlianError('TX_UNKNOWN_METHOD', `module "${body.module}" has no method "${body.method}"`, {
        module: body.module,
        method: body.method,
      });
    }
    return method;
  }

  #decodeArgs(method: ModuleMethod<unknown>, body: TxBody): unknown {
    let json: JsonValue;
    try {
      json = parseCanonicalJson(body.args);
    } catch (e) {
      const reason = isXinlianError(e) ? e.code : 'UNKNOWN';
      throw new XinlianError('TX_BAD_ARGS', 'args are not canonical JSON', { reason }, { cause: e });
    }
    try {
      return method.decodeArgs(json);
    } catch (e) {
      throw toXinlianError(e, 'TX_BAD_ARGS');
    }
  }

  #checkBlockInput(input: BlockInput, params: ExecutionParams): void {
    const bad = (message: string, details: Record<string, unknown>) =>
      new XinlianError('EXEC_BAD_BLOCK', message, details);
    if (!Number.isSafeInteger(input.height) || input.height < 1) {
      throw bad('height must be a positive safe integer', { height: input.height });
    }
    if (!Number.isSafeInteger(input.time) || input.time < 0) {
      throw bad('time must be a non-negative safe integer', { time: input.time });
    }
    if (input.prevAppHash.length !== 32) {
      throw bad('prevAppHash must be 32 bytes', { length: input.prevAppHash.length });
    }
    if (input.txs.length > params.maxBlockTxs) {
      throw bad(`block has ${input.txs.length} txs, limit ${params.maxBlockTxs}`, {
        txCount: input.txs.length,
        limit: params.maxBlockTxs,
      });
    }
    if (params.maxBlockBytes !== undefined) {
      let bytes = 0;
      for (const t of input.txs) bytes += t.bytes.length;
      if (bytes > params.maxBlockBytes) {
        throw bad(`block txs are ${bytes} bytes, limit ${params.maxBlockBytes}`, {
          bytes,
          limit: params.maxBlockBytes,
        });
      }
    }
  }
}

const ADDRESS_CACHE_SIZE = 10_000;
/** Committed values a CheckSnapshot keeps (cleared when full). */
const SNAPSHOT_READS = 4096;

/**
 * Committed state as of one stateVersion, for checkTx: the params, and point reads memoized by key
 * (the authorizer reads the same few governance keys for every tx). Scans are not cached.
 */
class CheckSnapshot implements StateView {
  readonly #reads = new Map<string, Uint8Array | undefined>();
  readonly #committed: ExecutionStateReader;

  constructor(
    readonly version: number,
    readonly params: ExecutionParams,
    committed: ExecutionStateReader,
  ) {
    this.#committed = committed;
  }

  /** Itself: the state view checkTx's authorizer reads. */
  get view(): StateView {
    return this;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const id = Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1');
    const reads = this.#reads;
    const hit = reads.get(id);
    if (hit !== undefined || reads.has(id)) return hit;
    const value = this.#committed.get(key);
    if (reads.size >= SNAPSHOT_READS) reads.clear();
    reads.set(id, value);
    return value;
  }

  scan(
    prefix: Uint8Array,
    opts?: { readonly start?: Uint8Array; readonly end?: Uint8Array; readonly limit?: number },
  ): readonly KeyValue[] {
    return this.#committed.scan(prefix, opts);
  }
}

/** The TX_TOO_LARGE error of a `size`-byte tx against the chain's maxTxBytes (`note` is appended to the message). */
export function txTooLarge(size: number, limit: number, note = ''): XinlianError {
  return new XinlianError('TX_TOO_LARGE', `transaction is ${size} bytes, limit ${limit}${note}`, {
    size,
    limit,
  });
}

function checkSize(size: number, maxTxBytes: number): void {
  if (size > maxTxBytes) throw txTooLarge(size, maxTxBytes);
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

const PARAM_NAMES = ['maxTxBytes', 'maxTxLifetime', 'maxBlockTxs', 'maxBlockBytes'] as const;

/** The execution params among `p` that are positive safe integers (others are ignored). */
function definedOnly(p: Partial<ExecutionParams>): Partial<ExecutionParams> {
  const out: Record<string, number> = {};
  for (const k of PARAM_NAMES) {
    const v: unknown = p[k];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) out[k] = v;
  }
  return out;
}

function duplicate(txId: Uint8Array, inBlock = false): XinlianError {
  const message = inBlock
    ? 'transaction already appears earlier in this block'
    : 'transaction is already committed';
  return new XinlianError('TX_DUPLICATE', message, { txId: toHex(txId) });
}

/** txRoot leaf of a tx not checked by this executor: its canonical encoding (the block's bytes). */
function encodeForBlock(tx: SignedTx, index: number): Uint8Array {
  try {
    return encodeSignedTx(tx);
  } catch (e) {
    throw new XinlianError('EXEC_BAD_BLOCK', `tx ${index} cannot be encoded`, { index }, { cause: e });
  }
}

function encodeResult(value: JsonValue): Uint8Array {
  try {
    return canonicalJson(value);
  } catch (e) {
    throw new XinlianError('EXEC_BAD_RESULT', 'module result is not canonical JSON', {}, { cause: e });
  }
}

function encodeReceiptChecked(receipt: TxReceipt): Uint8Array {
  try {
    return encodeTxReceipt(receipt);
  } catch (e) {
    throw new XinlianError('EXEC_BAD_RESULT', 'module events cannot be encoded', {}, { cause: e });
  }
}
