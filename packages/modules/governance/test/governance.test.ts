/** Membership (admission, certificates, revocation), proposals and their actions, and every GOV_/PERM_ code. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '@xinlian/codec';
import type { PrivateKey } from '@xinlian/crypto';
import { toHex } from '@xinlian/utils';
import { createGovernance, GOV_ERROR_CODES, PERM_ERROR_CODES } from '../src/index.js';
import { code, digest, Fixture, GENESIS_TIME, GovChain, timeOf } from './harness.js';

const fx = new Fixture();
const submit = (key = fx.keys.client) => ({
  key,
  module: 'evidence',
  method: 'submit',
  args: { digests: [{ algorithm: 'sha256', value: digest() }] },
});
const propose = (action: JsonValue, deadlineHeight: number, extra: Record<string, JsonValue> = {}) => ({
  key: fx.keys.admin,
  method: 'propose',
  args: { action, title: 'proposal', deadlineHeight, ...extra },
});

describe('admission', () => {
  it('refuses a non-member at checkTx and in a block (PERM_UNKNOWN_SENDER); nothing reaches state', () => {
    const chain = new GovChain(fx);
    const stranger = fx.suite.generateKey();
    assert.throws(() => chain.check(submit(stranger)), code('PERM_UNKNOWN_SENDER'));
    chain.empty();
    const before = chain.state.scan(new TextEncoder().encode('evidence')).length;
    chain.fails(submit(stranger), 'PERM_UNKNOWN_SENDER');
    assert.equal(chain.state.scan(new TextEncoder().encode('evidence')).length, before);
  });

  it('a non-permissioned chain admits unknown senders but still enforces governance roles', () => {
    const chain = new GovChain(fx, fx.genesis({ permissioned: false }));
    const stranger = fx.suite.generateKey();
    chain.ok(submit(stranger));
    chain.fails(
      { ...propose({ type: 'setModule', module: 'evidence', enabled: false }, 10), key: stranger },
      'PERM_UNKNOWN_SENDER',
    );
    chain.fails(
      { ...propose({ type: 'setModule', module: 'evidence', enabled: false }, 10), key: fx.keys.client },
      'PERM_ROLE_NOT_ALLOWED',
    );
  });

  it('a certificate holder registers itself; another org admin cannot register it (GOV_NOT_ORG_ADMIN)', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const key = fx.suite.generateKey();
    const cert = fx.issue('org1', 'client', key);
    chain.fails(
      { key: fx.admin2, method: 'registerMember', args: { certificate: fx.pem(cert) } },
      'GOV_NOT_ORG_ADMIN',
    );
    assert.throws(() => chain.check(submit(key)), code('PERM_UNKNOWN_SENDER'));
    const rec = chain.ok({ key, method: 'registerMember', args: { certificate: fx.pem(cert) } }) as {
      role: string;
      org: string;
      serial: string;
    };
    assert.equal(rec.role, 'client');
    assert.equal(rec.org, 'org1');
    assert.equal(rec.serial, cert.serial);
    chain.ok(submit(key));
    chain.fails(
      { key, method: 'registerMember', args: { certificate: fx.pem(cert) } },
      'PERM_ROLE_NOT_ALLOWED',
    );
    chain.fails(
      { key: fx.keys.admin, method: 'registerMember', args: { certificate: fx.pem(cert) } },
      'GOV_MEMBER_EXISTS',
    );
  });

  it('refuses certificates of unknown CAs, unknown orgs, orgs without CA and expired ones (GOV_BAD_CERTIFICATE / GOV_UNKNOWN_ORG)', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const key = fx.suite.generateKey();
    // org4's CA is not on chain.
    chain.fails(
      { key, method: 'registerMember', args: { certificate: fx.pem(fx.issue('org4', 'client', key)) } },
      'GOV_UNKNOWN_ORG',
    );
    const expired = fx.issue('org1', 'client', key, {
      notBefore: GENESIS_TIME - 7_200_000,
      notAfter: GENESIS_TIME - 3_600_000,
    });
    const [r] = chain.block([{ key, method: 'registerMember', args: { certificate: fx.pem(expired) } }]);
    assert.equal(r!.code, 'GOV_BAD_CERTIFICATE');
    assert.match(r!.receipt.message, /does not verify/);
    chain.fails(
      { key, method: 'registerMember', args: { certificate: 'not a certificate' } },
      'GOV_BAD_CERTIFICATE',
    );
    const other = fx.makeCa('org2'); // same org name, different CA key
    fx.cas.tmp = other;
    const forged = fx.issue('tmp', 'admin', key);
    chain.fails(
      { key, method: 'registerMember', args: { certificate: fx.pem(forged) } },
      'GOV_BAD_CERTIFICATE',
    );
  });

  it('revocation takes effect at once: the next tx of the same block is refused (PERM_REVOKED)', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const key = fx.suite.generateKey();
    const cert = fx.issue('org1', 'client', key);
    chain.ok({ key, method: 'registerMember', args: { certificate: fx.pem(cert) } });
    const [a, b, c] = chain.block([
      submit(key),
      {
        key: fx.keys.admin,
        method: 'revokeCertificate',
        args: { org: 'org1', serial: cert.serial, reason: 'keyCompromise' },
      },
      submit(key),
    ]);
    assert.equal(a!.ok, true);
    assert.equal(b!.ok, true);
    assert.equal(c!.code, 'PERM_REVOKED');
    assert.throws(() => chain.check(submit(key)), code('PERM_REVOKED'));
    chain.fails(
      { key: fx.keys.admin, method: 'revokeCertificate', args: { org: 'org1', serial: cert.serial } },
      'GOV_ALREADY_REVOKED',
    );
    chain.fails(
      { key: fx.admin2, method: 'revokeCertificate', args: { org: 'org1', serial: 'abcd' } },
      'GOV_NOT_ORG_ADMIN',
    );
    chain.fails(
      { key: fx.keys.admin, method: 'revokeCertificate', args: { org: 'nope', serial: 'abcd' } },
      'GOV_UNKNOWN_ORG',
    );
    // a revoked certificate cannot be registered again
    chain.ok({ key: fx.keys.admin, method: 'removeMember', args: { address: fx.address(key) } });
    chain.fails(
      { key, method: 'registerMember', args: { certificate: fx.pem(cert) } },
      'GOV_BAD_CERTIFICATE',
    );
    const revs = chain.query('revocations', { org: 'org1' }) as { serial: string; reason: string }[];
    assert.deepEqual(
      revs.map((r) => [r.serial, r.reason]),
      [[cert.serial, 'keyCompromise']],
    );
  });

  it('revoking the CA certificate refuses all its members', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const key = fx.suite.generateKey();
    chain.ok({
      key,
      method: 'registerMember',
      args: { certificate: fx.pem(fx.issue('org1', 'client', key)) },
    });
    chain.ok({
      key: fx.keys.regulator,
      method: 'revokeCertificate',
      args: { org: 'org1', serial: fx.cas.org1!.certificate.serial },
    });
    assert.throws(() => chain.check(submit(key)), code('PERM_REVOKED'));
    chain.ok(submit(fx.keys.client)); // registered keys have no certificate
  });

  it('identify(): the seam for admitting peers answers from state (validator node certificate, then revoked)', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const nodeKey = fx.suite.generateKey();
    const cert = fx.issue('org1', 'validator', nodeKey);
    chain.ok({ key: fx.keys.admin, method: 'registerMember', args: { certificate: fx.pem(cert) } });
    const m = chain.governance.identify(chain.state, fx.address(nodeKey), timeOf(3));
    assert.deepEqual([m.org, m.role, m.serial], ['org1', 'validator', cert.serial]);
    assert.throws(
      () => chain.governance.identify(chain.state, fx.address(fx.suite.generateKey())),
      code('PERM_UNKNOWN_SENDER'),
    );
    chain.ok({ key: fx.keys.admin, method: 'revokeCertificate', args: { org: 'org1', serial: cert.serial } });
    assert.throws(() => chain.governance.identify(chain.state, fx.address(nodeKey)), code('PERM_REVOKED'));
  });

  it('refuses a certificate outside its validity at block time (PERM_CERT_EXPIRED)', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const key = fx.suite.generateKey();
    const cert = fx.issue('org1', 'client', key, { notAfter: timeOf(3) });
    chain.ok({ key, method: 'registerMember', args: { certificate: fx.pem(cert) } });
    chain.empty();
    chain.empty();
    assert.throws(() => chain.check(submit(key)), code('PERM_CERT_EXPIRED'));
  });

  it('registerKey, removeMember and the last-admin guard', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const k = fx.suite.generateKey();
    const hex = toHex(k.publicKey.bytes);
    chain.fails(
      {
        key: fx.keys.admin,
        method: 'registerKey',
        args: { org: 'org2', publicKey: hex, role: 'client', name: 'x' },
      },
      'GOV_NOT_ORG_ADMIN',
    );
    chain.fails(
      {
        key: fx.keys.admin,
        method: 'registerKey',
        args: { org: 'zzz', publicKey: hex, role: 'client', name: 'x' },
      },
      'GOV_UNKNOWN_ORG',
    );
    chain.fails(
      {
        key: fx.keys.admin,
        method: 'registerKey',
        args: { org: 'org1', publicKey: '00'.repeat(33), role: 'client', name: 'x' },
      },
      'GOV_BAD_ARGS',
    );
    chain.ok({
      key: fx.keys.admin,
      method: 'registerKey',
      args: { org: 'org1', publicKey: hex, role: 'client', name: 'x' },
    });
    chain.fails(
      {
        key: fx.keys.admin,
        method: 'registerKey',
        args: { org: 'org1', publicKey: hex, role: 'client', name: 'x' },
      },
      'GOV_MEMBER_EXISTS',
    );
    chain.fails(
      { key: fx.admin2, method: 'removeMember', args: { address: fx.address(k) } },
      'GOV_NOT_ORG_ADMIN',
    );
    chain.ok({ key: fx.keys.admin, method: 'removeMember', args: { address: fx.address(k) } });
    chain.fails(
      { key: fx.keys.admin, method: 'removeMember', args: { address: fx.address(k) } },
      'GOV_UNKNOWN_MEMBER',
    );
    chain.fails(
      { key: fx.admin2, method: 'removeMember', args: { address: fx.address(fx.admin2) } },
      'GOV_PROTECTED',
    );
    assert.throws(() => chain.check(submit(k)), code('PERM_UNKNOWN_SENDER'));
  });

  it('GOV_BAD_ARGS names the field', () => {
    const chain = new GovChain(fx);
    assert.throws(
      () => chain.check({ key: fx.keys.admin, method: 'vote', args: { proposal: 1, choice: 'maybe' } }),
      (e: unknown) =>
        code('GOV_BAD_ARGS')(e) && (e as { details: { field: string } }).details.field === 'choice',
    );
  });
});

describe('proposals and voting', () => {
  it('majority of organizations passes; executes at the defined height; full history is queryable', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const p = (
      chain.ok(
        propose(
          { type: 'setFiling', filing: { operator: 'Op', serviceName: 'Svc', filingNumber: 'N-2' } },
          10,
          { executeHeight: 8 },
        ),
      ) as { proposal: number }
    ).proposal;
    chain.ok({ key: fx.keys.admin, method: 'vote', args: { proposal: p, choice: 'yes' } });
    chain.fails(
      { key: fx.keys.admin, method: 'vote', args: { proposal: p, choice: 'no' } },
      'GOV_ALREADY_VOTED',
    );
    const r = chain.ok({ key: fx.admin3, method: 'vote', args: { proposal: p, choice: 'yes' } }) as {
      status: string;
      executeAt: number;
    };
    assert.deepEqual(r, { proposal: p, status: 'passed', executeAt: 8 });
    chain.fails(
      { key: fx.admin2, method: 'vote', args: { proposal: p, choice: 'yes' } },
      'GOV_PROPOSAL_CLOSED',
    );
    while (chain.height < 7) chain.empty();
    assert.equal((chain.query('filing') as { filingNumber: string }).filingNumber, 'Beijing-0001');
    chain.empty(); // height 8
    assert.equal((chain.query('filing') as { filingNumber: string }).filingNumber, 'N-2');
    const q = chain.query('proposal', { id: p }) as {
      status: string;
      votes: { org: string; choice: string; height: number }[];
      history: { event: string; height: number }[];
    };
    assert.equal(q.status, 'executed');
    assert.deepEqual(
      q.votes.map((v) => [v.org, v.choice, v.height]),
      [
        ['org1', 'yes', 3],
        ['reg', 'yes', 5],
      ],
    );
    assert.deepEqual(
      q.history.map((h) => [h.event, h.height]),
      [
        ['proposed', 2],
        ['voted', 3],
        ['voted', 5],
        ['passed', 5],
        ['executed', 8],
      ],
    );
    assert.equal((chain.query('status') as { filing: { filingNumber: string } }).filing.filingNumber, 'N-2');
  });

  it('is rejected once it can no longer pass, expires after its deadline, and refuses late votes', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const a = (
      chain.ok(propose({ type: 'setModule', module: 'evidence', enabled: false }, 10)) as { proposal: number }
    ).proposal;
    chain.ok({ key: fx.keys.admin, method: 'vote', args: { proposal: a, choice: 'no' } });
    const r = chain.ok({ key: fx.admin2, method: 'vote', args: { proposal: a, choice: 'no' } }) as {
      status: string;
    };
    assert.equal(r.status, 'rejected');
    const b = (
      chain.ok(propose({ type: 'setModule', module: 'evidence', enabled: false }, 6)) as { proposal: number }
    ).proposal;
    while (chain.height < 7) chain.empty();
    chain.fails(
      { key: fx.keys.admin, method: 'vote', args: { proposal: b, choice: 'yes' } },
      'GOV_PROPOSAL_CLOSED',
    );
    assert.equal((chain.query('proposal', { id: b }) as { status: string }).status, 'expired');
    assert.deepEqual(
      (chain.query('proposals', { status: 'rejected' }) as { id: number }[]).map((x) => x.id),
      [a],
    );
    chain.fails(
      { key: fx.keys.admin, method: 'vote', args: { proposal: 99, choice: 'yes' } },
      'GOV_UNKNOWN_PROPOSAL',
    );
    chain.fails(propose({ type: 'setModule', module: 'evidence', enabled: false }, 1), 'GOV_BAD_HEIGHT');
    chain.fails(
      propose({ type: 'setModule', module: 'evidence', enabled: false }, 20, { executeHeight: 2 }),
      'GOV_BAD_HEIGHT',
    );
    chain.fails(propose({ type: 'scheduleUpgrade', name: 'v2', height: 3 }, 20), 'GOV_BAD_HEIGHT');
  });

  it('ALL / ANY / COUNT / FRACTION policies set by governance apply to later proposals', () => {
    const chain = new GovChain(fx);
    chain.empty();
    chain.pass({ type: 'setVotingPolicy', policy: { kind: 'ANY' } });
    chain.empty();
    assert.deepEqual(chain.query('votingPolicy'), { kind: 'ANY' });
    const p = (
      chain.ok(propose({ type: 'setParams', params: { maxTxLifetime: 50 } }, 30)) as { proposal: number }
    ).proposal;
    const r = chain.ok({ key: fx.admin2, method: 'vote', args: { proposal: p, choice: 'yes' } }) as {
      status: string;
    };
    assert.equal(r.status, 'passed');
    chain.empty();
    assert.deepEqual(chain.query('params'), { maxTxLifetime: 50 });
    chain.ok({
      key: fx.admin3,
      method: 'propose',
      args: {
        action: { type: 'setVotingPolicy', policy: { kind: 'ALL' } },
        title: 'all',
        deadlineHeight: chain.height + 10,
      },
    });
    const all = (chain.query('proposals', { status: 'open' }) as { id: number }[])[0]!.id;
    chain.ok({ key: fx.admin3, method: 'vote', args: { proposal: all, choice: 'yes' } }); // ANY: passes
    chain.empty();
    const q = (
      chain.ok(propose({ type: 'setParams', params: { maxBlockTxs: 7 } }, chain.height + 10)) as {
        proposal: number;
      }
    ).proposal;
    chain.ok({ key: fx.keys.admin, method: 'vote', args: { proposal: q, choice: 'yes' } });
    chain.ok({ key: fx.admin2, method: 'vote', args: { proposal: q, choice: 'yes' } });
    assert.equal((chain.query('proposal', { id: q }) as { status: string }).status, 'open');
    const last = chain.ok({ key: fx.admin3, method: 'vote', args: { proposal: q, choice: 'yes' } }) as {
      status: string;
    };
    assert.equal(last.status, 'passed');
  });

  it('COUNT and FRACTION policies set by governance decide later proposals (3 organizations)', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const vote = (proposal: number, key: PrivateKey) =>
      (chain.ok({ key, method: 'vote', args: { proposal, choice: 'yes' } }) as { status: string }).status;
    const open = () =>
      (
        chain.ok(propose({ type: 'setParams', params: { maxTxLifetime: 60 } }, chain.height + 10)) as {
          proposal: number;
        }
      ).proposal;
    chain.pass({ type: 'setVotingPolicy', policy: { kind: 'COUNT', count: 3 } });
    chain.empty();
    assert.deepEqual(chain.query('votingPolicy'), { kind: 'COUNT', count: 3 });
    const c = open();
    assert.equal(vote(c, fx.keys.admin), 'open');
    assert.equal(vote(c, fx.admin2), 'open'); // 2 of 3 < count 3 (MAJORITY would pass here)
    assert.equal(vote(c, fx.admin3), 'passed');
    chain.empty();
    const f = open();
    chain.ok({
      key: fx.keys.admin,
      method: 'propose',
      args: {
        action: { type: 'setVotingPolicy', policy: { kind: 'FRACTION', numerator: 1, denominator: 3 } },
        title: 'a third',
        deadlineHeight: chain.height + 10,
      },
    });
    const frac = (chain.query('proposals', { status: 'open' }) as { id: number }[])
      .map((x) => x.id)
      .find((x) => x !== f)!;
    for (const k of [fx.keys.admin, fx.admin2]) vote(frac, k);
    assert.equal(vote(frac, fx.admin3), 'passed');
    chain.empty();
    assert.deepEqual(chain.query('votingPolicy'), { kind: 'FRACTION', numerator: 1, denominator: 3 });
    // One yes of three organizations is a third: passes (under COUNT 3 it needed all three).
    const g = open();
    assert.equal(vote(g, fx.admin2), 'passed');
    // A proposal keeps the policy it was created with: f, opened under COUNT 3, needs all three.
    assert.equal(vote(f, fx.admin3), 'open');
    assert.deepEqual((chain.query('proposal', { id: f }) as { policy: unknown }).policy, {
      kind: 'COUNT',
      count: 3,
    });
  });

  it('adds an organization whose members then register with certificates; removes one (PERM_ORG_REMOVED)', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const ca4 = fx.cas.org4!;
    chain.fails(
      propose(
        { type: 'addOrganization', org: 'org5', name: 'x', caCertificate: fx.pem(ca4.certificate) },
        20,
      ),
      'GOV_BAD_CERTIFICATE',
    );
    chain.fails(
      propose(
        { type: 'addOrganization', org: 'org1', name: 'x', caCertificate: fx.pem(ca4.certificate) },
        20,
      ),
      'GOV_ORG_EXISTS',
    );
    chain.pass({
      type: 'addOrganization',
      org: 'org4',
      name: 'Org Four',
      caCertificate: fx.pem(ca4.certificate),
    });
    chain.empty();
    assert.deepEqual(
      (chain.query('organizations') as { id: string }[]).map((o) => o.id),
      ['org1', 'org2', 'org4', 'reg'],
    );
    const admin4 = fx.suite.generateKey();
    chain.ok({
      key: admin4,
      method: 'registerMember',
      args: { certificate: fx.pem(fx.issue('org4', 'admin', admin4)) },
    });
    chain.ok(submit(admin4));
    // now 4 orgs: majority needs 3
    chain.pass({ type: 'removeOrganization', org: 'org4' });
    const p = (chain.query('proposals', { limit: 1 }) as { id: number; status: string }[])[0]!;
    assert.equal(p.status, 'open');
    chain.ok({ key: admin4, method: 'vote', args: { proposal: p.id, choice: 'yes' } });
    chain.empty();
    assert.throws(() => chain.check(submit(admin4)), code('PERM_ORG_REMOVED'));
    chain.fails(propose({ type: 'removeOrganization', org: 'org4' }, chain.height + 5), 'GOV_UNKNOWN_ORG');
  });

  it('records a validator-set change effective two heights after execution (the consensus seam)', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const v = {
      name: 'v1',
      organization: 'org1',
      publicKey: toHex(fx.suite.generateKey().publicKey.bytes),
      power: 10,
    };
    chain.fails(
      propose({ type: 'setValidators', validators: [{ ...v, organization: 'nope' }] }, 20),
      'GOV_UNKNOWN_ORG',
    );
    chain.pass({ type: 'setValidators', validators: [v] }, fx, { executeHeight: 9 });
    while (chain.height < 9) chain.empty();
    assert.deepEqual(chain.query('validatorSets', { fromHeight: 1 }), [{ height: 11, validators: [v] }]);
  });

  it('a module disabled by governance refuses calls (PERM_MODULE_DISABLED); governance cannot be disabled', () => {
    const chain = new GovChain(fx);
    chain.empty();
    chain.fails(propose({ type: 'setModule', module: 'governance', enabled: false }, 20), 'GOV_PROTECTED');
    chain.pass({ type: 'setModule', module: 'evidence', enabled: false });
    chain.empty();
    assert.throws(() => chain.check(submit()), code('PERM_MODULE_DISABLED'));
    assert.deepEqual((chain.query('status') as { disabledModules: string[] }).disabledModules, ['evidence']);
    chain.pass({ type: 'setModule', module: 'evidence', enabled: true });
    chain.empty();
    chain.ok(submit());
  });

  it('an action that became invalid by its execution height fails and is recorded (removing the last org)', () => {
    const chain = new GovChain(
      fx,
      fx.genesis({
        organizations: [
          { id: 'org1', name: 'Org One' },
          { id: 'org2', name: 'Org Two' },
        ],
        members: [
          { org: 'org1', role: 'admin', publicKey: toHex(fx.keys.admin.publicKey.bytes), name: 'a1' },
          { org: 'org2', role: 'admin', publicKey: toHex(fx.admin2.publicKey.bytes), name: 'a2' },
        ],
        votingPolicy: { kind: 'ANY' },
      }),
    );
    chain.empty();
    const a = (
      chain.ok(propose({ type: 'removeOrganization', org: 'org2' }, 20, { executeHeight: 6 })) as {
        proposal: number;
      }
    ).proposal;
    const b = (
      chain.ok(propose({ type: 'removeOrganization', org: 'org1' }, 20, { executeHeight: 6 })) as {
        proposal: number;
      }
    ).proposal;
    chain.ok({ key: fx.keys.admin, method: 'vote', args: { proposal: a, choice: 'yes' } });
    chain.ok({ key: fx.keys.admin, method: 'vote', args: { proposal: b, choice: 'yes' } });
    chain.empty();
    const pa = chain.query('proposal', { id: a }) as { status: string };
    const pb = chain.query('proposal', { id: b }) as {
      status: string;
      history: { event: string; code?: string }[];
    };
    assert.equal(pa.status, 'executed');
    assert.equal(pb.status, 'failed');
    assert.equal(pb.history.at(-1)!.code, 'GOV_LAST_ORG');
  });

  it('schedules an upgrade shown in status', () => {
    const chain = new GovChain(fx);
    chain.empty();
    chain.pass({ type: 'scheduleUpgrade', name: 'v2.0', height: 100, info: 'https://example/upgrade' });
    chain.empty();
    const s = chain.query('status') as {
      upgrades: { name: string; height: number }[];
      permissioned: boolean;
    };
    assert.equal(s.permissioned, true);
    assert.deepEqual(
      s.upgrades.map((u) => [u.name, u.height]),
      [['v2.0', 100]],
    );
  });
});

describe('genesis and error tables', () => {
  it('queries answer from the genesis seed before block 1, and block 1 writes it', () => {
    const chain = new GovChain(fx);
    assert.equal((chain.query('organizations') as unknown[]).length, 3);
    assert.equal(chain.state.scan(new TextEncoder().encode('governance')).length, 0);
    chain.empty();
    assert.ok(chain.state.scan(new TextEncoder().encode('governance')).length > 5);
  });

  it('rejects an invalid genesis (GOV_BAD_ARGS)', () => {
    assert.throws(
      () =>
        createGovernance({
          suite: fx.suite,
          genesis: fx.genesis({
            members: [{ org: 'nope', role: 'admin', publicKey: toHex(fx.admin2.publicKey.bytes), name: 'x' }],
          }),
        }),
      code('GOV_BAD_ARGS'),
    );
    assert.throws(
      () =>
        createGovernance({
          suite: fx.suite,
          genesis: fx.genesis({
            organizations: [{ id: 'org1', name: 'x', caCertificate: fx.pem(fx.cas.org2!.certificate) }],
          }),
        }),
      code('GOV_BAD_CERTIFICATE'),
    );
  });

  it('every code is documented', () => {
    for (const table of [GOV_ERROR_CODES, PERM_ERROR_CODES]) {
      for (const [k, v] of Object.entries(table)) {
        assert.match(k, /^(GOV|PERM)_[A-Z_]+$/);
        assert.ok(v.length > 10);
      }
    }
  });
});
