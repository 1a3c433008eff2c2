import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlockView } from '@xinlian/schemas';
import { isXinlianError, XinlianError } from '@xinlian/utils';
import fc from 'fast-check';
import {
  type ConsoleApi,
  FetchApi,
  type GovernanceView,
  isNotFound,
  isUnreachable,
  type MemberView,
  type RevocationView,
} from '../src/api/client.js';
import { LIVE_TX_IDS, mergeBlocks, RECENT_BLOCKS } from '../src/app/node-state.js';
import { outcomeAfterWaitFailed, TX_DROPPED, TX_PENDING } from '../src/evidence/backends.js';
import { format } from '../src/i18n/i18n.js';
import { en, zh } from '../src/i18n/messages.js';
import { formatBytes, shortHex } from '../src/lib/format.js';
import { currentValidators, memberState } from '../src/lib/governance.js';
import { histogramTotals, intervalMean, throughputSeries } from '../src/lib/metrics.js';
import { classifySearch } from '../src/lib/search.js';

describe('console i18n', () => {
  it('has the same keys and placeholders in Chinese and English, none empty', () => {
    assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(zh) as (keyof typeof zh)[]) {
      assert.ok(zh[k].length > 0 && en[k].length > 0, k);
      assert.deepEqual(vars(en[k]), vars(zh[k]), k);
    }
  });

  it('fills placeholders and leaves unknown ones', () => {
    assert.equal(format('区块 #{height}', { height: 7 }), '区块 #7');
    assert.equal(format('{a} {b}', { a: 1 }), '1 {b}');
  });
});

describe('console search input', () => {
  it('classifies heights, hashes (with algorithm prefixes), addresses and the rest', () => {
    assert.deepEqual(classifySearch(' 42 '), { kind: 'height', height: 42 });
    assert.deepEqual(classifySearch(`0x${'AB'.repeat(32)}`), { kind: 'hash', hex: 'ab'.repeat(32) });
    assert.deepEqual(classifySearch(`sm3:${'0'.repeat(64)}`), {
      kind: 'hash',
      hex: '0'.repeat(64),
      algorithm: 'sm3',
    });
    assert.deepEqual(classifySearch(`SHA-256: ${'1'.repeat(64)}`), {
      kind: 'hash',
      hex: '1'.repeat(64),
      algorithm: 'sha256',
    });
    assert.deepEqual(classifySearch('cd'.repeat(20)), { kind: 'address', hex: 'cd'.repeat(20) });
    for (const q of ['', 'abc', '1'.repeat(17), 'g'.repeat(64), `sm3:${'cd'.repeat(20)}`, 'sm3:12']) {
      assert.deepEqual(classifySearch(q), { kind: 'invalid' }, q);
    }
  });

  it('never throws and classifies every 64-hex string as a hash (property)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        classifySearch(s);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => {
        const hex = Buffer.from(b).toString('hex');
        assert.equal(classifySearch(hex).kind, 'hash');
      }),
    );
  });
});

