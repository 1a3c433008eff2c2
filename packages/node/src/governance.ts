/** Builds the governance module and host authorizer from the genesis document (spec/governance.md §8). */
import type { CryptoSuite } from '@xinlian/crypto';
import type { Module } from '@xinlian/execution';
import { createGovernance, type Governance, type GovernanceGenesis } from '@xinlian/module-governance';
import type { Genesis } from '@xinlian/schemas';
import { isXinlianError, XinlianError } from '@xinlian/utils';

/** The org of a chain without a governance section: every validator key is one of its admins. */
export const DEV_ORG = 'dev';

/**
 * The genesis `governance` section, or for a chain without one: non-permissioned, one `dev`
 * organization whose admins are the validator keys (so the dev key can propose, vote, freeze…
 * after registering a regulator key).
 */
export function governanceGenesisOf(genesis: Genesis): GovernanceGenesis {
  const validators = genesis.validators.map((v) => ({
    name: v.name,
    publicKey: v.publicKey,
    power: v.power,
  }));
  if (genesis.governance !== undefined) {
    const g = genesis.governance as unknown as GovernanceGenesis;
    return g.validators === undefined ? { ...g, validators } : g;
  }
  return {
    permissioned: false,
    organizations: [{ id: DEV_ORG, name: 'Development organization' }],
    members: genesis.validators.map((v) => ({
      org: DEV_ORG,
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
