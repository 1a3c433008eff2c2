import { STATUS_CODES } from 'node:http';
import { toHex, type XinlianError } from '@xinlian/utils';

/** Every error code the node itself produces, with its meaning (API docs list them from here). */
export const NODE_ERROR_CODES = Object.freeze({
  API_BAD_REQUEST: 'the request does not match its schema (details.in and details.field name the part)',
  API_BATCH_MISMATCH:
    'the batch leaves do not match the anchorBatch tx (count or Merkle root), or the tx is not one',
  API_WRONG_MODULE: 'the endpoint accepts transactions of another module only',
  API_UNAUTHENTICATED:
    'this node serves reads to signed member requests only (api.readAccess "members"): missing, malformed, stale, replayed or bad signature',
  API_FORBIDDEN:
    'the reader is a member but its role may not read this (supervisory data: regulator and auditor)',
  API_NOT_FOUND: 'no such route, transaction, block, record or digest',
  API_PAYLOAD_TOO_LARGE: 'the request body exceeds the limit (1 MiB; 64 MiB for batches)',
  API_UNSUPPORTED_MEDIA_TYPE: 'the request body is not application/json',
  API_TIMEOUT: 'wait=commit gave up after 30 s; the tx may still commit',
  API_OVERLOADED: 'too many wait=commit requests are pending; retry after Retry-After seconds',
  MEMPOOL_FULL: 'the mempool is at its count or byte limit; retry after Retry-After seconds',
  NODE_STOPPING: 'the node is shutting down',
  NODE_BAD_OPTIONS: 'invalid options to initHome/startNode or the process entry',
  NODE_BAD_CONFIG: 'config.json (or the key file it names) is missing or invalid (details.field)',
  NODE_BAD_GENESIS: 'genesis.json is missing or invalid (details.field)',
  NODE_HOME_EXISTS: 'initHome found an existing node home (use force)',
  NODE_NOT_VALIDATOR: 'the key file does not hold a genesis validator key',
  NODE_SOLO_VALIDATOR_SET:
    'a single-validator (solo) chain refuses a setValidators proposal at admission: it runs its genesis validator only (use a BFT network)',
  NODE_GENESIS_MISMATCH: 'the data directory was created for another genesis',
  NODE_LISTEN_FAILED: 'the API address cannot be bound (e.g. the port is taken)',
  NODE_WORKER_FAILED: 'a worker thread of the node failed (e.g. the batch tree worker); retry',
  NODE_UPGRADE_REQUIRED:
    'the node halted for a scheduled upgrade its software does not support (details.upgrade, height)',
} as const);

/**
 * The ONE table mapping XinlianError codes to HTTP statuses. Explicit entries win over prefix
 * rules; anything else is a 500. Clients match on `code`, never on the status.
 */
export const ERROR_STATUS: Readonly<Record<string, number>> = Object.freeze({
  API_BAD_REQUEST: 400,
  API_BATCH_MISMATCH: 400,
  API_NOT_FOUND: 404,
  API_UNAUTHENTICATED: 401,
  API_FORBIDDEN: 403,
  API_PAYLOAD_TOO_LARGE: 413,
  API_UNSUPPORTED_MEDIA_TYPE: 415,
  API_TIMEOUT: 504,
  API_OVERLOADED: 503,
  MEMPOOL_FULL: 503,
  NODE_STOPPING: 503,
  NODE_WORKER_FAILED: 503,
  NODE_UPGRADE_REQUIRED: 503,
  NODE_SOLO_VALIDATOR_SET: 422,
  CRYPTO_POOL_CLOSED: 503,
  TX_TOO_LARGE: 413,
  TX_DUPLICATE: 409,
  EVIDENCE_NOT_FOUND: 404,
  EVIDENCE_NOT_OWNER: 403,
  EVIDENCE_KIND_MISMATCH: 409,
  QUERY_UNKNOWN: 404,
  QUERY_BAD_PARAMS: 400,
  GOV_BAD_ARGS: 400,
  GOV_BAD_CERTIFICATE: 400,
  GOV_BAD_HEIGHT: 400,
  GOV_UNKNOWN_ORG: 404,
  GOV_UNKNOWN_MEMBER: 404,
  GOV_UNKNOWN_PROPOSAL: 404,
  GOV_NOT_ORG_ADMIN: 403,
  GOV_PROTECTED: 403,
  SUPERVISION_FROZEN: 403,
  TRACE_INVALID_EPCIS: 400,
  TRACE_DUPLICATE_EVENT: 409,
  TRACE_NO_ORGANIZATION: 403,
  TRACE_RANGE_TAKEN: 409,
  TRACE_NOT_RANGE_OWNER: 403,
  TRACE_NOT_AUTHORIZED: 403,
  TRACE_NOT_FOUND: 404,
  TRACE_QUERY_EXISTS: 409,
  TRACE_QUERY_TOO_LARGE: 413,
});

/** Prefix rules for whole namespaces, checked in order after the explicit entries. */
export const ERROR_STATUS_PREFIXES: readonly (readonly [prefix: string, status: number])[] = Object.freeze([
  ['API_', 400],
  ['TX_', 400],
  ['EXEC_', 400],
  ['EVIDENCE_', 400],
  ['TRACE_', 400],
  ['QUERY_', 400],
  ['PERM_', 403],
  ['GOV_', 409],
  ['SUPERVISION_', 409],
  ['CODEC_', 400],
  ['BYTES_', 400],
  ['MERKLE_', 400],
  ['CRYPTO_', 400],
  ['MEMPOOL_', 503],
  ['STORE_', 500],
  ['CONSENSUS_', 500],
  ['NODE_', 500],
  ['SDK_', 500],
] as const);

/** How a code got its status: an explicit entry, a namespace prefix, or the 500 fallback. */
export type StatusSource = 'exact' | 'prefix' | 'default';

/** HTTP status of an error code, and which rule decided it. */
export function statusOf(code: string): { status: number; source: StatusSource } {
  const exact = ERROR_STATUS[code];
  if (exact !== undefined) return { status: exact, source: 'exact' };
  for (const [prefix, status] of ERROR_STATUS_PREFIXES) {
    if (code.startsWith(prefix)) return { status, source: 'prefix' };
  }
  return { status: 500, source: 'default' };
}

/** Seconds clients should wait before retrying a 429/503 (details.retryAfterSeconds, default 1). */
export function retryAfterOf(err: XinlianError): number {
  const v = err.details.retryAfterSeconds;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 1;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  details: Record<string, unknown>;
}

/** RFC 7807 body for an error. 5xx errors other than overload hide their message and details. */
export function problemOf(err: XinlianError): ProblemBody {
  const { status } = statusOf(err.code);
  const internal = status === 500;
  return {
    type: `urn:xinlian:error:${err.code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: internal ? 'internal error' : err.message,
    code: err.code,
    details: internal ? {} : jsonSafe(err.details),
  };
}

/** Copies details into plain JSON: bytes become hex, bigints strings, other objects recurse. */
function jsonSafe(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(details, (_k, v: unknown) => {
      if (v instanceof Uint8Array) return toHex(v);
      if (typeof v === 'bigint') return v.toString();
      return v;
    }) ?? '{}',
  ) as Record<string, unknown>;
}
