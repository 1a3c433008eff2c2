/**
 * TypeBox schemas (and their static types) of the evidence module's args, records, query
 * parameters and results, per spec/evidence.md. Shared with the SDK, node and console.
 * String lengths are in UTF-16 code units; integers are safe integers.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';

const strict = { additionalProperties: false } as const;
const SafeInt = (minimum: number) => Type.Integer({ minimum, maximum: Number.MAX_SAFE_INTEGER });
const Opt = <T extends TSchema>(schema: T) => Type.Optional(schema);

/** 32-byte lower-case hex (digests, record IDs, batch roots). */
export const Hex32 = Type.String({ pattern: '^[0-9a-f]{64}$', description: '32-byte lower-case hex' });
/** A 20-byte account address in lower-case hex. */
export const Address = Type.String({
  pattern: '^[0-9a-f]{40}$',
  description: '20-byte lower-case hex address',
});

export const DigestAlgorithm = Type.Union([Type.Literal('sm3'), Type.Literal('sha256')]);
export type DigestAlgorithm = Static<typeof DigestAlgorithm>;

export const Digest = Type.Object({ algorithm: DigestAlgorithm, value: Hex32 }, strict);
export type Digest = Static<typeof Digest>;

/** 1..4 digests of the same content, with distinct algorithms (checked after the schema). */
const Digests = Type.Array(Digest, { minItems: 1, maxItems: 4 });
const Tags = Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16 });
const FileFields = {
  fileName: Opt(Type.String({ maxLength: 255 })),
  size: Opt(SafeInt(0)),
  mediaType: Opt(Type.String({ maxLength: 127 })),
};

export const Provenance = Type.Object(
  {
    source: Opt(Type.String()),
    device: Opt(Type.String()),
    environment: Opt(Type.String()),
    processLogDigest: Opt(Digest),
  },
  strict,
);
export type Provenance = Static<typeof Provenance>;

/** A person or organization: copyright owner, licensor, licensee. */
export const Party = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 255 }), id: Opt(Type.String({ maxLength: 128 })) },
  strict,
);
export type Party = Static<typeof Party>;

export const Work = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 255 }),
    type: Opt(Type.String()),
    creationTime: SafeInt(0),
  },
  strict,
);
export type Work = Static<typeof Work>;

/** License term in ms since epoch; `to` > `from` (checked after the schema). */
export const Term = Type.Object({ from: SafeInt(0), to: SafeInt(0) }, strict);
export type Term = Static<typeof Term>;

export const SubmitArgs = Type.Object(
  { digests: Digests, ...FileFields, tags: Opt(Tags), provenance: Opt(Provenance) },
  strict,
);
export type SubmitArgs = Static<typeof SubmitArgs>;

export const RegisterCopyrightArgs = Type.Object(
  { digests: Digests, work: Work, owner: Party, ...FileFields, tags: Opt(Tags) },
  strict,
);
export type RegisterCopyrightArgs = Static<typeof RegisterCopyrightArgs>;

export const GrantLicenseArgs = Type.Object(
  { registration: Hex32, licensee: Party, scope: Type.String({ minLength: 1, maxLength: 1024 }), term: Term },
  strict,
);
export type GrantLicenseArgs = Static<typeof GrantLicenseArgs>;

export const ReportInfringementArgs = Type.Object(
  {
    registration: Hex32,
    digests: Digests,
    description: Opt(Type.String({ maxLength: 4096 })),
    url: Opt(Type.String({ maxLength: 2048 })),
    ...FileFields,
  },
  strict,
);
export type ReportInfringementArgs = Static<typeof ReportInfringementArgs>;

export const AnchorBatchArgs = Type.Object(
  {
    /** RFC 6962 root (chain suite hash) over the raw digest bytes, in submission order. */
    root: Hex32,
    /** Number of leaves. */
    size: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    /** Algorithm of the leaf digests. */
    algorithm: DigestAlgorithm,
    label: Opt(Type.String({ maxLength: 255 })),
  },
  strict,
);
export type AnchorBatchArgs = Static<typeof AnchorBatchArgs>;

export const RecordKind = Type.Union([
  Type.Literal('evidence'),
  Type.Literal('copyright'),
  Type.Literal('license'),
  Type.Literal('infringement'),
  Type.Literal('batch'),
]);
export type RecordKind = Static<typeof RecordKind>;

/** A stored record, as returned by queries. `id` = hex txId of the creating tx. */
export const EvidenceRecord = Type.Object(
  {
    id: Hex32,
    kind: RecordKind,
    submitter: Address,
    height: SafeInt(1),
    /** Block time, ms since epoch. */
    time: SafeInt(0),
    txId: Hex32,
    digests: Opt(Digests),
    ...FileFields,
    tags: Opt(Tags),
    provenance: Opt(Provenance),
    work: Opt(Work),
    owner: Opt(Party),
    registration: Opt(Hex32),
    licensor: Opt(Party),
    licensee: Opt(Party),
    scope: Opt(Type.String()),
    term: Opt(Term),
    description: Opt(Type.String()),
    url: Opt(Type.String()),
    root: Opt(Hex32),
    algorithm: Opt(DigestAlgorithm),
    label: Opt(Type.String()),
  },
  strict,
);
export type EvidenceRecord = Static<typeof EvidenceRecord>;

/** Result of every method: the record created, or the existing one for a duplicate digest/root. */
export const RecordResult = Type.Object({ recordId: Hex32, existing: Type.Boolean() }, strict);
export type RecordResult = Static<typeof RecordResult>;

const Limit = Opt(Type.Integer({ minimum: 1, maximum: 100, description: 'default 50' }));
const Cursor = Opt(Type.String({ pattern: '^[0-9a-f]*$', description: 'opaque; a previous nextCursor' }));

export const GetParams = Type.Object({ id: Hex32 }, strict);
export type GetParams = Static<typeof GetParams>;
export const ByDigestParams = Digest;
export type ByDigestParams = Static<typeof ByDigestParams>;
export const BySubmitterParams = Type.Object({ address: Address, limit: Limit, cursor: Cursor }, strict);
export type BySubmitterParams = Static<typeof BySubmitterParams>;
/** Records with from ≤ block time ≤ to (ms), newest first. */
export const ByTimeParams = Type.Object(
  { from: SafeInt(0), to: SafeInt(0), limit: Limit, cursor: Cursor },
  strict,
);
export type ByTimeParams = Static<typeof ByTimeParams>;
export const HistoryParams = GetParams;
export type HistoryParams = Static<typeof HistoryParams>;

/** A page of records, newest first; pass nextCursor as `cursor` for the next page. */
export const RecordPage = Type.Object(
  { records: Type.Array(EvidenceRecord), nextCursor: Opt(Type.String()) },
  strict,
);
export type RecordPage = Static<typeof RecordPage>;

/** One version of a record key; `record: null` = deleted at that height. */
export const RecordVersion = Type.Object(
  { height: SafeInt(1), record: Type.Union([EvidenceRecord, Type.Null()]) },
  strict,
);
export type RecordVersion = Static<typeof RecordVersion>;
