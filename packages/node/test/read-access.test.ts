/**
 * api.readAccess "members": reads need a signed request of a registered member (401 without, 403
 * for a non-member), within the replay window and once; supervisory data (the audit log, frozen
 * records and modules) only for the regulator and auditor roles; status and tx submission stay open.
 * And the default "public" mode serves everyone (the other node tests).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonValue } from '@xinlian/codec';
import type { PrivateKey } from '@xinlian/crypto';
import { readAuthorization, XinlianClient } from '@xinlian/sdk';
import { toBase64, toHex } from '@xinlian/utils';
import type { RunningNode } from '../src/index.js';
import { generateKey, makeTx, type TestHome, testHome } from './helpers.js';

describe('read access "members"', { timeout: 60_000 }, () => {
  let home: TestHome;
  let node: RunningNode;
  let chainId: string;
  let admin: PrivateKey;
  const keys = {
    client: generateKey('intl'),
    regulator: generateKey('intl'),
    auditor: generateKey('intl'),
    observer: generateKey('intl'),
  };
  const stranger = generateKey('intl');
  let nonce = 0;

  before(async () => {
    home = await testHome('xinlian-read-', {
      genesis: (genesis, info) => {
        genesis.governance = {
          permissioned: true,
          organizations: [
            { id: 'org1', name: 'Org One' },
            { id: 'cac', name: 'Regulator' },
          ],
          members: [
            { org: 'org1', role: 'admin', publicKey: info.genesis.validators[0]!.publicKey, name: 'admin' },
            ...Object.entries(keys).map(([role, k]) => ({
              org: role === 'regulator' ? 'cac' : 'org1',
              role,
              publicKey: toHex(k.publicKey.bytes),
              name: role,
            })),
          ],
        };
      },
      config: (config) => {
        config.api.readAccess = 'members';
      },
    });
    ({ chainId, admin } = home);
    node = await home.start();
  });
  after(async () => {
    await node?.stop();
    await home?.remove();
  });

  const get = (path: string, key?: PrivateKey, auth?: string) =>
    fetch(`${node.apiUrl}${path}`, {
      headers:
        auth !== undefined
          ? { authorization: auth }
          : key === undefined
            ? {}
            : { authorization: readAuthorization({ key, chainId }, 'GET', path) },
    });
  const send = async (key: PrivateKey, module: string, method: string, args: JsonValue) => {
    const tx = makeTx(key, chainId, { module, method, args }, node.height() + 100, ++nonce);
    const res = await fetch(`${node.apiUrl}/v1/txs?wait=commit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tx: toBase64(tx.bytes) }),
    });
    const body = (await res.json()) as { result: { status: string; result: unknown } };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.result.status, 'ok', JSON.stringify(body));
    return body.result.result;
  };
  const code = async (res: Response) => ((await res.json()) as { code: string }).code;

  it('status and tx submission are open; other reads need a signature (401 with WWW-Authenticate)', async () => {
    assert.equal((await get('/v1/status')).status, 200);
    assert.equal((await get('/healthz')).status, 200);
    const r = await get('/v1/blocks/latest');
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate') ?? '', /^Xinlian /);
    assert.equal(await code(r), 'API_UNAUTHENTICATED');
    await send(keys.client, 'evidence', 'submit', {
      digests: [{ algorithm: 'sha256', value: 'ab'.repeat(32) }],
    });
  });

  it('every member role reads; a non-member is refused (403 PERM_UNKNOWN_SENDER)', async () => {
    for (const key of [admin, ...Object.values(keys)]) {
      const r = await get('/v1/blocks/latest', key);
      assert.equal(r.status, 200, await r.text());
    }
    const s = await get('/v1/blocks/latest', stranger);
    assert.equal(s.status, 403);
    assert.equal(await code(s), 'PERM_UNKNOWN_SENDER');
  });

  it('refuses a bad signature, another path, a stale time and a replay (401)', async () => {
    const path = '/v1/blocks/latest';
    const auth = readAuthorization({ key: keys.client, chainId }, 'GET', path);
    const tampered = auth.replace(/sig=(..)/, (_m, h: string) => `sig=${h === '00' ? '11' : '00'}`);
    assert.equal((await get(path, undefined, tampered)).status, 401);
    // signed for another path
    assert.equal((await get('/v1/blocks', undefined, auth)).status, 401);
    const stale = readAuthorization(
      { key: keys.client, chainId, now: () => Date.now() - 120_000 },
      'GET',
      path,
    );
    const r = await get(path, undefined, stale);
    assert.equal(r.status, 401);
    assert.match(((await r.json()) as { detail: string }).detail, /replay window/);
    assert.equal((await get(path, undefined, auth)).status, 200);
    const again = await get(path, undefined, auth);
    assert.equal(again.status, 401);
    assert.match(((await again.json()) as { detail: string }).detail, /replay/);
    assert.equal((await get(path, undefined, 'Bearer x')).status, 401);
  });

  it('the audit log is for the regulator and auditor only (403 API_FORBIDDEN otherwise)', async () => {
    const path = `/v1/governance/audit?from=0&to=${Date.now() + 60_000}`;
    for (const role of ['regulator', 'auditor'] as const)
      assert.equal((await get(path, keys[role])).status, 200);
    for (const key of [admin, keys.client, keys.observer]) {
      const r = await get(path, key);
      assert.equal(r.status, 403);
      assert.equal(await code(r), 'API_FORBIDDEN');
    }
    // The same through POST /v1/query/governance/audit, with the SDK's signing hook.
    const { readAuthorizer } = await import('@xinlian/sdk');
    const as = (key: PrivateKey) =>
      new XinlianClient({ url: node.apiUrl, authorize: readAuthorizer({ key, chainId }) });
    assert.ok(Array.isArray(await as(keys.regulator).governance.audit(0, Date.now() + 60_000)));
    await assert.rejects(as(keys.client).governance.audit(0, Date.now() + 60_000), { code: 'API_FORBIDDEN' });
    assert.equal((await as(keys.client).governance.members('org1')).length, 4);
  });

  it('the regulator reads the records of every module: evidence, governance, traceability, raw state with history', async () => {
    const r = (await send(keys.client, 'evidence', 'submit', {
      digests: [{ algorithm: 'sha256', value: 'ef'.repeat(32) }],
    })) as { recordId: string };
    const post = (path: string, body: JsonValue, key?: PrivateKey) =>
      fetch(`${node.apiUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(key === undefined ? {} : { authorization: readAuthorization({ key, chainId }, 'POST', path) }),
        },
        body: JSON.stringify(body),
      });
    const reads: [string, (key?: PrivateKey) => Promise<Response>][] = [
      ['evidence record', (k) => get(`/v1/evidence/records/${r.recordId}`, k)],
      ['evidence query', (k) => post('/v1/query/evidence/get', { id: r.recordId }, k)],
      ['governance members', (k) => post('/v1/query/governance/members', {}, k)],
      ['governance freezes', (k) => post('/v1/query/governance/freezes', {}, k)],
      ['traceability events', (k) => post('/v1/query/traceability/events', {}, k)],
      [
        'governance state with history',
        (k) => get(`/v1/state/governance/${Buffer.from('vpolicy').toString('hex')}?history=1`, k),
      ],
    ];
    for (const [what, read] of reads) {
      const ok = await read(keys.regulator);
      assert.equal(ok.status, 200, `${what}: ${await ok.text()}`);
      const refused = await read(stranger);
      assert.equal(refused.status, 403, what);
    }
  });

  it('a frozen record is readable by the regulator and auditor only', async () => {
    const r = (await send(keys.client, 'evidence', 'submit', {
      digests: [{ algorithm: 'sha256', value: 'cd'.repeat(32) }],
    })) as { recordId: string };
    const path = `/v1/evidence/records/${r.recordId}`;
    assert.equal((await get(path, keys.client)).status, 200);
    await send(keys.regulator, 'governance', 'freeze', {
      target: { kind: 'record', module: 'evidence', record: r.recordId },
      legalBasis: 'law',
      reference: 'case-1',
    });
    const refused = await get(path, keys.client);
    assert.equal(refused.status, 403);
    assert.equal(await code(refused), 'API_FORBIDDEN');
    assert.equal((await get(path, keys.regulator)).status, 200);
    assert.equal((await get(path, keys.auditor)).status, 200);
  });
});
