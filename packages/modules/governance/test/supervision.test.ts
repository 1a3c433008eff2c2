/** Supervision: freezes with a legal basis (account, module, record), the audit log and its export. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '@xinlian/codec';
import { auditCsv, SUPERVISION_ERROR_CODES } from '../src/index.js';
import { code, digest, Fixture, GovChain, timeOf } from './harness.js';

const fx = new Fixture();
const dig = () => [{ algorithm: 'sha256', value: digest() }];
const submit = (key = fx.keys.client) => ({
  key,
  module: 'evidence',
  method: 'submit',
  args: { digests: dig() },
});
const freeze = (target: JsonValue, reference = 'REF-1') => ({
  key: fx.keys.regulator,
  method: 'freeze',
  args: { target, legalBasis: 'Cybersecurity Law art. 47', reference },
});
const unfreeze = (target: JsonValue) => ({
  key: fx.keys.regulator,
  method: 'unfreeze',
  args: { target, legalBasis: 'court order lifted', reference: 'REF-2' },
});

describe('freezes', () => {
  it('a frozen account refuses its txs with SUPERVISION_FROZEN naming the reference; unfreeze restores it', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const target = { kind: 'account', address: fx.address(fx.keys.client) };
    chain.ok(freeze(target));
    assert.throws(
      () => chain.check(submit()),
      (e: unknown) =>
        code('SUPERVISION_FROZEN')(e) &&
        (e as { details: { reference: string; target: string } }).details.reference === 'REF-1',
    );
    chain.fails(submit(), 'SUPERVISION_FROZEN');
    const rec = chain.query('frozen', { target }) as { legalBasis: string; by: string };
    assert.equal(rec.legalBasis, 'Cybersecurity Law art. 47');
    assert.equal(rec.by, fx.address(fx.keys.regulator));
    chain.fails(freeze(target), 'SUPERVISION_ALREADY_FROZEN');
    chain.ok(unfreeze(target));
    chain.fails(unfreeze(target), 'SUPERVISION_NOT_FROZEN');
    chain.ok(submit());
  });

  it('freezes and disabled modules stay enforced while any remains (the restriction count)', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const a = { kind: 'account', address: fx.address(fx.keys.client) };
    const b = { kind: 'account', address: fx.address(fx.keys.admin) };
    chain.ok(freeze(a));
    chain.ok(freeze(b));
    chain.ok(unfreeze(a));
    chain.ok(submit());
    assert.throws(() => chain.check(submit(fx.keys.admin)), code('SUPERVISION_FROZEN'));
    chain.ok(unfreeze(b));
    chain.ok(submit(fx.keys.admin));
    assert.equal((chain.query('status') as { frozen: number }).frozen, 0);
  });

  it('a frozen module (contract) refuses every call; governance cannot be frozen', () => {
    const chain = new GovChain(fx, fx.genesis({ permissioned: false }));
    chain.empty();
    chain.ok(freeze({ kind: 'module', module: 'evidence' }));
    chain.fails(submit(fx.suite.generateKey()), 'SUPERVISION_FROZEN');
    chain.fails(freeze({ kind: 'module', module: 'governance' }), 'GOV_PROTECTED');
  });

  it('a frozen record refuses changes that refer to it, not other records', () => {
    const chain = new GovChain(fx);
    chain.empty();
    const reg = (
      chain.ok({
        key: fx.keys.client,
        module: 'evidence',
        method: 'registerCopyright',
        args: { digests: dig(), work: { title: 'w', creationTime: 1 }, owner: { name: 'o' } },
      }) as { recordId: string }
    ).recordId;
    chain.ok(freeze({ kind: 'record', module: 'evidence', record: reg }, 'CASE-9'));
    const license = {
      key: fx.keys.client,
      module: 'evidence',
      method: 'grantLicense',
      args: { registration: reg, licensee: { name: 'l' }, scope: 's', term: { from: 1, to: 2 } },
    };
    assert.throws(() => chain.check(license), code('SUPERVISION_FROZEN'));
    chain.fails(
      { ...license, method: 'reportInfringement', args: { registration: reg, digests: dig() } },
      'SUPERVISION_FROZEN',
    );
    chain.ok(submit());
    chain.ok(unfreeze({ kind: 'record', module: 'evidence', record: reg }));
    chain.ok(license);
  });

  it('an open chain refuses calls while a freeze is active and admits them again after it is lifted', () => {
    // The authorizer's fast path (open chain, no restrictions) must give way to the full checks
    // as soon as the restriction counter is non-zero, and come back when it returns to 0.
    const chain = new GovChain(fx, fx.genesis({ permissioned: false }));
    chain.empty();
    const stranger = fx.suite.generateKey();
    chain.ok(submit(stranger));
    chain.ok(freeze({ kind: 'account', address: fx.address(stranger) }));
    assert.throws(() => chain.check(submit(stranger)), code('SUPERVISION_FROZEN'));
    chain.fails(submit(stranger), 'SUPERVISION_FROZEN');
    chain.ok(submit(fx.suite.generateKey()));
    chain.ok(unfreeze({ kind: 'account', address: fx.address(stranger) }));
    assert.equal((chain.query('status') as { frozen: number }).frozen, 0);
    chain.ok(submit(stranger));
  });

  it('only regulators freeze (PERM_ROLE_NOT_ALLOWED), also on a non-permissioned chain', () => {
    const chain = new GovChain(fx, fx.genesis({ permissioned: false }));
    chain.empty();
    chain.fails(
      { ...freeze({ kind: 'module', module: 'evidence' }), key: fx.keys.admin },
      'PERM_ROLE_NOT_ALLOWED',
    );
    chain.fails(
      { ...freeze({ kind: 'module', module: 'evidence' }), key: fx.suite.generateKey() },
      'PERM_UNKNOWN_SENDER',
    );
  });

  it('documents every SUPERVISION_ code', () => {
    assert.deepEqual(Object.keys(SUPERVISION_ERROR_CODES).sort(), [
      'SUPERVISION_ALREADY_FROZEN',
      'SUPERVISION_FROZEN',
      'SUPERVISION_NOT_FROZEN',
    ]);
  });
});

describe('audit log', () => {
  it('records every administrative action with actor, org, role, time; exported by time range as JSON and CSV', () => {
    const chain = new GovChain(fx);
    chain.empty(); // 1
    const key = fx.suite.generateKey();
    const cert = fx.issue('org1', 'client', key);
    chain.ok({ key, method: 'registerMember', args: { certificate: fx.pem(cert) } }); // 2
    chain.ok({ key: fx.keys.admin, method: 'revokeCertificate', args: { org: 'org1', serial: cert.serial } }); // 3
    chain.ok(freeze({ kind: 'module', module: 'evidence' })); // 4
    chain.pass({ type: 'setFiling', filing: { operator: 'O', serviceName: 'S', filingNumber: 'F' } }); // 5,6,7
    chain.empty(); // 8: executes
    chain.ok({
      key: fx.keys.auditor,
      method: 'fileAuditReport',
      args: { from: timeOf(1), to: timeOf(8), digest: digest(), reference: 'A-1' },
    }); // 9
    chain.fails(unfreeze({ kind: 'module', module: 'nothing' }), 'SUPERVISION_NOT_FROZEN'); // 10: failed txs leave no entry
    const all = chain.query('audit', { from: 0, to: timeOf(100) }) as {
      entries: {
        action: string;
        height: number;
        actor: string | null;
        role: string | null;
        org: string | null;
        txId: string | null;
      }[];
    };
    assert.deepEqual(
      all.entries.map((e) => [e.height, e.action]),
      [
        [2, 'member.register'],
        [3, 'certificate.revoke'],
        [4, 'supervision.freeze'],
        [5, 'proposal.create'],
        [6, 'proposal.vote'],
        [7, 'proposal.vote'],
        [7, 'proposal.passed'],
        [8, 'action.setFiling'],
        [9, 'audit.report'],
      ],
    );
    const freezeEntry = all.entries[2]!;
    assert.equal(freezeEntry.actor, fx.address(fx.keys.regulator));
    assert.equal(freezeEntry.role, 'regulator');
    assert.equal(freezeEntry.org, 'reg');
    assert.equal(all.entries[7]!.txId, null); // executed by the chain
    const range = chain.query('audit', { from: timeOf(3), to: timeOf(4) }) as {
      entries: { action: string }[];
    };
    assert.deepEqual(
      range.entries.map((e) => e.action),
      ['certificate.revoke', 'supervision.freeze'],
    );
    const csv = chain.query('audit', { from: timeOf(3), to: timeOf(4), format: 'csv' }) as { csv: string };
    const lines = csv.csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'time,timeIso,height,txId,actor,org,role,action,details');
    assert.equal(lines.length, 3);
    assert.match(
      lines[2]!,
      /^\d+,2026-01-01T00:00:04\.000Z,4,[0-9a-f]{64},[0-9a-f]{40},reg,regulator,supervision\.freeze,"\{""legalBasis""/,
    );
    assert.throws(() => chain.query('audit', { from: 5, to: 4 }), code('QUERY_BAD_PARAMS'));
  });

  it('CSV quotes fields with commas, quotes and newlines (RFC 4180)', () => {
    const csv = auditCsv([
      {
        time: 0,
        height: 1,
        txId: null,
        actor: null,
        org: null,
        role: null,
        action: 'a',
        details: { note: 'x,"y"\nz' },
      },
    ]);
    assert.equal(csv.split('\r\n')[1], '0,1970-01-01T00:00:00.000Z,1,,,,,a,"{""note"":""x,\\""y\\""\\nz""}"');
  });
});

describe('filing (备案)', () => {
  it('is in status from genesis', () => {
    const chain = new GovChain(fx);
    const s = chain.query('status') as {
      filing: { operator: string; serviceName: string; filingNumber: string };
    };
    assert.deepEqual(s.filing, {
      operator: 'Xinlian Test Co.',
      serviceName: 'Xinlian Evidence',
      filingNumber: 'Beijing-0001',
    });
  });
});
