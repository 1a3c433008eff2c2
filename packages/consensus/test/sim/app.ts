// The simulated application: blocks are small fixed-layout byte strings that link to their
// parent, and a validator's app checks them against its own committed chain.
import { createHash } from 'node:crypto';
import { equalBytes } from '@xinlian/utils';
import type { ConsensusApp } from '../../src/index.js';

/** Block layout: magic, height, round, proposer, time, parent ID, valid flag, nonce. */
const MAGIC = 0x42;
const BLOCK_LENGTH = 1 + 4 + 4 + 2 + 8 + 32 + 1 + 4;
export const GENESIS_ID = new Uint8Array(32);
export const GENESIS_TIME = 1_700_000_000_000;

export interface SimBlock {
  readonly height: number;
  readonly round: number;
  readonly proposer: number;
  readonly time: number;
  readonly parentId: Uint8Array;
  /** 1 for a well-formed block; a faulty proposer may set 0 (the app rejects it). */
  readonly flag: number;
  readonly nonce: number;
}

export function encodeSimBlock(b: SimBlock): Uint8Array {
  const out = new Uint8Array(BLOCK_LENGTH);
  const view = new DataView(out.buffer);
  out[0] = MAGIC;
  view.setUint32(1, b.height);
  view.setUint32(5, b.round);
  view.setUint16(9, b.proposer);
  view.setFloat64(11, b.time);
  out.set(b.parentId, 19);
  out[51] = b.flag;
  view.setUint32(52, b.nonce);
  return out;
}

export function decodeSimBlock(bytes: Uint8Array): SimBlock | undefined {
  if (bytes.length !== BLOCK_LENGTH || bytes[0] !== MAGIC) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    height: view.getUint32(1),
    round: view.getUint32(5),
    proposer: view.getUint16(9),
    time: view.getFloat64(11),
    parentId: bytes.slice(19, 51),
    flag: bytes[51] ?? 0,
    nonce: view.getUint32(52),
  };
}

export function simBlockId(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** A committed block as the simulated store keeps it. */
export interface ChainEntry {
  readonly id: Uint8Array;
  readonly bytes: Uint8Array;
  readonly time: number;
}

/**
 * Validity of a block at `height` on top of `parent` (undefined at height 1): well-formed, the
 * right height and parent, valid flag, time strictly after the parent's. Used both by validators
 * (against their own chain) and by the invariant checker (against the agreed chain).
 */
export function validSimBlock(height: number, bytes: Uint8Array, parent: ChainEntry | undefined): boolean {
  const b = decodeSimBlock(bytes);
  if (b === undefined || b.height !== height || b.flag !== 1) return false;
  const parentId = parent?.id ?? GENESIS_ID;
  const parentTime = parent?.time ?? GENESIS_TIME;
  return equalBytes(b.parentId, parentId) && b.time > parentTime && Number.isSafeInteger(b.time);
}

/** One validator's application: proposes on top of its chain, with its local clock. */
export class SimApp implements ConsensusApp {
  constructor(
    private readonly self: number,
    private readonly chain: readonly ChainEntry[],
    private readonly now: () => number,
    private readonly nonce: () => number,
  ) {}

  /** A block for `height` with the given validity flag (faulty proposers use 0). */
  build(height: number, round: number, flag = 1): Uint8Array {
    const parent = this.chain[height - 2];
    const parentTime = parent?.time ?? GENESIS_TIME;
    return encodeSimBlock({
      height,
      round,
      proposer: this.self,
      time: Math.max(this.now(), parentTime + 1),
      parentId: parent?.id ?? GENESIS_ID,
      flag,
      nonce: this.nonce(),
    });
  }

  propose(height: number, round: number): Uint8Array {
    return this.build(height, round);
  }

  validate(height: number, blockBytes: Uint8Array): boolean {
    return this.chain.length === height - 1 && validSimBlock(height, blockBytes, this.chain[height - 2]);
  }

  blockId(blockBytes: Uint8Array): Uint8Array {
    return simBlockId(blockBytes);
  }

  blockTime(blockBytes: Uint8Array): number {
    return decodeSimBlock(blockBytes)?.time ?? 0;
  }
}
