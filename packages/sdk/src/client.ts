import type { Static } from '@sinclair/typebox';
import type { JsonValue } from '@xinlian/codec';
import type {
  AccountTxsQuery,
  AccountTxsResponse,
  BlocksResponse,
  BlockView,
  EvidenceListQuery,
  EvidenceListResponse,
  EvidenceLookupResponse,
  EvidenceRecord,
  Genesis,
  Receipt,
  SearchResponse,
  StateHistoryResponse,
  StateValueResponse,
  StatusResponse,
  SubmitTxsResponse,
  TxAccepted,
  TxCommitted,
  TxResponse,
  VerificationReport,
} from '@xinlian/schemas';
import { toBase64, toHex, XinlianError } from '@xinlian/utils';
import type { DigestAlgorithm } from './evidence.js';

export type {
  AccountTxsQuery,
  AccountTxsResponse,
  BlockView,
  SearchResponse,
  StatusResponse,
  TxAccepted,
  TxCommitted,
  TxResponse,
};
export type EvidenceRecordView = Static<typeof EvidenceRecord>;
export type EvidenceLookup = Static<typeof EvidenceLookupResponse>;
export type EvidenceList = Static<typeof EvidenceListResponse>;

/** A signed tx to submit: its encoded bytes, or the result of buildTx. */
export type TxInput = Uint8Array | { readonly bytes: Uint8Array };
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Base URL of the node API, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  /** fetch implementation (default: globalThis.fetch). */
  readonly fetch?: FetchFn;
  /** Abort requests after this many ms (SDK_TIMEOUT); default: no limit. */
  readonly timeoutMs?: number;
  /**
   * Extra headers of each request, from its method and path with query (e.g. `readAuthorizer()`
   * of the SDK: signed reads for nodes with `api.readAccess: "members"`).
   */
  readonly authorize?: (method: string, pathAndQuery: string) => Record<string, string>;
}

export interface WaitNone {
  readonly wait?: 'none';
}
export interface WaitCommit {
  readonly wait: 'commit';
}

/** A running SSE subscription. `done` settles when the stream ends: resolves on close(), rejects on failure. */
export interface BlockStream {
  close(): void;
  readonly done: Promise<void>;
}

/**
 * Typed client of the node HTTP API v1 (spec/api-v1.md). Errors: an RFC 7807 answer becomes a
 * XinlianError with the server's `code`, and `details` = the server's details plus `httpStatus`
 * (and `retryAfterSeconds` when sent); no answer → SDK_UNREACHABLE; a non-problem error answer
 * → SDK_HTTP_ERROR; an unparsable answer → SDK_BAD_RESPONSE; timeout → SDK_TIMEOUT.
 */
export class XinlianClient {
  readonly url: string;
  readonly evidence: EvidenceApi;
  /** Governance and supervision reads (actions are governance txs sent with submitTx). */
  readonly governance: GovernanceApi;
  /** The EPCIS 2.0 REST binding under /epcis (product traceability, docs/traceability.md). */
  readonly traceability: TraceabilityApi;
  private readonly fetchFn: FetchFn;
  private readonly timeoutMs: number | undefined;
  private readonly authorize: ClientOptions['authorize'];

  constructor(opts: ClientOptions) {
    this.authorize = opts.authorize;
    this.url = opts.url.replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = opts.timeoutMs;
    this.evidence = new EvidenceApi(this);
    this.governance = new GovernanceApi(this);
    this.traceability = new TraceabilityApi(this);
  }

  /** GET /healthz */
  health(): Promise<{ ok: true }> {
    return this.request('GET', '/healthz');
  }

  /** GET /v1/status */
  status(): Promise<StatusResponse> {
    return this.request('GET', '/v1/status');
  }

  /** GET /v1/genesis */
  genesis(): Promise<Genesis> {
    return this.request('GET', '/v1/genesis');
  }

  /** POST /v1/txs: submit a signed tx; `wait: 'commit'` answers once it is in a durable block. */
  submitTx(tx: TxInput, opts: WaitCommit): Promise<TxCommitted>;
  submitTx(tx: TxInput, opts?: WaitNone): Promise<TxAccepted>;
  submitTx(tx: TxInput, opts?: WaitNone | WaitCommit): Promise<TxAccepted | TxCommitted> {
    return this.request('POST', '/v1/txs', { wait: opts?.wait ?? 'none' }, { tx: txBase64(tx) });
  }

