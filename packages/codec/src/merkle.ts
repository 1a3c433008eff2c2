/**
 * RFC 6962 / RFC 9162 §2.1 Merkle trees over an injected hash:
 * leaf = H(0x00 ‖ data), node = H(0x01 ‖ left ‖ right), empty tree = H().
 * Sizes and indexes are safe integers; all bit arithmetic avoids 32-bit JS operators.
 */
import { equalBytes, toHex } from '@xinlian/utils';
import { merkleError } from './errors.js';

/** The suite hash of the concatenation of the parts. */
export type HashFn = (...parts: Uint8Array[]) => Uint8Array;

const leafPrefix = (): Uint8Array => Uint8Array.of(0);
const nodePrefix = (): Uint8Array => Uint8Array.of(1);
const half = (x: number): number => Math.floor(x / 2);
const isOdd = (x: number): boolean => x % 2 === 1;
const isIndex = (x: number): boolean => Number.isSafeInteger(x) && x >= 0;

/** True iff length > 0 and every element of `hashes` has that length. */
function sameLength(length: number, hashes: readonly Uint8Array[]): boolean {
  return length > 0 && hashes.every((h) => h.length === length);
}

/** H(0x00 ‖ data). */
export function merkleLeafHash(hash: HashFn, data: Uint8Array): Uint8Array {
  return hash(leafPrefix(), data);
}

/** H(0x01 ‖ left ‖ right). */
export function merkleNodeHash(hash: HashFn, left: Uint8Array, right: Uint8Array): Uint8Array {
  return hash(nodePrefix(), left, right);
}

/** Root of the tree whose leaf hashes are given (O(n) hashing, no full tree kept). */
export function merkleRootFromLeafHashes(hash: HashFn, leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return hash();
  const level = leafHashes.slice();
  let count = level.length;
  // One reusable 0x01 ‖ left ‖ right buffer: a single-part hash call per node, no concatenation.
  let buf = new Uint8Array(0);
  while (count > 1) {
    let j = 0;
    for (let i = 0; i + 1 < count; i += 2) {
      const l = level[i];
      const r = level[i + 1];
      if (buf.length !== 1 + l.length + r.length) {
        buf = new Uint8Array(1 + l.length + r.length);
        buf[0] = 1;
      }
      buf.set(l, 1);
      buf.set(r, 1 + l.length);
      level[j++] = hash(buf);
    }
    if (isOdd(count)) level[j++] = level[count - 1];
    count = j;
  }
  return level[0].slice();
}

/** Root of the tree over the given leaf data. */
export function merkleRoot(hash: HashFn, leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return hash();
  return new MerkleTree(hash, leaves).root;
}

/** Number of levels above a subtree of `n` leaves: ceil(log2 n). */
function heightOf(n: number): number {
  let h = 0;
  for (let w = 1; w < n; w *= 2) h++;
  return h;
}

/** Largest power of two strictly less than n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Marks the internal constructor call of MerkleTree.fromLevels. */
const PREBUILT: unique symbol = Symbol('MerkleTree.fromLevels');

interface Prebuilt {
  readonly token: typeof PREBUILT;
  readonly size: number;
  readonly hashLength: number;
  readonly levels: readonly Uint8Array[];
}

/**
 * A Merkle tree built once (O(n) hashing) that keeps every level in one contiguous buffer, so
 * inclusion and consistency proofs cost O(log n) copies and no hashing. A lone last node of a
 * level is carried up unchanged, which yields exactly the RFC 6962 tree.
 */
export class MerkleTree {
  /** Number of leaves. */
  readonly size: number;
  /** The tree head (H() for an empty tree). */
  readonly root: Uint8Array;
  /** levels[h] holds the nodes of height h (level 0 = leaf hashes), hashLength bytes each. */
  readonly #levels: Uint8Array[] = [];
  #hashLength = 0;
  /** Lower-case hex of every node by level, built on the first inclusionProofHex call. */
  #hexLevels: string[][] | undefined;

  /** Builds the tree over leaf data (not leaf hashes). */
  constructor(hash: HashFn, leaves: readonly Uint8Array[]);
  constructor(hash: HashFn, leaves: readonly Uint8Array[], prebuilt?: Prebuilt) {
    if (prebuilt !== undefined && prebuilt.token === PREBUILT) {
      this.size = prebuilt.size;
      this.#hashLength = prebuilt.hashLength;
      this.#levels.push(...prebuilt.levels);
      this.root = this.#node(0, this.size);
      return;
    }
    this.size = leaves.length;
    if (this.size === 0) {
      this.root = hash();
      return;
    }
    this.#build(hash, leaves);
    this.root = this.#node(0, this.size);
  }

