/**
 * A node with a permissioned governance genesis: status shows the filing data; a non-member's tx
 * is refused at admission (403 PERM_UNKNOWN_SENDER) and never reaches the chain; a member's
 * commits; governance queries and the audit export work over HTTP; a bad section is refused.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JsonValue } from '@xinlian/codec';
import { XinlianClient } from '@xinlian/sdk';
import { toBase64, toHex } from '@xinlian/utils';
import { initHome, type RunningNode, startNode } from '../src/index.js';
import { generateKey, http, makeTx, type TestHome, testHome } from './helpers.js';

describe('governance at the node', { timeout: 60_000 }, () => {
  let home: TestHome;
  let node: RunningNode;
  const client = generateKey('intl');
  let chainId: string;
  before(async () => {
    home = await testHome('xinlian-gov-', {
      genesis: (genesis, info) => {
        genesis.governance = {
          permissioned: true,
          organizations: [{ id: 'org1', name: 'Org One' }],
          members: [
            { org: 'org1', role: 'admin', publicKey: info.genesis.validators[0]!.publicKey, name: 'admin' },
            { org: 'org1', role: 'client', publicKey: toHex(client.publicKey.bytes), name: 'client' },
          ],
          filing: {
            operator: 'Xinlian Co.',
            serviceName: 'Xinlian Evidence',
            filingNumber: 'Beijing-2026-001',
          },
        };
      },
    });
    chainId = home.chainId;
    node = await home.start();
  });
  after(async () => {
    await node?.stop();
    await home?.remove();
  });

  const evidence = (key = client) =>
    makeTx(
      key,
      chainId,
      {
        module: 'evidence',
        method: 'submit',
        args: { digests: [{ algorithm: 'sha256', value: toHex(key.publicKey.bytes) }] },
      },
      500,
    );

  it('shows the filing data and membership mode in status', async () => {
    const res = await http(`${node.apiUrl}/v1/status`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.governance, {
      permissioned: true,
      organizations: ['org1'],
      filing: { operator: 'Xinlian Co.', serviceName: 'Xinlian Evidence', filingNumber: 'Beijing-2026-001' },
    });
  });

  it('refuses a non-member with 403 PERM_UNKNOWN_SENDER; admits a member', async () => {
    const stranger = generateKey('intl');
    const tx = evidence(stranger);
    const res = await http(`${node.apiUrl}/v1/txs`, { body: { tx: toBase64(tx.bytes) } });
    assert.equal(res.status, 403);
    assert.equal(res.body.code, 'PERM_UNKNOWN_SENDER');
    const lookup = await http(`${node.apiUrl}/v1/txs/${tx.txId}`);
    assert.equal(lookup.status, 404);
    const ok = await http(`${node.apiUrl}/v1/txs?wait=commit`, { body: { tx: toBase64(evidence().bytes) } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  it('serves governance queries: members and the audit log as CSV', async () => {
    const members = await http(`${node.apiUrl}/v1/query/governance/members`, { body: { org: 'org1' } });
    assert.equal(members.status, 200);
    assert.equal((members.body as unknown as unknown[]).length, 2);
    const audit = await http(`${node.apiUrl}/v1/query/governance/audit`, {
      body: { from: 0, to: Date.now() + 60_000, format: 'csv' },
    });
    assert.equal(audit.status, 200);
    assert.match(String(audit.body.csv), /^time,timeIso,height,txId,actor,org,role,action,details\r\n/);
  });

  it('serves the /v1/governance routes: status, proposals, members, audit as CSV download', async () => {
    const g = await http(`${node.apiUrl}/v1/governance`);
    assert.equal(g.status, 200);
    assert.equal(g.body.permissioned, true);
    const proposals = await http(`${node.apiUrl}/v1/governance/proposals?status=open`);
    assert.deepEqual(proposals.body, []);
    const missing = await http(`${node.apiUrl}/v1/governance/proposals/7`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'GOV_UNKNOWN_PROPOSAL');
    const members = await http(`${node.apiUrl}/v1/governance/members?org=org1`);
    assert.equal((members.body as unknown as unknown[]).length, 2);
    const res = await fetch(`${node.apiUrl}/v1/governance/audit?from=0&to=${Date.now() + 60_000}&format=csv`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(await res.text(), /^time,timeIso,height,txId,actor,org,role,action,details\r\n/);
    const bad = await http(`${node.apiUrl}/v1/governance/audit?from=10&to=5`);
    assert.equal(bad.status, 400);
    // the SDK's governance client
    const client = new XinlianClient({ url: node.apiUrl });
    assert.equal((await client.governance.status<{ permissioned: boolean }>()).permissioned, true);
    assert.equal((await client.governance.members('org1')).length, 2);
    assert.deepEqual(await client.governance.proposals({ status: 'open' }), []);
    const entries = await client.governance.audit(0, Date.now() + 60_000);
    const csv = await client.governance.auditCsv(0, Date.now() + 60_000);
    assert.equal(csv.trimEnd().split('\r\n').length - 1, entries.length);
  });

  it('refuses a setValidators proposal on a solo chain (422 NODE_SOLO_VALIDATOR_SET); other proposals pass', async () => {
    const propose = (action: { [k: string]: JsonValue }, title: string) =>
      makeTx(
        home.admin,
        chainId,
        { module: 'governance', method: 'propose', args: { action, title, deadlineHeight: 10_000 } },
        500,
      );
    const rotate = propose(
      {
        type: 'setValidators',
        validators: [
          { name: 'validator-0', organization: 'org1', publicKey: toHex(client.publicKey.bytes), power: 1 },
        ],
      },
      'rotate validator-0 key',
    );
    const res = await http(`${node.apiUrl}/v1/txs?wait=commit`, { body: { tx: toBase64(rotate.bytes) } });
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.code, 'NODE_SOLO_VALIDATOR_SET');
    assert.equal(res.body.type, 'urn:xinlian:error:NODE_SOLO_VALIDATOR_SET');
    assert.match(String(res.body.detail), /BFT network/);
    // the batch endpoint refuses it the same way
    const many = await http(`${node.apiUrl}/v1/txs/batch`, { body: { txs: [toBase64(rotate.bytes)] } });
    assert.equal(many.status, 200);
    const [result] = many.body.results as { error?: { code: string; status: number } }[];
    assert.equal(result?.error?.code, 'NODE_SOLO_VALIDATOR_SET');
    assert.equal(result?.error?.status, 422);
    // nothing reached the chain
    assert.equal((await http(`${node.apiUrl}/v1/txs/${rotate.txId}`)).status, 404);
    const none = await http(`${node.apiUrl}/v1/governance/proposals`);
    assert.equal(
      (none.body as unknown as { action: { type: string } }[]).some(
        (p) => p.action?.type === 'setValidators',
      ),
      false,
    );
    // another proposal is admitted and committed
    const params = propose({ type: 'setParams', params: { maxBlockTxs: 5000 } }, 'raise maxBlockTxs');
    const ok = await http(`${node.apiUrl}/v1/txs?wait=commit`, { body: { tx: toBase64(params.bytes) } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const proposals = await http(`${node.apiUrl}/v1/governance/proposals`);
    const list = proposals.body as unknown as { action: { type: string } }[];
    assert.deepEqual(
      list.map((p) => p.action.type),
      ['setParams'],
    );
  });

  it('refuses an invalid governance section at start (NODE_BAD_GENESIS)', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'xinlian-gov-bad-'));
    try {
      const info = await initHome({ home: bad, suite: 'intl', passphrase: 'pw', apiPort: 0 });
      const genesis = JSON.parse(await readFile(info.genesisPath, 'utf8')) as Record<string, unknown>;
      genesis.governance = { permissioned: true, organizations: [], members: [] };
      await writeFile(info.genesisPath, JSON.stringify(genesis));
      await assert.rejects(startNode({ home: bad, passphrase: 'pw', logLevel: 'silent' }), (e: unknown) => {
        assert.equal((e as { code: string }).code, 'NODE_BAD_GENESIS');
        return true;
      });
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});