  /**
   * POST /v1/txs/batch: submit many signed txs in one request (at most 10,000), each admitted
   * independently. Resolves with one result per tx, in order: `{ txId }` or `{ error }` (the
   * XinlianError /v1/txs would have thrown for it). Throws only for the request as a whole
   * (e.g. MEMPOOL_FULL when not even one tx fits).
   */
  async submitTxs(txs: readonly TxInput[]): Promise<({ txId: string } | { error: XinlianError })[]> {
    const res: SubmitTxsResponse = await this.request('POST', '/v1/txs/batch', undefined, {
      txs: txs.map(txBase64),
    });
    return res.results.map((r) =>
      'error' in r
        ? {
            error: new XinlianError(r.error.code, r.error.detail, {
              ...r.error.details,
              httpStatus: r.error.status,
            }),
          }
        : r,
    );
  }

  /** GET /v1/txs/:txId */
  getTx(txId: string): Promise<TxResponse> {
    return this.request('GET', `/v1/txs/${seg(txId)}`);
  }

  /**
   * GET /v1/accounts/:address/txs — committed txs signed by an account, newest first; pass the
   * answer's `nextCursor` as `cursor` for the next page.
   */
  accountTxs(address: string, query: AccountTxsQuery = {}): Promise<AccountTxsResponse> {
    return this.request('GET', `/v1/accounts/${seg(address.toLowerCase())}/txs`, query);
  }

  /** GET /v1/blocks/:heightOrId (default: latest). */
  getBlock(heightOrId: number | string = 'latest'): Promise<BlockView> {
    return this.request('GET', `/v1/blocks/${seg(String(heightOrId))}`);
  }

  /** GET /v1/blocks: newest first. */
  async blocks(opts: { readonly before?: number; readonly limit?: number } = {}): Promise<BlockView[]> {
    const res: Static<typeof BlocksResponse> = await this.request('GET', '/v1/blocks', opts);
    return res.blocks;
  }

  /** GET /v1/search?q= — what a height, block or tx hash, evidence digest or address names (never 404). */
  search(q: string): Promise<SearchResponse> {
    return this.request('GET', '/v1/search', { q });
  }

  /** GET /v1/state/:module/:keyHex — latest value (base64) or null. */
  state(module: string, key: Uint8Array): Promise<Static<typeof StateValueResponse>> {
    return this.request('GET', `/v1/state/${seg(module)}/${toHex(key)}`);
  }

  /** GET /v1/state/:module/:keyHex?history=1 — every version of the key. */
  stateHistory(module: string, key: Uint8Array): Promise<Static<typeof StateHistoryResponse>> {
    return this.request('GET', `/v1/state/${seg(module)}/${toHex(key)}`, { history: '1' });
  }

  /** POST /v1/query/:module/:query — runs a module query on committed state. */
  query<R = unknown>(module: string, name: string, params: JsonValue = {}): Promise<R> {
    return this.request('POST', `/v1/query/${seg(module)}/${seg(name)}`, undefined, params);
  }

  /**
   * Subscribes to GET /v1/stream/blocks (SSE over fetch streaming): calls onBlock for each committed
   * block, in order. An exception in onBlock ends the stream (and rejects `done` with it).
   */
  streamBlocks(onBlock: (block: BlockView) => void): BlockStream {
    const abort = new AbortController();
    let closed = false;
    let handlerError: { readonly error: unknown } | undefined;
    const run = async (): Promise<void> => {
      const res = await this.send('GET', '/v1/stream/blocks', undefined, undefined, abort.signal, false);
      if (res.body === null) throw new XinlianError('SDK_BAD_RESPONSE', 'the block stream has no body', {});
      try {
        await readSse(res.body, (event, data) => {
          if (event !== 'block') return;
          try {
            onBlock(parseJson(data) as BlockView);
          } catch (error) {
            handlerError = { error };
            throw error;
          }
        });
      } catch (e) {
        throw handlerError === undefined ? unreachable(this.url, e) : handlerError.error;
      }
    };
    const done = run().catch((e: unknown) => {
      if (!closed || handlerError !== undefined) throw e;
    });
    done.catch(() => {});
    return {
      close: () => {
        closed = true;
        abort.abort();
      },
      done,
    };
  }

