import type { Genesis, TxCommitted, TxResponse, VerificationReport } from '@xinlian/schemas';
import { isXinlianError, XinlianError } from '@xinlian/utils';
import { type ConsoleApi, type DigestAlgorithm, isNotFound, isUnreachable } from '../api/client.js';
import type {
  EvidenceBackends,
  EvidenceSigner,
  FileHasher,
  HashProgress,
  Notarized,
  NotarizeFile,
  ReceiptVerifier,
  SignerKey,
} from './ports.js';
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

/**
 * Notarizes with a key held by the crypto worker: the worker decrypts or creates the key, keeps it
 * in its memory and signs; the page sees only the address and the signed tx. Submitted with
 * `wait=commit`; a tx committed with a failed result is an error with the module's code.
 */
export class WorkerSigner implements EvidenceSigner {
  readonly #worker: CryptoWorker;
  readonly #api: ConsoleApi;
  constructor(worker: CryptoWorker, api: ConsoleApi) {
    this.#worker = worker;
    this.#api = api;
  }
  async #key(r: Promise<WorkerResponse>): Promise<SignerKey> {
    const m = await r;
    if (m.kind !== 'key' || m.key === null)
      throw new XinlianError('CONSOLE_WORKER_FAILED', `unexpected answer ${m.kind}`, {});
    return m.key;
  }
  unlock(keyFile: string, passphrase: string): Promise<SignerKey> {
    return this.#key(this.#worker.request({ kind: 'unlock', keyFile, passphrase }));
  }
  create(suite: 'gm' | 'intl'): Promise<SignerKey> {
    return this.#key(this.#worker.request({ kind: 'newKey', suite }));
  }
  async exportKey(passphrase: string): Promise<string> {
    const m = await this.#worker.request({ kind: 'exportKey', passphrase });
    if (m.kind !== 'keyFile')
      throw new XinlianError('CONSOLE_WORKER_FAILED', `unexpected answer ${m.kind}`, {});
    return m.text;
  }
  #afterWaitFailed(txId: string, e: unknown): Promise<TxCommitted> {
    return outcomeAfterWaitFailed(this.#api, txId, e);
  }
  async forget(): Promise<void> {
    await this.#worker.request({ kind: 'forgetKey' });
  }
  async notarize(
    files: readonly NotarizeFile[],
    algorithm: DigestAlgorithm,
    opts: { readonly batch: boolean },
  ): Promise<Notarized> {
    const [status, genesis] = await Promise.all([this.#api.status(), this.#api.genesis()]);
    const signed = await this.#worker.request({
      kind: 'sign',
      chainId: status.chainId,
      // The lifetime in force now (governance may have changed it since genesis).
      expiryHeight: status.height + (status.params?.maxTxLifetime ?? genesis.params.maxTxLifetime),
      algorithm,
      files,
      batch: opts.batch,
    });
    if (signed.kind !== 'signed')
      throw new XinlianError('CONSOLE_WORKER_FAILED', `unexpected answer ${signed.kind}`, {});
    let res: TxCommitted;
    try {
      res =
        signed.leaves === undefined
          ? await this.#api.submitEvidence(signed.tx)
          : await this.#api.submitEvidenceBatch(signed.tx, signed.leaves);
    } catch (e) {
      res = await this.#afterWaitFailed(signed.txId, e);
    }
    if (res.result.status !== 'ok') {
      throw new XinlianError(res.result.code, res.result.message, { status: 200, txId: res.txId });
    }
    const r = res.result.result;
    const recordId =
      typeof r === 'object' && r !== null && 'recordId' in r && typeof r.recordId === 'string'
        ? r.recordId
        : res.txId;
    return { txId: res.txId, height: res.height, recordId };
  }
}

/**
 * What became of a tx whose `wait=commit` request failed without a refusal: the node's wait timed
 * out (504 API_TIMEOUT: accepted, not committed in time) or the answer never came (this browser's
 * timeout, a dropped connection). Asks the node for the tx: committed → its outcome; pending →
 * CONSOLE_TX_PENDING (with the txId: the page shows it and checks again later); unknown to the
 * node → CONSOLE_TX_DROPPED; a node that does not answer → that (unreachable) error.
 */
export async function outcomeAfterWaitFailed(
  api: ConsoleApi,
  txId: string,
  error: unknown,
): Promise<TxCommitted> {
  const timedOut = isXinlianError(error) && error.code === 'API_TIMEOUT';
  if (!timedOut && !isUnreachable(error)) throw error;
  let tx: TxResponse;
  try {
    tx = await api.tx(txId);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    // The node answers but does not know the tx: dropped (e.g. expired) or never admitted.
    throw new XinlianError(
      TX_DROPPED,
      'the transaction is neither pending nor committed',
      { txId },
      { cause: error },
    );
  }
  if (
    tx.status === 'pending' ||
    tx.height === undefined ||
    tx.index === undefined ||
    tx.result === undefined
  ) {
    throw pendingError(txId, error);
  }
  return { txId, height: tx.height, index: tx.index, result: tx.result };
}

/** Code of the error `notarize` throws for a tx accepted but not committed within the wait. */
export const TX_PENDING = 'CONSOLE_TX_PENDING';
/** Code of the error for a tx the node no longer knows (neither pending nor committed). */
export const TX_DROPPED = 'CONSOLE_TX_DROPPED';

function pendingError(txId: string, cause: unknown): XinlianError {
  return new XinlianError(
    TX_PENDING,
    'accepted by the node, not committed within the wait',
    { txId },
    { cause },
  );
}

/** The backends in use: the browser SDK in the crypto worker for hashing, verification and signing. */
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
    signer: typeof Worker === 'undefined' ? undefined : new WorkerSigner(worker, api),
  };
}
