/** Builds the governance module and host authorizer from the genesis document (spec/governance.md §8). */
import type { CryptoSuite } from '@xinlian/crypto';
import type { Module } from '@xinlian/execution';
import { createGovernance, type Governance, type GovernanceGenesis } from '@xinlian/module-governance';
import type { Genesis } from '@xinlian/schemas';
import { isXinlianError, XinlianError } from '@xinlian/utils';

/** The org of a chain without a governance section: every validator key is one of its admins. */
export const DEV_ORG = 'dev';

/** Genesis fields of the multi-organization network (present once the BFT genesis is in use). */
type OrgGenesis = Genesis & {
  readonly organizations?: readonly { readonly id: string; readonly name: string }[];
};

/**
 * The genesis `governance` section (its `organizations` and `validators` default to the genesis
 * ones), or for a chain without one: non-permissioned, the genesis organizations (else one `dev`
 * organization) whose admins are the validator keys.
 */
export function governanceGenesisOf(genesis: Genesis): GovernanceGenesis {
  const g = genesis as OrgGenesis;
  const validators = genesis.validators.map((v) => {
    const org = (v as { organization?: string }).organization;
    return {
      name: v.name,
      publicKey: v.publicKey,
      power: v.power,
      ...(org === undefined ? {} : { organization: org }),
    };
  });
  const organizations =
    g.organizations !== undefined && g.organizations.length > 0
      ? g.organizations.map((o) => ({ id: o.id, name: o.name }))
      : [{ id: DEV_ORG, name: 'Development organization' }];
  if (genesis.governance !== undefined) {
    const section = genesis.governance as unknown as Partial<GovernanceGenesis>;
    return {
      ...(section as GovernanceGenesis),
      organizations: section.organizations ?? organizations,
      validators: section.validators ?? validators,
    };
  }
  return {
    permissioned: false,
    organizations,
    members: validators.map((v) => ({
      org: v.organization ?? organizations[0]!.id,
      role: 'admin' as const,
      publicKey: v.publicKey,
      name: v.name,
    })),
    validators,
  };
}

/** The governance module and authorizer of a chain; NODE_BAD_GENESIS if the section is invalid. */
export function governanceFor(genesis: Genesis, suite: CryptoSuite, modules: readonly Module[]): Governance {
  try {
    return createGovernance({ suite, genesis: governanceGenesisOf(genesis), modules });
  } catch (e) {
    const field =
      isXinlianError(e) && typeof e.details.field === 'string'
        ? `/governance/${e.details.field}`
        : '/governance';
    throw new XinlianError(
      'NODE_BAD_GENESIS',
      `genesis governance section is invalid: ${e instanceof Error ? e.message : String(e)}`,
      { field, reason: isXinlianError(e) ? e.code : 'UNKNOWN' },
      { cause: e },
    );
  }
}
