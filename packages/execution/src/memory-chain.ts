import {
  canonicalJson,
  encodeSignedTx,
  encodeTxBody,
  type JsonValue,
  parseCanonicalJson,
  type TxReceipt,
} from '@xinlian/codec';
import type { CryptoSuite, PrivateKey } from '@xinlian/crypto';
import { utf8 } from '@xinlian/utils';
import { genesisAppHash } from './app-hash.js';
import { Executor } from './executor.js';
import { MemoryState } from './memory.js';
import type { CheckedTx, ExecutionParams, Module, TxAuthorizer } from './types.js';

export interface MemoryChainOptions {
  readonly chainId: string;
  readonly suite: CryptoSuite;
  readonly modules: readonly Module[];
  readonly params: ExecutionParams;
  readonly authorizer?: TxAuthorizer;
  /** Hashed into the genesis app hash. */
  readonly genesisLabel: string;
  /** Block time (ms) of a height. */
  timeOf(height: number): number;
  /** The nonce of the next signed tx. */
  nonce(): number;
}

/** A call signed by `key` (expiry: 10 heights after the current one). */
export interface MemoryChainCall {
  readonly key: PrivateKey;
  readonly module: string;
  readonly method: string;
  readonly args: JsonValue;
}

/**
 * Test support for module packages: an Executor over a MemoryState that signs calls, executes
 * txs as the next block and commits it. No I/O; time and nonces come from the options.
 */
export class MemoryChain {
  readonly state = new MemoryState();
  readonly executor: Executor;
  appHash: Uint8Array;
  height = 0;

  constructor(readonly chain: MemoryChainOptions) {
    this.executor = new Executor(
      { chainId: chain.chainId, params: chain.params },
      {
        suite: chain.suite,
        modules: chain.modules,
        state: this.state,
        txIndex: this.state,
        ...(chain.authorizer === undefined ? {} : { authorizer: chain.authorizer }),
      },
    );
    this.appHash = genesisAppHash(chain.suite, chain.suite.hash(utf8(chain.genesisLabel)));
  }

  /** The encoded signed tx of a call. */
  signCall(call: MemoryChainCall): Uint8Array {
    const body = {
      chainId: this.chain.chainId,
      signer: call.key.publicKey.bytes,
      nonce: this.chain.nonce(),
      expiryHeight: this.height + 10,
      module: call.module,
      method: call.method,
      args: canonicalJson(call.args),
    };
    const bodyBytes = encodeTxBody(body);
    return encodeSignedTx({ body, bodyBytes, signature: this.chain.suite.sign(call.key, bodyBytes) });
  }

  /** Executes `txs` as the next block and commits it; returns the receipts with parsed results. */
  commitBlock(txs: readonly CheckedTx[]): { receipt: TxReceipt; result: JsonValue | undefined }[] {
    const height = this.height + 1;
    const out = this.executor.executeBlock({
      height,
      time: this.chain.timeOf(height),
      prevAppHash: this.appHash,
      txs,
    });
    this.state.commit(height, out);
    this.height = height;
    this.appHash = out.appHash;
    return out.receipts.map((receipt) => ({
      receipt,
      result: receipt.result.length === 0 ? undefined : parseCanonicalJson(receipt.result),
    }));
  }
}
