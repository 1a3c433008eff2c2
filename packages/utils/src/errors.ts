/**
 * The one error base class of Xinlian.
 *
 * Every error thrown by library code is a `XinlianError` with a stable, namespaced string
 * `code` (e.g. `TX_BAD_SIGNATURE`) and typed `details`. Codes are part of the public API:
 * clients match on them, the HTTP layer maps them to statuses in one table, and they never
 * change meaning once released. Messages are for people and may change.
 */
export type ErrorDetails = Readonly<Record<string, unknown>>;

export class XinlianError<C extends string = string, D extends ErrorDetails = ErrorDetails> extends Error {
  readonly code: C;
  readonly details: D;

  constructor(code: C, message: string, details?: D, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'XinlianError';
    this.code = code;
    this.details = (details ?? {}) as D;
  }

  /** A plain JSON form (used by logs, the CLI's --json output and the HTTP problem body). */
  toJSON(): { code: C; message: string; details: D } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isXinlianError(e: unknown): e is XinlianError {
  return e instanceof XinlianError;
}

/** Wraps any thrown value into a XinlianError with the given fallback code (keeps XinlianErrors as they are). */
export function toXinlianError(e: unknown, fallbackCode = 'INTERNAL'): XinlianError {
  if (e instanceof XinlianError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new XinlianError(fallbackCode, message, {}, { cause: e });
}
