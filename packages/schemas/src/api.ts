import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Base64, Hash, Height, Hex, SuiteId } from './common.js';
import { ChainParams } from './genesis.js';

/**
 * Request and response schemas of the HTTP API v1 (spec/api-v1.md). The node validates every
 * input against them and generates its OpenAPI document from them; the SDK and console reuse
 * the static types.
 */

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Address = Hex(20);
const ModuleName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$', description: 'module name' });
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

// ---- common -------------------------------------------------------------------------------

/** RFC 7807 problem body; `code` is the XinlianError code. */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.String(),
    code: Type.String(),
    details: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
export type Problem = Static<typeof Problem>;

export const HealthResponse = Type.Object({ ok: Type.Literal(true) }, { additionalProperties: false });

/** `?wait=none|commit` on every submit endpoint (default none). */
export const WaitQuery = Type.Object(
  { wait: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('commit')])) },
  { additionalProperties: false },
);
export type WaitQuery = Static<typeof WaitQuery>;

// ---- transactions ---------------------------------------------------------------------------

export const SubmitTxRequest = Type.Object(
  { tx: Type.String({ ...Base64, description: 'standard base64 of an encoded SignedTx' }) },
  { additionalProperties: false },
);
export type SubmitTxRequest = Static<typeof SubmitTxRequest>;

/**
 * POST /v1/evidence/batch: the anchorBatch tx with its leaf data (raw 32-byte digests, in order),
 * either as hex strings (`leaves`) or, far cheaper for large batches, as one standard base64 string
 * of the concatenated digests (`leavesBase64`, length 32 × args.size).
 */
export const SubmitBatchRequest = Type.Union([
  Type.Object(
    {
      tx: SubmitTxRequest.properties.tx,
      leaves: Type.Array(Hash, { minItems: 1, maxItems: 10_000_000 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      tx: SubmitTxRequest.properties.tx,
      // No schema pattern: a regex over megabytes is slow, and the node decodes it strictly anyway.
      leavesBase64: Type.String({
        minLength: 44,
        description:
          'standard base64 of the concatenated 32-byte digests (invalid base64: 400 BYTES_BAD_BASE64)',
      }),
    },
    { additionalProperties: false },
  ),
]);
export type SubmitBatchRequest = Static<typeof SubmitBatchRequest>;

export const TxAccepted = Type.Object({ txId: Hash }, { additionalProperties: false });
export type TxAccepted = Static<typeof TxAccepted>;

/** Most transactions one POST /v1/txs/batch may carry. */
export const MAX_TXS_PER_BATCH = 10_000;

/** POST /v1/txs/batch: many individually signed txs, each admitted independently. */
export const SubmitTxsRequest = Type.Object(
  {
    txs: Type.Array(SubmitTxRequest.properties.tx, { minItems: 1, maxItems: MAX_TXS_PER_BATCH }),
  },
  { additionalProperties: false },
);
export type SubmitTxsRequest = Static<typeof SubmitTxsRequest>;

/** One tx's outcome in a batch: accepted (its txId) or rejected (the problem /v1/txs would answer). */
export const SubmitTxsResult = Type.Union([
  TxAccepted,
  Type.Object({ error: Problem }, { additionalProperties: false }),
]);
export type SubmitTxsResult = Static<typeof SubmitTxsResult>;

/** Answer of POST /v1/txs/batch: one result per submitted tx, in order. */
export const SubmitTxsResponse = Type.Object(
  { results: Type.Array(SubmitTxsResult) },
  { additionalProperties: false },
);
export type SubmitTxsResponse = Static<typeof SubmitTxsResponse>;

export const TxEventView = Type.Object(
  {
    type: Type.String(),
    attributes: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })),
  },
  { additionalProperties: false },
);

export const TxResultView = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('failed')]),
    code: Type.String(),
    message: Type.String(),
    events: Type.Array(TxEventView),
    result: Type.Unknown({ description: 'module result (JSON) or null' }),
  },
  { additionalProperties: false },
);
export type TxResultView = Static<typeof TxResultView>;

