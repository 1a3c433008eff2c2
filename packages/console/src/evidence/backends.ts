import type { Genesis, VerificationReport } from '@xinlian/schemas';
import { XinlianError } from '@xinlian/utils';
import type { ConsoleApi, DigestAlgorithm } from '../api/client.js';
import type { EvidenceBackends, FileHasher, HashProgress, ReceiptVerifier } from './ports.js';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

type Pending = {
  readonly resolve: (r: WorkerResponse) => void;
  readonly reject: (e: unknown) => void;
  readonly onProgress?: ((p: HashProgress) => void) | undefined;
};

/**
 * The crypto worker (worker.ts, the SDK's hashBlob and verifyReceipt) behind the console's
 * FileHasher and ReceiptVerifier. One worker, started on first use; requests are matched by ID.
 */
export class CryptoWorker {
  #worker: Worker | undefined;
  #next = 1;
  readonly #pending = new Map<number, Pending>();

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'xinlian-crypto' });
    w.onmessage = (e: MessageEvent<WorkerResponse>) => {
      const m = e.data;
      const p = this.#pending.get(m.id);
      if (p === undefined) return;
      if (m.kind === 'progress') {
        p.onProgress?.({ done: m.done, total: m.total });
        return;
      }
      this.#pending.delete(m.id);
      if (m.kind === 'error') p.reject(new XinlianError(m.code, m.message, {}));
      else p.resolve(m);
    };
    w.onerror = (e) => {
      const err = new XinlianError('CONSOLE_WORKER_FAILED', e.message || 'the crypto worker failed', {});
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
      this.#worker = undefined;
      w.terminate();
    };
    this.#worker = w;
    return w;
  }

  /** Sends a request (without its ID) and resolves with the worker's final answer. */
  request(
    req: WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never,
    opts: { onProgress?: (p: HashProgress) => void; signal?: AbortSignal } = {},
  ): Promise<WorkerResponse> {
    const worker = this.#start();
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress: opts.onProgress });
      opts.signal?.addEventListener(
        'abort',
        () => worker.postMessage({ id, kind: 'cancel' } satisfies WorkerRequest),
        {
          once: true,
        },
      );
      worker.postMessage({ ...req, id } as WorkerRequest);
    });
  }
}

/** SM3 and SHA-256 of files with the SDK's hashBlob, in chunks, in the crypto worker. */
export class SdkFileHasher implements FileHasher {
  readonly #worker: CryptoWorker;
  constructor(worker: CryptoWorker) {
    this.#worker = worker;
  }
  supports(algorithm: DigestAlgorithm): boolean {
    return (algorithm === 'sm3' || algorithm === 'sha256') && typeof Worker !== 'undefined';
  }
  async hash(
    file: Blob,
    algorithm: DigestAlgorithm,
    opts: { readonly onProgress?: (p: HashProgress) => void; readonly signal?: AbortSignal } = {},
  ): Promise<string> {
    const r = await this.#worker.request({ kind: 'hash', file, algorithm }, opts);
    if (r.kind !== 'hashed')
      throw new XinlianError('CONSOLE_WORKER_FAILED', `unexpected answer ${r.kind}`, {});
    return r.value;
  }
}

/**
 * Offline receipt verification with the SDK's verifyReceipt in the crypto worker, against the
 * genesis document `genesis()` returns (the console fetches it from its node once; its hash is shown
 * so it can be compared with the one printed on a certificate).
 */
export class SdkReceiptVerifier implements ReceiptVerifier {
  readonly offline = true;
  readonly #worker: CryptoWorker;
  readonly #genesis: () => Promise<Genesis>;
  constructor(worker: CryptoWorker, genesis: () => Promise<Genesis>) {
    this.#worker = worker;
    this.#genesis = genesis;
  }
  async verify(receipt: unknown, opts: { readonly digest?: string } = {}): Promise<VerificationReport> {
    const genesis = await this.#genesis();
    const r = await this.#worker.request({
      kind: 'verify',
      receipt,
      genesis,
      ...(opts.digest === undefined ? {} : { digest: opts.digest }),
    });
    if (r.kind !== 'verified')
      throw new XinlianError('CONSOLE_WORKER_FAILED', `unexpected answer ${r.kind}`, {});
    return r.report;
  }
}

/** The backends in use: the browser SDK for hashing and verification; no signing in the console yet. */
export function defaultBackends(api: ConsoleApi): EvidenceBackends {
  const worker = new CryptoWorker();
  let genesis: Promise<Genesis> | undefined;
  const loadGenesis = () => {
    genesis ??= api.genesis().catch((e: unknown) => {
      genesis = undefined;
      throw e;
    });
    return genesis;
  };
  return {
    hasher: new SdkFileHasher(worker),
    verifier: new SdkReceiptVerifier(worker, loadGenesis),
    submitter: undefined,
  };
}