  /**
   * Every level of a non-empty tree, leaf hashes first (hashLength bytes per node), each in its
   * own exactly sized buffer (transferable to another thread). Do not modify them.
   */
  get levels(): readonly Uint8Array[] {
    return this.#levels;
  }

  /**
   * The tree whose `levels` another MerkleTree produced (e.g. on a worker thread), without hashing.
   * Only the shape is checked (MERKLE_BAD_HASH otherwise): the caller vouches for the content.
   */
  static fromLevels(size: number, levels: readonly Uint8Array[]): MerkleTree {
    const bad = (reason: string) =>
      merkleError('MERKLE_BAD_HASH', `levels do not form a tree of ${size} leaves: ${reason}`, { size });
    if (!Number.isSafeInteger(size) || size < 1) throw bad('size');
    if (levels.length !== heightOf(size) + 1) throw bad('level count');
    const hashLength = (levels[0]?.length ?? 0) / size;
    if (!Number.isInteger(hashLength) || hashLength < 1) throw bad('leaf level length');
    let count = size;
    for (const level of levels) {
      if (!(level instanceof Uint8Array) || level.length !== count * hashLength) throw bad('level length');
      count = Math.ceil(count / 2);
    }
    const prebuilt: Prebuilt = { token: PREBUILT, size, hashLength, levels };
    return new (
      MerkleTree as unknown as new (
        h: HashFn,
        l: readonly Uint8Array[],
        p: Prebuilt,
      ) => MerkleTree
    )(() => new Uint8Array(0), [], prebuilt);
  }

  /** The leaf hash at `index`. */
  leafHash(index: number): Uint8Array {
    this.#checkIndex(index, this.size - 1);
    return this.#node(index, index + 1);
  }

  /** RFC 6962 audit path of leaf `index`, from the leaf's sibling up to the root's child. */
  inclusionProof(index: number): Uint8Array[] {
    this.#checkIndex(index, this.size - 1);
    const proof: Uint8Array[] = [];
    const len = this.#hashLength;
    let i = index;
    for (let h = 0; h < this.#levels.length - 1; h++) {
      const sibling = isOdd(i) ? i - 1 : i + 1;
      const level = this.#levels[h];
      if (sibling * len < level.length) proof.push(level.slice(sibling * len, (sibling + 1) * len));
      i = half(i);
    }
    return proof;
  }

  /**
   * inclusionProof(index) as lower-case hex strings. The first call converts the whole tree to hex
   * once (2n strings), so proofs for every leaf share those strings and allocate only the array.
   */
  inclusionProofHex(index: number): string[] {
    this.#checkIndex(index, this.size - 1);
    this.#hexLevels ??= this.#levels.map((level) => {
      const hex = toHex(level);
      const len = this.#hashLength * 2;
      return Array.from({ length: hex.length / len }, (_, i) => hex.slice(i * len, (i + 1) * len));
    });
    const proof: string[] = [];
    let i = index;
    for (let h = 0; h < this.#hexLevels.length - 1; h++) {
      const sibling = isOdd(i) ? i - 1 : i + 1;
      const level = this.#hexLevels[h];
      if (sibling < level.length) proof.push(level[sibling]);
      i = half(i);
    }
    return proof;
  }

  /** RFC 6962 consistency proof from the tree's first `oldSize` leaves to the whole tree. */
  consistencyProof(oldSize: number): Uint8Array[] {
    this.#checkIndex(oldSize, this.size);
    const proof: Uint8Array[] = [];
    if (oldSize > 0 && oldSize < this.size) this.#subproof(oldSize, 0, this.size, true, proof);
    return proof;
  }

  /** RFC 6962 SUBPROOF(m, D[start:end], complete), appended to `out`. */
  #subproof(m: number, start: number, end: number, complete: boolean, out: Uint8Array[]): void {
    const n = end - start;
    if (m === n) {
      if (!complete) out.push(this.#node(start, end));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      this.#subproof(m, start, start + k, complete, out);
      out.push(this.#node(start + k, end));
    } else {
      this.#subproof(m - k, start + k, end, false, out);
      out.push(this.#node(start, start + k));
    }
  }

  /** MTH(D[start:end]) for a subtree of this tree (start aligned, end = start + 2^h or the tree end). */
  #node(start: number, end: number): Uint8Array {
    const h = heightOf(end - start);
    const i = start / 2 ** h;
    const len = this.#hashLength;
    return this.#levels[h].slice(i * len, (i + 1) * len);
  }

  #checkIndex(index: number, max: number): void {
    if (!isIndex(index) || index > max) {
      throw merkleError('MERKLE_BAD_INDEX', 'index out of range for the tree', { index, size: this.size });
    }
  }

  #build(hash: HashFn, leaves: readonly Uint8Array[]): void {
    const first = hash(leafPrefix(), leaves[0]);
    const len = first.length;
    this.#hashLength = len;
    const check = (h: Uint8Array): Uint8Array => {
      if (h.length !== len) {
        throw merkleError('MERKLE_BAD_HASH', 'hash function returned digests of different lengths', {
          expected: len,
          actual: h.length,
        });
      }
      return h;
    };
    // Single-part hash calls over reusable prefix ‖ data buffers: no per-node concatenation.
    let level = new Uint8Array(this.size * len);
    level.set(first, 0);
    let leafBuf = new Uint8Array(0);
    for (let i = 1; i < this.size; i++) {
      const d = leaves[i];
      if (leafBuf.length !== 1 + d.length) leafBuf = new Uint8Array(1 + d.length);
      leafBuf.set(d, 1);
      level.set(check(hash(leafBuf)), i * len);
    }
    this.#levels.push(level);
    const nodeBuf = new Uint8Array(1 + 2 * len);
    nodeBuf[0] = 1;
    for (let count = this.size; count > 1; count = Math.ceil(count / 2)) {
      const next = new Uint8Array(Math.ceil(count / 2) * len);
      for (let i = 0; i + 1 < count; i += 2) {
        nodeBuf.set(level.subarray(i * len, (i + 2) * len), 1);
        next.set(check(hash(nodeBuf)), (i / 2) * len);
      }
      if (isOdd(count)) next.set(level.subarray((count - 1) * len), ((count - 1) / 2) * len);
      this.#levels.push(next);
      level = next;
    }
  }
}