export const TxCommitted = Type.Object(
  { txId: Hash, height: Height, index: Count, result: TxResultView },
  { additionalProperties: false },
);
export type TxCommitted = Static<typeof TxCommitted>;

export const TxView = Type.Object(
  {
    chainId: Type.String(),
    signer: Hex(),
    signerAddress: Address,
    nonce: Count,
    expiryHeight: Height,
    module: Type.String(),
    method: Type.String(),
    args: Type.Unknown({ description: 'module arguments (JSON)' }),
    signature: Hex(),
  },
  { additionalProperties: false },
);
export type TxView = Static<typeof TxView>;

export const TxResponse = Type.Object(
  {
    txId: Hash,
    status: Type.Union([Type.Literal('pending'), Type.Literal('committed')]),
    height: Type.Optional(Height),
    index: Type.Optional(Count),
    tx: TxView,
    result: Type.Optional(TxResultView),
  },
  { additionalProperties: false },
);
export type TxResponse = Static<typeof TxResponse>;

export const TxIdParams = Type.Object({ txId: Hash }, { additionalProperties: false });

// ---- accounts -------------------------------------------------------------------------------

export const AccountParams = Type.Object({ address: Address }, { additionalProperties: false });

/** Opaque page cursor of an account's txs: `height-index` of the last tx of the previous page. */
const AccountCursor = Type.String({ pattern: '^[0-9]{1,16}-[0-9]{1,10}$', maxLength: 27 });

export const AccountTxsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    cursor: Type.Optional(AccountCursor),
  },
  { additionalProperties: false },
);
export type AccountTxsQuery = Static<typeof AccountTxsQuery>;

/** A committed tx signed by an account (GET /v1/accounts/:address/txs). */
export const AccountTx = Type.Object(
  {
    txId: Hash,
    height: Height,
    index: Count,
    /** Block time, ms since epoch. */
    time: Count,
    module: Type.String(),
    method: Type.String(),
    status: Type.Union([Type.Literal('ok'), Type.Literal('failed')]),
    /** The module's result code ('' when ok). */
    code: Type.String(),
  },
  { additionalProperties: false },
);
export type AccountTx = Static<typeof AccountTx>;

export const AccountTxsResponse = Type.Object(
  {
    address: Address,
    /** Newest first. */
    txs: Type.Array(AccountTx),
    /** Pass as `cursor` for the next (older) page; absent on the last page. */
    nextCursor: Type.Optional(AccountCursor),
  },
  { additionalProperties: false },
);
export type AccountTxsResponse = Static<typeof AccountTxsResponse>;

// ---- blocks ---------------------------------------------------------------------------------

