import { type Static, Type } from '@sinclair/typebox';
import { ORG_ID_PATTERN_SOURCE } from '@xinlian/utils';
import { Height, Hex, SuiteId } from './common.js';

/** Identifier of an organization (a consortium member), e.g. `org1`. */
export const OrgId = Type.String({ pattern: ORG_ID_PATTERN_SOURCE });

/** A consortium member organization. */
export const GenesisOrganization = Type.Object(
  {
    id: OrgId,
    name: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);

/**
 * A validator: its name, the organization that runs it (optional for a single-organization chain),
 * its node public key (signs votes and authenticates the node's P2P links) and its voting power.
 */
/** Any JSON value (the governance section is validated by its module). */
export type JsonData =
  | null
  | boolean
  | number
  | string
  | readonly JsonData[]
  | { readonly [k: string]: JsonData };

export const GenesisValidator = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    organization: Type.Optional(OrgId),
    publicKey: Hex(),
    power: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  },
  { additionalProperties: false },
);

/** A non-voting member node (follows the chain, serves the API) bound to an organization. */
export const GenesisObserver = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    organization: OrgId,
    publicKey: Hex(),
  },
  { additionalProperties: false },
);

export const ChainParams = Type.Object(
  {
    /** Target interval between blocks, ms. */
    blockIntervalMs: Type.Integer({ minimum: 10, maximum: 60_000 }),
    maxBlockTxs: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    maxBlockBytes: Type.Integer({ minimum: 1024, maximum: 256 * 1024 * 1024 }),
    maxTxBytes: Type.Integer({ minimum: 256, maximum: 16 * 1024 * 1024 }),
    /** A tx's expiryHeight may be at most this many blocks after the height it is included at. */
    maxTxLifetime: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  },
  { additionalProperties: false },
);

/**
 * The genesis document. Its hash (suite hash of its canonical JSON bytes) identifies the chain;
 * a verifier that trusts the genesis trusts its validator set.
 */
export const Genesis = Type.Object(
  {
    format: Type.Literal('xinlian-genesis/1'),
    chainId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
    suite: SuiteId,
    /** ms since epoch; the first block's time must be greater. */
    genesisTime: Height,
    /** Member organizations (optional: absent on a single-organization development chain). */
    organizations: Type.Optional(Type.Array(GenesisOrganization, { minItems: 1, maxItems: 256 })),
    validators: Type.Array(GenesisValidator, { minItems: 1, maxItems: 256 }),
    /** Non-voting member nodes allowed to connect (optional). */
    observers: Type.Optional(Type.Array(GenesisObserver, { maxItems: 256 })),
    params: ChainParams,
    /**
     * Membership, permissions, governance and supervision (spec/governance.md §8), validated by
     * @xinlian/module-governance at node start. Absent: a non-permissioned chain whose validator
     * keys are admins of one `dev` organization.
     */
    governance: Type.Optional(
      Type.Unsafe<{ readonly [k: string]: JsonData }>(
        Type.Object({ permissioned: Type.Boolean() }, { additionalProperties: true }),
      ),
    ),
  },
  { additionalProperties: false },
);
export type Genesis = Static<typeof Genesis>;
export type ChainParams = Static<typeof ChainParams>;
export type GenesisValidator = Static<typeof GenesisValidator>;
export type GenesisOrganization = Static<typeof GenesisOrganization>;
export type GenesisObserver = Static<typeof GenesisObserver>;

export const DEFAULT_CHAIN_PARAMS: ChainParams = {
  blockIntervalMs: 200,
  maxBlockTxs: 5000,
  maxBlockBytes: 16 * 1024 * 1024,
  maxTxBytes: 256 * 1024,
  maxTxLifetime: 1000,
};
