/**
 * The validator sets of a BFT node, read from committed governance state (spec/consensus.md §11):
 * `governance.validatorSets` lists the sets scheduled so far (the genesis set at 0, a change executed
 * in block h at h+2). After committing H−1 the sets deciding H and H+1 are fixed; the driver runs H
 * with `at(H)`, the application writes and checks both header hashes, block sync verifies the
 * certificate of H against `at(H)`, and receipts carry the chain of changes (`links`).
 */
import {
  type BlockHeader,
  type CommitCertificate,
  decodeBlock,
  type ValidatorSet,
  validatorSetHash,
} from '@xinlian/codec';
import type { ScheduledValidatorSet, ValidatorSetLink } from '@xinlian/consensus';
import type { CryptoSuite } from '@xinlian/crypto';
import { fromHex, toHex, XinlianError } from '@xinlian/utils';

/** One scheduled set with what the node derives from it once. */
export interface HeightValidatorSet {
  /** First height this set decides (0 = genesis). */
  readonly since: number;
  readonly set: ValidatorSet;
  readonly hash: Uint8Array;
  readonly hashHex: string;
  /** Organization of each validator (set order). */
  readonly organizations: readonly (string | null)[];
  /** Public key hex → index in the set. */
  readonly index: ReadonlyMap<string, number>;
}

/** A `valset/<height>` record as the governance query returns it. */
interface ScheduledRecord {
  readonly height: number;
  readonly validators: readonly {
    readonly name: string;
    readonly organization?: string;
    readonly publicKey: string;
    readonly power: number;
  }[];
}

export interface ValidatorSetsModules {
  readonly suite: CryptoSuite;
  /** `governance.validatorSets` on committed state (the genesis set at 0 before block 1 too). */
  readonly query: () => unknown;
  /** The committed height (the schedule is re-read when it moves). */
  readonly committedHeight: () => number;
  /** Stored block bytes of a height (for the header and certificate of a chain link). */
  readonly blockBytes: (height: number) => Uint8Array | undefined;
}

export class ValidatorSets {
  readonly #m: ValidatorSetsModules;
  #readAt = -1;
  #raw = '';
  #schedule: HeightValidatorSet[] = [];
  readonly #links = new Map<number, { header: BlockHeader; certificate: CommitCertificate }>();

  constructor(modules: ValidatorSetsModules) {
    this.#m = modules;
    this.#refresh();
  }

  /** The sets scheduled in committed state, ascending (the genesis set first, at 0). */
  schedule(): readonly HeightValidatorSet[] {
    this.#refresh();
    return this.#schedule;
  }

  /**
   * The set deciding `height` (the last scheduled at or below it). Fixed once `height − 2` is
   * committed; asked for `height ≤ committed + 2` only.
   */
  at(height: number): HeightValidatorSet {
    let found: HeightValidatorSet | undefined;
    for (const s of this.schedule()) {
      if (s.since > height) break;
      found = s;
    }
    if (found === undefined) {
      throw new XinlianError('CONSENSUS_NO_VALIDATOR_SET', `no validator set for height ${height}`, {
        height,
      });
    }
    return found;
  }

  /** For `verifyValidatorSetChain` / `validatorSetAt`. */
  scheduled(): ScheduledValidatorSet[] {
    return this.schedule().map((s) => ({ height: s.since, validatorSet: s.set }));
  }

  /**
   * The validator-set chain from genesis for light clients and receipts: for each change in effect
   * by the committed height, the set, the header of the block below it and that block's
   * certificate (spec/consensus.md §11).
   */
  links(): ValidatorSetLink[] {
    const head = this.#m.committedHeight();
    const out: ValidatorSetLink[] = [];
    for (const s of this.schedule()) {
      if (s.since === 0 || s.since - 1 > head) continue;
      let link = this.#links.get(s.since);
      if (link === undefined) {
        const bytes = this.#m.blockBytes(s.since - 1);
        if (bytes === undefined) {
          throw new XinlianError('STORE_CORRUPT', 'the block below a validator-set change is missing', {
            height: s.since - 1,
          });
        }
        const block = decodeBlock(bytes);
        link = { header: block.header, certificate: block.certificate };
        this.#links.set(s.since, link);
      }
      out.push({ height: s.since, validatorSet: s.set, ...link });
    }
    return out;
  }

  #refresh(): void {
    const committed = this.#m.committedHeight();
    if (committed === this.#readAt) return;
    const records = this.#m.query() as ScheduledRecord[];
    const raw = JSON.stringify(records);
    this.#readAt = committed;
    if (raw === this.#raw) return;
    this.#raw = raw;
    const hash = (...p: Uint8Array[]) => this.#m.suite.hash(...p);
    const previous = new Map(this.#schedule.map((s) => [`${s.since}/${s.hashHex}`, s]));
    this.#schedule = records
      .slice()
      .sort((a, b) => a.height - b.height)
      .map((r) => {
        const set: ValidatorSet = {
          validators: r.validators.map((v) => ({
            name: v.name,
            publicKey: fromHex(v.publicKey),
            power: v.power,
          })),
        };
        const h = validatorSetHash(hash, set);
        const hashHex = toHex(h);
        // Keep the same object for an unchanged entry (the driver compares by identity).
        const kept = previous.get(`${r.height}/${hashHex}`);
        if (kept !== undefined) return kept;
        return {
          since: r.height,
          set,
          hash: h,
          hashHex,
          organizations: r.validators.map((v) => v.organization ?? null),
          index: new Map(set.validators.map((v, i) => [toHex(v.publicKey), i])),
        };
      });
    for (const since of [...this.#links.keys()]) {
      if (!this.#schedule.some((s) => s.since === since)) this.#links.delete(since);
    }
  }
}

/** A fixed schedule of one set (tests, and chains whose driver is given a set directly). */
export function staticValidatorSet(
  suite: CryptoSuite,
  set: ValidatorSet,
  organizations: readonly (string | null)[],
): HeightValidatorSet {
  const h = validatorSetHash((...p: Uint8Array[]) => suite.hash(...p), set);
  return {
    since: 0,
    set,
    hash: h,
    hashHex: toHex(h),
    organizations,
    index: new Map(set.validators.map((v, i) => [toHex(v.publicKey), i])),
  };
}