export const BlockView = Type.Object(
  {
    height: Height,
    id: Hash,
    time: Count,
    parentId: Hash,
    txRoot: Hash,
    receiptRoot: Hash,
    appHash: Hash,
    validatorSetHash: Hash,
    nextValidatorSetHash: Hash,
    proposer: Hex(),
    txCount: Count,
    txIds: Type.Array(Hash),
    certificate: Type.Object(
      {
        round: Count,
        signatures: Type.Array(
          Type.Object({ validatorIndex: Count, signature: Hex() }, { additionalProperties: false }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type BlockView = Static<typeof BlockView>;

export const BlockParams = Type.Object(
  {
    heightOrId: Type.String({
      pattern: '^([0-9]{1,16}|[0-9a-f]{64})$',
      description: 'decimal height or 32-byte hex block ID',
    }),
  },
  { additionalProperties: false },
);

export const BlocksQuery = Type.Object(
  {
    before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type BlocksQuery = Static<typeof BlocksQuery>;

export const BlocksResponse = Type.Object({ blocks: Type.Array(BlockView) }, { additionalProperties: false });

// ---- status ---------------------------------------------------------------------------------

/** How this node sees one validator (from the consensus messages it received). */
export const ValidatorView = Type.Object(
  {
    index: Count,
    name: Type.String(),
    organization: Nullable(Type.String()),
    self: Type.Boolean(),
    connected: Type.Boolean(),
    /** Height and round of the latest message heard from it (null: none yet). */
    lastHeight: Nullable(Height),
    lastRound: Nullable(Count),
    /** Local time (ms since epoch) that message arrived. */
    lastHeardAt: Nullable(Count),
    /** ok, behind (its height is below ours), or silent (nothing heard for a while). */
    state: Type.Union([Type.Literal('ok'), Type.Literal('behind'), Type.Literal('silent')]),
  },
  { additionalProperties: false },
);

export const ConsensusStatus = Type.Object(
  {
    role: Type.Union([Type.Literal('validator'), Type.Literal('observer')]),
    /** Height being decided, its round and step. */
    height: Height,
    round: Count,
    step: Type.Union([Type.Literal('propose'), Type.Literal('prevote'), Type.Literal('precommit')]),
    /** Local time of the last commit (null before the first since start). */
    lastCommitAt: Nullable(Count),
    peers: Count,
    syncing: Type.Boolean(),
    validators: Type.Array(ValidatorView),
  },
  { additionalProperties: false },
);
export type ConsensusStatus = Static<typeof ConsensusStatus>;

export const StatusResponse = Type.Object(
  {
    chainId: Type.String(),
    suite: SuiteId,
    genesisHash: Hash,
    nodeVersion: Type.String(),
    height: Height,
    blockId: Nullable(Hash),
    appHash: Hash,
    time: Count,
    validators: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          organization: Type.Optional(Type.String()),
          publicKey: Hex(),
          power: Type.Integer({ minimum: 1 }),
          address: Address,
        },
        { additionalProperties: false },
      ),
    ),
    /**
     * The validator set of the next height (`validators`) as scheduled by governance
     * (spec/consensus.md §11): the height it decides since and its hash, and the set taking effect
     * at the height after, when governance changed it (absent on a chain without BFT).
     */
    validatorSet: Type.Optional(
      Type.Object(
        {
          since: Count,
          hash: Hash,
          next: Type.Optional(
            Type.Object(
              { since: Count, hash: Hash, validators: Type.Array(Type.String()) },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    mempool: Type.Object({ size: Count, capacity: Count }, { additionalProperties: false }),
    /** This node's consensus view (absent on a single-validator chain run by the solo producer). */
    consensus: Type.Optional(ConsensusStatus),
    /** Membership mode and the chain's filing (备案) data (spec/governance.md). */
    governance: Type.Optional(
      Type.Object(
        {
          permissioned: Type.Boolean(),
          organizations: Type.Array(Type.String()),
          filing: Nullable(
            Type.Object(
              { operator: Type.String(), serviceName: Type.String(), filingNumber: Type.String() },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    /** The chain params in force for the next block: genesis params with governance changes. */
    params: Type.Optional(ChainParams),
    /** Upgrades scheduled by governance (spec/governance.md §9) and this node's halt for one. */
    upgrade: Type.Optional(
      Type.Object(
        {
          pending: Type.Array(
            Type.Object(
              {
                name: Type.String(),
                height: Height,
                info: Type.Optional(Type.String()),
                scheduledAt: Height,
                /** false: this node halts after committing height − 1. */
                supported: Type.Boolean(),
              },
              { additionalProperties: false },
            ),
          ),
          halted: Nullable(
            Type.Object(
              {
                name: Type.String(),
                height: Height,
                info: Type.Optional(Type.String()),
                haltedAfter: Height,
                reason: Type.String(),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type StatusResponse = Static<typeof StatusResponse>;

// ---- state ----------------------------------------------------------------------------------

export const StateParams = Type.Object(
  { module: ModuleName, keyHex: Hex() },
  { additionalProperties: false },
);
export const StateQuery = Type.Object(
  { history: Type.Optional(Type.Union([Type.Literal('0'), Type.Literal('1')])) },
  { additionalProperties: false },
);
export const StateValueResponse = Type.Object(
  { key: Hex(), value: Nullable(Base64) },
  { additionalProperties: false },
);
export const StateHistoryResponse = Type.Object(
  {
    key: Hex(),
    history: Type.Array(
      Type.Object({ height: Height, value: Nullable(Base64) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

// ---- evidence -------------------------------------------------------------------------------

/** An evidence record (spec/evidence.md); shape owned by the evidence module. */
export const EvidenceRecord = Type.Object(
  { id: Hash, kind: Type.String(), submitter: Address, height: Height, time: Count, txId: Hash },
  { additionalProperties: true, description: 'evidence record (spec/evidence.md)' },
);

export const DigestAlgorithm = Type.Union([Type.Literal('sm3'), Type.Literal('sha256')]);

export const EvidenceDigestParams = Type.Object(
  { algorithm: DigestAlgorithm, digestHex: Hash },
  { additionalProperties: false },
);

export const BatchLocation = Type.Object(
  { root: Hash, leafIndex: Count, treeSize: Type.Integer({ minimum: 1 }), recordId: Hash },
  { additionalProperties: false },
);
export type BatchLocation = Static<typeof BatchLocation>;

export const EvidenceLookupResponse = Type.Object(
  { record: Nullable(EvidenceRecord), batch: Nullable(BatchLocation) },
  { additionalProperties: false },
);

export const EvidenceRecordParams = Type.Object({ id: Hash }, { additionalProperties: false });

export const EvidenceListQuery = Type.Object(
  {
    submitter: Type.Optional(Address),
    from: Type.Optional(Count),
    to: Type.Optional(Count),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type EvidenceListQuery = Static<typeof EvidenceListQuery>;

export const EvidenceListResponse = Type.Object(
  { records: Type.Array(EvidenceRecord), nextCursor: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

export const VerifyRequest = Type.Object(
  { receipt: Type.Unknown({ description: 'an xinlian-receipt/1 document' }), digest: Type.Optional(Hash) },
  { additionalProperties: false },
);
export type VerifyRequest = Static<typeof VerifyRequest>;

// ---- queries --------------------------------------------------------------------------------

export const QueryParams = Type.Object(
  { module: ModuleName, query: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }) },
  { additionalProperties: false },
);

// ---- search (explorer) ------------------------------------------------------------------------

export const SearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'a block height, a 64-hex block hash, tx hash or evidence digest (optionally `sm3:`/`sha256:`), or a 40-hex account address',
    }),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

/** One thing a search input names; a 64-hex value can name several (a tx hash is also its record's ID). */
export const SearchResult = Type.Union([
  Type.Object({ type: Type.Literal('block'), height: Height, id: Hash }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('tx'),
      txId: Hash,
      status: Type.Union([Type.Literal('pending'), Type.Literal('committed')]),
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('account'), address: Address }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('evidence'),
      algorithm: DigestAlgorithm,
      digest: Hash,
      recordId: Hash,
      /** True when the digest is a leaf of an anchored batch (recordId is the batch's record). */
      batched: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
]);
export type SearchResult = Static<typeof SearchResult>;

/** GET /v1/search: every match, blocks first; empty when nothing matches or the input is not a search term. */
export const SearchResponse = Type.Object(
  { query: Type.String(), results: Type.Array(SearchResult) },
  { additionalProperties: false },
);
export type SearchResponse = Static<typeof SearchResponse>;

// ---- governance (spec/governance.md; results are the governance module's query results) -----

const GovOrg = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });

export const GovProposalsQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([
        Type.Literal('open'),
        Type.Literal('passed'),
        Type.Literal('rejected'),
        Type.Literal('expired'),
        Type.Literal('executed'),
        Type.Literal('failed'),
      ]),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export const GovProposalParams = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) },
  { additionalProperties: false },
);
export const GovMembersQuery = Type.Object({ org: Type.Optional(GovOrg) }, { additionalProperties: false });
export const GovAuditQuery = Type.Object(
  {
    /** ms since epoch, inclusive. */
    from: Count,
    to: Count,
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
