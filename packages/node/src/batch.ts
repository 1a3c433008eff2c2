import type { StateWrite } from '@xinlian/store';
import { concatBytes, readU64be, toHex, u64be, utf8 } from '@xinlian/utils';

/**
 * Node-local (aux) index of batch-anchored digests, written atomically with the block that
 * anchors the batch:
 *
 *   ev/root/   ‖ root                                   → recordId(32) ‖ u64be(size) ‖ u64be(height)
 *   ev/leaves/ ‖ root                                   → leaf data, 32 bytes each, in order
 *   ev/digest/ ‖ utf8(alg) ‖ 0x00 ‖ digest ‖ u64be(height) ‖ root → u64be(leafIndex)
 *
 * A digest's entries sort by anchoring height, so the first one is its earliest batch; writing
 * needs no reads.
 */
const ROOT = utf8('ev/root/');
const LEAVES = utf8('ev/leaves/');
const DIGEST = utf8('ev/digest/');

export const LEAF_BYTES = 32;

export interface AuxReader {
  getAux(key: Uint8Array): Uint8Array | undefined;
  scanAux(
    prefix: Uint8Array,
    opts?: { readonly limit?: number },
  ): readonly { readonly key: Uint8Array; readonly value: Uint8Array }[];
}

export interface AnchoredBatch {
  readonly height: number;
  readonly root: Uint8Array;
  readonly algorithm: string;
  /** Leaf data concatenated (32 bytes each). */
  readonly leaves: Uint8Array;
  readonly recordId: Uint8Array;
}

export interface BatchLocation {
  readonly root: string;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly recordId: string;
}

function digestPrefix(algorithm: string, digest: Uint8Array): Uint8Array {
  return concatBytes(DIGEST, utf8(algorithm), new Uint8Array([0]), digest);
}

/** True if this root's leaves are already stored (a root anchored twice is indexed once). */
export function isBatchIndexed(aux: AuxReader, root: Uint8Array): boolean {
  return aux.getAux(concatBytes(ROOT, root)) !== undefined;
}

/** Aux writes indexing one anchored batch. */
export function batchAuxWrites(b: AnchoredBatch): StateWrite[] {
  const size = b.leaves.length / LEAF_BYTES;
  const height = u64be(b.height);
  const writes: StateWrite[] = [
    { key: concatBytes(ROOT, b.root), value: concatBytes(b.recordId, u64be(size), height) },
    { key: concatBytes(LEAVES, b.root), value: b.leaves },
  ];
  // Every digest key is `prefix ‖ digest ‖ height ‖ root` with one prefix: build all keys (and the
  // u64be(leafIndex) values) in two buffers and hand out views, instead of ~5 allocations each.
  const head = digestPrefix(b.algorithm, new Uint8Array(0));
  const keyLength = head.length + LEAF_BYTES + 8 + b.root.length;
  const keys = new Uint8Array(size * keyLength);
  const values = new Uint8Array(size * 8);
  const view = new DataView(values.buffer);
  for (let i = 0; i < size; i++) {
    const at = i * keyLength;
    keys.set(head, at);
    keys.set(b.leaves.subarray(i * LEAF_BYTES, (i + 1) * LEAF_BYTES), at + head.length);
    keys.set(height, at + head.length + LEAF_BYTES);
    keys.set(b.root, at + head.length + LEAF_BYTES + 8);
    view.setUint32(i * 8, Math.floor(i / 2 ** 32));
    view.setUint32(i * 8 + 4, i % 2 ** 32);
    writes.push({ key: keys.subarray(at, at + keyLength), value: values.subarray(i * 8, i * 8 + 8) });
  }
  return writes;
}

/** The earliest batch containing a digest, or null. */
export function findBatch(aux: AuxReader, algorithm: string, digest: Uint8Array): BatchLocation | null {
  const prefix = digestPrefix(algorithm, digest);
  const hit = aux.scanAux(prefix, { limit: 1 })[0];
  if (hit === undefined) return null;
  const root = hit.key.subarray(prefix.length + 8);
  const meta = aux.getAux(concatBytes(ROOT, root));
  if (meta === undefined) return null;
  return {
    root: toHex(root),
    leafIndex: readU64be(hit.value),
    treeSize: readU64be(meta, 32),
    recordId: toHex(meta.subarray(0, 32)),
  };
}

/** The leaf data of a stored batch, or undefined. */
export function batchLeaves(aux: AuxReader, root: Uint8Array): Uint8Array[] | undefined {
  const blob = aux.getAux(concatBytes(LEAVES, root));
  if (blob === undefined) return undefined;
  const out: Uint8Array[] = [];
  for (let off = 0; off < blob.length; off += LEAF_BYTES) out.push(blob.subarray(off, off + LEAF_BYTES));
  return out;
}
