/** A real chain for traceability module tests: real crypto and codec, the Executor, in-memory state. */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import type { JsonValue, TxReceipt } from '@xinlian/codec';
import { addressOf, type CryptoSuite, createSuite, type PrivateKey } from '@xinlian/crypto';
import { MemoryChain } from '@xinlian/execution';
import { createTraceabilityModule, eventHash, TRACEABILITY_MODULE } from '../src/index.js';

export const CHAIN_ID = 'trace-test';

export interface Call {
  readonly key: PrivateKey;
  readonly method: string;
  readonly args: JsonValue;
}

/** The CBV 2.0 event hash of an event's JSON text (what the module uses as its ID). */
export const idOf = (text: string): string => eventHash(JSON.parse(text));

export class TraceChain extends MemoryChain {
  readonly suite: CryptoSuite;
  /** Organization of each signer address (what governance would say). */
  readonly orgs: Map<string, string>;
  readonly module;

  constructor() {
    const suite = createSuite('intl');
    const orgs = new Map<string, string>();
    const module = createTraceabilityModule({ orgOf: (_view, address) => orgs.get(address) });
    super({
      chainId: CHAIN_ID,
      suite,
      modules: [module],
      params: { maxTxBytes: 1024 * 1024, maxTxLifetime: 100, maxBlockTxs: 100 },
      genesisLabel: 'trace test genesis',
      timeOf: TraceChain.timeOf,
      nonce: () => randomInt(1, 2 ** 47),
    });
    this.suite = suite;
    this.orgs = orgs;
    this.module = module;
  }

  static timeOf(height: number): number {
    return 1_700_000_000_000 + height * 1000;
  }

  /** A new key that is a member of `org` (undefined: of none). */
  member(org: string | undefined): PrivateKey {
    const key = this.suite.generateKey();
    if (org !== undefined) this.orgs.set(addressOf(this.suite, key.publicKey.bytes), org);
    return key;
  }

  sign(call: Call): Uint8Array {
    return this.signCall({ ...call, module: TRACEABILITY_MODULE });
  }

  block(calls: readonly Call[]): { receipt: TxReceipt; result: JsonValue | undefined }[] {
    const height = this.height + 1;
    return this.commitBlock(calls.map((c) => this.executor.checkTx(this.sign(c), { height })));
  }

  /** One call in its own block; asserts it succeeded and returns its result. */
  ok(call: Call): JsonValue | undefined {
    const [r] = this.block([call]);
    assert.equal(r!.receipt.status, 'ok', `${call.method} failed: ${r!.receipt.code} ${r!.receipt.message}`);
    return r!.result;
  }

  /** One call in its own block; returns the failed receipt's code and message. */
  fails(call: Call): { code: string; message: string } {
    const [r] = this.block([call]);
    assert.equal(r!.receipt.status, 'failed', `${call.method} unexpectedly succeeded`);
    return { code: r!.receipt.code, message: r!.receipt.message };
  }

  query(name: string, params: JsonValue): JsonValue {
    return this.executor.query(TRACEABILITY_MODULE, name, params);
  }
}

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'];

/** An ObjectEvent (JSON text) with the standard context. */
export function objectEvent(fields: Record<string, unknown>): string {
  return JSON.stringify({
    '@context': CONTEXT,
    type: 'ObjectEvent',
    eventTime: '2026-03-01T08:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE',
    epcList: ['urn:epc:id:sgtin:0614141.107346.1'],
    ...fields,
  });
}

export function event(type: string, fields: Record<string, unknown>): string {
  return JSON.stringify({
    '@context': CONTEXT,
    type,
    eventTime: '2026-03-01T08:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    ...fields,
  });
}
