/**
 * The console's crypto worker: hashes files with the SDK's `hashBlob` (SM3 or SHA-256, in chunks,
 * with progress) and runs the SDK's offline `verifyReceipt`, off the page's main thread. Loaded
 * from its own URL, so the page's Content-Security-Policy does not forbid protobufjs' generated
 * codecs here (the worker has no CSP of its own).
 */
import type { Genesis } from '@xinlian/schemas';
import { hashBlob, verifyReceipt } from '@xinlian/sdk';
import { fromHex, isXinlianError } from '@xinlian/utils';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerResponse): void;
};
const running = new Map<number, AbortController>();

const fail = (id: number, e: unknown) =>
  scope.postMessage({
    id,
    kind: 'error',
    code: isXinlianError(e) ? e.code : 'CONSOLE_WORKER_FAILED',
    message: e instanceof Error ? e.message : String(e),
  });

async function hash(id: number, file: Blob, algorithm: 'sm3' | 'sha256'): Promise<void> {
  const abort = new AbortController();
  running.set(id, abort);
  try {
    const d = await hashBlob(file, {
      algorithm,
      signal: abort.signal,
      onProgress: (p) => scope.postMessage({ id, kind: 'progress', done: p.bytesDone, total: p.bytesTotal }),
    });
    scope.postMessage({ id, kind: 'hashed', value: d.value });
  } catch (e) {
    fail(id, e);
  } finally {
    running.delete(id);
  }
}

function verify(id: number, receipt: unknown, genesis: Genesis, digest: string | undefined): void {
  try {
    const report = verifyReceipt(receipt, {
      genesis,
      ...(digest === undefined ? {} : { file: { digest: fromHex(digest) } }),
    });
    scope.postMessage({ id, kind: 'verified', report });
  } catch (e) {
    fail(id, e);
  }
}

scope.onmessage = (e) => {
  const m = e.data;
  if (m.kind === 'hash') void hash(m.id, m.file, m.algorithm);
  else if (m.kind === 'verify') verify(m.id, m.receipt, m.genesis, m.digest);
  else running.get(m.id)?.abort();
};
