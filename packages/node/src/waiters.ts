import { XinlianError } from '@xinlian/utils';
import type { TimerHandle, Timers } from './timers.js';

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: XinlianError): void;
  timer: TimerHandle;
}

/** Default bound on concurrent `?wait=commit` requests (each holds an open connection). */
export const DEFAULT_MAX_PENDING_WAITS = 8192;

/**
 * Requests waiting for their tx to commit (`?wait=commit`). The producer settles them only
 * after the block is durably stored; a wait that outlives `timeoutMs` fails with API_TIMEOUT.
 * At most `maxPending` waits are held: beyond that `checkCapacity` sheds load (503 API_OVERLOADED).
 */
export class CommitWaiters<T> {
  readonly #timeoutMs: number;
  readonly #maxPending: number;
  readonly #timers: Timers;
  readonly #waiters = new Map<string, Set<Waiter<T>>>();
  #pending = 0;

  constructor(opts: { timeoutMs: number; maxPending?: number }, modules: { timers: Timers }) {
    this.#timeoutMs = opts.timeoutMs;
    this.#maxPending = opts.maxPending ?? DEFAULT_MAX_PENDING_WAITS;
    this.#timers = modules.timers;
  }

  /** Number of txIds being waited on. */
  get size(): number {
    return this.#waiters.size;
  }

  /** Number of pending waits (several may wait on one txId). */
  get pending(): number {
    return this.#pending;
  }

  /** Throws API_OVERLOADED (503, Retry-After 1) when `maxPending` waits are already held. */
  checkCapacity(): void {
    if (this.#pending < this.#maxPending) return;
    throw new XinlianError('API_OVERLOADED', 'too many requests waiting for commit; retry later', {
      pending: this.#pending,
      maxPending: this.#maxPending,
      retryAfterSeconds: 1,
    });
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
      this.#pending++;
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
    this.#pending -= set.size;
    return [...set];
  }

  #remove(txId: string, waiter: Waiter<T>): void {
    const set = this.#waiters.get(txId);
    if (set?.delete(waiter) === true) this.#pending--;
    if (set?.size === 0) this.#waiters.delete(txId);
  }
}
