/** A pool of worker threads that verifies signature batches on all cores. */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { packItems, type VerifyItem } from './batch.js';
import { cryptoError, unknownSuite } from './errors.js';
import { createSuite, isSuiteId } from './suite.js';
import type { SuiteId } from './types.js';
import type { VerifyRequest, VerifyResponse } from './verify-worker.js';

export interface VerifierPoolOptions {
  readonly suite: SuiteId;
  /** Worker threads (default: os.availableParallelism()). */
  readonly threads?: number;
}

interface Pending {
  readonly resolve: (results: Uint8Array) => void;
  readonly reject: (err: unknown) => void;
}

interface Slot {
  worker: Worker;
  readonly pending: Map<number, Pending>;
}

const WORKER_URL = new URL('./verify-worker.js', import.meta.url);

/**
 * Verifies batches of signatures on worker threads (each with its own key cache). The booleans
 * equal the suite's single-thread verify, except that a malformed public key gives false instead
 * of throwing.
 */
export class VerifierPool {
  readonly suite: SuiteId;
  readonly threads: number;
  readonly #slots: Slot[] = [];
  #nextId = 0;
  #nextSlot = 0;
  #closed = false;

  constructor(opts: VerifierPoolOptions) {
    if (!isSuiteId(opts.suite)) throw unknownSuite(opts.suite);
    const threads = opts.threads ?? availableParallelism();
    if (!Number.isSafeInteger(threads) || threads < 1) {
      throw cryptoError('CRYPTO_INVALID_ARGUMENT', 'threads must be a positive integer', { threads });
    }
    this.suite = opts.suite;
    this.threads = threads;
    for (let i = 0; i < threads; i++) {
      const slot: Slot = { worker: this.#spawn(() => slot), pending: new Map() };
      this.#slots.push(slot);
    }
  }

  /** Verifies every item; resolves to one boolean per item, in order. */
  async verifyBatch(items: readonly VerifyItem[]): Promise<boolean[]> {
    if (this.#closed) throw cryptoError('CRYPTO_POOL_CLOSED', 'the verifier pool is closed', {});
    const chunks = Math.min(this.threads, items.length);
    const size = Math.ceil(items.length / Math.max(chunks, 1));
    const parts: Promise<Uint8Array>[] = [];
    for (let start = 0; start < items.length; start += size) {
      const slot = this.#slots[this.#nextSlot];
      this.#nextSlot = (this.#nextSlot + 1) % this.threads;
      parts.push(this.#send(slot, items.slice(start, start + size)));
    }
    const out: boolean[] = [];
    for (const results of await Promise.all(parts)) for (const r of results) out.push(r === 1);
    return out;
  }

  /** Stops the workers; pending and later batches fail with CRYPTO_POOL_CLOSED. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = cryptoError('CRYPTO_POOL_CLOSED', 'the verifier pool is closed', {});
    await Promise.all(
      this.#slots.map(async (slot) => {
        this.#failPending(slot, closed);
        await slot.worker.terminate();
      }),
    );
  }

  #send(slot: Slot, items: readonly VerifyItem[]): Promise<Uint8Array> {
    const id = this.#nextId++;
    const packed = packItems(items);
    return new Promise((resolve, reject) => {
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { resolve, reject });
      const request: VerifyRequest = { id, packed };
      slot.worker.postMessage(request, [packed.buffer]);
    });
  }

  #spawn(slotOf: () => Slot): Worker {
    const worker = new Worker(WORKER_URL, { workerData: { suite: this.suite } });
    worker.unref();
    let failure: unknown;
    worker.on('message', ({ id, results }: VerifyResponse) => {
      const slot = slotOf();
      const pending = slot.pending.get(id);
      slot.pending.delete(id);
      if (slot.pending.size === 0) worker.unref();
      pending?.resolve(results);
    });
    worker.on('error', (err) => {
      failure = err;
    });
    worker.on('exit', (code) => {
      if (this.#closed) return;
      const slot = slotOf();
      this.#failPending(
        slot,
        cryptoError('CRYPTO_WORKER_FAILED', 'a verifier worker stopped', { exitCode: code }, failure),
      );
      slot.worker = this.#spawn(slotOf);
    });
    return worker;
  }

  #failPending(slot: Slot, err: unknown): void {
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
  }
}

/**
 * Measures verify/s of a suite on `threads` worker threads for about `durationMs` (keys and
 * signatures are made first; two batches are kept in flight so no worker waits).
 */
export async function measureVerifyRate(
  suite: SuiteId,
  opts: { readonly threads: number; readonly durationMs: number },
): Promise<{ verifiesPerSecond: number; threads: number }> {
  const s = createSuite(suite);
  const keys = Array.from({ length: 16 }, () => s.generateKey());
  const items: VerifyItem[] = Array.from({ length: 128 * opts.threads }, (_, i) => {
    const key = keys[i % keys.length];
    const message = s.hash(Uint8Array.of(i & 0xff, i >> 8));
    return { publicKey: key.publicKey.bytes, message, signature: s.sign(key, message) };
  });
  const pool = new VerifierPool({ suite, threads: opts.threads });
  try {
    await pool.verifyBatch(items);
    let verified = 0;
    const start = performance.now();
    const loop = async (): Promise<void> => {
      while (performance.now() - start < opts.durationMs) {
        const results = await pool.verifyBatch(items);
        if (!results.every(Boolean)) {
          throw cryptoError('CRYPTO_WORKER_FAILED', 'a valid signature failed to verify', {});
        }
        verified += results.length;
      }
    };
    await Promise.all([loop(), loop()]);
    const seconds = (performance.now() - start) / 1000;
    return { verifiesPerSecond: verified / seconds, threads: opts.threads };
  } finally {
    await pool.close();
  }
}
