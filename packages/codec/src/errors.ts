/**
 * Every error code this package throws, with its meaning. Codes are stable public API (the node
 * maps the `CODEC_` and `MERKLE_` prefixes to HTTP 400).
 */
import { XinlianError } from '@xinlian/utils';

export const CODEC_ERROR_CODES = Object.freeze({
  CODEC_MALFORMED:
    'the bytes are not a valid encoding (truncated, wrong wire type, invalid UTF-8, integer above 2^53-1, ' +
    'unknown enum value, missing embedded message), or a value to encode is out of range',
  CODEC_NON_CANONICAL:
    'the input decodes but is not the one canonical encoding (protobuf: unknown or repeated fields, field ' +
    'order, explicit defaults, non-minimal varints; JSON: whitespace, key order, duplicate keys, escapes)',
  CODEC_BAD_JSON:
    'not JSON in the canonical subset (invalid UTF-8 or syntax, a float, -0, an unsafe integer, undefined, ' +
    'a lone surrogate, a non-plain object, nesting deeper than MAX_JSON_DEPTH)',
} as const);
export type CodecErrorCode = keyof typeof CODEC_ERROR_CODES;

export const MERKLE_ERROR_CODES = Object.freeze({
  MERKLE_BAD_PROOF:
    'the proof does not fit the index and tree size (wrong number of elements, index >= size)',
  MERKLE_BAD_INDEX: 'a leaf index or tree size is out of range for the tree',
  MERKLE_BAD_HASH: 'the injected hash function returned digests of different lengths',
} as const);
export type MerkleErrorCode = keyof typeof MERKLE_ERROR_CODES;

/** Creates a codec error (details name the message type and, where known, the field). */
export function codecError(
  code: CodecErrorCode,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
  cause?: unknown,
): XinlianError {
  return new XinlianError(code, message, details, cause === undefined ? undefined : { cause });
}

export function merkleError(
  code: MerkleErrorCode,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
): XinlianError {
  return new XinlianError(code, message, details);
}
