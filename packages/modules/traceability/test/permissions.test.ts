/**
 * The traceability rows of the permission matrix: every role × every traceability method, allowed
 * and refused, through governance's real authorizer (host enforcement at admission and in the
 * block) on a permissioned chain. The rows come from governance's `permissionMatrix` over the
 * module's declarations (the generator the governance package's matrix uses), so a method added to
 * the module without a fixture here fails the first test.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeSignedTx, type JsonValue } from '@xinlian/codec';
import { createSuite, type PrivateKey } from '@xinlian/crypto';
import { type CheckedTx, MemoryChain, type StateView } from '@xinlian/execution';
import {
  createGovernance,
  declaredMethods,
  declaredRoles,
  type GovernanceGenesis,
  permissionMatrix,
} from '@xinlian/module-governance';
import { ROLES, type Role } from '@xinlian/pki';
import { isXinlianError, toHex } from '@xinlian/utils';
import {
  createTraceabilityModule,
  TRACEABILITY_CAPTURE_ROLES,
  TRACEABILITY_MODULE,
  TRACEABILITY_RANGE_ROLES,
} from '../src/index.js';
import { objectEvent } from './harness.js';

const suite = createSuite('intl');
/** One registered key per role: the regulator in org `reg`, the others in org1; org2's admin. */
const keys = Object.fromEntries(ROLES.map((r) => [r, suite.generateKey()])) as Record<Role, PrivateKey>;
const admin2 = suite.generateKey();

function genesis(): GovernanceGenesis {
  const hex = (k: PrivateKey) => toHex(k.publicKey.bytes);
  return {
    permissioned: true,
    organizations: [
      { id: 'org1', name: 'Org One' },
      { id: 'org2', name: 'Org Two' },
      { id: 'reg', name: 'Regulator' },
    ],
    members: [
      ...ROLES.map((r) => ({
        org: r === 'regulator' ? 'reg' : 'org1',
        role: r,
        publicKey: hex(keys[r]),
        name: r,
      })),
      { org: 'org2', role: 'admin' as const, publicKey: hex(admin2), name: 'admin2' },
    ],
    votingPolicy: { kind: 'MAJORITY' },
  };
}

interface Call {
  readonly key: PrivateKey;
  readonly module?: string;
  readonly method: string;
  readonly args: JsonValue;
}

/** Governance (with its authorizer) and traceability over in-memory state, as the node wires them. */
class Chain extends MemoryChain {
  readonly modules;

  constructor() {
    let identify: ((view: StateView, address: string) => string) | undefined;
    const traceability = createTraceabilityModule({
      orgOf: (view, address) => {
        try {
          return identify?.(view, address);
        } catch {
          return undefined;
        }
      },
    });
    const governance = createGovernance({ suite, genesis: genesis(), modules: [traceability] });
    identify = (view, address) => governance.identify(view, address).org;
    const modules = [governance.module, traceability];
    super({
      chainId: 'trace-perm',
      suite,
      modules,
      params: { maxTxBytes: 64 * 1024, maxTxLifetime: 100, maxBlockTxs: 100 },
      authorizer: governance.authorizer,
      genesisLabel: 'trace permission genesis',
      timeOf: (h) => 1_700_000_000_000 + h * 1000,
      nonce: () => randomInt(1, 2 ** 47),
    });
    this.modules = modules;
  }

  private signed(call: Call): Uint8Array {
    return this.signCall({ ...call, module: call.module ?? TRACEABILITY_MODULE });
  }

  /** checkTx at the next height (the admission path); throws the refusal. */
  check(call: Call): CheckedTx {
    return this.executor.checkTx(this.signed(call), {
      height: this.height + 1,
      time: this.chain.timeOf(this.height + 1),
    });
  }

  /** Admitted by checkTx and executed in its own block; asserts success. */
  ok(call: Call): JsonValue | undefined {
    const [r] = this.commitBlock([this.check(call)]);
    assert.equal(r!.receipt.status, 'ok', `${call.method}: ${r!.receipt.code} ${r!.receipt.message}`);
    return r!.result;
  }

  /** Put in a block without checkTx (the block path re-authorizes); returns the receipt code. */
  inBlock(call: Call): string {
    const bytes = this.signed(call);
    const tx = decodeSignedTx(bytes);
    const [r] = this.commitBlock([
      { tx, bytes, txId: new Uint8Array(32), sender: { publicKey: tx.body.signer, address: '' } },
    ]);
    return r!.receipt.code;
  }
}

const code = (expected: string) => (e: unknown) => isXinlianError(e) && e.code === expected;

let counter = 0;
/** A GS1 company prefix not used before in this file. */
const prefix = () => String(70_000_000 + counter++);

