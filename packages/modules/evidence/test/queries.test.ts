import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { JsonValue } from '@xinlian/codec';
import { addressOf } from '@xinlian/crypto';
import { XinlianError } from '@xinlian/utils';
import type { RecordPage } from '../src/index.js';
import { type Call, EvidenceChain } from './harness.js';

const digest = (s: string) => ({ algorithm: 'sm3', value: createHash('sm3').update(s).digest('hex') });

describe('evidence queries', () => {
  const chain = new EvidenceChain();
  const alice = chain.suite.generateKey();
  const bob = chain.suite.generateKey();
  const aliceAddr = addressOf(chain.suite, alice.publicKey.bytes);
  const bobAddr = addressOf(chain.suite, bob.publicKey.bytes);
  // Blocks 1..4: alice submits 2, 3, 0, 2 records; bob 1 record in blocks 1 and 3. Ids in chain order.
  const plan = [['a', 'a', 'b'], ['a', 'a', 'a'], ['b'], ['a', 'a']];
  const order: { id: string; who: string; height: number }[] = [];
  let n = 0;
  for (const row of plan) {
    const calls: Call[] = row.map((who) => ({
      key: who === 'a' ? alice : bob,
      method: 'submit',
      args: { digests: [digest(`doc ${n++}`)] },
    }));
    const receipts = chain.block(calls);
    receipts.forEach((r, i) => {
      assert.equal(r.receipt.status, 'ok');
      order.push({ id: r.id, who: row[i]!, height: chain.height });
    });
  }
  const newestFirst = (who?: string) =>
    order
      .filter((o) => who === undefined || o.who === who)
      .reverse()
      .map((o) => o.id);

  function allPages(name: string, params: { readonly [k: string]: JsonValue }, limit: number): string[][] {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = chain.query(name, { ...params, limit, ...(cursor ? { cursor } : {}) }) as RecordPage;
      pages.push(page.records.map((r) => r.id));
      cursor = page.nextCursor;
      assert.ok(pages.length < 20, 'pagination terminates');
    } while (cursor !== undefined);
    return pages;
  }

  test('bySubmitter pages through a submitter’s records, newest first', () => {
    const pages = allPages('bySubmitter', { address: aliceAddr }, 3);
    assert.deepEqual(pages.flat(), newestFirst('a'));
    assert.deepEqual(
      pages.map((p) => p.length),
      [3, 3, 1],
    );
    assert.deepEqual(allPages('bySubmitter', { address: bobAddr }, 100), [newestFirst('b')]);
    assert.deepEqual(
      allPages('bySubmitter', { address: aliceAddr }, 7),
      [newestFirst('a')],
      'no empty last page',
    );
    const page = chain.query('bySubmitter', { address: '00'.repeat(20) }) as RecordPage;
    assert.deepEqual(page, { records: [] });
  });

  test('byTime filters by block time (inclusive) and pages newest first', () => {
    const all = allPages('byTime', { from: 0, to: Number.MAX_SAFE_INTEGER }, 4);
    assert.deepEqual(all.flat(), newestFirst());
    assert.deepEqual(
      all.map((p) => p.length),
      [4, 4, 1],
    );
    const from = EvidenceChain.timeOf(2);
    const to = EvidenceChain.timeOf(3);
    const mid = allPages('byTime', { from, to }, 2).flat();
    assert.deepEqual(
      mid,
      order
        .filter((o) => o.height === 2 || o.height === 3)
        .reverse()
        .map((o) => o.id),
    );
    const records = (chain.query('byTime', { from: to, to }) as RecordPage).records;
    assert.ok(records.length === 1 && records[0]!.time === to);
  });

  test('bad parameters are QUERY_BAD_PARAMS naming the field; unknown record is EVIDENCE_NOT_FOUND', () => {
    const bad: [string, JsonValue, string][] = [
      ['bySubmitter', { address: aliceAddr, limit: 101 }, 'limit'],
      ['bySubmitter', { address: aliceAddr, limit: 0 }, 'limit'],
      ['bySubmitter', { address: aliceAddr, cursor: 'abcd' }, 'cursor'],
      ['bySubmitter', { address: 'XYZ' }, 'address'],
      ['byTime', { from: 5, to: 4 }, 'to'],
      ['byTime', { from: 0, to: 1, cursor: 'zz' }, 'cursor'],
      ['get', { id: 'nope' }, 'id'],
      ['byDigest', { algorithm: 'md5', value: digest('x').value }, 'algorithm'],
      ['history', {}, 'id'],
    ];
    for (const [name, params, field] of bad) {
      assert.throws(
        () => chain.query(name, params),
        (e: unknown) =>
          e instanceof XinlianError &&
          e.code === 'QUERY_BAD_PARAMS' &&
          e.details.field === field &&
          e.details.reason === 'EVIDENCE_BAD_ARGS',
        `${name} ${JSON.stringify(params)}`,
      );
    }
    assert.throws(
      () => chain.query('get', { id: 'ab'.repeat(32) }),
      (e: unknown) => e instanceof XinlianError && e.code === 'EVIDENCE_NOT_FOUND',
    );
  });
});
