import { type ErrorDetails, XinlianError } from '@xinlian/utils';

/** Stable error codes thrown by @xinlian/crypto. */
export type CryptoErrorCode =
  | 'CRYPTO_INVALID_KEY'
  | 'CRYPTO_INVALID_ARGUMENT'
  | 'CRYPTO_BAD_SIGNATURE_ENCODING'
  | 'CRYPTO_DECRYPT_FAILED'
  | 'CRYPTO_BAD_PASSPHRASE'
  | 'CRYPTO_BAD_KEY_FILE'
  | 'CRYPTO_UNKNOWN_SUITE'
  | 'CRYPTO_WRONG_SUITE'
  | 'CRYPTO_POOL_CLOSED'
  | 'CRYPTO_WORKER_FAILED';

/** Builds a XinlianError with a crypto error code. */
export function cryptoError(
  code: CryptoErrorCode,
  message: string,
  details: ErrorDetails = {},
  cause?: unknown,
): XinlianError<CryptoErrorCode> {
  return new XinlianError(code, message, details, cause === undefined ? undefined : { cause });
}

/** CRYPTO_UNKNOWN_SUITE for an id that names no suite. */
export function unknownSuite(id: unknown) {
  return cryptoError('CRYPTO_UNKNOWN_SUITE', `unknown crypto suite ${JSON.stringify(id)}`, {
    suite: String(id),
  });
}
