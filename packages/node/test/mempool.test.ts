import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XinlianError } from '@xinlian/utils';
import fc from 'fast-check';
import { problemOf, retryAfterOf, statusOf } from '../src/http/errors.js';
import { Mempool } from '../src/mempool.js';

interface Tx {
  txId: string;
  size: number;
  expiryHeight: number;
}
const tx = (txId: string, size = 100, expiryHeight = 10): Tx => ({ txId, size, expiryHeight });

function full(fn: () => unknown): XinlianError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof XinlianError);
    return e;
  }
  assert.fail('expected MEMPOOL_FULL');
}

describe('Mempool', () => {
  it('is bounded by count and answers MEMPOOL_FULL → 503 with Retry-After', () => {
    const m = new Mempool<Tx>({ capacity: 2, maxBytes: 10_000 });
    assert.equal(m.add(tx('a')), true);
    assert.equal(m.add(tx('b')), true);
    const err = full(() => m.add(tx('c')));
    assert.equal(err.code, 'MEMPOOL_FULL');
    assert.equal(statusOf(err.code).status, 503);
    assert.equal(retryAfterOf(err), 1);
    assert.equal(problemOf(err).code, 'MEMPOOL_FULL');
    assert.equal(m.size, 2);
    assert.equal(m.has('c'), false);
  });

  it('is bounded by bytes', () => {
    const m = new Mempool<Tx>({ capacity: 100, maxBytes: 250 });
    m.add(tx('a', 100));
    m.add(tx('b', 100));
    assert.equal(full(() => m.add(tx('c', 51))).code, 'MEMPOOL_FULL');
    assert.equal(m.add(tx('d', 50)), true);
    assert.equal(m.bytes, 250);
  });

  it('counts reserved (in-admission) txs in ensureRoom', () => {
    const m = new Mempool<Tx>({ capacity: 3, maxBytes: 1000 });
    m.add(tx('a'));
    m.ensureRoom(1, 100, { count: 1, bytes: 100 });
    assert.equal(full(() => m.ensureRoom(1, 100, { count: 2, bytes: 200 })).code, 'MEMPOOL_FULL');
    assert.equal(full(() => m.ensureRoom(1, 800, { count: 0, bytes: 200 })).code, 'MEMPOOL_FULL');
  });

  it('de-duplicates by txId and keeps the first entry', () => {
    const m = new Mempool<Tx>({ capacity: 10, maxBytes: 10_000 });
    assert.equal(m.add(tx('a', 100)), true);
    assert.equal(m.add(tx('a', 300)), false);
    assert.equal(m.size, 1);
    assert.equal(m.bytes, 100);
    assert.equal(m.get('a')?.size, 100);
  });

  it('de-duplicates even when full (a resubmission is not an overload)', () => {
    const m = new Mempool<Tx>({ capacity: 1, maxBytes: 10_000 });
    m.add(tx('a'));
    assert.equal(m.add(tx('a')), false);
  });

  it('peeks FIFO within count and byte limits without removing', () => {
    const m = new Mempool<Tx>({ capacity: 10, maxBytes: 10_000 });
    for (const id of ['a', 'b', 'c', 'd']) m.add(tx(id, 100));
    assert.deepEqual(
      m.peek(3, 10_000).map((t) => t.txId),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      m.peek(10, 250).map((t) => t.txId),
      ['a', 'b'],
    );
    assert.equal(m.size, 4);
  });

  it('evicts committed and expired txs and frees their bytes', () => {
    const m = new Mempool<Tx>({ capacity: 10, maxBytes: 10_000 });
    m.add(tx('a', 100, 5));
    m.add(tx('b', 100, 6));
    m.add(tx('c', 100, 7));
    assert.deepEqual(
      m.remove(['b', 'zz']).map((t) => t.txId),
      ['b'],
    );
    assert.deepEqual(
      m.removeExpired(7).map((t) => t.txId),
      ['a'],
    );
    assert.deepEqual(
      m.peek(10, 10_000).map((t) => t.txId),
      ['c'],
    );
    assert.equal(m.bytes, 100);
  });

  it('keeps its bounds and byte accounting under random operations', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('add' as const),
        id: fc.integer({ min: 0, max: 30 }),
        size: fc.integer({ min: 1, max: 400 }),
        exp: fc.integer({ min: 0, max: 20 }),
      }),
      fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ kind: fc.constant('expire' as const), height: fc.integer({ min: 0, max: 20 }) }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 400, max: 2000 }),
        fc.array(op, { maxLength: 80 }),
        (capacity, maxBytes, ops) => {
          const m = new Mempool<Tx>({ capacity, maxBytes });
          const model = new Map<string, Tx>();
          for (const o of ops) {
            if (o.kind === 'add') {
              const t = tx(String(o.id), o.size, o.exp);
              const total = [...model.values()].reduce((s, x) => s + x.size, 0);
              const fits = model.size + 1 <= capacity && total + t.size <= maxBytes;
              if (model.has(t.txId)) assert.equal(m.add(t), false);
              else if (!fits) assert.equal(full(() => m.add(t)).code, 'MEMPOOL_FULL');
              else {
                assert.equal(m.add(t), true);
                model.set(t.txId, t);
              }
            } else if (o.kind === 'remove') {
              m.remove([String(o.id)]);
              model.delete(String(o.id));
            } else {
              m.removeExpired(o.height);
              for (const [id, t] of model) if (t.expiryHeight < o.height) model.delete(id);
            }
            assert.ok(m.size <= capacity && m.bytes <= maxBytes);
            assert.equal(m.size, model.size);
            assert.equal(
              m.bytes,
              [...model.values()].reduce((s, x) => s + x.size, 0),
            );
            assert.deepEqual(
              m.peek(capacity, maxBytes).map((t) => t.txId),
              [...model.keys()],
            );
          }
        },
      ),
    );
  });
});
