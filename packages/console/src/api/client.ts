import type {
  AccountTxsQuery,
  AccountTxsResponse,
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
import { XinlianClient } from '@xinlian/sdk/client';
import { isXinlianError, XinlianError } from '@xinlian/utils';

/**
 * The console's only way to the node's HTTP API (spec/api-v1.md). Everything the pages read goes
 * through `ConsoleApi` (implemented with the SDK's XinlianClient), so pages and tests do not depend
 * on how. Types come from @xinlian/schemas (defined once).
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

/** An organization (governance `organizations` query, spec/governance.md). */
export interface OrganizationView {
  readonly id: string;
  readonly name: string;
  /** CA certificate (hex DER), null when its members are registered keys. */
  readonly caCertificate: string | null;
  readonly caSerial: string | null;
  readonly addedHeight: number;
}

/** A member (GET /v1/governance/members): a certificate member or a registered key. */
export interface MemberView {
  readonly address: string;
  readonly publicKey: string;
  readonly org: string;
  readonly role: string;
  readonly name: string;
  readonly serial: string | null;
  readonly caSerial: string | null;
  readonly notBefore: number | null;
  readonly notAfter: number | null;
  readonly registeredHeight: number;
}

/** A certificate revocation (governance `revocations` query). */
export interface RevocationView {
  readonly org: string;
  readonly serial: string;
  readonly reason: string;
  readonly height: number;
  readonly time: number;
}

/** A validator of a validator set (governance `validatorSets` query). */
export interface ValidatorEntryView {
  readonly name: string;
  readonly organization?: string;
  readonly publicKey: string;
  readonly power: number;
}

/** GET /v1/governance: membership mode, organizations, voting policy, filing. */
export interface GovernanceStatusView {
  readonly permissioned: boolean;
  readonly organizations: readonly string[];
  readonly filing: {
    readonly operator: string;
    readonly serviceName: string;
    readonly filingNumber: string;
  } | null;
  readonly votingPolicy?: unknown;
  readonly frozen?: number;
  readonly [field: string]: unknown;
}

/** Everything the organizations page shows, read from the governance module's committed state. */
export interface GovernanceView {
  readonly status: GovernanceStatusView;
  readonly organizations: readonly OrganizationView[];
  readonly members: readonly MemberView[];
  readonly revocations: readonly RevocationView[];
  /** Validator sets by the height they take effect from, oldest first. */
  readonly validatorSets: readonly {
    readonly height: number;
    readonly validators: readonly ValidatorEntryView[];
  }[];
}

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
  /** GET /v1/accounts/:address/txs: committed txs signed by the account, newest first. */
  accountTxs(address: string, q: AccountTxsQuery): Promise<AccountTxsResponse>;
  /** The organizations, members, revocations and validator sets (GET /v1/governance, /members and queries). */
  governance(): Promise<GovernanceView>;
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

/**
 * ConsoleApi over the SDK's XinlianClient (`@xinlian/sdk/client`: the HTTP client alone, no crypto
 * or codecs in the page bundle). Its errors are mapped to the console's: no answer, a timeout or a
 * gateway 502–504 without a problem body → UNREACHABLE; otherwise the node's RFC 7807 code, with
 * `details.status` = the HTTP status and `details.problem`. Only /metrics (Prometheus text) is
 * fetched directly.
 */
export class FetchApi implements ConsoleApi {
  readonly #base: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #client: XinlianClient;
  /** For POSTs that wait for a commit (?wait=commit). */
  readonly #slowClient: XinlianClient;

  constructor(opts: FetchApiOptions) {
    this.#base = opts.baseUrl.replace(/\/$/, '');
    this.#fetch = opts.fetch ?? ((input, init) => fetch(input, init));
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
    // '' = this origin: the SDK needs an absolute URL.
    const url = this.#base === '' ? globalThis.location.origin : this.#base;
    const f = (input: string, init?: RequestInit) => this.#fetch(input, init);
    this.#client = new XinlianClient({ url, fetch: f, timeoutMs: this.#timeoutMs });
    this.#slowClient = new XinlianClient({ url, fetch: f, timeoutMs: Math.max(this.#timeoutMs, 60_000) });
  }

  async #call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw consoleError(e);
    }
  }

  status(): Promise<StatusResponse> {
    return this.#call(() => this.#client.status());
  }
  genesis(): Promise<Genesis> {
    return this.#call(() => this.#client.genesis());
  }
  latestBlock(): Promise<BlockView> {
    return this.#call(() => this.#client.getBlock('latest'));
  }
  block(heightOrId: number | string): Promise<BlockView> {
    return this.#call(() => this.#client.getBlock(heightOrId));
  }
  blocks(opts: { before?: number; limit?: number }): Promise<BlockView[]> {
    return this.#call(() => this.#client.blocks(opts));
  }
  tx(txId: string): Promise<TxResponse> {
    return this.#call(() => this.#client.getTx(txId));
  }
  accountTxs(address: string, q: AccountTxsQuery): Promise<AccountTxsResponse> {
    return this.#call(() => this.#client.accountTxs(address, q));
  }
  governance(): Promise<GovernanceView> {
    return this.#call(async () => {
      const gov = this.#client.governance;
      const [status, members, organizations, revocations, validatorSets] = await Promise.all([
        gov.status<GovernanceStatusView>(),
        gov.members<MemberView>(),
        this.#client.query<OrganizationView[]>('governance', 'organizations', {}),
        this.#client.query<RevocationView[]>('governance', 'revocations', {}),
        this.#client.query<GovernanceView['validatorSets'][number][]>('governance', 'validatorSets', {}),
      ]);
      return { status, members, organizations, revocations, validatorSets };
    });
  }
  evidenceByDigest(algorithm: DigestAlgorithm, digestHex: string): Promise<EvidenceLookup> {
    return this.#call(() => this.#client.evidence.get(algorithm, digestHex) as Promise<EvidenceLookup>);
  }
  evidenceRecord(id: string): Promise<EvidenceRecordView> {
    return this.#call(() => this.#client.evidence.record(id) as Promise<EvidenceRecordView>);
  }
  evidenceList(q: EvidenceListQuery): Promise<EvidenceList> {
    return this.#call(() => this.#client.evidence.list(q) as Promise<EvidenceList>);
  }
  receipt(algorithm: DigestAlgorithm, digestHex: string): Promise<Receipt> {
    return this.#call(() => this.#client.evidence.receipt(algorithm, digestHex));
  }
  verifyOnNode(receipt: unknown, digest?: string): Promise<VerificationReport> {
    return this.#call(() => this.#client.evidence.verify(receipt, digest));
  }
  submitEvidence(txBase64: string): Promise<TxCommitted> {
    return this.#call(() =>
      this.#slowClient.request<TxCommitted>('POST', '/v1/evidence', { wait: 'commit' }, { tx: txBase64 }),
    );
  }
  submitEvidenceBatch(txBase64: string, leavesBase64: string): Promise<TxCommitted> {
    return this.#call(() =>
      this.#slowClient.request<TxCommitted>(
        'POST',
        '/v1/evidence/batch',
        { wait: 'commit' },
        { tx: txBase64, leavesBase64 },
      ),
    );
  }
  search(q: string): Promise<SearchResponse> {
    return this.#call(() => this.#client.search(q));
  }
  async metricsText(): Promise<string> {
    let res: Response;
    try {
      res = await this.#fetch(`${this.#base}/metrics`, {
        signal: AbortSignal.timeout(this.#timeoutMs),
        headers: { accept: 'text/plain' },
      });
    } catch (e) {
      throw new XinlianError(
        UNREACHABLE,
        e instanceof Error ? e.message : String(e),
        { status: 0 },
        { cause: e },
      );
    }
    if (res.status >= 502 && res.status <= 504)
      throw new XinlianError(UNREACHABLE, `HTTP ${res.status}`, { status: res.status });
    if (!res.ok) throw new XinlianError(`API_HTTP_${res.status}`, res.statusText, { status: res.status });
    return res.text();
  }
  blockStreamUrl(): string {
    return `${this.#base}/v1/stream/blocks`;
  }
}

/** Maps an SDK error to the console's (see FetchApi). */
export function consoleError(e: unknown): unknown {
  if (!isXinlianError(e)) return e;
  const d = e.details as Record<string, unknown>;
  const status = typeof d.httpStatus === 'number' ? d.httpStatus : 0;
  if (
    e.code === 'SDK_UNREACHABLE' ||
    e.code === 'SDK_TIMEOUT' ||
    (e.code === 'SDK_HTTP_ERROR' && status >= 502 && status <= 504)
  ) {
    return new XinlianError(UNREACHABLE, e.message, { status }, { cause: e });
  }
  const { httpStatus: _s, retryAfterSeconds: _r, ...details } = d;
  const problem: Problem = {
    type: 'about:blank',
    title: '',
    status,
    detail: e.message,
    code: e.code,
    details,
  };
  return new XinlianError(e.code === 'SDK_HTTP_ERROR' ? `API_HTTP_${status}` : e.code, e.message, {
    status,
    problem,
  } satisfies ApiErrorDetails);
}
