import type { VerificationReport } from '@xinlian/schemas';
import type { DigestAlgorithm } from '../api/client.js';

/**
 * The seams between the evidence pages and the browser crypto. evidence/backends.ts implements them
 * with the browser SDK in a Web Worker (`hashBlob`: SM3/SHA-256 in chunks; offline `verifyReceipt`);
 * pages and tests see only these interfaces. Submitting (signing) is not wired yet: it needs a key
 * held by the browser.
 */

export interface HashProgress {
  /** Bytes processed so far. */
  readonly done: number;
  readonly total: number;
}

/** Hashes a file in the browser; the file never leaves it. */
export interface FileHasher {
  /** Whether this hasher computes `algorithm` (the chain suite's: SM3 on gm, SHA-256 on intl). */
  supports(algorithm: DigestAlgorithm): boolean;
  /** Lower-case hex digest of the whole file. */
  hash(
    file: Blob,
    algorithm: DigestAlgorithm,
    opts?: { readonly onProgress?: (p: HashProgress) => void; readonly signal?: AbortSignal },
  ): Promise<string>;
}

/** Runs the receipt verification steps (docs/receipts.md) and reports each one. */
export interface ReceiptVerifier {
  /** True when verification runs in the browser against a trusted genesis (no trust in the node). */
  readonly offline: boolean;
  verify(receipt: unknown, opts?: { readonly digest?: string }): Promise<VerificationReport>;
}

/** What a new evidence record needs besides the digest. */
export interface EvidenceMeta {
  readonly fileName?: string;
  readonly size?: number;
  readonly mediaType?: string;
}

/** Signs and submits an evidence.submit transaction and waits for its commit. */
export interface EvidenceSubmitter {
  submit(
    digest: { readonly algorithm: DigestAlgorithm; readonly value: string },
    meta: EvidenceMeta,
  ): Promise<{ readonly txId: string; readonly height: number; readonly recordId: string }>;
}

/** The evidence backends in use. */
export interface EvidenceBackends {
  readonly hasher: FileHasher;
  readonly verifier: ReceiptVerifier;
  /** Undefined until the browser SDK can sign transactions. */
  readonly submitter: EvidenceSubmitter | undefined;
}
