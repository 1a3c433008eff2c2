/**
 * Chain parameters and scheduled upgrades from committed governance state (spec/governance.md §9).
 *
 * - Params: the genesis params with the `setParams` overrides committed so far. Execution reads the
 *   same record itself (ExecutorModules.params), so every node applies a change from the block after
 *   the one that executed it; the producer / BFT proposer read block limits and the block interval
 *   from here before each block.
 * - Upgrades (Cosmos x/upgrade style): an upgrade `name` scheduled at `height` makes a node whose
 *   software does not support `name` halt cleanly after committing `height − 1`: it stops producing
 *   and voting (a BFT node keeps its links and serves block sync up to there), logs the reason, refuses new txs with NODE_UPGRADE_REQUIRED, keeps serving reads,
 *   and shows the halt in `/v1/status`. Software that supports it goes on at `height`.
 */
import type { StateView } from '@xinlian/execution';
import type { Governance } from '@xinlian/module-governance';
import type { ChainParams } from '@xinlian/schemas';
import { XinlianError } from '@xinlian/utils';
import type { Logger } from 'pino';

/** Upgrade names this software supports (a new release adds the name its governance proposal uses). */
export const SUPPORTED_UPGRADES: readonly string[] = Object.freeze([]);

/** Blocks before an unsupported upgrade's height from which every commit logs a warning. */
export const UPGRADE_WARN_BLOCKS = 100;

export interface UpgradeInfo {
  readonly name: string;
  readonly height: number;
  readonly info?: string;
  readonly scheduledAt: number;
  /** Whether this node's software supports it (else the node halts before `height`). */
  readonly supported: boolean;
}

export interface UpgradeHalt {
  readonly name: string;
  readonly height: number;
  readonly info?: string;
  /** The last height this node committed. */
  readonly haltedAfter: number;
  readonly reason: string;
}

export interface ChainRulesOptions {
  readonly genesisParams: ChainParams;
  /** Upgrade names this node supports (default SUPPORTED_UPGRADES). */
  readonly supportedUpgrades?: readonly string[];
}

export interface ChainRulesModules {
  readonly governance: Pick<Governance, 'params' | 'upgrades'>;
  /** Committed state (the store). */
  readonly state: StateView;
  readonly logger: Logger;
}

/** Current chain params and the upgrade gate of a node, read from committed state. */
export class ChainRules {
  readonly #o: ChainRulesOptions;
  readonly #m: ChainRulesModules;
  readonly #supported: ReadonlySet<string>;
  #halt: UpgradeHalt | undefined;

  constructor(opts: ChainRulesOptions, modules: ChainRulesModules) {
    this.#o = opts;
    this.#m = modules;
    this.#supported = new Set(opts.supportedUpgrades ?? SUPPORTED_UPGRADES);
  }

  /** The genesis params with the governance overrides committed so far (those of the next block). */
  params(): ChainParams {
    return { ...this.#o.genesisParams, ...this.#m.governance.params(this.#m.state) };
  }

  /** Scheduled upgrades not yet reached or passed, with whether this software supports them. */
  upgrades(): UpgradeInfo[] {
    return this.#m.governance.upgrades(this.#m.state).map((u) => ({
      name: u.name,
      height: u.height,
      ...(u.info === undefined ? {} : { info: u.info }),
      scheduledAt: u.scheduledAt,
      supported: this.#supported.has(u.name),
    }));
  }

  /** The halt this node is in, if any. */
  get halted(): UpgradeHalt | undefined {
    return this.#halt;
  }

  /**
   * Checks the committed head `height`: returns the halt if block `height + 1` needs an upgrade
   * this software does not support (logged once as an error), and warns while one is near.
   */
  check(height: number): UpgradeHalt | undefined {
    if (this.#halt !== undefined) return this.#halt;
    for (const u of this.upgrades()) {
      if (u.supported) continue;
      if (u.height <= height + 1) {
        const halt: UpgradeHalt = {
          name: u.name,
          height: u.height,
          ...(u.info === undefined ? {} : { info: u.info }),
          haltedAfter: height,
          reason: `UPGRADE "${u.name}" NEEDED at height ${u.height}: this node's software does not support it; install a release that does and restart`,
        };
        this.#halt = halt;
        this.#m.logger.error({ upgrade: u.name, upgradeHeight: u.height, info: u.info, height }, halt.reason);
        return halt;
      }
      if (u.height - (height + 1) <= UPGRADE_WARN_BLOCKS) {
        this.#m.logger.warn(
          { upgrade: u.name, upgradeHeight: u.height, height },
          `upgrade "${u.name}" at height ${u.height} is not supported by this software: the node will halt before it`,
        );
      }
    }
    return undefined;
  }

  /** Throws NODE_UPGRADE_REQUIRED while halted (e.g. for a submitted tx). */
  assertRunning(): void {
    const h = this.#halt;
    if (h !== undefined) {
      throw new XinlianError('NODE_UPGRADE_REQUIRED', h.reason, {
        upgrade: h.name,
        height: h.height,
        haltedAfter: h.haltedAfter,
      });
    }
  }
}
