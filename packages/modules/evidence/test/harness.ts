/** A real chain for module tests: real crypto and codec, the Executor, in-memory committed state. */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import {
  canonicalJson,
  encodeSignedTx,
  encodeTxBody,
  type JsonValue,
  parseCanonicalJson,
  type TxReceipt,
} from '@xinlian/codec';
import { type CryptoSuite, createSuite, type PrivateKey } from '@xinlian/crypto';
import { Executor, genesisAppHash, MemoryState } from '@xinlian/execution';
import { utf8 } from '@xinlian/utils';
import { createEvidenceModule } from '../src/index.js';

export const CHAIN_ID = 'evidence-test';

export interface Call {
  readonly key: PrivateKey;
  readonly method: string;
  readonly args: JsonValue;
}

export class EvidenceChain {
  readonly suite: CryptoSuite = createSuite('intl');
  readonly state = new MemoryState();
  readonly module = createEvidenceModule();
  readonly executor = new Executor(
    { chainId: CHAIN_ID, params: { maxTxBytes: 64 * 1024, maxTxLifetime: 100, maxBlockTxs: 100 } },
    { suite: this.suite, modules: [this.module], state: this.state, txIndex: this.state },
  );
  appHash = genesisAppHash(this.suite, this.suite.hash(utf8('evidence test genesis')));
  height = 0;

  /** Block time of a height: 1000 ms apart. */
  static timeOf(height: number): number {
    return 1_700_000_000_000 + height * 1000;
  }

  /** Signs an evidence tx. */
  sign(call: Call): Uint8Array {
    const body = {
      chainId: CHAIN_ID,
      signer: call.key.publicKey.bytes,
      nonce: randomInt(1, 2 ** 47),
      expiryHeight: this.height + 10,
      module: 'evidence',
      method: call.method,
      args: canonicalJson(call.args),
    };
    const bodyBytes = encodeTxBody(body);
    return encodeSignedTx({ body, bodyBytes, signature: this.suite.sign(call.key, bodyBytes) });
  }

  /** Admits the calls with checkTx and executes them as the next block; returns receipts with parsed results. */
  block(calls: readonly Call[]): { receipt: TxReceipt; result: JsonValue | undefined; id: string }[] {
    const height = this.height + 1;
    const txs = calls.map((c) => this.executor.checkTx(this.sign(c), { height }));
    const out = this.executor.executeBlock({
      height,
      time: EvidenceChain.timeOf(height),
      prevAppHash: this.appHash,
      txs,
    });
    this.state.commit(height, out);
    this.height = height;
    this.appHash = out.appHash;
    return out.receipts.map((receipt) => ({
      receipt,
      result: receipt.result.length === 0 ? undefined : parseCanonicalJson(receipt.result),
      id: Buffer.from(receipt.txId).toString('hex'),
    }));
  }

  /** One call in its own block; throws if it failed. */
  ok(call: Call): { recordId: string; existing: boolean } {
    const [r] = this.block([call]);
    assert.equal(r!.receipt.status, 'ok', `${call.method} failed: ${r!.receipt.code} ${r!.receipt.message}`);
    return r!.result as { recordId: string; existing: boolean };
  }

  query(name: string, params: JsonValue): JsonValue {
    return this.executor.query('evidence', name, params);
  }
}
