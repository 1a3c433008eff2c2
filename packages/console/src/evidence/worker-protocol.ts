import type { Genesis, VerificationReport } from '@xinlian/schemas';

/** Messages to the crypto worker (worker.ts). */
export type WorkerRequest =
  | { readonly id: number; readonly kind: 'hash'; readonly file: Blob; readonly algorithm: 'sm3' | 'sha256' }
  | {
      readonly id: number;
      readonly kind: 'verify';
      readonly receipt: unknown;
      readonly genesis: Genesis;
      readonly digest?: string;
    }
  | { readonly id: number; readonly kind: 'cancel' }
  /** Decrypt an xinlian-key/1 key file (scrypt, ~0.3 s) and keep the key in the worker. */
  | { readonly id: number; readonly kind: 'unlock'; readonly keyFile: string; readonly passphrase: string }
  /** Make a new random key of the suite and keep it in the worker. */
  | { readonly id: number; readonly kind: 'newKey'; readonly suite: 'gm' | 'intl' }
  /** The worker's key as an encrypted xinlian-key/1 file (to save a new key). */
  | { readonly id: number; readonly kind: 'exportKey'; readonly passphrase: string }
  | { readonly id: number; readonly kind: 'forgetKey' }
  /** Sign one evidence tx with the worker's key: a `submit` of one digest, or an `anchorBatch` of many. */
  | {
      readonly id: number;
      readonly kind: 'sign';
      readonly chainId: string;
      readonly expiryHeight: number;
      readonly algorithm: 'sm3' | 'sha256';
      readonly files: readonly SignFile[];
      readonly batch: boolean;
    };

/** A file to notarize: its digest (hex) and metadata. */
export interface SignFile {
  readonly digest: string;
  readonly fileName?: string;
  readonly size?: number;
  readonly mediaType?: string;
}

/** The key held by the worker (its public parts). */
export interface KeyInfo {
  readonly address: string;
  readonly suite: 'gm' | 'intl';
  readonly publicKey: string;
}

/** Messages from the crypto worker. */
export type WorkerResponse =
  | { readonly id: number; readonly kind: 'progress'; readonly done: number; readonly total: number }
  | { readonly id: number; readonly kind: 'hashed'; readonly value: string }
  | { readonly id: number; readonly kind: 'verified'; readonly report: VerificationReport }
  | { readonly id: number; readonly kind: 'key'; readonly key: KeyInfo | null }
  | { readonly id: number; readonly kind: 'keyFile'; readonly text: string }
  | {
      readonly id: number;
      readonly kind: 'signed';
      readonly txId: string;
      /** The signed tx, base64. */
      readonly tx: string;
      /** Batch only: the leaves (raw digests concatenated), base64. */
      readonly leaves?: string;
      readonly root?: string;
    }
  | { readonly id: number; readonly kind: 'error'; readonly code: string; readonly message: string };
