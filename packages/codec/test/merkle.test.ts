// Merkle trees against a direct transcription of the RFC 6962 §2.1 recursive definitions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isXinlianError, toHex } from '@xinlian/utils';
import fc from 'fast-check';
import {
  consistencyProof,
  inclusionProof,
  MerkleTree,
  merkleLeafHash,
  merkleRoot,
  merkleRootFromLeafHashes,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../src/index.js';
import { sha256 } from './hash.js';

// ---- reference: RFC 6962 §2.1 as written (recursive, slow, obviously correct) ----

const split = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1);
const H = (...p: Uint8Array[]): Uint8Array => sha256(...p);
const u8 = (...b: number[]): Uint8Array => Uint8Array.from(b);

function refMth(d: readonly Uint8Array[]): Uint8Array {
  if (d.length === 0) return H();
  if (d.length === 1) return H(u8(0), d[0]);
  const k = split(d.length);
  return H(u8(1), refMth(d.slice(0, k)), refMth(d.slice(k)));
}

function refPath(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const k = split(d.length);
  return m < k
    ? [...refPath(m, d.slice(0, k)), refMth(d.slice(k))]
    : [...refPath(m - k, d.slice(k)), refMth(d.slice(0, k))];
}

function refSubproof(m: number, d: readonly Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [refMth(d)];
  const k = split(d.length);
  return m <= k
    ? [...refSubproof(m, d.slice(0, k), b), refMth(d.slice(k))]
    : [...refSubproof(m - k, d.slice(k), false), refMth(d.slice(0, k))];
}

/** Side of each audit-path element (true = element is the left sibling), from the RFC recursion. */
function refSides(m: number, n: number): boolean[] {
  if (n <= 1) return [];
  const k = split(n);
  return m < k ? [...refSides(m, k), false] : [...refSides(m - k, n - k), true];
}

// ----

/** Distinct leaves, so that a proof for one position cannot honestly fit another. */
const leavesArb = (min: number, max: number) =>
  fc.uniqueArray(fc.uint8Array({ maxLength: 8 }), {
    minLength: min,
    maxLength: max,
    selector: (l) => Buffer.from(l).toString('hex'),
  });

function flipBit(b: Uint8Array, bit: number): Uint8Array {
  const out = b.slice();
  out[Math.floor(bit / 8) % out.length] ^= 1 << (bit % 8);
  return out;
}

