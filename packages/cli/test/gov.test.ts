/**
 * `xinlian gov` and `xinlian regulator` against a real node (`xinlian start`, a chain without a
 * governance section: its validator key is the admin of the `dev` organization).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cli, PASS_ENV, run, startNodeCli, stop } from './helpers.js';

describe('xinlian gov / regulator', { timeout: 120_000 }, () => {
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

  test('propose, vote (passes: one organization), list, show; the filing appears in status', async () => {
    const action = JSON.stringify({
      type: 'setFiling',
      filing: { operator: 'Xinlian Co.', serviceName: 'Xinlian Evidence', filingNumber: 'BJ-2026-0001' },
    });
    const p = await run([
      'gov',
      'propose',
      '--node',
      url,
      '--key',
      admin,
      '--action',
      action,
      '--title',
      'record our filing',
    ]);
    assert.equal(p.ok, true);
    const id = p.proposal as number;
    const v = await run(['gov', 'vote', String(id), 'yes', '--node', url, '--key', admin]);
    assert.equal(v.status, 'passed');
    const again = await run(['gov', 'vote', String(id), 'yes', '--node', url, '--key', admin], 1);
    assert.equal((again.error as { code: string }).code, 'GOV_PROPOSAL_CLOSED');
    let shown: { status: string; history: { event: string }[] } = { status: '', history: [] };
    for (let i = 0; i < 100 && shown.status !== 'executed'; i++) {
      shown = (await run(['gov', 'show', String(id), '--node', url])).proposal as typeof shown;
      if (shown.status !== 'executed') await new Promise((r) => setTimeout(r, 100));
    }
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
    const refused = await run(
      [
        'gov',
        'propose',
        '--node',
        url,
        '--key',
        client,
        '--action',
        '{"type":"setModule","module":"evidence","enabled":false}',
        '--title',
        't',
      ],
      1,
    );
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
});