  /** Sends a request and parses the JSON answer (throws mapped XinlianErrors). */
  async request<T>(
    method: 'GET' | 'POST',
    path: string,
    query?: Readonly<Record<string, string | number | undefined>>,
    body?: unknown,
    headers?: Readonly<Record<string, string>>,
  ): Promise<T> {
    const res = await this.send(method, path, query, body, undefined, true, headers);
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      throw unreachable(this.url, e);
    }
    return parseJson(text) as T;
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    query: Readonly<Record<string, string | number | undefined>> | undefined,
    body: unknown,
    signal: AbortSignal | undefined,
    timed: boolean,
    headers?: Readonly<Record<string, string>>,
  ): Promise<Response> {
    const pathAndQuery = path + queryString(query);
    const url = this.url + pathAndQuery;
    const init: RequestInit = {
      method,
      headers: {
        accept: 'application/json, application/ld+json, application/problem+json',
        ...(this.authorize === undefined
          ? {}
          : this.authorize(method, new URL(url).pathname + new URL(url).search)),
        ...headers,
      },
    };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { ...init.headers, 'content-type': 'application/json' };
    }
    const signals = [
      signal,
      timed && this.timeoutMs !== undefined ? AbortSignal.timeout(this.timeoutMs) : undefined,
    ];
    const active = signals.filter((s): s is AbortSignal => s !== undefined);
    if (active.length > 0) init.signal = AbortSignal.any(active);
    let res: Response;
    try {
      res = await this.fetchFn(url, init);
    } catch (e) {
      if (e instanceof Error && e.name === 'TimeoutError') {
        throw new XinlianError('SDK_TIMEOUT', `no answer from ${url} within ${this.timeoutMs} ms`, { url });
      }
      throw unreachable(url, e);
    }
    if (!res.ok) throw await problemError(res);
    return res;
  }
}

/** The /v1/evidence endpoints. */
export class EvidenceApi {
  constructor(private readonly client: XinlianClient) {}

  /** POST /v1/evidence: submit an evidence-module tx. */
  submit(tx: TxInput, opts: WaitCommit): Promise<TxCommitted>;
  submit(tx: TxInput, opts?: WaitNone): Promise<TxAccepted>;
  submit(tx: TxInput, opts?: WaitNone | WaitCommit): Promise<TxAccepted | TxCommitted> {
    return this.client.request('POST', '/v1/evidence', { wait: opts?.wait ?? 'none' }, { tx: txBase64(tx) });
  }

  /** POST /v1/evidence/batch: an anchorBatch tx with its leaves (raw digests, in order). */
  submitBatch(tx: TxInput, leaves: readonly Uint8Array[], opts: WaitCommit): Promise<TxCommitted>;
  submitBatch(tx: TxInput, leaves: readonly Uint8Array[], opts?: WaitNone): Promise<TxAccepted>;
  submitBatch(
    tx: TxInput,
    leaves: readonly Uint8Array[],
    opts?: WaitNone | WaitCommit,
  ): Promise<TxAccepted | TxCommitted> {
    // One base64 string of the concatenated digests: far cheaper to send and parse than hex strings.
    const blob = new Uint8Array(leaves.length * 32);
    leaves.forEach((l, i) => {
      if (l.length !== 32)
        throw new XinlianError('SDK_BAD_DIGEST', `leaf ${i} is ${l.length} bytes, not 32`, { index: i });
      blob.set(l, i * 32);
    });
    const body = { tx: txBase64(tx), leavesBase64: toBase64(blob) };
    return this.client.request('POST', '/v1/evidence/batch', { wait: opts?.wait ?? 'none' }, body);
  }

  /** GET /v1/evidence/:algorithm/:digestHex — the record and/or batch holding the digest. */
  get(algorithm: DigestAlgorithm, digest: Uint8Array | string): Promise<EvidenceLookup> {
    return this.client.request('GET', `/v1/evidence/${seg(algorithm)}/${digestHex(digest)}`);
  }

  /** GET /v1/evidence/:algorithm/:digestHex/receipt — an xinlian-receipt/1 (check it with verifyReceipt). */
  receipt(algorithm: DigestAlgorithm, digest: Uint8Array | string): Promise<Receipt> {
    return this.client.request('GET', `/v1/evidence/${seg(algorithm)}/${digestHex(digest)}/receipt`);
  }

  /** GET /v1/evidence/records/:id */
  record(id: string): Promise<EvidenceRecordView> {
    return this.client.request('GET', `/v1/evidence/records/${seg(id)}`);
  }

  /** GET /v1/evidence?submitter=&from=&to=&limit=&cursor= */
  list(query: EvidenceListQuery = {}): Promise<EvidenceList> {
    return this.client.request('GET', '/v1/evidence', query);
  }

  /** POST /v1/evidence/verify — the node runs verifyReceipt (prefer the offline verifyReceipt). */
  verify(receipt: unknown, digest?: Uint8Array | string): Promise<VerificationReport> {
    const body = digest === undefined ? { receipt } : { receipt, digest: digestHex(digest) };
    return this.client.request('POST', '/v1/evidence/verify', undefined, body);
  }
}

