import type {
  BlockView,
  EvidenceListQuery,
  Genesis,
  Problem,
  Receipt,
  SearchResponse,
  StatusResponse,
  TxCommitted,
  TxResponse,
  VerificationReport,
} from '@xinlian/schemas';
import { isXinlianError, XinlianError } from '@xinlian/utils';

/**
 * The console's only way to the node's HTTP API (spec/api-v1.md). Everything the pages read goes
 * through `ConsoleApi`, so this module can be swapped for the SDK's XinlianClient once the SDK is
 * browser-safe without touching the pages. Types come from @xinlian/schemas (defined once).
 */

/** An evidence record (spec/evidence.md); the fields the console reads. */
export interface EvidenceRecordView {
  readonly id: string;
  readonly kind: string;
  readonly submitter: string;
  readonly height: number;
  readonly time: number;
  readonly txId: string;
  readonly digests?: readonly { algorithm: 'sm3' | 'sha256'; value: string }[];
  readonly fileName?: string;
  readonly size?: number;
  readonly mediaType?: string;
  readonly root?: string;
  readonly label?: string;
  readonly [field: string]: unknown;
}

export interface BatchLocationView {
  readonly root: string;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly recordId: string;
}

export interface EvidenceLookup {
  readonly record: EvidenceRecordView | null;
  readonly batch: BatchLocationView | null;
}

export interface EvidenceList {
  readonly records: EvidenceRecordView[];
  readonly nextCursor?: string;
}

export type DigestAlgorithm = 'sm3' | 'sha256';

/** Code of the error thrown when the node cannot be reached (network error, timeout, gateway 502–504). */
export const UNREACHABLE = 'CONSOLE_NODE_UNREACHABLE';

/** Details of an API failure: the HTTP status (0 = no answer) and the node's RFC 7807 problem. */
export interface ApiErrorDetails {
  readonly status: number;
  readonly problem?: Problem;
  readonly [key: string]: unknown;
}

/** True when `e` says the node could not be reached at all. */
export const isUnreachable = (e: unknown): boolean => isXinlianError(e) && e.code === UNREACHABLE;

/** True when the node answered 404 (no such block, tx, record, digest). */
export const isNotFound = (e: unknown): boolean =>
  isXinlianError(e) && (e.details as Partial<ApiErrorDetails>).status === 404;

export interface ConsoleApi {
  status(): Promise<StatusResponse>;
  genesis(): Promise<Genesis>;
  latestBlock(): Promise<BlockView>;
  block(heightOrId: number | string): Promise<BlockView>;
  blocks(opts: { before?: number; limit?: number }): Promise<BlockView[]>;
  tx(txId: string): Promise<TxResponse>;
  evidenceByDigest(algorithm: DigestAlgorithm, digestHex: string): Promise<EvidenceLookup>;
  evidenceRecord(id: string): Promise<EvidenceRecordView>;
  evidenceList(q: EvidenceListQuery): Promise<EvidenceList>;
  receipt(algorithm: DigestAlgorithm, digestHex: string): Promise<Receipt>;
  /** POST /v1/evidence/verify: the node runs the SDK's verifyReceipt against its genesis. */
  verifyOnNode(receipt: unknown, digest?: string): Promise<VerificationReport>;
  /** POST /v1/evidence?wait=commit: a signed evidence tx (base64); answers once committed. */
  submitEvidence(txBase64: string): Promise<TxCommitted>;
  /** POST /v1/evidence/batch?wait=commit: a signed anchorBatch tx and its leaves (base64). */
  submitEvidenceBatch(txBase64: string, leavesBase64: string): Promise<TxCommitted>;
  /** GET /v1/search: what a height, hash or address names (never 404). */
  search(q: string): Promise<SearchResponse>;
  /** Prometheus text of /metrics (commit-latency chart). */
  metricsText(): Promise<string>;
  /** URL of the SSE block stream. */
  blockStreamUrl(): string;
}

export interface FetchApiOptions {
  /** API base URL; '' = the page's own origin (the console is served by the node). */
  readonly baseUrl: string;
  readonly fetch?: typeof fetch;
  /** Abort a request after this long (ms). */
  readonly timeoutMs?: number;
}

