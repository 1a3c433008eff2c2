// Spec test: every RFC 6962 inclusion/consistency vector in ../shared/testdata/rfc6962 (SHA-256).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  MerkleTree,
  merkleLeafHash,
  merkleRoot,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../src/index.js';
import { sha256 } from './hash.js';

const DIR = fileURLToPath(new URL('../../../../../shared/testdata/rfc6962/', import.meta.url));
/** Number of vector files present when this test was written (find rfc6962 -type f | wc -l). */
const EXPECTED_FILES = 96;

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? listFiles(p) : [p];
    })
    .sort();
}

const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
const proofOf = (p: readonly string[] | null): Uint8Array[] => (p ?? []).map(b64);

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  wantErr: boolean;
}
interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  wantErr: boolean;
}

/** The leaf data of the RFC 6962 reference tree used by the vectors (certificate-transparency test data). */
const REFERENCE_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((h) => new Uint8Array(Buffer.from(h, 'hex')));

describe('RFC 6962 vectors', () => {
  const files = listFiles(DIR);

  it('finds every vector file', () => {
    assert.ok(files.length > 0);
    assert.equal(files.length, EXPECTED_FILES);
  });

  it('verifies inclusion vectors (wantErr ⇒ rejected)', () => {
    let n = 0;
    for (const f of files.filter((p) => p.includes(`${join('rfc6962', 'inclusion')}`))) {
      const v = JSON.parse(readFileSync(f, 'utf8')) as InclusionVector;
      const leafHash = b64(v.leafHash);
      const proof = proofOf(v.proof);
      const ok = verifyInclusion(sha256, leafHash, v.leafIdx, v.treeSize, proof, b64(v.root));
      assert.equal(ok, !v.wantErr, f);
      if (!v.wantErr) {
        assert.deepEqual(
          rootFromInclusionProof(sha256, leafHash, v.leafIdx, v.treeSize, proof),
          b64(v.root),
          f,
        );
      }
      n++;
    }
    assert.equal(n, 4 + 13 + 18 + 18);
  });

  it('verifies consistency vectors (wantErr ⇒ rejected)', () => {
    let n = 0;
    for (const f of files.filter((p) => p.includes(`${join('rfc6962', 'consistency')}`))) {
      const v = JSON.parse(readFileSync(f, 'utf8')) as ConsistencyVector;
      const ok = verifyConsistency(sha256, v.size1, v.size2, b64(v.root1), b64(v.root2), proofOf(v.proof));
      assert.equal(ok, !v.wantErr, f);
      n++;
    }
    assert.equal(n, 1 + 21 + 21);
  });

  it('reproduces the happy-path roots and proofs from the reference leaves', () => {
    const happy = files.filter((p) => p.endsWith('happy-path.json'));
    assert.equal(happy.length, 6);
    for (const f of happy) {
      const json = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
      if ('leafIdx' in json) {
        const v = json as unknown as InclusionVector;
        const sub = new MerkleTree(sha256, REFERENCE_LEAVES.slice(0, v.treeSize));
        assert.deepEqual(sub.root, b64(v.root), f);
        assert.deepEqual(merkleLeafHash(sha256, REFERENCE_LEAVES[v.leafIdx]), b64(v.leafHash), f);
        assert.deepEqual(sub.inclusionProof(v.leafIdx), proofOf(v.proof), f);
      } else {
        const v = json as unknown as ConsistencyVector;
        assert.deepEqual(merkleRoot(sha256, REFERENCE_LEAVES.slice(0, v.size1)), b64(v.root1), f);
        assert.deepEqual(merkleRoot(sha256, REFERENCE_LEAVES.slice(0, v.size2)), b64(v.root2), f);
        const sub = new MerkleTree(sha256, REFERENCE_LEAVES.slice(0, v.size2));
        assert.deepEqual(sub.consistencyProof(v.size1), proofOf(v.proof), f);
      }
    }
  });
});
