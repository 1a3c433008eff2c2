import { type Static, Type } from '@sinclair/typebox';
import {
  AccountParams,
  AccountTxsQuery,
  AccountTxsResponse,
  BlockParams,
  BlocksQuery,
  BlocksResponse,
  BlockView,
  EvidenceDigestParams,
  EvidenceListQuery,
  EvidenceListResponse,
  EvidenceLookupResponse,
  EvidenceRecord,
  EvidenceRecordParams,
  Genesis,
  GovAuditQuery,
  GovMembersQuery,
  GovProposalParams,
  GovProposalsQuery,
  HealthResponse,
  Problem,
  QueryParams,
  Receipt,
  SearchQuery,
  SearchResponse,
  StateHistoryResponse,
  StateParams,
  StateQuery,
  StateValueResponse,
  StatusResponse,
  SubmitBatchRequest,
  SubmitTxRequest,
  SubmitTxsRequest,
  SubmitTxsResponse,
  TxAccepted,
  TxCommitted,
  TxIdParams,
  TxResponse,
  VerificationReport,
  VerifyRequest,
  WaitQuery,
} from '@xinlian/schemas';
import { fromBase64, fromHex, XinlianError } from '@xinlian/utils';
import { problemOf } from './errors.js';
import { type ResponseSpec, type RouteSpec, route } from './route.js';
import { searchChain } from './search.js';
import type { EventStream } from './sse.js';

/** What a submit endpoint asks of the node. */
export interface SubmitRequest {
  readonly bytes: Uint8Array;
  readonly wait: boolean;
  /** Required module (the evidence endpoints accept only evidence txs). */
  readonly module?: string;
  /** Batch leaves (POST /v1/evidence/batch): the tx must be evidence.anchorBatch over exactly these. */
  readonly leaves?: readonly Uint8Array[];
}