describe('Merkle tree', () => {
  it('empty tree root is H()', () => {
    assert.deepEqual(new MerkleTree(sha256, []).root, sha256());
    assert.deepEqual(merkleRoot(sha256, []), sha256());
    assert.deepEqual(merkleRootFromLeafHashes(sha256, []), sha256());
  });

  it('roots and audit paths equal the RFC 6962 definitions', () => {
    fc.assert(
      fc.property(leavesArb(1, 40), (leaves) => {
        const tree = new MerkleTree(sha256, leaves);
        const root = refMth(leaves);
        assert.equal(tree.size, leaves.length);
        assert.deepEqual(tree.root, root);
        assert.deepEqual(merkleRoot(sha256, leaves), root);
        assert.deepEqual(
          merkleRootFromLeafHashes(
            sha256,
            leaves.map((l) => merkleLeafHash(sha256, l)),
          ),
          root,
        );
        for (let m = 0; m < leaves.length; m++) {
          assert.deepEqual(tree.inclusionProof(m), refPath(m, leaves));
          assert.deepEqual(tree.inclusionProofHex(m), refPath(m, leaves).map(toHex));
          assert.deepEqual(tree.leafHash(m), H(u8(0), leaves[m]));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('every inclusion proof verifies and rootFromInclusionProof gives the root', () => {
    fc.assert(
      fc.property(leavesArb(1, 70), (leaves) => {
        const tree = new MerkleTree(sha256, leaves);
        for (let i = 0; i < tree.size; i++) {
          const proof = inclusionProof(sha256, leaves, i);
          const leaf = merkleLeafHash(sha256, leaves[i]);
          assert.equal(verifyInclusion(sha256, leaf, i, tree.size, proof, tree.root), true);
          assert.deepEqual(rootFromInclusionProof(sha256, leaf, i, tree.size, proof), tree.root);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('altered inclusion proofs, indexes and sizes fail', () => {
    fc.assert(
      fc.property(
        leavesArb(1, 70),
        fc.nat(),
        fc.nat(),
        fc.nat(255),
        fc.integer({ min: 1, max: 100 }),
        (leaves, iSeed, eSeed, bit, newSize) => {
          const tree = new MerkleTree(sha256, leaves);
          const n = tree.size;
          const i = iSeed % n;
          const proof = tree.inclusionProof(i);
          const leaf = tree.leafHash(i);
          const verify = (l: Uint8Array, idx: number, size: number, p: Uint8Array[]) =>
            verifyInclusion(sha256, l, idx, size, p, tree.root);
          assert.equal(verify(flipBit(leaf, bit), i, n, proof), false);
          assert.equal(verify(leaf, i, n, [...proof, leaf]), false);
          assert.equal(verify(leaf, i, n, [leaf, ...proof]), false);
          if (proof.length > 0) {
            const e = eSeed % proof.length;
            const altered = proof.map((p, k) => (k === e ? flipBit(p, bit) : p));
            assert.equal(verify(leaf, i, n, altered), false);
            assert.equal(verify(leaf, i, n, proof.slice(1)), false);
            assert.throws(() => rootFromInclusionProof(sha256, leaf, i, n, proof.slice(1)), isBadProof);
          }
          for (let j = 0; j < n; j++) if (j !== i) assert.equal(verify(leaf, j, n, proof), false);
          assert.equal(verify(leaf, n + i, n, proof), false);
          assert.throws(() => rootFromInclusionProof(sha256, leaf, n, n, proof), isBadProof);
          // Another size verifies only if the RFC path has the same shape (then the chain is identical).
          if (newSize !== n && i < newSize) {
            const sameShape = JSON.stringify(refSides(i, newSize)) === JSON.stringify(refSides(i, n));
            assert.equal(verify(leaf, i, newSize, proof), sameShape);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('consistency proofs equal the RFC definition and verify', () => {
    fc.assert(
      fc.property(leavesArb(1, 70), fc.nat(), (leaves, seed) => {
        const n = leaves.length;
        const m = seed % (n + 1);
        const proof = consistencyProof(sha256, leaves, m, n);
        assert.deepEqual(proof, m === 0 ? [] : refSubproof(m, leaves, true));
        assert.deepEqual(new MerkleTree(sha256, leaves).consistencyProof(m), proof);
        const oldRoot = merkleRoot(sha256, leaves.slice(0, m));
        const newRoot = merkleRoot(sha256, leaves);
        assert.equal(verifyConsistency(sha256, m, n, oldRoot, newRoot, proof), true);
      }),
      { numRuns: 100 },
    );
  });

  it('altered consistency proofs and roots fail', () => {
    fc.assert(
      fc.property(leavesArb(2, 70), fc.nat(), fc.nat(), fc.nat(255), (leaves, mSeed, eSeed, bit) => {
        const n = leaves.length;
        const m = 1 + (mSeed % (n - 1)); // 0 < m < n: a non-empty proof
        const proof = consistencyProof(sha256, leaves, m, n);
        const oldRoot = merkleRoot(sha256, leaves.slice(0, m));
        const newRoot = merkleRoot(sha256, leaves);
        const verify = (p: Uint8Array[], o = oldRoot, nr = newRoot, om = m, nn = n) =>
          verifyConsistency(sha256, om, nn, o, nr, p);
        const e = eSeed % proof.length;
        assert.equal(verify(proof.map((p, k) => (k === e ? flipBit(p, bit) : p))), false);
        assert.equal(verify(proof.slice(1)), false);
        assert.equal(verify(proof.slice(0, -1)), false);
        assert.equal(verify([...proof, newRoot]), false);
        assert.equal(verify([]), false);
        assert.equal(verify(proof, flipBit(oldRoot, bit)), false);
        assert.equal(verify(proof, oldRoot, flipBit(newRoot, bit)), false);
        assert.equal(verify(proof, newRoot, oldRoot), false);
        assert.equal(verify(proof, oldRoot, newRoot, n, m), false);
      }),
      { numRuns: 100 },
    );
  });

  it('handles edge sizes of consistency verification', () => {
    const leaves = [u8(1), u8(2), u8(3)];
    const r3 = merkleRoot(sha256, leaves);
    assert.equal(verifyConsistency(sha256, 3, 3, r3, r3, []), true);
    assert.equal(verifyConsistency(sha256, 3, 3, r3, r3, [r3]), false);
    assert.equal(verifyConsistency(sha256, 0, 3, sha256(), r3, []), true);
    assert.equal(verifyConsistency(sha256, 0, 3, r3, r3, []), false);
    assert.equal(verifyConsistency(sha256, 0, 3, sha256(), r3, [r3]), false);
    assert.equal(verifyConsistency(sha256, 4, 3, r3, r3, []), false);
    assert.equal(verifyConsistency(sha256, 1.5, 3, r3, r3, [r3]), false);
  });

  it('a proof fits another size exactly when the RFC path has the same shape', () => {
    const leaves = [u8(1), u8(2), u8(3)];
    const tree = new MerkleTree(sha256, leaves);
    const proof = tree.inclusionProof(0);
    assert.equal(verifyInclusion(sha256, tree.leafHash(0), 0, 4, proof, tree.root), true);
    assert.equal(verifyInclusion(sha256, tree.leafHash(0), 0, 5, proof, tree.root), false);
  });

  it('uses exact arithmetic for sizes beyond 32 bits', () => {
    // A perfect tree of 2^40 identical leaves: level k holds h[k], the root is h[40].
    const h = [merkleLeafHash(sha256, u8(7))];
    for (let k = 0; k < 41; k++) h.push(H(u8(1), h[k], h[k]));
    const size = 2 ** 40;
    for (const index of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 39 + 5, size - 1]) {
      assert.equal(verifyInclusion(sha256, h[0], index, size, h.slice(0, 40), h[40]), true);
      assert.equal(verifyInclusion(sha256, h[0], index, size, h.slice(0, 39), h[40]), false);
    }
    // One more leaf: the root becomes H(1, h[40], leaf); the new leaf's path is [h[40]].
    const bigger = H(u8(1), h[40], h[0]);
    assert.equal(verifyInclusion(sha256, h[0], size, size + 1, [h[40]], bigger), true);
    assert.equal(
      verifyInclusion(sha256, h[0], 2 ** 33 + 3, size + 1, [...h.slice(0, 40), h[0]], bigger),
      true,
    );
    assert.equal(verifyConsistency(sha256, size, size + 1, h[40], bigger, [h[0]]), true);
    assert.equal(verifyConsistency(sha256, size - 1, size + 1, h[40], bigger, [h[0]]), false);
  });

  it('rejects out-of-range indexes when building proofs', () => {
    const tree = new MerkleTree(sha256, [u8(1), u8(2)]);
    const isBadIndex = (e: unknown) => isXinlianError(e) && e.code === 'MERKLE_BAD_INDEX';
    assert.throws(() => tree.inclusionProof(2), isBadIndex);
    assert.throws(() => tree.inclusionProof(-1), isBadIndex);
    assert.throws(() => tree.inclusionProof(0.5), isBadIndex);
    assert.throws(() => tree.consistencyProof(3), isBadIndex);
    assert.throws(() => consistencyProof(sha256, [u8(1)], 0, 2), isBadIndex);
    assert.throws(() => new MerkleTree(sha256, []).inclusionProof(0), isBadIndex);
  });

  it('rejects a hash function with varying digest lengths', () => {
    let calls = 0;
    const bad = (...p: Uint8Array[]) => sha256(...p).subarray(0, calls++ === 1 ? 16 : 32);
    assert.throws(
      () => new MerkleTree(bad, [u8(1), u8(2)]),
      (e: unknown) => isXinlianError(e) && e.code === 'MERKLE_BAD_HASH',
    );
  });

  it('proofs are independent copies of the tree', () => {
    const tree = new MerkleTree(sha256, [u8(1), u8(2), u8(3)]);
    const p = tree.inclusionProof(0);
    p[0].fill(0);
    assert.notDeepEqual(tree.inclusionProof(0)[0], p[0]);
    assert.equal(verifyInclusion(sha256, tree.leafHash(0), 0, 3, tree.inclusionProof(0), tree.root), true);
  });
});

function isBadProof(e: unknown): boolean {
  return isXinlianError(e) && e.code === 'MERKLE_BAD_PROOF';
}

describe('MerkleTree.fromLevels', () => {
  it('rebuilds a tree from its levels: same root and proofs, no hashing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 40 }),
        (leaves) => {
          const tree = new MerkleTree(sha256, leaves);
          const copy = MerkleTree.fromLevels(
            tree.size,
            tree.levels.map((l) => l.slice()),
          );
          assert.deepEqual(copy.root, tree.root);
          for (let i = 0; i < tree.size; i++)
            assert.deepEqual(copy.inclusionProof(i), tree.inclusionProof(i));
          for (let m = 0; m <= tree.size; m++)
            assert.deepEqual(copy.consistencyProof(m), tree.consistencyProof(m));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects levels of the wrong shape', () => {
    const tree = new MerkleTree(sha256, [Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3)]);
    const bad = (e: unknown) => isXinlianError(e) && e.code === 'MERKLE_BAD_HASH';
    assert.throws(() => MerkleTree.fromLevels(4, tree.levels), bad);
    assert.throws(() => MerkleTree.fromLevels(3, tree.levels.slice(1)), bad);
    assert.throws(
      () => MerkleTree.fromLevels(3, [tree.levels[0]!, tree.levels[1]!.subarray(1), tree.levels[2]!]),
      bad,
    );
    assert.throws(() => MerkleTree.fromLevels(0, []), bad);
  });
});
