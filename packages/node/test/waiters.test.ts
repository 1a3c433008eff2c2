import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XinlianError } from '@xinlian/utils';
import { problemOf, retryAfterOf } from '../src/http/errors.js';
import type { Timers } from '../src/timers.js';
import { CommitWaiters } from '../src/waiters.js';

/** Timers driven by hand: `fire()` runs every pending callback. */
function manualTimers(): Timers & { pending(): number; fire(): void } {
  const pending = new Map<object, () => void>();
  return {
    setTimeout: (fn) => {
      const h = {};
      pending.set(h, fn);
      return h;
    },
    clearTimeout: (h) => {
      pending.delete(h);
    },
    pending: () => pending.size,
    fire: () => {
      const fns = [...pending.values()];
      pending.clear();
      for (const fn of fns) fn();
    },
  };
}

describe('CommitWaiters', () => {
  it('resolves every waiter of a txId and clears its timer', async () => {
    const timers = manualTimers();
    const w = new CommitWaiters<number>({ timeoutMs: 30_000 }, { timers });
    const a = w.wait('t1');
    const b = w.wait('t1');
    const other = w.wait('t2');
    assert.equal(w.size, 2);
    w.resolve('t1', 7);
    assert.deepEqual(await Promise.all([a, b]), [7, 7]);
    assert.equal(timers.pending(), 1);
    w.reject('t2', new XinlianError('TX_EXPIRED', 'gone', {}));
    await assert.rejects(other, (e: unknown) => e instanceof XinlianError && e.code === 'TX_EXPIRED');
    assert.equal(w.size, 0);
    assert.equal(timers.pending(), 0);
  });

  it('sheds load with API_OVERLOADED (503, Retry-After) at maxPending waits, and frees slots as waits settle', async () => {
    const timers = manualTimers();
    const w = new CommitWaiters<number>({ timeoutMs: 30_000, maxPending: 3 }, { timers });
    const a = w.wait('t1');
    const b = w.wait('t1');
    const c = w.wait('t2');
    assert.equal(w.pending, 3);
    assert.throws(
      () => w.checkCapacity(),
      (e: unknown) =>
        e instanceof XinlianError &&
        e.code === 'API_OVERLOADED' &&
        problemOf(e).status === 503 &&
        retryAfterOf(e) === 1,
    );
    w.resolve('t1', 1);
    assert.deepEqual(await Promise.all([a, b]), [1, 1]);
    assert.equal(w.pending, 1);
    w.checkCapacity();
    timers.fire();
    await assert.rejects(c, (e: unknown) => e instanceof XinlianError && e.code === 'API_TIMEOUT');
    assert.equal(w.pending, 0);
  });

  it('fails with API_TIMEOUT when the tx does not commit in time, and later results go nowhere', async () => {
    const timers = manualTimers();
    const w = new CommitWaiters<number>({ timeoutMs: 5 }, { timers });
    const p = w.wait('t');
    timers.fire();
    await assert.rejects(p, (e: unknown) => e instanceof XinlianError && e.code === 'API_TIMEOUT');
    assert.equal(w.size, 0);
    w.resolve('t', 1);
  });

  it('rejects all waiters on shutdown', async () => {
    const w = new CommitWaiters<number>({ timeoutMs: 5 }, { timers: manualTimers() });
    const ps = ['a', 'b', 'c'].map((id) => w.wait(id));
    w.rejectAll(new XinlianError('NODE_STOPPING', 'bye', {}));
    for (const p of ps)
      await assert.rejects(p, (e: unknown) => e instanceof XinlianError && e.code === 'NODE_STOPPING');
  });
});
