/**
 * Hashing of large browser files (File/Blob) in chunks, with progress and cancellation. Works on the
 * main thread and in a Web Worker (a File posted to a worker is structured-cloned without copying
 * its bytes); see packages/sdk/README.md for the worker pattern.
 */
import { type CryptoSuite, createHasher, type SuiteId } from '@xinlian/crypto';
import type { DigestAlgorithm } from '@xinlian/module-evidence';
import { toHex, XinlianError } from '@xinlian/utils';

/** Progress of hashBlob / hashFile. */
export interface HashProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

/** The digest of a file. */
export interface FileDigest {
  readonly algorithm: DigestAlgorithm;
  /** Lower-case hex, as in evidence args. */
  readonly value: string;
  readonly bytes: Uint8Array;
  /** File size in bytes. */
  readonly size: number;
}

export interface HashBlobOptions {
  /** The chain's suite (its hash: gm → SM3, intl → SHA-256), or name the algorithm instead. */
  readonly suite?: SuiteId | CryptoSuite;
  /** 'sm3' or 'sha256'; an alternative to `suite`. */
  readonly algorithm?: DigestAlgorithm;
  /** Bytes read per step (default 4 MiB). */
  readonly chunkSize?: number;
  /** Called after each chunk (and once at the start with bytesDone = 0). */
  readonly onProgress?: (progress: HashProgress) => void;
  /** Aborting it stops hashing with SDK_ABORTED (details.bytesDone). */
  readonly signal?: AbortSignal;
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;

function algorithmOf(opts: HashBlobOptions): DigestAlgorithm {
  const { suite, algorithm } = opts;
  const fromSuite =
    suite === undefined
      ? undefined
      : (typeof suite === 'string' ? suite : suite.id) === 'gm'
        ? 'sm3'
        : 'sha256';
  if (suite !== undefined && typeof suite === 'string' && suite !== 'gm' && suite !== 'intl') {
    throw new XinlianError('SDK_BAD_ARGUMENT', `unknown suite ${String(suite)}`, { suite: String(suite) });
  }
  if (algorithm !== undefined && algorithm !== 'sm3' && algorithm !== 'sha256') {
    throw new XinlianError('SDK_BAD_ARGUMENT', `unknown algorithm ${String(algorithm)}`, {
      algorithm: String(algorithm),
    });
  }
  const alg = algorithm ?? fromSuite;
  if (alg === undefined || (fromSuite !== undefined && algorithm !== undefined && fromSuite !== algorithm)) {
    throw new XinlianError(
      'SDK_BAD_ARGUMENT',
      'give hashBlob a suite or an algorithm (and not two that differ)',
      {},
    );
  }
  return alg;
}

/**
 * Hashes a Blob or File by reading it in chunks (memory stays at about one chunk), reporting
 * progress after each. Throws SDK_ABORTED when `signal` aborts, SDK_FILE_ERROR when the file cannot
 * be read (e.g. it changed on disk), SDK_BAD_ARGUMENT for bad options.
 */
export async function hashBlob(blob: Blob, opts: HashBlobOptions): Promise<FileDigest> {
  const algorithm = algorithmOf(opts);
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new XinlianError('SDK_BAD_ARGUMENT', 'chunkSize must be a positive integer', { chunkSize });
  }
  const hasher = createHasher(algorithm);
  const bytesTotal = blob.size;
  let bytesDone = 0;
  const checkAbort = () => {
    if (opts.signal?.aborted === true) {
      throw new XinlianError(
        'SDK_ABORTED',
        'hashing was aborted',
        { bytesDone },
        { cause: opts.signal.reason },
      );
    }
  };
  opts.onProgress?.({ bytesDone, bytesTotal });
  while (bytesDone < bytesTotal) {
    checkAbort();
    let chunk: ArrayBuffer;
    try {
      chunk = await blob.slice(bytesDone, Math.min(bytesTotal, bytesDone + chunkSize)).arrayBuffer();
    } catch (e) {
      throw new XinlianError(
        'SDK_FILE_ERROR',
        `cannot read the file: ${String(e)}`,
        { reason: 'read' },
        { cause: e },
      );
    }
    checkAbort();
    hasher.update(new Uint8Array(chunk));
    bytesDone += chunk.byteLength;
    opts.onProgress?.({ bytesDone, bytesTotal });
  }
  const bytes = hasher.digest();
  return { algorithm, value: toHex(bytes), bytes, size: bytesDone };
}