/** Audit path of leaf `index` in the tree over `leaves` (leaf data). */
export function inclusionProof(hash: HashFn, leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  return new MerkleTree(hash, leaves).inclusionProof(index);
}

/** Consistency proof between the trees over leaves[0:oldSize] and leaves[0:newSize]. */
export function consistencyProof(
  hash: HashFn,
  leaves: readonly Uint8Array[],
  oldSize: number,
  newSize: number,
): Uint8Array[] {
  if (!isIndex(newSize) || newSize > leaves.length) {
    throw merkleError('MERKLE_BAD_INDEX', 'newSize out of range', { newSize, leaves: leaves.length });
  }
  return new MerkleTree(hash, leaves.slice(0, newSize)).consistencyProof(oldSize);
}

/** RFC 9162 §2.1.3.2: the root implied by an inclusion proof, or the reason it cannot apply. */
function chainInclusion(
  hash: HashFn,
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Uint8Array | string {
  if (!isIndex(index) || !isIndex(size) || index >= size) return 'index must be less than size';
  if (!sameLength(leafHash.length, proof)) return 'leaf hash and proof elements must be hashes of one length';
  const node = nodePrefix();
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return 'proof has too many elements';
    if (isOdd(fn) || fn === sn) {
      r = hash(node, p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = hash(node, r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : 'proof has too few elements';
}

/**
 * The root implied by an inclusion proof; MERKLE_BAD_PROOF when index >= size, the proof has the
 * wrong number of elements for (index, size), or the leaf hash and elements differ in length.
 */
export function rootFromInclusionProof(
  hash: HashFn,
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Uint8Array {
  const r = chainInclusion(hash, leafHash, index, size, proof);
  if (typeof r === 'string')
    throw merkleError('MERKLE_BAD_PROOF', r, { index, size, proofLength: proof.length });
  return r;
}

/** True iff `proof` shows the leaf hash at `index` in the tree of `size` leaves with head `root`. */
export function verifyInclusion(
  hash: HashFn,
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const r = chainInclusion(hash, leafHash, index, size, proof);
  return typeof r !== 'string' && equalBytes(r, root);
}

/**
 * RFC 9162 §2.1.4.2: true iff `proof` shows the tree of `newSize` leaves (head newRoot) extends
 * the tree of `oldSize` leaves (head oldRoot). Roots and elements must be hashes of one length.
 * Equal sizes need an empty proof and equal roots; oldSize 0 needs an empty proof and oldRoot = H().
 */
export function verifyConsistency(
  hash: HashFn,
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isIndex(oldSize) || !isIndex(newSize) || oldSize > newSize) return false;
  if (newRoot.length !== oldRoot.length || !sameLength(oldRoot.length, proof)) return false;
  if (oldSize === newSize) return proof.length === 0 && equalBytes(oldRoot, newRoot);
  if (oldSize === 0) return proof.length === 0 && equalBytes(oldRoot, hash());
  if (proof.length === 0) return false;
  const path = 2 ** heightOf(oldSize) === oldSize ? [oldRoot, ...proof] : proof;
  const node = nodePrefix();
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = hash(node, c, fr);
      sr = hash(node, c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = hash(node, sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
}
