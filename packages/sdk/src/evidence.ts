import { type JsonValue, MerkleTree } from '@xinlian/codec';
import { type CryptoSuite, createSuite } from '@xinlian/crypto';
import type {
  AnchorBatchArgs,
  Digest,
  DigestAlgorithm,
  GrantLicenseArgs,
  RegisterCopyrightArgs,
  ReportInfringementArgs,
  SubmitArgs,
} from '@xinlian/module-evidence';
import { toHex, XinlianError } from '@xinlian/utils';

export type {
  AnchorBatchArgs,
  Digest,
  DigestAlgorithm,
  EvidenceRecord,
  GrantLicenseArgs,
  Party,
  RegisterCopyrightArgs,
  ReportInfringementArgs,
  SubmitArgs,
} from '@xinlian/module-evidence';

/** A module call: spread it into buildTx. */
export interface ModuleCall {
  readonly module: string;
  readonly method: string;
  readonly args: JsonValue;
}

const call = (method: string, args: JsonValue): ModuleCall => ({ module: 'evidence', method, args });

/** Typed builders of evidence module calls, e.g. `buildTx({ ...evidenceArgs.submit({ digests }), key, ... })`. */
export const evidenceArgs = Object.freeze({
  submit: (args: SubmitArgs): ModuleCall => call('submit', args),
  registerCopyright: (args: RegisterCopyrightArgs): ModuleCall => call('registerCopyright', args),
  grantLicense: (args: GrantLicenseArgs): ModuleCall => call('grantLicense', args),
  reportInfringement: (args: ReportInfringementArgs): ModuleCall => call('reportInfringement', args),
  anchorBatch: (args: AnchorBatchArgs): ModuleCall => call('anchorBatch', args),
});

/** The suite whose hash is the digest algorithm. */
export function suiteOfAlgorithm(algorithm: DigestAlgorithm): CryptoSuite {
  return createSuite(algorithm === 'sm3' ? 'gm' : 'intl');
}

/** Digest of in-memory bytes (for files on disk use `hashFile` from `@xinlian/sdk/node`). */
export function digestOf(algorithm: DigestAlgorithm, data: Uint8Array): Digest {
  return { algorithm, value: toHex(suiteOfAlgorithm(algorithm).hash(data)) };
}

/** A batch of digests anchored by one `anchorBatch` tx. */
export interface Batch {
  readonly root: Uint8Array;
  readonly size: number;
  readonly tree: MerkleTree;
}

/**
 * Builds the RFC 6962 tree (chain suite hash) whose leaf data are the raw 32-byte digests, in order.
 * Throws SDK_BAD_DIGEST for an empty batch or a digest that is not 32 bytes.
 */
export function buildBatch(digests: readonly Uint8Array[], suite: CryptoSuite): Batch {
  if (digests.length === 0) throw new XinlianError('SDK_BAD_DIGEST', 'a batch needs at least one digest', {});
  digests.forEach((d, index) => {
    if (d.length !== 32) {
      throw new XinlianError('SDK_BAD_DIGEST', `digest ${index} is ${d.length} bytes, not 32`, { index });
    }
  });
  const tree = new MerkleTree(suite.hash, digests);
  return { root: tree.root, size: tree.size, tree };
}

/** The anchor of a receipt: the audit path of leaf `index` to the batch root (hex). */
export interface BatchAnchor {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly path: string[];
  readonly batchRoot: string;
}

/**
 * The inclusion proof of digest `index` of a batch, in the receipt's `anchor` form. The first call
 * converts the whole tree to hex once, so proofs of many digests of one tree are cheap.
 */
export function batchProof(tree: MerkleTree, index: number): BatchAnchor {
  return {
    leafIndex: index,
    treeSize: tree.size,
    path: tree.inclusionProofHex(index),
    batchRoot: toHex(tree.root),
  };
}
