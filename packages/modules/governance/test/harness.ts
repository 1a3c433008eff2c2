/**
 * A real permissioned chain for governance tests: real crypto, codec, PKI and Executor with the
 * governance authorizer, the evidence and governance modules, in-memory committed state.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { decodeSignedTx, type JsonValue, type TxReceipt } from '@xinlian/codec';
import { addressOf, type CryptoSuite, createSuite, type PrivateKey } from '@xinlian/crypto';
import { type CheckedTx, MemoryChain, type Module } from '@xinlian/execution';
import { createEvidenceModule } from '@xinlian/module-evidence';
import {
  createCaCertificate,
  issueCertificate,
  type ParsedCertificate,
  type RandomSource,
  type Role,
  toPem,
} from '@xinlian/pki';
import { isXinlianError, toHex } from '@xinlian/utils';
import { createGovernance, type GovernanceGenesis } from '../src/index.js';

export const CHAIN_ID = 'gov-test';
export const ROLES: readonly Role[] = ['admin', 'client', 'validator', 'observer', 'regulator', 'auditor'];
export const GENESIS_TIME = Date.UTC(2026, 0, 1);

/** Block time of a height: 1 s apart after the genesis time. */
export const timeOf = (height: number) => GENESIS_TIME + height * 1000;

export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 32) {
      const block = createHash('sha256').update(`${seed}/${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, n - off)), off);
    }
    return out;
  };
}

export function code(expected: string): (e: unknown) => boolean {
  return (e) => {
    if (!isXinlianError(e)) throw new Error(`expected XinlianError ${expected}, got ${String(e)}`);
    if (e.code !== expected) throw new Error(`expected code ${expected}, got ${e.code}: ${e.message}`);
    return true;
  };
}

export interface OrgCa {
  readonly org: string;
  readonly key: PrivateKey;
  readonly certificate: ParsedCertificate;
}

/** Fixed identities shared by all tests (keys and CAs are costly enough to make once). */
export class Fixture {
  readonly suite: CryptoSuite = createSuite('intl');
  readonly random = seededRandom('gov-fixture');
  readonly cas: Record<string, OrgCa> = {};
  /** One registered key per role in org1, plus the admins of org2 and reg. */
  readonly keys: Record<Role, PrivateKey>;
  readonly admin2: PrivateKey;
  readonly admin3: PrivateKey;

  constructor() {
    for (const org of ['org1', 'org2', 'org4']) this.cas[org] = this.makeCa(org);
    this.keys = Object.fromEntries(ROLES.map((r) => [r, this.suite.generateKey()])) as Record<
      Role,
      PrivateKey
    >;
    this.admin2 = this.suite.generateKey();
    this.admin3 = this.suite.generateKey();
  }

  makeCa(org: string): OrgCa {
    const key = this.suite.generateKey();
    const certificate = createCaCertificate({
      suite: this.suite,
      org,
      key,
      notBefore: new Date(GENESIS_TIME - 86_400_000),
      random: this.random,
    });
    return { org, key, certificate };
  }

  /** A member certificate (PEM) of `org` for `key`. */
  issue(
    org: string,
    role: Role,
    key: PrivateKey,
    opts: { notBefore?: number; notAfter?: number } = {},
  ): ParsedCertificate {
    const ca = this.cas[org]!;
    return issueCertificate({
      suite: this.suite,
      ca: { certificate: ca.certificate, key: ca.key },
      role,
      name: `${role}-${toHex(key.publicKey.bytes).slice(0, 8)}`,
      publicKey: key.publicKey,
      notBefore: new Date(opts.notBefore ?? GENESIS_TIME - 3_600_000),
      ...(opts.notAfter !== undefined ? { notAfter: new Date(opts.notAfter) } : {}),
      random: this.random,
    });
  }

  pem(cert: ParsedCertificate): string {
    return toPem(cert.der, 'CERTIFICATE');
  }

  address(key: PrivateKey): string {
    return addressOf(this.suite, key.publicKey.bytes);
  }

  genesis(overrides: Partial<GovernanceGenesis> = {}): GovernanceGenesis {
    const hex = (k: PrivateKey) => toHex(k.publicKey.bytes);
    return {
      permissioned: true,
      organizations: [
        { id: 'org1', name: 'Org One', caCertificate: this.pem(this.cas.org1!.certificate) },
        { id: 'org2', name: 'Org Two', caCertificate: this.pem(this.cas.org2!.certificate) },
        { id: 'reg', name: 'Regulator' },
      ],
      members: [
        ...ROLES.map((r) => ({
          org: r === 'regulator' ? 'reg' : 'org1',
          role: r,
          publicKey: hex(this.keys[r]),
          name: r,
        })),
        { org: 'org2', role: 'admin' as const, publicKey: hex(this.admin2), name: 'admin2' },
        { org: 'reg', role: 'admin' as const, publicKey: hex(this.admin3), name: 'admin3' },
      ],
      votingPolicy: { kind: 'MAJORITY' },
      filing: { operator: 'Xinlian Test Co.', serviceName: 'Xinlian Evidence', filingNumber: 'Beijing-0001' },
      ...overrides,
    };
  }
}

export interface Call {
  readonly key: PrivateKey;
  readonly module?: string;
  readonly method: string;
  readonly args: JsonValue;
}

export interface Outcome {
  readonly receipt: TxReceipt;
  readonly result: JsonValue | undefined;
  readonly ok: boolean;
  readonly code: string;
}

let nonce = 1;

export class GovChain extends MemoryChain {
  readonly governance;
  /** The installed modules, in executor order. */
  readonly modules: readonly Module[];

  constructor(
    readonly fx: Fixture,
    genesis: GovernanceGenesis = fx.genesis(),
    opts: { authorizer?: boolean } = {},
  ) {
    const evidence = createEvidenceModule();
    const governance = createGovernance({ suite: fx.suite, genesis, modules: [evidence] });
    const modules = [evidence, governance.module];
    super({
      chainId: CHAIN_ID,
      suite: fx.suite,
      modules,
      params: { maxTxBytes: 64 * 1024, maxTxLifetime: 100, maxBlockTxs: 100 },
      ...(opts.authorizer === false ? {} : { authorizer: governance.authorizer }),
      genesisLabel: 'gov test genesis',
      timeOf,
      nonce: () => nonce++,
    });
    this.governance = governance;
    this.modules = modules;
  }

  sign(call: Call): Uint8Array {
    return this.signCall({ ...call, module: call.module ?? 'governance' });
  }

  /** checkTx of the call at the next height (throws the refusal). */
  check(call: Call): CheckedTx {
    return this.executor.checkTx(this.sign(call), { height: this.height + 1, time: timeOf(this.height + 1) });
  }

  /** Executes txs as the next block: admitted ones (CheckedTx) and raw ones (not checked first). */
  run(txs: readonly CheckedTx[]): Outcome[] {
    return this.commitBlock(txs).map(({ receipt, result }) => ({
      receipt,
      result,
      ok: receipt.status === 'ok',
      code: receipt.code,
    }));
  }

  /** The calls in one block without checkTx (the block path re-checks everything). */
  block(calls: readonly Call[]): Outcome[] {
    return this.run(
      calls.map((c) => {
        const bytes = this.sign(c);
        const tx = decodeSignedTx(bytes);
        return { tx, bytes, txId: new Uint8Array(32), sender: { publicKey: tx.body.signer, address: '' } };
      }),
    );
  }

  /** An empty block. */
  empty(): void {
    this.run([]);
  }

  /** One call, admitted by checkTx, in its own block; asserts it succeeded. */
  ok(call: Call): JsonValue | undefined {
    const [r] = this.run([this.check(call)]);
    assert.equal(r!.ok, true, `${call.method} failed: ${r!.code} ${r!.receipt.message}`);
    return r!.result;
  }

  /** One call in its own block without checkTx; asserts it failed with `expected`. */
  fails(call: Call, expected: string): void {
    const [r] = this.block([call]);
    assert.equal(
      r!.code,
      expected,
      `${call.method}: expected ${expected}, got ${r!.code || 'ok'} ${r!.receipt.message}`,
    );
  }

  query(name: string, params: JsonValue = {}): JsonValue {
    return this.executor.query('governance', name, params);
  }

  /** Proposes `action` as admin1 and has org1, org2 (and optionally reg) vote yes. */
  pass(
    action: JsonValue,
    fx = this.fx,
    extra: { deadlineHeight?: number; executeHeight?: number } = {},
  ): number {
    const r = this.ok({
      key: fx.keys.admin,
      method: 'propose',
      args: {
        action,
        title: 't',
        deadlineHeight: extra.deadlineHeight ?? this.height + 20,
        ...(extra.executeHeight ? { executeHeight: extra.executeHeight } : {}),
      },
    }) as { proposal: number };
    this.ok({ key: fx.keys.admin, method: 'vote', args: { proposal: r.proposal, choice: 'yes' } });
    this.ok({ key: fx.admin2, method: 'vote', args: { proposal: r.proposal, choice: 'yes' } });
    return r.proposal;
  }
}

/** A fresh 32-byte hex digest. */
let digestCounter = 0;
export function digest(): string {
  return createHash('sha256').update(`digest-${digestCounter++}`).digest('hex');
}
