/** A real chain for module tests: real crypto and codec, the Executor, in-memory committed state. */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import type { JsonValue, TxReceipt } from '@xinlian/codec';
import { type CryptoSuite, createSuite, type PrivateKey } from '@xinlian/crypto';
import { MemoryChain } from '@xinlian/execution';
import { createEvidenceModule } from '../src/index.js';

export const CHAIN_ID = 'evidence-test';

export interface Call {
  readonly key: PrivateKey;
  readonly method: string;
  readonly args: JsonValue;
}

export class EvidenceChain extends MemoryChain {
  readonly suite: CryptoSuite;
  readonly module;

  constructor() {
    const suite = createSuite('intl');
    const module = createEvidenceModule();
    super({
      chainId: CHAIN_ID,
      suite,
      modules: [module],
      params: { maxTxBytes: 64 * 1024, maxTxLifetime: 100, maxBlockTxs: 100 },
      genesisLabel: 'evidence test genesis',
      timeOf: EvidenceChain.timeOf,
      nonce: () => randomInt(1, 2 ** 47),
    });
    this.suite = suite;
    this.module = module;
  }

  /** Block time of a height: 1000 ms apart. */
  static timeOf(height: number): number {
    return 1_700_000_000_000 + height * 1000;
  }

  /** Signs an evidence tx. */
  sign(call: Call): Uint8Array {
    return this.signCall({ ...call, module: 'evidence' });
  }

  /** Admits the calls with checkTx and executes them as the next block; returns receipts with parsed results. */
  block(calls: readonly Call[]): { receipt: TxReceipt; result: JsonValue | undefined; id: string }[] {
    const height = this.height + 1;
    const txs = calls.map((c) => this.executor.checkTx(this.sign(c), { height }));
    return this.commitBlock(txs).map((r) => ({ ...r, id: Buffer.from(r.receipt.txId).toString('hex') }));
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