describe('console live charts', () => {
  const METRICS = [
    '# HELP xinlian_commit_latency_seconds Time from mempool admission to durable commit',
    '# TYPE xinlian_commit_latency_seconds histogram',
    'xinlian_commit_latency_seconds_bucket{le="0.01"} 3',
    'xinlian_commit_latency_seconds_sum 1.5',
    'xinlian_commit_latency_seconds_count 10',
    'xinlian_block_execution_seconds_sum 9',
  ].join('\n');

  it('reads a histogram from Prometheus text and averages the observations between two readings', () => {
    const a = histogramTotals(METRICS, 'xinlian_commit_latency_seconds');
    assert.deepEqual(a, { sum: 1.5, count: 10 });
    assert.equal(histogramTotals(METRICS, 'xinlian_nothing_seconds'), undefined);
    assert.equal(intervalMean(a!, { sum: 2.5, count: 14 }), 0.25);
    assert.equal(intervalMean(a!, a!), undefined);
  });

  it('computes throughput per block from block times and tx counts', () => {
    assert.deepEqual(
      throughputSeries([
        { time: 1000, txCount: 0 },
        { time: 1200, txCount: 50 },
        { time: 1200, txCount: 9 },
        { time: 2200, txCount: 10 },
      ]),
      [
        { t: 1200, v: 250 },
        { t: 2200, v: 10 },
      ],
    );
    assert.deepEqual(throughputSeries([]), []);
  });

  it('keeps the recent blocks newest first, without duplicates, bounded', () => {
    const b = (height: number) => ({ height, id: String(height), txIds: [] }) as unknown as BlockView;
    const list = mergeBlocks([b(3), b(2)], [b(5), b(3), b(4)]);
    assert.deepEqual(
      list.map((x) => x.height),
      [5, 4, 3, 2],
    );
    const many = mergeBlocks(
      [],
      Array.from({ length: 100 }, (_, i) => b(i + 1)),
    );
    assert.equal(many.length, RECENT_BLOCKS);
    assert.equal(many[0]!.height, 100);
    const full = {
      height: 9,
      txIds: Array.from({ length: 5000 }, (_, i) => String(i)),
    } as unknown as BlockView;
    const kept = mergeBlocks([], [full])[0]!;
    assert.deepEqual(
      kept.txIds,
      Array.from({ length: LIVE_TX_IDS }, (_, i) => String(i)),
    );
    assert.equal(full.txIds.length, 5000, 'the input is not modified');
  });
});

describe('console formatting', () => {
  it('shortens long hex and formats sizes', () => {
    assert.equal(shortHex('ab'.repeat(32)), 'ababababab…ababab');
    assert.equal(shortHex('abcd'), 'abcd');
    assert.equal(formatBytes(13), '13 B');
    assert.equal(formatBytes(2048), '2.0 KiB');
    assert.equal(formatBytes(5 * 1024 * 1024), '5.0 MiB');
  });
});

describe('console API client (the SDK XinlianClient, errors mapped)', () => {
  const api = (answer: (url: string) => Response | Promise<Response>, urls: string[] = []) =>
    new FetchApi({
      baseUrl: 'http://node.invalid',
      fetch: async (input) => {
        urls.push(String(input));
        return answer(String(input));
      },
    });

  it('calls the node paths of the SDK', async () => {
    const urls: string[] = [];
    const a = api(() => new Response(JSON.stringify({ query: 'x', results: [] })), urls);
    assert.deepEqual(await a.search('1 2'), { query: 'x', results: [] });
    await a.evidenceByDigest('sm3', 'ab'.repeat(32));
    assert.deepEqual(urls, [
      'http://node.invalid/v1/search?q=1+2',
      `http://node.invalid/v1/evidence/sm3/${'ab'.repeat(32)}`,
    ]);
  });

  it('maps an RFC 7807 answer to its code, with the HTTP status (404 = not found)', async () => {
    const problem = {
      type: 'x',
      title: 'Not Found',
      status: 404,
      detail: 'no block 9',
      code: 'API_NOT_FOUND',
      details: {},
    };
    const e = await api(() => new Response(JSON.stringify(problem), { status: 404 }))
      .block(9)
      .catch((x: unknown) => x);
    assert.ok(isNotFound(e));
    assert.equal((e as { code: string }).code, 'API_NOT_FOUND');
    assert.equal((e as Error).message, 'no block 9');
    assert.ok(!isUnreachable(e));
  });

  it('says unreachable for no answer and for a gateway error without a problem', async () => {
    const down = await api(() => Promise.reject(new TypeError('fetch failed')))
      .status()
      .catch((x: unknown) => x);
    assert.ok(isUnreachable(down));
    const gateway = await api(() => new Response('bad gateway', { status: 502 }))
      .status()
      .catch((x: unknown) => x);
    assert.ok(isUnreachable(gateway));
    const teapot = await api(() => new Response('no', { status: 418 }))
      .status()
      .catch((x: unknown) => x);
    assert.ok(!isUnreachable(teapot));
    assert.equal((teapot as { code: string }).code, 'API_HTTP_418');
  });
});