/** ConsoleApi over fetch. */
export class FetchApi implements ConsoleApi {
  readonly #base: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(opts: FetchApiOptions) {
    this.#base = opts.baseUrl.replace(/\/$/, '');
    this.#fetch = opts.fetch ?? ((input, init) => fetch(input, init));
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
  }

  async #request<T>(path: string, init: RequestInit = {}, as: 'json' | 'text' = 'json'): Promise<T> {
    let res: Response;
    try {
      res = await this.#fetch(`${this.#base}${path}`, {
        ...init,
        // A POST may wait for a commit (?wait=commit): allow it a minute.
        signal: AbortSignal.timeout(
          init.method === 'POST' ? Math.max(this.#timeoutMs, 60_000) : this.#timeoutMs,
        ),
        headers: { accept: as === 'json' ? 'application/json' : 'text/plain', ...init.headers },
      });
    } catch (e) {
      throw new XinlianError(
        UNREACHABLE,
        e instanceof Error ? e.message : String(e),
        { status: 0 },
        { cause: e },
      );
    }
    if (!res.ok) {
      let problem: Problem | undefined;
      try {
        problem = (await res.json()) as Problem;
      } catch {
        problem = undefined;
      }
      // A proxy or a stopped node behind a gateway answers 502/503/504 without a problem body.
      if (problem?.code === undefined && res.status >= 502 && res.status <= 504) {
        throw new XinlianError(UNREACHABLE, `HTTP ${res.status}`, { status: res.status });
      }
      const details: ApiErrorDetails =
        problem === undefined ? { status: res.status } : { status: res.status, problem };
      throw new XinlianError(
        problem?.code ?? `API_HTTP_${res.status}`,
        problem?.detail ?? res.statusText,
        details,
      );
    }
    return (as === 'json' ? await res.json() : await res.text()) as T;
  }

  status(): Promise<StatusResponse> {
    return this.#request('/v1/status');
  }
  genesis(): Promise<Genesis> {
    return this.#request('/v1/genesis');
  }
  latestBlock(): Promise<BlockView> {
    return this.#request('/v1/blocks/latest');
  }
  block(heightOrId: number | string): Promise<BlockView> {
    return this.#request(`/v1/blocks/${encodeURIComponent(String(heightOrId))}`);
  }
  async blocks(opts: { before?: number; limit?: number }): Promise<BlockView[]> {
    const q = new URLSearchParams();
    if (opts.before !== undefined) q.set('before', String(opts.before));
    if (opts.limit !== undefined) q.set('limit', String(opts.limit));
    const body = await this.#request<{ blocks: BlockView[] }>(`/v1/blocks?${q}`);
    return body.blocks;
  }
  tx(txId: string): Promise<TxResponse> {
    return this.#request(`/v1/txs/${encodeURIComponent(txId)}`);
  }
  evidenceByDigest(algorithm: DigestAlgorithm, digestHex: string): Promise<EvidenceLookup> {
    return this.#request(`/v1/evidence/${algorithm}/${encodeURIComponent(digestHex)}`);
  }
  evidenceRecord(id: string): Promise<EvidenceRecordView> {
    return this.#request(`/v1/evidence/records/${encodeURIComponent(id)}`);
  }
  evidenceList(q: EvidenceListQuery): Promise<EvidenceList> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
    return this.#request(`/v1/evidence?${params}`);
  }
  receipt(algorithm: DigestAlgorithm, digestHex: string): Promise<Receipt> {
    return this.#request(`/v1/evidence/${algorithm}/${encodeURIComponent(digestHex)}/receipt`);
  }
  verifyOnNode(receipt: unknown, digest?: string): Promise<VerificationReport> {
    return this.#request('/v1/evidence/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(digest === undefined ? { receipt } : { receipt, digest }),
    });
  }
  submitEvidence(txBase64: string): Promise<TxCommitted> {
    return this.#request('/v1/evidence?wait=commit', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tx: txBase64 }),
    });
  }
  submitEvidenceBatch(txBase64: string, leavesBase64: string): Promise<TxCommitted> {
    return this.#request('/v1/evidence/batch?wait=commit', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tx: txBase64, leavesBase64 }),
    });
  }
  search(q: string): Promise<SearchResponse> {
    return this.#request(`/v1/search?q=${encodeURIComponent(q)}`);
  }
  metricsText(): Promise<string> {
    return this.#request('/metrics', {}, 'text');
  }
  blockStreamUrl(): string {
    return `${this.#base}/v1/stream/blocks`;
  }
}
