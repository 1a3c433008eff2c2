/**
 * The permission matrix: every role × every privileged operation (every method of every installed
 * module), allowed and refused, on a permissioned chain — refused at admission (checkTx) and in a
 * block alike; allowed calls succeed. Then the policy is changed by governance and re-checked.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '@xinlian/codec';
import type { PrivateKey } from '@xinlian/crypto';
import { EVIDENCE_DEFAULT_ROLES } from '@xinlian/module-evidence';
import type { Role } from '@xinlian/pki';
import { declaredMethods, declaredRoles, GOVERNANCE_DEFAULT_ROLES, permissionMatrix } from '../src/index.js';
import { code, digest, Fixture, GovChain, ROLES } from './harness.js';

const fx = new Fixture();

const dig = () => [{ algorithm: 'sha256', value: digest() }];
const copyright = () => ({ digests: dig(), work: { title: 'w', creationTime: 1 }, owner: { name: 'o' } });

/** Registers a copyright as `key` (an admin when `key` may not write evidence) and returns its ID. */
function registration(chain: GovChain, key: PrivateKey): string {
  const r = chain.ok({ key, module: 'evidence', method: 'registerCopyright', args: copyright() }) as {
    recordId: string;
  };
  return r.recordId;
}

/** Valid args of each operation for `role`'s key, after any setup it needs. */
const OPERATIONS: Record<string, (chain: GovChain, role: Role) => { module?: string; args: JsonValue }> = {
  'governance.registerMember': () => ({
    args: { certificate: fx.pem(fx.issue('org1', 'client', fx.suite.generateKey())) },
  }),
  'governance.registerKey': () => ({
    args: {
      org: 'org1',
      publicKey: Buffer.from(fx.suite.generateKey().publicKey.bytes).toString('hex'),
      role: 'client',
      name: 'n',
    },
  }),
  'governance.removeMember': (chain) => {
    const k = fx.suite.generateKey();
    chain.ok({
      key: fx.keys.admin,
      method: 'registerKey',
      args: {
        org: 'org1',
        publicKey: Buffer.from(k.publicKey.bytes).toString('hex'),
        role: 'client',
        name: 'tmp',
      },
    });
    return { args: { address: fx.address(k) } };
  },
  'governance.revokeCertificate': (chain) => {
    const cert = fx.issue('org1', 'client', fx.suite.generateKey());
    chain.ok({ key: fx.keys.admin, method: 'registerMember', args: { certificate: fx.pem(cert) } });
    return { args: { org: 'org1', serial: cert.serial, reason: 'keyCompromise' } };
  },
  'governance.propose': (chain) => ({
    args: {
      action: { type: 'setModule', module: 'evidence', enabled: false },
      title: 'p',
      deadlineHeight: chain.height + 10,
    },
  }),
  'governance.vote': (chain) => {
    const p = chain.ok({
      key: fx.admin3,
      method: 'propose',
      args: {
        action: { type: 'setModule', module: 'evidence', enabled: false },
        title: 'p',
        deadlineHeight: chain.height + 10,
      },
    }) as { proposal: number };
    return { args: { proposal: p.proposal, choice: 'no' } };
  },
  'governance.freeze': () => ({
    args: {
      target: { kind: 'record', module: 'evidence', record: digest() },
      legalBasis: 'law',
      reference: 'ref-1',
    },
  }),
  'governance.unfreeze': (chain) => {
    const target = { kind: 'record', module: 'evidence', record: digest() };
    chain.ok({
      key: fx.keys.regulator,
      method: 'freeze',
      args: { target, legalBasis: 'law', reference: 'r' },
    });
    return { args: { target, legalBasis: 'law', reference: 'ref-2' } };
  },
  'governance.fileAuditReport': () => ({ args: { from: 0, to: 10, digest: digest(), reference: 'audit-1' } }),
  'evidence.submit': () => ({ module: 'evidence', args: { digests: dig() } }),
  'evidence.registerCopyright': () => ({ module: 'evidence', args: copyright() }),
  'evidence.grantLicense': (chain, role) => {
    // The license must be granted by the registration's submitter: the caller's own registration
    // if it may write evidence; else the admin's (the call is refused before ownership matters).
    const owner = EVIDENCE_DEFAULT_ROLES.includes(role) ? fx.keys[role] : fx.keys.admin;
    const reg = registration(chain, owner);
    return {
      module: 'evidence',
      args: { registration: reg, licensee: { name: 'l' }, scope: 's', term: { from: 1, to: 2 } },
    };
  },
  'evidence.reportInfringement': (chain) => ({
    module: 'evidence',
    args: { registration: registration(chain, fx.keys.admin), digests: dig() },
  }),
  'evidence.anchorBatch': () => ({
    module: 'evidence',
    args: { root: digest(), size: 3, algorithm: 'sha256' },
  }),
};

