import type { VerificationReport } from '@xinlian/schemas';
import { XinlianError } from '@xinlian/utils';
import type { ConsoleApi, DigestAlgorithm } from '../api/client.js';
import type { EvidenceBackends, FileHasher, HashProgress, ReceiptVerifier } from './ports.js';

const hex = (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * TEMPORARY stand-in until the browser SDK's `hashBlob`: SHA-256 only (intl-suite chains), with
 * WebCrypto over the whole file (read in chunks for progress, then one digest call: memory grows
 * with the file). No SM3: the SDK brings it. WebCrypto exists only in secure contexts (https or
 * localhost); elsewhere `supports` is false.
 */
export class WebCryptoSha256Hasher implements FileHasher {
  readonly note = 'webcrypto-sha256';

  supports(algorithm: DigestAlgorithm): boolean {
    return algorithm === 'sha256' && globalThis.crypto?.subtle !== undefined;
  }

  async hash(
    file: Blob,
    algorithm: DigestAlgorithm,
    opts: { readonly onProgress?: (p: HashProgress) => void; readonly signal?: AbortSignal } = {},
  ): Promise<string> {
    if (!this.supports(algorithm)) {
      throw new XinlianError('CONSOLE_HASH_UNSUPPORTED', `cannot compute ${algorithm} in this browser yet`, {
        algorithm,
      });
    }
    const total = file.size;
    const buf = new Uint8Array(total);
    const reader = file.stream().getReader();
    let done = 0;
    opts.onProgress?.({ done, total });
    for (;;) {
      opts.signal?.throwIfAborted();
      const r = await reader.read();
      if (r.done) break;
      buf.set(r.value, done);
      done += r.value.length;
      opts.onProgress?.({ done, total });
    }
    return hex(await crypto.subtle.digest('SHA-256', buf));
  }
}

/**
 * TEMPORARY stand-in until the browser SDK's offline `verifyReceipt`: asks the node to run the
 * SDK's verifyReceipt against its genesis (POST /v1/evidence/verify). Same steps, but it trusts
 * the node that answers.
 */
export class NodeReceiptVerifier implements ReceiptVerifier {
  readonly offline = false;
  readonly #api: ConsoleApi;
  constructor(api: ConsoleApi) {
    this.#api = api;
  }
  verify(receipt: unknown, opts: { readonly digest?: string } = {}): Promise<VerificationReport> {
    return this.#api.verifyOnNode(receipt, opts.digest);
  }
}

/** The backends wired today (see ports.ts for what the browser SDK will replace). */
export function defaultBackends(api: ConsoleApi): EvidenceBackends {
  return {
    hasher: new WebCryptoSha256Hasher(),
    verifier: new NodeReceiptVerifier(api),
    submitter: undefined,
  };
}