/** The node as the HTTP layer sees it. Every method throws XinlianError on failure. */
export interface NodeApi {
  status(): Static<typeof StatusResponse>;
  genesis(): Genesis;
  submit(req: SubmitRequest): Promise<Static<typeof TxAccepted> | Static<typeof TxCommitted>>;
  /** Admits each tx independently: its txId, or the error /v1/txs would have answered. */
  submitTxs(txs: readonly Uint8Array[]): Promise<(Static<typeof TxAccepted> | XinlianError)[]>;
  tx(txId: string): Static<typeof TxResponse>;
  /** Committed txs signed by an account, newest first (the store's sender index). */
  accountTxs(address: string, limit: number, cursor: string | undefined): Static<typeof AccountTxsResponse>;
  /** A block by 'latest', height or hex block ID (API_NOT_FOUND if absent). */
  block(ref: 'latest' | number | string): Static<typeof BlockView>;
  blocks(before: number | undefined, limit: number): Static<typeof BlockView>[];
  state(
    module: string,
    keyHex: string,
    history: boolean,
  ): Static<typeof StateValueResponse> | Static<typeof StateHistoryResponse>;
  evidenceByDigest(algorithm: string, digestHex: string): Static<typeof EvidenceLookupResponse>;
  evidenceRecord(id: string): Static<typeof EvidenceRecord>;
  evidenceList(q: Static<typeof EvidenceListQuery>): Static<typeof EvidenceListResponse>;
  evidenceReceipt(algorithm: string, digestHex: string): Receipt;
  verifyReceipt(receipt: unknown, digestHex: string | undefined): Static<typeof VerificationReport>;
  query(module: string, query: string, params: unknown): unknown;
  metrics(): Promise<{ contentType: string; text: string }>;
  readonly blockStream: EventStream;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const BATCH_BODY_LIMIT = 64 * 1024 * 1024;
export const TXS_BATCH_BODY_LIMIT = 16 * 1024 * 1024;

/** The 32-byte leaves of `leavesBase64` (views into one buffer); API_BAD_REQUEST if not a multiple of 32. */
function splitLeaves(base64: string): Uint8Array[] {
  const blob = fromBase64(base64);
  if (blob.length % 32 !== 0) {
    throw new XinlianError('API_BAD_REQUEST', `leavesBase64 is ${blob.length} bytes, not a multiple of 32`, {
      in: 'body',
      field: 'leavesBase64',
    });
  }
  const leaves = new Array<Uint8Array>(blob.length / 32);
  for (let i = 0; i < leaves.length; i++) leaves[i] = blob.subarray(i * 32, (i + 1) * 32);
  return leaves;
}

const problem = (description: string): ResponseSpec => ({ description, schema: Problem });
const json = (description: string, schema: ResponseSpec['schema']): ResponseSpec =>
  schema === undefined ? { description } : { description, schema };

const submitResponses: Record<number, ResponseSpec> = {
  200: json('committed (wait=commit)', TxCommitted),
  202: json('accepted into the mempool (wait=none)', TxAccepted),
  400: problem('invalid transaction (TX_*, module argument codes, API_BAD_REQUEST)'),
  409: problem('TX_DUPLICATE: already committed'),
  413: problem('TX_TOO_LARGE / API_PAYLOAD_TOO_LARGE'),
  503: problem('MEMPOOL_FULL / API_OVERLOADED: overloaded, retry after Retry-After seconds'),
  504: problem('API_TIMEOUT: not committed within 30 s (wait=commit)'),
};

const notFound = problem('API_NOT_FOUND');

async function submit(
  api: NodeApi,
  reply: { code(status: number): unknown },
  req: SubmitRequest,
): Promise<Static<typeof TxAccepted> | Static<typeof TxCommitted>> {
  const out = await api.submit(req);
  reply.code(req.wait ? 200 : 202);
  return out;
}

/** Every route of API v1 (spec/api-v1.md). */
export function apiRoutes(api: NodeApi): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/healthz',
      access: 'public',
      tag: 'node',
      summary: 'Liveness probe',
      responses: { 200: json('alive', HealthResponse) },
      handle: () => ({ ok: true }),
    }),
    route({
      method: 'GET',
      url: '/metrics',
      access: 'public',
      tag: 'node',
      summary: 'Prometheus metrics',
      responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } },
      handle: async ({ reply }) => {
        const m = await api.metrics();
        reply.header('content-type', m.contentType);
        return m.text;
      },
    }),
    route({
      method: 'GET',
      url: '/v1/status',
      access: 'public',
      tag: 'node',
      summary: 'Chain and node status',
      responses: { 200: json('status', StatusResponse) },
      handle: () => api.status(),
    }),
    route({
      method: 'GET',
      url: '/v1/genesis',
      access: 'public',
      tag: 'node',
      summary: 'The genesis document',
      responses: { 200: json('genesis', Genesis) },
      handle: () => api.genesis(),
    }),
    route({
      method: 'POST',
      url: '/v1/txs',
      access: 'submit',
      tag: 'txs',
      summary: 'Submit a signed transaction',
      query: WaitQuery,
      body: SubmitTxRequest,
      responses: submitResponses,
      handle: ({ query, body, reply }) =>
        submit(api, reply, { bytes: fromBase64(body.tx), wait: query.wait === 'commit' }),
    }),
    route({
      method: 'POST',
      url: '/v1/txs/batch',
      access: 'submit',
      tag: 'txs',
      summary: 'Submit many signed transactions, each admitted independently (results in order)',
      body: SubmitTxsRequest,
      bodyLimit: TXS_BATCH_BODY_LIMIT,
      responses: {
        200: json('one result per tx: its txId or the problem /v1/txs would answer', SubmitTxsResponse),
        400: problem('API_BAD_REQUEST'),
        413: problem('API_PAYLOAD_TOO_LARGE'),
        503: problem('MEMPOOL_FULL: not even one tx fits, retry after Retry-After seconds'),
      },
      handle: async ({ body }) => {
        const results = await api.submitTxs(body.txs.map((t) => fromBase64(t)));
        return { results: results.map((r) => (r instanceof XinlianError ? { error: problemOf(r) } : r)) };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/txs/:txId',
      tag: 'txs',
      summary: 'A pending or committed transaction',
      params: TxIdParams,
      responses: { 200: json('transaction', TxResponse), 404: notFound },
      handle: ({ params }) => api.tx(params.txId),
    }),
    route({
      method: 'GET',
      url: '/v1/accounts/:address/txs',
      tag: 'txs',
      summary: 'Committed transactions signed by an account, newest first (paged with nextCursor)',
      params: AccountParams,
      query: AccountTxsQuery,
      responses: {
        200: json("a page of the account's transactions", AccountTxsResponse),
        400: problem('API_BAD_REQUEST'),
      },
      handle: ({ params, query }) => api.accountTxs(params.address, query.limit ?? 20, query.cursor),
    }),
    route({
      method: 'GET',
      url: '/v1/blocks/latest',
      tag: 'blocks',
      summary: 'The latest block',
      responses: { 200: json('block', BlockView), 404: problem('API_NOT_FOUND: no block yet') },
      handle: () => api.block('latest'),
    }),
    route({
      method: 'GET',
      url: '/v1/blocks/:heightOrId',
      tag: 'blocks',
      summary: 'A block by height or ID',
      params: BlockParams,
      responses: { 200: json('block', BlockView), 404: notFound },
      handle: ({ params }) =>
        api.block(params.heightOrId.length === 64 ? params.heightOrId : Number(params.heightOrId)),
    }),
    route({
      method: 'GET',
      url: '/v1/blocks',
      tag: 'blocks',
      summary: 'Blocks, newest first',
      query: BlocksQuery,
      responses: { 200: json('blocks', BlocksResponse) },
      handle: ({ query }) => ({ blocks: api.blocks(query.before, query.limit ?? 20) }),
    }),
    route({
      method: 'GET',
      url: '/v1/search',
      tag: 'node',
      summary: 'Explorer search: the blocks, txs, accounts and evidence a height, hash or address names',
      query: SearchQuery,
      responses: { 200: json('every match (empty: none)', SearchResponse), 400: problem('API_BAD_REQUEST') },
      handle: ({ query }) => searchChain(api, api.status().suite, query.q),
    }),
    route({
      method: 'GET',
      url: '/v1/state/:module/:keyHex',
      tag: 'state',
      summary: "A module state key's value or history",
      params: StateParams,
      query: StateQuery,
      responses: {
        200: json('value or history', Type.Union([StateValueResponse, StateHistoryResponse])),
      },
      handle: ({ params, query }) => api.state(params.module, params.keyHex, query.history === '1'),
    }),
    route({
      method: 'GET',
      url: '/v1/stream/blocks',
      tag: 'blocks',
      summary: 'Server-Sent Events: event `block`, data BlockView',
      responses: { 200: { description: 'event stream of BlockView', contentType: 'text/event-stream' } },
      handle: ({ reply }) => {
        reply.hijack();
        api.blockStream.attach(reply.raw);
      },
    }),
    route({
      method: 'POST',
      url: '/v1/evidence',
      access: 'submit',
      tag: 'evidence',
      summary: 'Submit an evidence transaction',
      query: WaitQuery,
      body: SubmitTxRequest,
      responses: submitResponses,
      handle: ({ query, body, reply }) =>
        submit(api, reply, { bytes: fromBase64(body.tx), wait: query.wait === 'commit', module: 'evidence' }),
    }),
    route({
      method: 'POST',
      url: '/v1/evidence/batch',
      access: 'submit',
      tag: 'evidence',
      summary: 'Anchor a batch of digests (evidence.anchorBatch with its leaves)',
      query: WaitQuery,
      body: SubmitBatchRequest,
      bodyLimit: BATCH_BODY_LIMIT,
      responses: {
        ...submitResponses,
        400: problem('API_BAD_REQUEST, API_BATCH_MISMATCH, TX_*, EVIDENCE_BAD_ARGS'),
      },
      handle: ({ query, body, reply }) =>
        submit(api, reply, {
          bytes: fromBase64(body.tx),
          wait: query.wait === 'commit',
          module: 'evidence',
          leaves: 'leaves' in body ? body.leaves.map((l) => fromHex(l)) : splitLeaves(body.leavesBase64),
        }),
    }),
    route({
      method: 'POST',
      url: '/v1/evidence/verify',
      tag: 'evidence',
      summary: "Verify a receipt with the SDK's verifyReceipt against this node's genesis",
      body: VerifyRequest,
      responses: { 200: json('verification report', VerificationReport) },
      handle: ({ body }) => api.verifyReceipt(body.receipt, body.digest),
    }),
    route({
      method: 'GET',
      url: '/v1/evidence/records/:id',
      tag: 'evidence',
      summary: 'An evidence record by ID',
      params: EvidenceRecordParams,
      responses: { 200: json('record', EvidenceRecord), 404: notFound },
      handle: ({ params }) => api.evidenceRecord(params.id),
    }),
    route({
      method: 'GET',
      url: '/v1/evidence',
      tag: 'evidence',
      summary: 'List evidence records by submitter (if given) or else by time range, newest first',
      query: EvidenceListQuery,
      responses: { 200: json('records', EvidenceListResponse) },
      handle: ({ query }) => api.evidenceList(query),
    }),
    route({
      method: 'GET',
      url: '/v1/evidence/:algorithm/:digestHex',
      tag: 'evidence',
      summary: 'Look up a digest (direct record or batch membership)',
      params: EvidenceDigestParams,
      responses: { 200: json('lookup', EvidenceLookupResponse) },
      handle: ({ params }) => api.evidenceByDigest(params.algorithm, params.digestHex),
    }),
    route({
      method: 'GET',
      url: '/v1/evidence/:algorithm/:digestHex/receipt',
      tag: 'evidence',
      summary: 'Offline-verifiable receipt (xinlian-receipt/1) for a digest',
      params: EvidenceDigestParams,
      responses: { 200: json('receipt', Receipt), 404: notFound },
      handle: ({ params }) => api.evidenceReceipt(params.algorithm, params.digestHex),
    }),
    route({
      method: 'GET',
      url: '/v1/governance',
      tag: 'governance',
      summary: 'Membership mode, organizations, voting policy, filing (备案), upgrades, disabled modules',
      responses: { 200: { description: 'governance.status query result (spec/governance.md)' } },
      handle: () => api.query('governance', 'status', {}),
    }),
    route({
      method: 'GET',
      url: '/v1/governance/proposals',
      tag: 'governance',
      summary: 'Proposals, newest first (governance txs are submitted to /v1/txs)',
      query: GovProposalsQuery,
      responses: { 200: { description: 'ProposalRecord[] (spec/governance.md §5)' } },
      handle: ({ query }) => api.query('governance', 'proposals', query),
    }),
    route({
      method: 'GET',
      url: '/v1/governance/proposals/:id',
      tag: 'governance',
      summary: 'A proposal with its votes, tally and full history',
      params: GovProposalParams,
      responses: {
        200: { description: 'ProposalRecord with tally' },
        404: problem('GOV_UNKNOWN_PROPOSAL'),
      },
      handle: ({ params }) => api.query('governance', 'proposal', { id: params.id }),
    }),
    route({
      method: 'GET',
      url: '/v1/governance/members',
      tag: 'governance',
      summary: 'Members (certificate members and registered keys) with org and role',
      query: GovMembersQuery,
      responses: { 200: { description: 'MemberRecord[]' } },
      handle: ({ query }) => api.query('governance', 'members', query),
    }),
    route({
      method: 'GET',
      url: '/v1/governance/audit',
      tag: 'governance',
      summary: 'Audit report of administrative actions over [from, to] (ms): JSON, or CSV with format=csv',
      query: GovAuditQuery,
      responses: {
        200: {
          description: 'AuditEntry[] (JSON) or RFC 4180 CSV',
          contentType: 'application/json, text/csv',
        },
        400: problem('QUERY_BAD_PARAMS (e.g. to < from), API_BAD_REQUEST'),
      },
      handle: ({ query, reply }) => {
        const r = api.query('governance', 'audit', query) as { entries?: unknown[]; csv?: string };
        if (query.format !== 'csv') return r.entries;
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header('content-disposition', `attachment; filename="audit-${query.from}-${query.to}.csv"`);
        return r.csv;
      },
    }),
    route({
      method: 'POST',
      url: '/v1/query/:module/:query',
      tag: 'state',
      summary: 'Run a module query on committed state',
      params: QueryParams,
      body: Type.Unknown({ description: 'query parameters (JSON)' }),
      responses: { 200: { description: 'query result (JSON)' }, 404: problem('QUERY_UNKNOWN') },
      handle: ({ params, body }) => api.query(params.module, params.query, body ?? {}),
    }),
  ];
}
