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
  | { readonly id: number; readonly kind: 'cancel' };

/** Messages from the crypto worker. */
export type WorkerResponse =
  | { readonly id: number; readonly kind: 'progress'; readonly done: number; readonly total: number }
  | { readonly id: number; readonly kind: 'hashed'; readonly value: string }
  | { readonly id: number; readonly kind: 'verified'; readonly report: VerificationReport }
  | { readonly id: number; readonly kind: 'error'; readonly code: string; readonly message: string };
