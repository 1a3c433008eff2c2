/**
 * The console's crypto worker: hashes files with the SDK's `hashBlob` (SM3 or SHA-256, in chunks,
 * with progress) and runs the SDK's offline `verifyReceipt`, off the page's main thread. Loaded
 * from its own URL, so the page's Content-Security-Policy does not forbid protobufjs' generated
 * codecs here (the worker has no CSP of its own).
 */
import type { Genesis } from '@xinlian/schemas';
import {
  addressOf,
  buildBatch,
  buildTx,
  createSuite,
  decryptKeyFile,
  encryptKeyFile,
  evidenceArgs,
  generateKey,
  hashBlob,
  type PrivateKey,
  verifyReceipt,
} from '@xinlian/sdk';
import { fromHex, isXinlianError, toBase64, toHex, XinlianError } from '@xinlian/utils';
import type { KeyInfo, SignFile, WorkerRequest, WorkerResponse } from './worker-protocol.js';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerResponse): void;
};
const running = new Map<number, AbortController>();
/**
 * The signing key: held only here, in the worker's memory (never posted to the page, never stored).
 * A reload forgets it; a new key can be saved as an encrypted xinlian-key/1 file (exportKey).
 */
const signer: { key: PrivateKey | undefined } = { key: undefined };

function keyInfo(key: PrivateKey): KeyInfo {
  return {
    address: addressOf(createSuite(key.suite), key.publicKey.bytes),
    suite: key.suite,
    publicKey: toHex(key.publicKey.bytes),
  };
}

function keyRequest(
  m: Extract<WorkerRequest, { kind: 'unlock' | 'newKey' | 'exportKey' | 'forgetKey' }>,
): void {
  try {
    if (m.kind === 'unlock') signer.key = decryptKeyFile(m.keyFile, m.passphrase);
    else if (m.kind === 'newKey') signer.key = generateKey(m.suite);
    else if (m.kind === 'forgetKey') signer.key = undefined;
    else {
      if (signer.key === undefined) throw new XinlianError('CONSOLE_NO_KEY', 'no signing key', {});
      scope.postMessage({ id: m.id, kind: 'keyFile', text: encryptKeyFile(signer.key, m.passphrase) });
      return;
    }
    scope.postMessage({ id: m.id, kind: 'key', key: signer.key === undefined ? null : keyInfo(signer.key) });
  } catch (e) {
    fail(m.id, e);
  }
}

function sign(m: Extract<WorkerRequest, { kind: 'sign' }>): void {
  try {
    const key = signer.key;
    if (key === undefined) throw new XinlianError('CONSOLE_NO_KEY', 'no signing key', {});
    const suite = createSuite(key.suite);
    const base = { chainId: m.chainId, key, expiryHeight: m.expiryHeight, suite };
    if (!m.batch) {
      const f: SignFile | undefined = m.files[0];
      if (f === undefined || m.files.length !== 1)
        throw new XinlianError('CONSOLE_BAD_REQUEST', 'a single submission has one file', {});
      const tx = buildTx({
        ...base,
        ...evidenceArgs.submit({
          digests: [{ algorithm: m.algorithm, value: f.digest }],
          ...(f.fileName === undefined ? {} : { fileName: f.fileName }),
          ...(f.size === undefined ? {} : { size: f.size }),
          ...(f.mediaType === undefined ? {} : { mediaType: f.mediaType }),
        }),
      });
      scope.postMessage({ id: m.id, kind: 'signed', txId: tx.txId, tx: toBase64(tx.bytes) });
      return;
    }
    const leaves = m.files.map((f) => fromHex(f.digest, 32));
    const batch = buildBatch(leaves, suite);
    const tx = buildTx({
      ...base,
      ...evidenceArgs.anchorBatch({ root: toHex(batch.root), size: batch.size, algorithm: m.algorithm }),
    });
    const blob = new Uint8Array(leaves.length * 32);
    for (const [i, l] of leaves.entries()) blob.set(l, i * 32);
    scope.postMessage({
      id: m.id,
      kind: 'signed',
      txId: tx.txId,
      tx: toBase64(tx.bytes),
      leaves: toBase64(blob),
      root: toHex(batch.root),
    });
  } catch (e) {
    fail(m.id, e);
  }
}

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
  else if (m.kind === 'sign') sign(m);
  else if (m.kind === 'cancel') running.get(m.id)?.abort();
  else keyRequest(m);
};
