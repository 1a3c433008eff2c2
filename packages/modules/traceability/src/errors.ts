import { XinlianError } from '@xinlian/utils';

/** Error codes of the traceability module and the EPCIS validator, with their meaning. */
export const TRACE_ERROR_CODES = Object.freeze({
  TRACE_BAD_ARGS: 'args or query parameters are invalid (details.field names the offending field)',
  TRACE_INVALID_EPCIS:
    'the EPCIS document or event is invalid (details.field is the JSON pointer of the first error; details.errors lists all)',
  TRACE_DUPLICATE_EVENT: 'an event with the same CBV 2.0 event hash is already recorded',
  TRACE_NO_ORGANIZATION:
    'the signer is not a member of any organization, so the event cannot name who captured it',
  TRACE_RANGE_TAKEN: 'the identifier range overlaps one another organization registered',
  TRACE_NOT_RANGE_OWNER: "only the range's owner organization may change it or its partners",
  TRACE_NOT_AUTHORIZED:
    "the event commissions an identifier in another organization's range, and the capturing organization is not its partner",
  TRACE_NOT_FOUND: 'no such event, range or named query',
  TRACE_QUERY_EXISTS: 'a named query with this name already exists',
  TRACE_QUERY_TOO_LARGE:
    'the query would consider too many events (orderBy=eventTime reads at most 10,000); narrow it',
} as const);
export type TraceErrorCode = keyof typeof TRACE_ERROR_CODES;

export function traceError(code: TraceErrorCode, message: string, details: Record<string, unknown> = {}) {
  return new XinlianError(code, message, details);
}

/** TRACE_BAD_ARGS naming the offending field. */
export function badArgs(field: string, message: string): XinlianError {
  return new XinlianError('TRACE_BAD_ARGS', `${field}: ${message}`, { field });
}