/**
 * The matrix is generated from the installed modules' method declarations (`ModuleMethod.roles`)
 * by `permissionMatrix`: every method of every module is a row, so a new method cannot be left out
 * — the first test fails until OPERATIONS has a fixture for it; absent `roles` means any member
 * may call it. (The traceability package builds its rows with the same generator.)
 */
const INSTALLED = new GovChain(fx).modules;
const DECLARED = declaredMethods(INSTALLED);
const MATRIX = permissionMatrix(INSTALLED, ROLES);

describe('permission matrix (role × privileged operation)', () => {
  it('has a fixture for every declared method of every installed module, and the policy shows the declarations', () => {
    assert.deepEqual(Object.keys(OPERATIONS).sort(), DECLARED.map((d) => d.op).sort());
    assert.ok(DECLARED.length >= 14, 'evidence and governance methods are installed');
    const perms = new GovChain(fx).query('permissions') as Record<string, { roles: string[] }>;
    assert.deepEqual(Object.keys(perms).sort(), DECLARED.map((d) => d.op).sort());
    for (const { op, roles } of DECLARED) assert.deepEqual(perms[op]!.roles, [...declaredRoles(roles)], op);
    assert.equal(MATRIX.length, DECLARED.length * ROLES.length);
    // The declarations are the exported default tables.
    for (const [m, roles] of Object.entries(GOVERNANCE_DEFAULT_ROLES)) {
      assert.deepEqual(DECLARED.find((d) => d.op === `governance.${m}`)?.roles, roles);
    }
    for (const d of DECLARED.filter((x) => x.op.startsWith('evidence.')))
      assert.deepEqual(d.roles, EVIDENCE_DEFAULT_ROLES);
  });

  for (const { op, role, allowed } of MATRIX) {
    it(`${op} by ${role}: ${allowed ? 'allowed' : 'refused'}`, () => {
      const chain = new GovChain(fx);
      chain.empty();
      const fixture = OPERATIONS[op];
      assert.ok(fixture !== undefined, `no fixture for ${op}`);
      const { module, args } = fixture(chain, role);
      const call = { key: fx.keys[role], method: op.split('.')[1]!, args, ...(module ? { module } : {}) };
      if (allowed) {
        chain.ok(call);
      } else {
        assert.throws(() => chain.check(call), code('PERM_ROLE_NOT_ALLOWED'));
        chain.fails(call, 'PERM_ROLE_NOT_ALLOWED');
      }
    });
  }
  for (const { op } of DECLARED) {
    it(`${op} by a non-member: refused`, () => {
      const chain = new GovChain(fx);
      chain.empty();
      const { module, args } = OPERATIONS[op]!(chain, 'admin');
      const call = {
        key: fx.suite.generateKey(),
        method: op.split('.')[1]!,
        args,
        ...(module ? { module } : {}),
      };
      // registerMember passes admission for unregistered keys (self-registration with their own
      // certificate); the method refuses anyone else's certificate in the block.
      if (op !== 'governance.registerMember') {
        assert.throws(() => chain.check(call), code('PERM_UNKNOWN_SENDER'));
      }
      chain.fails(call, 'PERM_UNKNOWN_SENDER');
    });
  }
});

describe('permission policy is on-chain data changed by governance', () => {
  it('a setPermission proposal lets auditors submit evidence and stops clients; null restores the default', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const submit = (key: PrivateKey) => ({
      key,
      module: 'evidence',
      method: 'submit',
      args: { digests: dig() },
    });
    assert.throws(() => chain.check(submit(fx.keys.auditor)), code('PERM_ROLE_NOT_ALLOWED'));
    chain.pass({ type: 'setPermission', module: 'evidence', method: 'submit', roles: ['auditor', 'admin'] });
    chain.empty(); // executes
    chain.ok(submit(fx.keys.auditor));
    assert.throws(() => chain.check(submit(fx.keys.client)), code('PERM_ROLE_NOT_ALLOWED'));
    assert.deepEqual(chain.query('permission', { module: 'evidence', method: 'submit' }), {
      roles: ['admin', 'auditor'],
      source: 'policy',
    });
    chain.pass({ type: 'setPermission', module: 'evidence', method: 'submit', roles: null });
    chain.empty();
    chain.ok(submit(fx.keys.client));
    assert.throws(() => chain.check(submit(fx.keys.auditor)), code('PERM_ROLE_NOT_ALLOWED'));
  });

  it('admins cannot be stripped of propose/vote (GOV_PROTECTED)', () => {
    const chain = new GovChain(fx);
    chain.empty();
    chain.fails(
      {
        key: fx.keys.admin,
        method: 'propose',
        args: {
          action: { type: 'setPermission', module: 'governance', method: 'vote', roles: ['client'] },
          title: 't',
          deadlineHeight: 10,
        },
      },
      'GOV_PROTECTED',
    );
  });
});