describe('console organizations page helpers', () => {
  const member = (over: Partial<MemberView> = {}): MemberView => ({
    address: 'aa'.repeat(20),
    publicKey: '02',
    org: 'org1',
    role: 'client',
    name: 'm',
    serial: '0a',
    caSerial: '01',
    notBefore: 0,
    notAfter: 2_000,
    registeredHeight: 1,
    ...over,
  });
  const rev = (org: string, serial: string): RevocationView => ({
    org,
    serial,
    reason: 'keyCompromise',
    height: 3,
    time: 0,
  });

  it('says revoked for a revoked certificate or CA of the same organization, expired after notAfter', () => {
    assert.equal(memberState(member(), [], 1_000), 'active');
    assert.equal(memberState(member(), [rev('org1', '0a')], 1_000), 'revoked');
    assert.equal(memberState(member(), [rev('org1', '01')], 1_000), 'revoked');
    assert.equal(memberState(member(), [rev('org2', '0a')], 1_000), 'active');
    assert.equal(memberState(member(), [], 3_000), 'expired');
    const key = member({ serial: null, caSerial: null, notBefore: null, notAfter: null });
    assert.equal(memberState(key, [rev('org1', '0a')], 9e12), 'active');
  });

  it('picks the validator set that decides the next height', () => {
    const v = (name: string) => ({ name, publicKey: name, power: 1 });
    const g = {
      validatorSets: [
        { height: 0, validators: [v('a')] },
        { height: 12, validators: [v('b')] },
      ],
    } as unknown as GovernanceView;
    assert.deepEqual(
      currentValidators(g, 5)?.map((x) => x.name),
      ['a'],
    );
    assert.deepEqual(
      currentValidators(g, 11)?.map((x) => x.name),
      ['b'],
    );
    assert.equal(currentValidators({ validatorSets: [] } as unknown as GovernanceView, 3), undefined);
  });
});

describe('console notarize: a wait=commit that fails without a refusal', () => {
  const txId = 'ab'.repeat(32);
  const timeout = new XinlianError('API_TIMEOUT', 'not committed in time', { status: 504 });
  const unreachable = new XinlianError('CONSOLE_NODE_UNREACHABLE', 'fetch failed', { status: 0 });
  const apiWith = (tx: () => Promise<unknown>) => ({ tx }) as unknown as ConsoleApi;
  const committed = {
    txId,
    status: 'committed',
    height: 9,
    index: 0,
    tx: {},
    result: { status: 'ok', code: '', message: '', events: [], result: { recordId: txId } },
  };
  const code = (c: string) => (e: unknown) => isXinlianError(e) && e.code === c;

  it('is pending (with the txId) when the node still has it in its mempool', async () => {
    const api = apiWith(async () => ({ txId, status: 'pending', tx: {} }));
    await assert.rejects(outcomeAfterWaitFailed(api, txId, timeout), (e) => {
      assert.ok(isXinlianError(e) && e.code === TX_PENDING);
      assert.equal(e.details.txId, txId);
      assert.equal(isUnreachable(e), false);
      return true;
    });
    // The browser's own timeout on a node that still answers: pending too, not unreachable.
    await assert.rejects(outcomeAfterWaitFailed(api, txId, unreachable), code(TX_PENDING));
  });

  it('is the commit when the tx committed meanwhile', async () => {
    const out = await outcomeAfterWaitFailed(
      apiWith(async () => committed),
      txId,
      timeout,
    );
    assert.deepEqual(out, { txId, height: 9, index: 0, result: committed.result });
  });

  it('is unreachable only when the node does not answer the lookup either, and dropped when it forgot the tx', async () => {
    await assert.rejects(
      outcomeAfterWaitFailed(
        apiWith(async () => Promise.reject(unreachable)),
        txId,
        timeout,
      ),
      (e) => isUnreachable(e),
    );
    const notFound = new XinlianError('API_NOT_FOUND', 'transaction not found', { status: 404 });
    await assert.rejects(
      outcomeAfterWaitFailed(
        apiWith(async () => Promise.reject(notFound)),
        txId,
        timeout,
      ),
      code(TX_DROPPED),
    );
    // A refusal is not looked up: it stays the node's error.
    const refused = new XinlianError('GOV_NOT_AUTHORIZED', 'no', { status: 403 });
    await assert.rejects(
      outcomeAfterWaitFailed(
        apiWith(() => assert.fail('no lookup')),
        txId,
        refused,
      ),
      code('GOV_NOT_AUTHORIZED'),
    );
  });
});