/**
 * The /v1/governance endpoints (spec/governance.md). Results are the governance module's records
 * (ProposalRecord, MemberRecord, AuditEntry); type them with `@xinlian/module-governance`'s types
 * where that package is available.
 */
export class GovernanceApi {
  constructor(private readonly client: XinlianClient) {}

  /** GET /v1/governance — membership mode, organizations, voting policy, filing (备案), upgrades. */
  status<R = Record<string, unknown>>(): Promise<R> {
    return this.client.request('GET', '/v1/governance');
  }

  /** GET /v1/governance/proposals?status=&limit= — newest first. */
  proposals<R = Record<string, unknown>>(query: { status?: string; limit?: number } = {}): Promise<R[]> {
    return this.client.request('GET', '/v1/governance/proposals', query);
  }

  /** GET /v1/governance/proposals/:id — with votes, tally and history. */
  proposal<R = Record<string, unknown>>(id: number): Promise<R> {
    return this.client.request('GET', `/v1/governance/proposals/${id}`);
  }

  /** GET /v1/governance/members?org= */
  members<R = Record<string, unknown>>(org?: string): Promise<R[]> {
    return this.client.request('GET', '/v1/governance/members', org === undefined ? {} : { org });
  }

  /** The audit log over [from, to] (ms since epoch) as entries. */
  audit<R = Record<string, unknown>>(from: number, to: number): Promise<R[]> {
    return this.client.request('GET', '/v1/governance/audit', { from, to, format: 'json' });
  }

  /** The audit log over [from, to] as RFC 4180 CSV. */
  async auditCsv(from: number, to: number): Promise<string> {
    const r = await this.client.query<{ csv: string }>('governance', 'audit', { from, to, format: 'csv' });
    return r.csv;
  }
}

/** A capture job of the EPCIS REST binding (GET /epcis/capture/{id}). */
export interface EpcisCaptureJob {
  readonly captureID: string;
  readonly createdAt: string;
  readonly finishedAt?: string;
  readonly running: boolean;
  readonly success: boolean;
  readonly captureErrorBehaviour: 'rollback' | 'proceed';
  readonly errors: readonly { eventIndex?: number; code: string; message: string; field?: string }[];
  /** CBV 2.0 hash IDs of the events recorded. */
  readonly eventIDs: readonly string[];
  readonly txIds: readonly string[];
}

/** EPCIS query parameters; list values are sent pipe-delimited. */
export type EpcisQueryParams = Readonly<Record<string, string | number | readonly string[] | undefined>>;

const epcisQuery = (params: EpcisQueryParams): Record<string, string | number | undefined> =>
  Object.fromEntries(
    Object.entries(params).map(([k, v]) => [
      k,
      Array.isArray(v) ? v.join('|') : (v as string | number | undefined),
    ]),
  );

/**
 * The EPCIS 2.0 REST binding of a node (/epcis; docs/traceability.md). Capture is signed by the
 * node (its organization captures); to capture as your own organization, sign a
 * `traceability.capture` tx with `buildTx` and send it with `submitTx`.
 */
export class TraceabilityApi {
  constructor(private readonly client: XinlianClient) {}

  /** POST /epcis/capture: an EPCISDocument; resolves with the capture job (poll with captureJob / waitForCapture). */
  capture(
    document: unknown,
    opts: { errorBehaviour?: 'rollback' | 'proceed' } = {},
  ): Promise<EpcisCaptureJob> {
    return this.client.request('POST', '/epcis/capture', undefined, document, {
      'GS1-Capture-Error-Behaviour': opts.errorBehaviour ?? 'rollback',
    });
  }

  /** GET /epcis/capture/{id} */
  captureJob(id: string): Promise<EpcisCaptureJob> {
    return this.client.request('GET', `/epcis/capture/${seg(id)}`);
  }

  /** GET /epcis/capture: this node's capture jobs, newest first. */
  captureJobs(perPage = 30): Promise<EpcisCaptureJob[]> {
    return this.client.request('GET', '/epcis/capture', { perPage });
  }

  /** Polls a capture job until it has finished (SDK_TIMEOUT after timeoutMs, default 60 s). */
  async waitForCapture(
    id: string,
    opts: { intervalMs?: number; timeoutMs?: number } = {},
  ): Promise<EpcisCaptureJob> {
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    for (;;) {
      const job = await this.captureJob(id);
      if (!job.running) return job;
      if (Date.now() > deadline) {
        throw new XinlianError('SDK_TIMEOUT', `capture job ${id} still running`, { captureID: id });
      }
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
    }
  }

  /** POST /epcis/events: one event, answered once committed. */
  captureEvent(event: unknown): Promise<{ eventID: string; txId: string; height: number }> {
    return this.client.request('POST', '/epcis/events', undefined, event);
  }

