/**
 * TypeBox schemas (and static types) of the governance module: args, records, query parameters and
 * the genesis section, per spec/governance.md. Shared with the node, SDK and CLI.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { ORG_ID_PATTERN_SOURCE } from '@xinlian/utils';

const strict = { additionalProperties: false } as const;
const SafeInt = (minimum: number) => Type.Integer({ minimum, maximum: Number.MAX_SAFE_INTEGER });
const Opt = <T extends TSchema>(schema: T) => Type.Optional(schema);
const Text = (maxLength: number, minLength = 1) => Type.String({ minLength, maxLength });

/** Organization ID (same pattern as the genesis `organizations[].id`). */
export const OrgId = Type.String({ pattern: ORG_ID_PATTERN_SOURCE });
export const ModuleName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$' });
export const MethodName = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' });
export const Address = Type.String({ pattern: '^[0-9a-f]{40}$' });
export const HexKey = Type.String({ pattern: '^([0-9a-f]{2}){16,128}$' });
export const Hex32 = Type.String({ pattern: '^[0-9a-f]{64}$' });
export const Serial = Type.String({ pattern: '^[0-9a-f]{1,64}$' });
/** A certificate as PEM or lower-case hex DER. */
export const CertificateText = Text(16_384);

export const Role = Type.Union([
  Type.Literal('admin'),
  Type.Literal('client'),
  Type.Literal('validator'),
  Type.Literal('observer'),
  Type.Literal('regulator'),
  Type.Literal('auditor'),
]);
export type Role = Static<typeof Role>;

export const VotingPolicy = Type.Union([
  Type.Object({ kind: Type.Literal('ALL') }, strict),
  Type.Object({ kind: Type.Literal('MAJORITY') }, strict),
  Type.Object({ kind: Type.Literal('ANY') }, strict),
  Type.Object({ kind: Type.Literal('COUNT'), count: Type.Integer({ minimum: 1, maximum: 256 }) }, strict),
  Type.Object(
    {
      kind: Type.Literal('FRACTION'),
      numerator: Type.Integer({ minimum: 1, maximum: 1000 }),
      denominator: Type.Integer({ minimum: 1, maximum: 1000 }),
    },
    strict,
  ),
]);
export type VotingPolicy = Static<typeof VotingPolicy>;

export const Filing = Type.Object(
  { operator: Text(256), serviceName: Text(256), filingNumber: Text(128) },
  strict,
);
export type Filing = Static<typeof Filing>;

export const ValidatorEntry = Type.Object(
  {
    name: Text(64),
    organization: Opt(OrgId),
    publicKey: HexKey,
    power: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  },
  strict,
);
export type ValidatorEntry = Static<typeof ValidatorEntry>;

