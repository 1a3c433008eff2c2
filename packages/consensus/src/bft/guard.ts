import type { WalRecord } from '@xinlian/codec';
import { equalBytes, XinlianError } from '@xinlian/utils';
import type { Step } from './types.js';

/** A signed message's place in the protocol: its height, round, step and block (empty = nil). */
export interface SignedPosition {
  readonly height: number;
  readonly round: number;
  readonly step: Step;
  readonly blockId: Uint8Array;
}

const STEP_ORDER: Readonly<Record<Step, number>> = Object.freeze({ propose: 0, prevote: 1, precommit: 2 });

/** Orders positions by (height, round, step): negative when a is earlier than b. */
export function comparePositions(a: SignedPosition, b: SignedPosition): number {
  return a.height - b.height || a.round - b.round || STEP_ORDER[a.step] - STEP_ORDER[b.step];
}

/** The position of the message a WAL record holds (for a lock: its precommit). */
export function walRecordPosition(record: WalRecord, blockIdOf: (blockBytes: Uint8Array) => Uint8Array) {
  if (record.kind === 'proposal') {
    const p = record.proposal;
    return { height: p.height, round: p.round, step: 'propose', blockId: blockIdOf(p.blockBytes) } as const;
  }
  const v = record.vote;
  return { height: v.height, round: v.round, step: v.type, blockId: v.blockId } as const;
}

/**
 * Double-sign protection (pure): remembers the last position this validator signed and allows a
 * new signature only at a later position, or at the same position for the same block (a re-send
 * of the same message). Positions only move forward, so no two conflicting messages (same height,
 * round and step, different block) are ever signed. Restored from the WAL after a restart.
 */
export class SignedVoteGuard {
  private lastSigned: SignedPosition | undefined;

  constructor(last?: SignedPosition) {
    this.lastSigned = last;
  }

  /** A guard whose last position is the latest among the records (undefined for an empty WAL). */
  static fromWal(
    records: readonly WalRecord[],
    blockIdOf: (blockBytes: Uint8Array) => Uint8Array,
  ): SignedVoteGuard {
    let last: SignedPosition | undefined;
    for (const r of records) {
      const pos = walRecordPosition(r, blockIdOf);
      if (last === undefined || comparePositions(pos, last) > 0) last = pos;
    }
    return new SignedVoteGuard(last);
  }

  /** The last signed position, if any. */
  get last(): SignedPosition | undefined {
    return this.lastSigned;
  }

  /** True when signing at `pos` cannot conflict with anything signed before. */
  allows(pos: SignedPosition): boolean {
    const last = this.lastSigned;
    if (last === undefined) return true;
    const c = comparePositions(pos, last);
    return c > 0 || (c === 0 && equalBytes(pos.blockId, last.blockId));
  }

  /** Records a signature at `pos`; throws CONSENSUS_DOUBLE_SIGN when `allows(pos)` is false. */
  record(pos: SignedPosition): void {
    if (!this.allows(pos)) {
      throw new XinlianError('CONSENSUS_DOUBLE_SIGN', 'refusing to sign a conflicting or earlier message', {
        height: pos.height,
        round: pos.round,
        step: pos.step,
      });
    }
    this.lastSigned = pos;
  }
}
