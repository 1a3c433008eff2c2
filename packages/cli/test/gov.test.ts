/**
 * `xinlian gov` and `xinlian regulator` against a real node (`xinlian start`, a chain without a
 * governance section: its validator key is the admin of the `dev` organization).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cli, PASS_ENV, run, startNodeCli, stop } from './helpers.js';

describe('xinlian gov / regulator', { timeout: 300_000 }, () => {
  let dir: string;
  let node: ChildProcess;
  let url: string;
  let admin: string;
  let regKey: string;
  let client: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xinlian-cli-gov-'));
    const home = join(dir, 'home');
    await run(['init', '--home', home, '--suite', 'intl', '--chain-id', 'gov-cli', '--block-interval', '20']);
    admin = join(home, 'keys', 'validator.key');
    regKey = join(dir, 'regulator.key');
    client = join(dir, 'client.key');
    await run(['keys', 'new', '--suite', 'intl', '--out', regKey]);
    await run(['keys', 'new', '--suite', 'intl', '--out', client]);
    ({ child: node, url } = await startNodeCli(home));
  });
  after(async () => {
    if (node !== undefined) await stop(node);
    await rm(dir, { recursive: true, force: true });
  });

  /** `xinlian gov propose --action <action> --title <title>` signed by `key`, expecting exit `code`. */
  const propose = (key: string, action: string, title: string, code = 0) =>
    run(['gov', 'propose', '--node', url, '--key', key, '--action', action, '--title', title], code);
  /** Polls `xinlian gov show <id>` (100 times at most, 100 ms apart) until it says executed. */
  const untilExecuted = async <T extends { status: string }>(id: number, initial: T): Promise<T> => {
    let shown = initial;
    for (let i = 0; i < 100 && shown.status !== 'executed'; i++) {
      shown = (await run(['gov', 'show', String(id), '--node', url])).proposal as T;
      if (shown.status !== 'executed') await new Promise((r) => setTimeout(r, 100));
    }
    return shown;
  };

  test('propose, vote (passes: one organization), list, show; the filing appears in status', async () => {
    const action = JSON.stringify({
      type: 'setFiling',
      filing: { operator: 'Xinlian Co.', serviceName: 'Xinlian Evidence', filingNumber: 'BJ-2026-0001' },
    });
    const p = await propose(admin, action, 'record our filing');
    assert.equal(p.ok, true);
    const id = p.proposal as number;
    const v = await run(['gov', 'vote', String(id), 'yes', '--node', url, '--key', admin]);
    assert.equal(v.status, 'passed');
    const again = await run(['gov', 'vote', String(id), 'yes', '--node', url, '--key', admin], 1);
    assert.equal((again.error as { code: string }).code, 'GOV_PROPOSAL_CLOSED');
    const shown = await untilExecuted<{ status: string; history: { event: string }[] }>(id, {
      status: '',
      history: [],
    });
    assert.deepEqual(
      shown.history.map((h) => h.event),
      ['proposed', 'voted', 'passed', 'executed'],
    );
    const list = await run(['gov', 'list', '--node', url, '--status', 'executed']);
    assert.deepEqual(
      (list.proposals as { id: number }[]).map((x) => x.id),
      [id],
    );
    const status = await run(['status', '--node', url]);
    assert.equal(
      (status.status as { governance: { filing: { filingNumber: string } } }).governance.filing.filingNumber,
      'BJ-2026-0001',
    );
    const human = await cli(['status', '--node', url], PASS_ENV);
    assert.match(human.stdout, /filing\s+BJ-2026-0001/);
  });

  test('an admin registers a regulator, who freezes an account (refused with SUPERVISION_FROZEN), unfreezes, and exports the audit log', async () => {
    const show = async (file: string) => {
      const r = await run(['keys', 'show', file]);
      return { publicKey: r.publicKey as string, address: r.address as string };
    };
    const reg = await show(regKey);
    const cl = await show(client);
    /** `xinlian regulator freeze|unfreeze` of the client's account, signed with `key`. */
    const supervise = (
      action: 'freeze' | 'unfreeze',
      key: string,
      legalBasis: string,
      reference: string,
      code = 0,
    ) =>
      run(
        [
          'regulator',
          action,
          '--node',
          url,
          '--key',
          key,
          '--account',
          cl.address,
          '--legal-basis',
          legalBasis,
          '--reference',
          reference,
        ],
        code,
      );
    await run([
      'gov',
      'register-key',
      '--node',
      url,
      '--key',
      admin,
      '--org',
      'dev',
      '--public-key',
      reg.publicKey,
      '--role',
      'regulator',
      '--name',
      'regulator',
    ]);
    const denied = await supervise('freeze', admin, 'x', 'y', 1);
    assert.equal((denied.error as { code: string }).code, 'PERM_ROLE_NOT_ALLOWED');
    const f = await supervise('freeze', regKey, 'Cybersecurity Law art. 47', 'CASE-1');
    assert.equal(f.ok, true);
    const refused = await propose(client, '{"type":"setModule","module":"evidence","enabled":false}', 't', 1);
    assert.equal((refused.error as { code: string }).code, 'SUPERVISION_FROZEN');
    await supervise('unfreeze', regKey, 'lifted', 'CASE-1b');
    const members = await run(['gov', 'members', '--node', url, '--org', 'dev']);
    assert.equal((members.members as unknown[]).length, 2);
    const csvFile = join(dir, 'audit.csv');
    const a = await run([
      'regulator',
      'audit',
      '--node',
      url,
      '--from',
      '2000-01-01T00:00:00Z',
      '--to',
      String(Date.now() + 60_000),
      '--format',
      'csv',
      '--out',
      csvFile,
    ]);
    const csv = await readFile(csvFile, 'utf8');
    const rows = csv.trimEnd().split('\r\n');
    assert.equal(rows.length - 1, a.count);
    for (const action of [
      'proposal.create',
      'member.register',
      'supervision.freeze',
      'supervision.unfreeze',
    ]) {
      assert.ok(
        rows.some((r) => r.includes(`,${action},`)),
        action,
      );
    }
    const j = await run([
      'regulator',
      'audit',
      '--node',
      url,
      '--from',
      '0',
      '--to',
      String(Date.now() + 60_000),
    ]);
    assert.equal((j.entries as unknown[]).length, a.count);
  });
  // Uses the regulator registered by the previous test.
  test('an organization with a CA joins by proposal; its certificates are registered and revoked on chain (--json); the regulator freezes a module and a record and files the audit report', async () => {
    const caDir = join(dir, 'ca-acme');
    await run(['ca', 'init', '--dir', caDir, '--org', 'acme', '--suite', 'intl']);
    const acmeAdmin = join(dir, 'acme-admin.key');
    const acmeClient = join(dir, 'acme-client.key');
    await run(['keys', 'new', '--suite', 'intl', '--out', acmeAdmin]);
    await run(['keys', 'new', '--suite', 'intl', '--out', acmeClient]);
    const issue = async (role: string, key: string) => {
      const out = join(dir, `acme-${role}.pem`);
      const r = await run([
        'ca',
        'issue',
        '--dir',
        caDir,
        '--role',
        role,
        '--name',
        `acme-${role}`,
        '--key',
        key,
        '--out',
        out,
      ]);
      return { pem: out, serial: (r.certificate as { serial: string }).serial };
    };
    const adminCert = await issue('admin', acmeAdmin);
    const clientCert = await issue('client', acmeClient);

    const action = JSON.stringify({
      type: 'addOrganization',
      org: 'acme',
      name: 'Acme',
      caCertificate: await readFile(join(caDir, 'ca.pem'), 'utf8'),
    });
    const p = await propose(admin, action, 'admit acme');
    const id = p.proposal as number;
    assert.equal(
      (await run(['gov', 'vote', String(id), 'yes', '--node', url, '--key', admin])).status,
      'passed',
    );
    const { status } = await untilExecuted(id, { status: '' });
    assert.equal(status, 'executed');

    // The new admin registers itself, then its client's certificate.
    const self = await run([
      'gov',
      'register-member',
      '--node',
      url,
      '--cert',
      adminCert.pem,
      '--key',
      acmeAdmin,
    ]);
    assert.deepEqual(
      (({ org, role, serial }) => ({ org, role, serial }))(self.member as Record<string, unknown>),
      { org: 'acme', role: 'admin', serial: adminCert.serial },
    );
    const cl = await run([
      'gov',
      'register-member',
      '--node',
      url,
      '--cert',
      clientCert.pem,
      '--key',
      acmeAdmin,
    ]);
    assert.equal((cl.member as { role: string }).role, 'client');
    let n = 0;
    /** Submits a new file (a known digest would only be looked up). */
    const submit = async (key: string, code = 0) => {
      const file = join(dir, `acme-${++n}.txt`);
      await writeFile(file, `acme evidence ${n}\n`);
      return run(['evidence', 'submit', file, '--node', url, '--key', key], code);
    };
    const [entry] = (await submit(acmeClient)).files as { recordId: string }[];
    assert.ok(entry);

    // Revoked on chain: the member's next tx is refused. (This chain is open: anyone may submit
    // evidence, but governance txs need a valid membership, checked before the role.)
    const clientPropose = async (code: string) => {
      const r = await propose(acmeClient, '{"type":"setModule","module":"evidence","enabled":false}', 't', 1);
      assert.equal((r.error as { code: string }).code, code);
    };
    await clientPropose('PERM_ROLE_NOT_ALLOWED');
    const rv = await run([
      'gov',
      'revoke',
      '--node',
      url,
      '--org',
      'acme',
      '--serial',
      clientCert.serial,
      '--reason',
      'keyCompromise',
      '--key',
      acmeAdmin,
    ]);
    assert.equal(rv.ok, true);
    await clientPropose('PERM_REVOKED');

    // A frozen module refuses every call; a frozen record is listed with its legal basis.
    const supervise = (action: 'freeze' | 'unfreeze', target: string[], reference: string) =>
      run([
        'regulator',
        action,
        '--node',
        url,
        '--key',
        regKey,
        ...target,
        '--legal-basis',
        'Art. 17',
        '--reference',
        reference,
      ]);
    await supervise('freeze', ['--module', 'evidence'], 'CASE-2');
    const frozen = (await submit(acmeAdmin, 1)).error as { code: string; message: string };
    assert.equal(frozen.code, 'SUPERVISION_FROZEN');
    assert.match(frozen.message, /module\/evidence is frozen \(CASE-2\)/);
    await supervise('unfreeze', ['--module', 'evidence'], 'CASE-2b');
    const rec = await supervise('freeze', ['--record', `evidence/${entry.recordId}`], 'CASE-3');
    assert.deepEqual(rec.target, { kind: 'record', module: 'evidence', record: entry.recordId });

    // The audit report: exported, its digest filed on chain by the regulator (an admin may not).
    const to = String(Date.now() + 60_000);
    const csvFile = join(dir, 'audit-2.csv');
    await run([
      'regulator',
      'audit',
      '--node',
      url,
      '--from',
      '0',
      '--to',
      to,
      '--format',
      'csv',
      '--out',
      csvFile,
    ]);
    const fileReport = (key: string, code = 0) =>
      run(
        [
          'regulator',
          'file-report',
          '--node',
          url,
          '--key',
          key,
          '--from',
          '0',
          '--to',
          to,
          '--file',
          csvFile,
          '--reference',
          'AUD-1',
        ],
        code,
      );
    assert.equal(((await fileReport(admin, 1)).error as { code: string }).code, 'PERM_ROLE_NOT_ALLOWED');
    const filed = await fileReport(regKey);
    assert.match(filed.digest as string, /^[0-9a-f]{64}$/);
    const audit = await run([
      'regulator',
      'audit',
      '--node',
      url,
      '--from',
      '0',
      '--to',
      String(Date.now() + 60_000),
    ]);
    const actions = (audit.entries as { action: string; details: Record<string, unknown> }[]).map(
      (e) => e.action,
    );
    for (const a of [
      'action.addOrganization',
      'member.register',
      'certificate.revoke',
      'proposal.vote',
      'supervision.freeze',
      'supervision.unfreeze',
      'audit.report',
    ]) {
      assert.ok(actions.includes(a), a);
    }
    const last = (audit.entries as { action: string; details: { digest: string; reference: string } }[]).at(
      -1,
    )!;
    assert.deepEqual(
      [last.action, last.details.digest, last.details.reference],
      ['audit.report', filed.digest, 'AUD-1'],
    );
  });
});