export const ParamsPatch = Type.Object(
  {
    blockIntervalMs: Opt(Type.Integer({ minimum: 10, maximum: 60_000 })),
    maxBlockTxs: Opt(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    maxBlockBytes: Opt(Type.Integer({ minimum: 1024, maximum: 256 * 1024 * 1024 })),
    maxTxBytes: Opt(Type.Integer({ minimum: 256, maximum: 16 * 1024 * 1024 })),
    maxTxLifetime: Opt(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  },
  { ...strict, minProperties: 1 },
);
export type ParamsPatch = Static<typeof ParamsPatch>;

/** What a proposal does when it executes. */
export const Action = Type.Union([
  Type.Object(
    { type: Type.Literal('addOrganization'), org: OrgId, name: Text(128), caCertificate: CertificateText },
    strict,
  ),
  Type.Object({ type: Type.Literal('removeOrganization'), org: OrgId }, strict),
  Type.Object(
    {
      type: Type.Literal('setValidators'),
      validators: Type.Array(ValidatorEntry, { minItems: 1, maxItems: 256 }),
    },
    strict,
  ),
  Type.Object({ type: Type.Literal('setParams'), params: ParamsPatch }, strict),
  Type.Object({ type: Type.Literal('setModule'), module: ModuleName, enabled: Type.Boolean() }, strict),
  Type.Object(
    {
      type: Type.Literal('setPermission'),
      module: ModuleName,
      method: MethodName,
      /** null: back to the method's declared default. */
      roles: Type.Union([Type.Array(Role, { maxItems: 6, uniqueItems: true }), Type.Null()]),
    },
    strict,
  ),
  Type.Object({ type: Type.Literal('setVotingPolicy'), policy: VotingPolicy }, strict),
  Type.Object(
    {
      type: Type.Literal('scheduleUpgrade'),
      name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
      height: SafeInt(1),
      info: Opt(Text(1024, 0)),
    },
    strict,
  ),
  Type.Object({ type: Type.Literal('setFiling'), filing: Filing }, strict),
]);
export type Action = Static<typeof Action>;

/** `upgrade/<name>`: an upgrade scheduled by governance (spec/governance.md §9). */
export interface UpgradeRecord {
  readonly type: 'scheduleUpgrade';
  readonly name: string;
  /** Nodes whose software does not support `name` halt before executing this height. */
  readonly height: number;
  readonly info?: string;
  /** The height whose beginBlock executed the proposal. */
  readonly scheduledAt: number;
}
export type ActionType = Action['type'];

export const FreezeTarget = Type.Union([
  Type.Object({ kind: Type.Literal('account'), address: Address }, strict),
  Type.Object({ kind: Type.Literal('module'), module: ModuleName }, strict),
  Type.Object(
    {
      kind: Type.Literal('record'),
      module: ModuleName,
      record: Type.String({ pattern: '^[0-9A-Za-z._:-]{1,128}$' }),
    },
    strict,
  ),
]);
export type FreezeTarget = Static<typeof FreezeTarget>;

// ---- method args ----

export const RegisterMemberArgs = Type.Object({ certificate: CertificateText }, strict);
export type RegisterMemberArgs = Static<typeof RegisterMemberArgs>;

export const RegisterKeyArgs = Type.Object(
  { org: OrgId, publicKey: HexKey, role: Role, name: Text(128) },
  strict,
);
export type RegisterKeyArgs = Static<typeof RegisterKeyArgs>;

export const RemoveMemberArgs = Type.Object({ address: Address }, strict);
export type RemoveMemberArgs = Static<typeof RemoveMemberArgs>;

export const RevokeCertificateArgs = Type.Object(
  { org: OrgId, serial: Serial, reason: Opt(Text(64)) },
  strict,
);
export type RevokeCertificateArgs = Static<typeof RevokeCertificateArgs>;

export const ProposeArgs = Type.Object(
  {
    action: Action,
    title: Text(256),
    description: Opt(Text(4096, 0)),
    /** Last height at which votes are accepted. */
    deadlineHeight: SafeInt(1),
    /** Earliest height of execution once passed (default: the block after it passes). */
    executeHeight: Opt(SafeInt(1)),
  },
  strict,
);
export type ProposeArgs = Static<typeof ProposeArgs>;

export const Choice = Type.Union([Type.Literal('yes'), Type.Literal('no'), Type.Literal('abstain')]);
export type Choice = Static<typeof Choice>;
export const VoteArgs = Type.Object({ proposal: SafeInt(1), choice: Choice }, strict);
export type VoteArgs = Static<typeof VoteArgs>;

export const FreezeArgs = Type.Object(
  { target: FreezeTarget, legalBasis: Text(1024), reference: Text(256) },
  strict,
);
export type FreezeArgs = Static<typeof FreezeArgs>;

export const FileAuditReportArgs = Type.Object(
  { from: SafeInt(0), to: SafeInt(0), digest: Hex32, reference: Text(256) },
  strict,
);
export type FileAuditReportArgs = Static<typeof FileAuditReportArgs>;

// ---- genesis ----

export const GovernanceGenesis = Type.Object(
  {
    /** true: only registered, unrevoked members may send txs (spec/governance.md §4). */
    permissioned: Type.Boolean(),
    organizations: Type.Array(
      Type.Object({ id: OrgId, name: Text(128), caCertificate: Opt(CertificateText) }, strict),
      { minItems: 1, maxItems: 256 },
    ),
    /** Registered keys (no certificate) with their roles, e.g. each organization's first admin. */
    members: Type.Array(Type.Object({ org: OrgId, role: Role, publicKey: HexKey, name: Text(128) }, strict), {
      maxItems: 4096,
    }),
    votingPolicy: Opt(VotingPolicy),
    permissions: Opt(
      Type.Array(
        Type.Object(
          { module: ModuleName, method: MethodName, roles: Type.Array(Role, { maxItems: 6 }) },
          strict,
        ),
        { maxItems: 1024 },
      ),
    ),
    filing: Opt(Filing),
    validators: Opt(Type.Array(ValidatorEntry, { maxItems: 256 })),
  },
  strict,
);
export type GovernanceGenesis = Static<typeof GovernanceGenesis>;

// ---- query params ----

export const Empty = Type.Object({}, strict);
export const OrgParams = Type.Object({ org: OrgId }, strict);
export const MembersParams = Type.Object({ org: Opt(OrgId) }, strict);
export const AddressParams = Type.Object({ address: Address }, strict);
export const ProposalParams = Type.Object({ id: SafeInt(1) }, strict);
export const ProposalsParams = Type.Object(
  {
    status: Opt(
      Type.Union([
        Type.Literal('open'),
        Type.Literal('passed'),
        Type.Literal('rejected'),
        Type.Literal('expired'),
        Type.Literal('executed'),
        Type.Literal('failed'),
      ]),
    ),
    limit: Opt(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  strict,
);
export const PermissionParams = Type.Object({ module: ModuleName, method: MethodName }, strict);
export const FrozenParams = Type.Object({ target: FreezeTarget }, strict);
export const AuditParams = Type.Object(
  {
    from: SafeInt(0),
    to: SafeInt(0),
    format: Opt(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
    limit: Opt(Type.Integer({ minimum: 1, maximum: 100_000 })),
  },
  strict,
);
export const ValidatorSetsParams = Type.Object({ fromHeight: Opt(SafeInt(0)) }, strict);

// ---- records ----

export interface OrganizationRecord {
  readonly id: string;
  readonly name: string;
  /** CA certificate, lower-case hex DER (null: no CA; members are registered keys). */
  readonly caCertificate: string | null;
  readonly caSerial: string | null;
  readonly addedHeight: number;
}

export interface MemberRecord {
  readonly address: string;
  readonly publicKey: string;
  readonly org: string;
  readonly role: Role;
  readonly name: string;
  /** Certificate serial (null for a registered key). */
  readonly serial: string | null;
  readonly caSerial: string | null;
  /** Certificate validity, ms since epoch (null for a registered key). */
  readonly notBefore: number | null;
  readonly notAfter: number | null;
  readonly registeredHeight: number;
}

export type ProposalStatus = 'open' | 'passed' | 'rejected' | 'expired' | 'executed' | 'failed';

export interface VoteRecord {
  readonly org: string;
  readonly voter: string;
  readonly choice: Choice;
  readonly height: number;
  readonly time: number;
  readonly txId: string;
}

export interface HistoryEntry {
  readonly event: string;
  readonly height: number;
  readonly time: number;
  readonly by?: string;
  readonly org?: string;
  readonly choice?: Choice;
  readonly code?: string;
  readonly message?: string;
}

export interface ProposalRecord {
  readonly id: number;
  readonly action: Action;
  readonly title: string;
  readonly description: string;
  readonly proposer: string;
  readonly proposerOrg: string;
  readonly policy: VotingPolicy;
  readonly createdHeight: number;
  readonly createdTime: number;
  readonly deadlineHeight: number;
  readonly executeHeight: number | null;
  readonly status: ProposalStatus;
  /** Height it executes (or executed) at, once passed. */
  readonly executeAt: number | null;
  readonly votes: readonly VoteRecord[];
  readonly history: readonly HistoryEntry[];
}

export interface FreezeRecord {
  readonly target: FreezeTarget;
  readonly legalBasis: string;
  readonly reference: string;
  readonly by: string;
  readonly org: string;
  readonly height: number;
  readonly time: number;
  readonly txId: string;
}

export interface AuditEntry {
  readonly time: number;
  readonly height: number;
  /** The tx (null: executed by the chain at the start of the block, e.g. a proposal). */
  readonly txId: string | null;
  readonly actor: string | null;
  readonly org: string | null;
  readonly role: string | null;
  readonly action: string;
  readonly details: { readonly [k: string]: string | number | boolean | null };
}