/** Valid args of each traceability method for `role`, after any setup it needs. */
const OPERATIONS: Record<string, (chain: Chain, role: Role) => JsonValue> = {
  'traceability.capture': () => ({
    events: [
      objectEvent({ bizStep: 'inspecting', epcList: [`urn:epc:id:sgtin:0614141.107346.${counter++}`] }),
    ],
  }),
  'traceability.registerRange': () => ({ kind: 'gs1', prefix: prefix() }),
  'traceability.releaseRange': (chain) => {
    // A range of org1 (every role but the regulator is in org1), registered by org1's admin.
    const p = prefix();
    chain.ok({ key: keys.admin, method: 'registerRange', args: { kind: 'gs1', prefix: p } });
    return { kind: 'gs1', prefix: p };
  },
  'traceability.defineQuery': () => ({
    name: `q-${counter++}`,
    query: { eventType: ['ObjectEvent'], EQ_bizStep: ['shipping'] },
  }),
};

/**
 * One chain for all rows (building the modules compiles their schemas, about a second): every
 * fixture uses fresh prefixes, names and events, so rows do not depend on each other.
 */
const shared = new Chain();
shared.commitBlock([]);
const MODULES = shared.modules.filter((m) => m.name === TRACEABILITY_MODULE);
const DECLARED = declaredMethods(MODULES);
const MATRIX = permissionMatrix(MODULES, ROLES);

describe('permission matrix: traceability (role × method)', () => {
  it('has a fixture for every declared traceability method; governance reports the declarations', () => {
    assert.deepEqual(Object.keys(OPERATIONS).sort(), DECLARED.map((d) => d.op).sort());
    assert.ok(DECLARED.length >= 4, 'capture, registerRange, releaseRange, defineQuery');
    assert.equal(MATRIX.length, DECLARED.length * ROLES.length);
    const expected: Record<string, readonly string[]> = {
      capture: TRACEABILITY_CAPTURE_ROLES,
      registerRange: TRACEABILITY_RANGE_ROLES,
      releaseRange: TRACEABILITY_RANGE_ROLES,
      defineQuery: TRACEABILITY_CAPTURE_ROLES,
    };
    for (const d of DECLARED) if (d.method in expected) assert.deepEqual(d.roles, expected[d.method], d.op);
    const perms = shared.executor.query('governance', 'permissions', {}) as Record<
      string,
      { roles: string[] }
    >;
    for (const { op, roles } of DECLARED) assert.deepEqual(perms[op]?.roles, [...declaredRoles(roles)], op);
  });

  for (const { op, method, role, allowed } of MATRIX) {
    it(`${op} by ${role}: ${allowed ? 'allowed' : 'refused'}`, () => {
      const chain = shared;
      const fixture = OPERATIONS[op];
      assert.ok(fixture !== undefined, `no fixture for ${op}`);
      const call = { key: keys[role], method, args: fixture(chain, role) };
      if (allowed) {
        chain.ok(call);
      } else {
        assert.throws(() => chain.check(call), code('PERM_ROLE_NOT_ALLOWED'));
        assert.equal(chain.inBlock(call), 'PERM_ROLE_NOT_ALLOWED');
      }
    });
  }

  for (const { op, method } of DECLARED) {
    it(`${op} by a non-member: refused`, () => {
      const chain = shared;
      const call = { key: suite.generateKey(), method, args: OPERATIONS[op]!(chain, 'admin') };
      assert.throws(() => chain.check(call), code('PERM_UNKNOWN_SENDER'));
      assert.equal(chain.inBlock(call), 'PERM_UNKNOWN_SENDER');
    });
  }

  it('governance changes a traceability permission: auditors may then capture, clients no longer', () => {
    const chain = new Chain();
    chain.commitBlock([]);
    const capture = (key: PrivateKey) => ({
      key,
      method: 'capture',
      args: OPERATIONS['traceability.capture']!(chain, 'admin'),
    });
    assert.throws(() => chain.check(capture(keys.auditor)), code('PERM_ROLE_NOT_ALLOWED'));
    const gov = (key: PrivateKey, method: string, args: JsonValue) =>
      chain.ok({ key, module: 'governance', method, args });
    const { proposal } = gov(keys.admin, 'propose', {
      action: {
        type: 'setPermission',
        module: TRACEABILITY_MODULE,
        method: 'capture',
        roles: ['admin', 'auditor'],
      },
      title: 'auditors capture',
      deadlineHeight: chain.height + 20,
    }) as { proposal: number };
    gov(keys.admin, 'vote', { proposal, choice: 'yes' });
    gov(admin2, 'vote', { proposal, choice: 'yes' });
    chain.commitBlock([]); // executes
    chain.ok(capture(keys.auditor));
    assert.throws(() => chain.check(capture(keys.client)), code('PERM_ROLE_NOT_ALLOWED'));
    assert.equal(chain.inBlock(capture(keys.client)), 'PERM_ROLE_NOT_ALLOWED');
  });
});
