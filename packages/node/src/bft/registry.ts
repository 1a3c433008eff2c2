/**
 * Who may connect a node (spec/network.md, spec/governance.md §9): the network's MemberRegistry
 * answered from committed state — the validator sets scheduled by governance, the genesis node
 * list, and the governance member records (certificate, revocation, organization) — not only from
 * the genesis. Re-checked after every block that changes governance state or ends a validator
 * set, so a revocation or a removal from the set drops the node's links right after the block
 * commits.
 */
import type { PublicKey } from '@xinlian/crypto';
import type { MemberInfo, MemberRegistry } from '@xinlian/network';
import type { Genesis } from '@xinlian/schemas';
import { toHex } from '@xinlian/utils';
import type { HeightValidatorSet } from './valsets.js';

/** The parts of a governance member record the registry reads. */
export interface NodeMemberRecord {
  readonly org: string;
  readonly role: string;
  readonly name: string;
}

export interface ChainRegistryModules {
  readonly genesis: Genesis;
  /** The validator sets (the sets of committed + 1 and committed + 2 are asked). */
  readonly sets: { at(height: number): HeightValidatorSet };
  readonly committedHeight: () => number;
  /** The account address of a node key (as for tx signers). */
  readonly addressOf: (publicKey: Uint8Array) => string;
  /** `governance.member` on committed state: the record of an address, or undefined. */
  readonly member: (address: string) => NodeMemberRecord | undefined;
  /**
   * Checks the member like a tx sender (organization present, certificate and CA not revoked,
   * valid at `time`); throws PERM_* otherwise (`Governance.identify` on the store).
   */
  readonly identify: (address: string, time: number) => void;
  /** Whether an organization exists in committed governance state. */
  readonly organizationExists: (org: string) => boolean;
  /** Time the certificate validity is checked at (the last block time). */
  readonly time: () => number;
}

/** Roles of a member record that admit a node key by themselves. */
const NODE_ROLES = new Set(['validator', 'observer']);

export class ChainRegistry implements MemberRegistry {
  readonly #m: ChainRegistryModules;
  /** Genesis observers (genesis validators are admitted through the validator sets only). */
  readonly #genesisObservers = new Map<string, { org: string; name: string }>();

  constructor(modules: ChainRegistryModules) {
    this.#m = modules;
    for (const o of modules.genesis.observers ?? []) {
      this.#genesisObservers.set(o.publicKey.toLowerCase(), { org: o.organization, name: o.name });
    }
  }

  isMember(publicKey: PublicKey): MemberInfo | undefined {
    return this.admit(publicKey.bytes);
  }

  /**
   * A node key is admitted when it is in the validator set of the next two heights (the current
   * set and the one scheduled to follow it), listed as a genesis observer, or registered on chain
   * with role validator/observer; and then: if it has a governance member record, that record
   * passes `identify` (organization present, certificate and CA unrevoked, valid now); without
   * one, its organization still exists. Being a genesis validator admits a key only through the
   * sets: once governance has removed it from the set (and no later set holds it), it is refused
   * unless a member record with a node role (e.g. its node certificate) admits it.
   */
  admit(key: Uint8Array): MemberInfo | undefined {
    const hex = toHex(key);
    const h = this.#m.committedHeight();
    let inSet: { org: string; name: string } | undefined;
    for (const s of [this.#m.sets.at(h + 1), this.#m.sets.at(h + 2)]) {
      const i = s.index.get(hex);
      if (i !== undefined && inSet === undefined) {
        inSet = { org: s.organizations[i] ?? '', name: s.set.validators[i]?.name ?? '' };
      }
    }
    const listed = this.#genesisObservers.get(hex);
    const address = this.#m.addressOf(key);
    const record = this.#m.member(address);
    const role = inSet !== undefined ? 'validator' : 'observer';
    if (record !== undefined) {
      try {
        this.#m.identify(address, this.#m.time());
      } catch {
        return undefined; // revoked, expired, or its organization removed
      }
      if (inSet === undefined && listed === undefined && !NODE_ROLES.has(record.role)) return undefined;
      return { org: record.org, name: record.name, role };
    }
    const node = inSet ?? listed;
    if (node === undefined) return undefined;
    if (node.org !== '' && !this.#m.organizationExists(node.org)) return undefined;
    return { org: node.org, name: node.name, role };
  }
}
