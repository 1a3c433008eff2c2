import { XinlianError } from '@xinlian/utils';
import type { TimerHandle, Timers } from './timers.js';

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: XinlianError): void;
  timer: TimerHandle;
}

/**
 * Requests waiting for their tx to commit (`?wait=commit`). The producer settles them only
 * after the block is durably stored; a wait that outlives `timeoutMs` fails with API_TIMEOUT.
 */
export class CommitWaiters<T> {
  readonly #timeoutMs: number;
  readonly #timers: Timers;
  readonly #waiters = new Map<string, Set<Waiter<T>>>();

  constructor(opts: { timeoutMs: number }, modules: { timers: Timers }) {
    this.#timeoutMs = opts.timeoutMs;
    this.#timers = modules.timers;
  }

  /** Number of txIds being waited on. */
  get size(): number {
    return this.#waiters.size;
  }

  /** Resolves with the value passed to `resolve(txId)`, or rejects (API_TIMEOUT or the error given to `reject`). */
  wait(txId: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const set = this.#waiters.get(txId) ?? new Set<Waiter<T>>();
      this.#waiters.set(txId, set);
      const waiter: Waiter<T> = {
        resolve,
        reject,
        timer: this.#timers.setTimeout(() => {
          this.#remove(txId, waiter);
          reject(
            new XinlianError('API_TIMEOUT', 'transaction not committed in time; it may still commit later', {
              txId,
              timeoutMs: this.#timeoutMs,
            }),
          );
        }, this.#timeoutMs),
      };
      set.add(waiter);
    });
  }

  resolve(txId: string, value: T): void {
    for (const w of this.#take(txId)) w.resolve(value);
  }

  reject(txId: string, err: XinlianError): void {
    for (const w of this.#take(txId)) w.reject(err);
  }

  rejectAll(err: XinlianError): void {
    for (const txId of [...this.#waiters.keys()]) this.reject(txId, err);
  }

  #take(txId: string): Waiter<T>[] {
    const set = this.#waiters.get(txId);
    if (set === undefined) return [];
    this.#waiters.delete(txId);
    for (const w of set) this.#timers.clearTimeout(w.timer);
    return [...set];
  }

  #remove(txId: string, waiter: Waiter<T>): void {
    const set = this.#waiters.get(txId);
    set?.delete(waiter);
    if (set?.size === 0) this.#waiters.delete(txId);
  }
}
