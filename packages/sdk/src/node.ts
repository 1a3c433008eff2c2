/**
 * Node-only helpers of the SDK (`@xinlian/sdk/node`): they use the file system, so the core
 * entry stays usable in browsers.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { toHex, XinlianError } from '@xinlian/utils';
import type { FileDigest, HashProgress } from './blob.js';
import type { DigestAlgorithm } from './evidence.js';

export type { FileDigest, HashProgress } from './blob.js';

/**
 * Hashes a file by streaming it (constant memory), reporting progress after each chunk.
 * Throws SDK_FILE_ERROR (details: path, reason = the system error code) when it cannot be read.
 */
export async function hashFile(
  path: string,
  algorithm: DigestAlgorithm,
  onProgress?: (progress: HashProgress) => void,
): Promise<FileDigest> {
  const hash = createHash(algorithm);
  let bytesDone = 0;
  try {
    const { size: bytesTotal } = await stat(path);
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytesDone += chunk.length;
      onProgress?.({ bytesDone, bytesTotal });
    }
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? 'EIO';
    throw new XinlianError(
      'SDK_FILE_ERROR',
      `cannot read ${path}: ${reason}`,
      { path, reason },
      { cause: e },
    );
  }
  const bytes = new Uint8Array(hash.digest());
  return { algorithm, value: toHex(bytes), bytes, size: bytesDone };
}