  /** GET /epcis/events: an EPCISQueryDocument (perPage/nextPageToken for pages). */
  events<R = Record<string, unknown>>(params: EpcisQueryParams = {}): Promise<R> {
    return this.client.request('GET', '/epcis/events', epcisQuery(params));
  }

  /** GET /epcis/epcs/{epc}/events */
  epcEvents<R = Record<string, unknown>>(epc: string, params: EpcisQueryParams = {}): Promise<R> {
    return this.client.request('GET', `/epcis/epcs/${seg(epc)}/events`, epcisQuery(params));
  }

  /** GET /epcis/events/{eventID}: the event (CBV 2.0 hash ID or declared eventID). */
  event<R = Record<string, unknown>>(eventID: string): Promise<R> {
    return this.client.request('GET', `/epcis/events/${seg(eventID)}`);
  }

  /** GET /epcis/events/{eventID}/record: capturing organization, signer, tx, height, recordTime. */
  record<R = Record<string, unknown>>(eventID: string): Promise<R> {
    return this.client.request('GET', `/epcis/events/${seg(eventID)}/record`);
  }

  /** GET /epcis/events/{eventID}/receipt: verify it offline with verifyReceipt (pass eventHash to re-hash). */
  receipt(eventID: string): Promise<Receipt> {
    return this.client.request('GET', `/epcis/events/${seg(eventID)}/receipt`);
  }

  /** POST /epcis/queries: a named query, recorded on chain. */
  defineQuery(name: string, query: Readonly<Record<string, unknown>>): Promise<{ name: string }> {
    return this.client.request('POST', '/epcis/queries', undefined, { name, query });
  }

  /** GET /epcis/queries/{name}/events */
  queryEvents<R = Record<string, unknown>>(
    name: string,
    params: { perPage?: number; nextPageToken?: string } = {},
  ): Promise<R> {
    return this.client.request('GET', `/epcis/queries/${seg(name)}/events`, params);
  }
}

function txBase64(tx: TxInput): string {
  return toBase64(tx instanceof Uint8Array ? tx : tx.bytes);
}

function digestHex(digest: Uint8Array | string): string {
  return typeof digest === 'string' ? seg(digest.toLowerCase()) : toHex(digest);
}

function seg(s: string): string {
  return encodeURIComponent(s);
}

function queryString(query: Readonly<Record<string, string | number | undefined>> | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new XinlianError('SDK_BAD_RESPONSE', 'the node answered with invalid JSON', {
      length: text.length,
    });
  }
}

function unreachable(url: string, e: unknown): XinlianError {
  const reason = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
  return new XinlianError('SDK_UNREACHABLE', `cannot reach ${url}: ${reason}`, { url }, { cause: e });
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Maps an error answer (RFC 7807 when possible) to a XinlianError. */
async function problemError(res: Response): Promise<XinlianError> {
  const retryAfter = Number.parseInt(res.headers.get('retry-after') ?? '', 10);
  const meta = {
    httpStatus: res.status,
    ...(Number.isNaN(retryAfter) ? {} : { retryAfterSeconds: retryAfter }),
  };
  let body: unknown;
  try {
    body = JSON.parse(await res.text());
  } catch {
    body = undefined;
  }
  if (isRecord(body) && typeof body.code === 'string' && body.code !== '') {
    const message = typeof body.detail === 'string' ? body.detail : String(body.title ?? res.statusText);
    const details = isRecord(body.details) ? body.details : {};
    return new XinlianError(body.code, message, { ...details, ...meta });
  }
  return new XinlianError('SDK_HTTP_ERROR', `HTTP ${res.status} ${res.statusText}`, meta);
}

/** Reads a text/event-stream body, calling onEvent(event, data) per dispatched event. */
async function readSse(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: string, data: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  const line = (l: string): void => {
    if (l === '') {
      if (data.length > 0) onEvent(event === '' ? 'message' : event, data.join('\n'));
      event = '';
      data = [];
      return;
    }
    if (l.startsWith(':')) return;
    const colon = l.indexOf(':');
    const field = colon === -1 ? l : l.slice(0, colon);
    const value = colon === -1 ? '' : l.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    // A trailing CR may be the first half of a CRLF: keep it for the next chunk.
    const end = buffer.endsWith('\r') ? buffer.length - 1 : buffer.length;
    const lines = buffer.slice(0, end).split(/\r\n|\r|\n/);
    buffer = (lines.pop() ?? '') + buffer.slice(end);
    for (const l of lines) line(l);
  }
}
