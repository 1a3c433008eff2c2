import type { VerifyItem } from '@xinlian/crypto';

/** Something that verifies many signatures at once (crypto's VerifierPool). */
export interface BatchVerifier {
  verifyBatch(items: readonly VerifyItem[]): Promise<boolean[]>;
}

interface Queued {
  readonly item: VerifyItem;
  readonly resolve: (ok: boolean) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Collects single signature checks from concurrent admissions into batches for a worker pool:
 * a batch is sent when it reaches `maxBatch` or when `defer` fires (in the node: setImmediate,
 * i.e. after the current round of I/O callbacks).
 */
export class VerifyBatcher {
  readonly #maxBatch: number;
  readonly #verifier: BatchVerifier;
  readonly #defer: (fn: () => void) => void;
  #queue: Queued[] = [];
  #scheduled = false;

  constructor(
    opts: { readonly maxBatch: number },
    modules: { readonly verifier: BatchVerifier; readonly defer: (fn: () => void) => void },
  ) {
    this.#maxBatch = opts.maxBatch;
    this.#verifier = modules.verifier;
    this.#defer = modules.defer;
  }

  /** Resolves true iff the signature verifies. */
  verify(item: VerifyItem): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#queue.length >= this.#maxBatch) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        this.#defer(() => {
          this.#scheduled = false;
          this.#flush();
        });
      }
    });
  }

  /**
   * Verifies many signatures in one pool call, bypassing the queue (a caller that already holds a
   * batch, e.g. POST /v1/txs/batch): one transferred buffer per worker, no promise per item.
   */
  verifyMany(items: readonly VerifyItem[]): Promise<boolean[]> {
    return this.#verifier.verifyBatch(items);
  }

  #flush(): void {
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    this.#verifier.verifyBatch(batch.map((q) => q.item)).then(
      (results) => {
        batch.forEach((q, i) => {
          q.resolve(results[i] === true);
        });
      },
      (err: unknown) => {
        for (const q of batch) q.reject(err);
      },
    );
  }
}
