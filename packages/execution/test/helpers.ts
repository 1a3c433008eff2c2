import { randomInt } from 'node:crypto';
/** Test fixtures: a tiny key-value module, real signed txs (real codec and crypto), an in-memory chain. */
import { canonicalJson, encodeSignedTx, encodeTxBody, type JsonValue, type TxBody } from '@xinlian/codec';
import { type CryptoSuite, createSuite, type PrivateKey, type SuiteId } from '@xinlian/crypto';
import { fromUtf8, utf8, XinlianError } from '@xinlian/utils';
import {
  type BlockExecution,
  type CheckedTx,
  Executor,
  genesisAppHash,
  MemoryState,
  type Module,
  type ModuleMethod,
} from '../src/index.js';

export const CHAIN_ID = 'test-chain';
export const PARAMS = { maxTxBytes: 4096, maxTxLifetime: 100, maxBlockTxs: 50 };

interface KvArgs {
  readonly key: string;
  readonly value?: string;
}

function kvArgs(json: JsonValue): KvArgs {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new XinlianError('KV_BAD_ARGS', 'args must be an object', { field: '(root)' });
  }
  const o = json as { readonly [k: string]: JsonValue };
  if (typeof o.key !== 'string')
    throw new XinlianError('KV_BAD_ARGS', 'key must be a string', { field: 'key' });
  if (o.value === undefined) return { key: o.key };
  if (typeof o.value !== 'string') {
    throw new XinlianError('KV_BAD_ARGS', 'value must be a string', { field: 'value' });
  }
  return { key: o.key, value: o.value };
}

function kvMethod(execute: ModuleMethod<KvArgs>['execute']): ModuleMethod<KvArgs> {
  return { decodeArgs: kvArgs, execute };
}

/** A key-value test module: utf8 keys and values in its namespace. */
export function kvModule(name: string): Module {
  return {
    name,
    methods: {
      set: kvMethod((ctx, state, a) => {
        state.set(utf8(a.key), utf8(a.value ?? ''));
        state.emit({ type: `${name}.set`, attributes: [{ key: 'key', value: a.key }] });
        return { sender: ctx.sender.address, height: ctx.height, time: ctx.blockTime, index: ctx.txIndex };
      }),
      del: kvMethod((_ctx, state, a) => {
        state.delete(utf8(a.key));
        return undefined;
      }),
      setThenFail: kvMethod((_ctx, state, a) => {
        state.set(utf8(a.key), utf8(a.value ?? ''));
        throw new XinlianError('KV_FAIL', 'deliberate failure', { key: a.key });
      }),
      crash: kvMethod(() => {
        throw new TypeError('not a XinlianError');
      }),
      float: kvMethod(() => 1.5),
      read: kvMethod((_ctx, state, a) => {
        const v = state.get(utf8(a.key));
        return v === undefined ? null : fromUtf8(v);
      }),
      scan: kvMethod((_ctx, state, a) => state.scan(utf8(a.key)).map((kv) => fromUtf8(kv.key))),
    },
    queries: {
      get: {
        decodeParams: kvArgs,
        run: (state, p: KvArgs) => {
          const v = state.get(utf8(p.key));
          return v === undefined ? null : fromUtf8(v);
        },
      },
    },
  };
}

export interface TxSpec {
  readonly chainId?: string;
  readonly nonce?: number;
  readonly expiryHeight?: number;
  readonly module?: string;
  readonly method?: string;
  readonly args?: JsonValue;
  /** Raw args bytes (overrides args). */
  readonly argsBytes?: Uint8Array;
  readonly signer?: Uint8Array;
}

export interface SignedFixture {
  readonly bytes: Uint8Array;
  readonly body: TxBody;
  readonly bodyBytes: Uint8Array;
  readonly signature: Uint8Array;
}

/** Builds and signs a tx with the real codec and crypto. */
export function signTx(suite: CryptoSuite, key: PrivateKey, spec: TxSpec = {}): SignedFixture {
  const body: TxBody = {
    chainId: spec.chainId ?? CHAIN_ID,
    signer: spec.signer ?? key.publicKey.bytes,
    nonce: spec.nonce ?? randomInt(1, 2 ** 47),
    expiryHeight: spec.expiryHeight ?? 10,
    module: spec.module ?? 'kv',
    method: spec.method ?? 'set',
    args: spec.argsBytes ?? canonicalJson(spec.args ?? { key: 'a', value: '1' }),
  };
  const bodyBytes = encodeTxBody(body);
  const signature = suite.sign(key, bodyBytes);
  return { bytes: encodeSignedTx({ body, bodyBytes, signature }), body, bodyBytes, signature };
}

/** A fresh chain: suite, in-memory state, executor with the given modules, one signing key. */
export class TestChain {
  readonly suite: CryptoSuite;
  readonly state = new MemoryState();
  readonly executor: Executor;
  readonly key: PrivateKey;
  appHash: Uint8Array;
  height = 0;

  constructor(
    suiteId: SuiteId = 'intl',
    modules: readonly Module[] = [kvModule('kv'), kvModule('kvx')],
    key?: PrivateKey,
  ) {
    this.suite = createSuite(suiteId);
    this.executor = new Executor(
      { chainId: CHAIN_ID, params: PARAMS },
      { suite: this.suite, modules, state: this.state, txIndex: this.state },
    );
    this.key = key ?? this.suite.generateKey();
    this.appHash = genesisAppHash(this.suite, this.suite.hash(utf8('test genesis')));
  }

  tx(spec: TxSpec = {}): SignedFixture {
    return signTx(this.suite, this.key, spec);
  }

  check(spec: TxSpec = {}): CheckedTx {
    return this.executor.checkTx(this.tx(spec).bytes, { height: this.height + 1 });
  }

  /** Executes the next block and commits it to the in-memory state. */
  block(txs: readonly CheckedTx[], time = 1_700_000_000_000 + this.height): BlockExecution {
    const height = this.height + 1;
    const result = this.executor.executeBlock({ height, time, prevAppHash: this.appHash, txs });
    this.state.commit(height, result);
    this.height = height;
    this.appHash = result.appHash;
    return result;
  }
}
