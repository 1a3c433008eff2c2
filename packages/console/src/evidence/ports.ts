import type { VerificationReport } from '@xinlian/schemas';
import type { DigestAlgorithm } from '../api/client.js';

/**
 * The seams between the evidence pages and the browser crypto. evidence/backends.ts implements them
 * with the browser SDK in a Web Worker (`hashBlob`: SM3/SHA-256 in chunks; offline `verifyReceipt`);
 * pages and tests see only these interfaces. Signing uses a key held by
 * the crypto worker (EvidenceSigner).
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

/** The public parts of the signing key the browser holds. */
export interface SignerKey {
  readonly address: string;
  readonly suite: 'gm' | 'intl';
  readonly publicKey: string;
}

/** A file to notarize: its digest (lower-case hex) and what the record says about it. */
export interface NotarizeFile extends EvidenceMeta {
  readonly digest: string;
}

/** What the node committed. */
export interface Notarized {
  readonly txId: string;
  readonly height: number;
  readonly recordId: string;
}

/**
 * Holds an account key in the browser (in the crypto worker's memory only) and notarizes with it:
 * signs an evidence tx (`submit` for one file, `anchorBatch` for many) and submits it, waiting
 * for the commit. Node refusals come back as XinlianErrors with the node's RFC 7807 code.
 */
export interface EvidenceSigner {
  /** Decrypts an xinlian-key/1 key file; CRYPTO_BAD_PASSPHRASE for a wrong passphrase. */
  unlock(keyFile: string, passphrase: string): Promise<SignerKey>;
  /** A new random key of the chain's suite (kept in memory only). */
  create(suite: 'gm' | 'intl'): Promise<SignerKey>;
  /** The key as an encrypted xinlian-key/1 file, to save it. */
  exportKey(passphrase: string): Promise<string>;
  forget(): Promise<void>;
  notarize(
    files: readonly NotarizeFile[],
    algorithm: DigestAlgorithm,
    opts: { readonly batch: boolean },
  ): Promise<Notarized>;
}

/** The evidence backends in use. */
export interface EvidenceBackends {
  readonly hasher: FileHasher;
  readonly verifier: ReceiptVerifier;
  /** Undefined where the browser cannot run the crypto worker. */
  readonly signer: EvidenceSigner | undefined;
}
