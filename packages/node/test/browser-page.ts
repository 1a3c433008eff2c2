/**
 * The script of the Chromium test page (browser-sdk.test.ts serves it). It runs in the browser
 * against the esbuild bundle of @xinlian/sdk (passed in as a module) and a real node process, and
 * returns plain JSON results for the Node side to assert on. Type-only imports: no code of the
 * workspace is loaded from here, only from the bundle.
 */
import type * as Sdk from '@xinlian/sdk';

export interface VectorRunnerModule {
  runVectors(gmRaw: Record<string, unknown>): {
    results: { name: string; ok: boolean; detail?: string }[];
    gmExpected: number;
    gmChecked: number;
    intlChecked: number;
  };
}

export interface PageConfig {
  readonly nodeUrl: string;
  readonly keyFile: string;
  readonly passphrase: string;
  readonly fileBytes: number;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const firstFailure = (r: Sdk.VerificationReport): string | undefined => r.steps.find((s) => !s.ok)?.name;

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let off = 0; off < n; off += 65536)
    crypto.getRandomValues(out.subarray(off, Math.min(n, off + 65536)));
  return out;
}

function rate(n: number, fn: () => void): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return n / ((performance.now() - t0) / 1000);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface WorkerLike {
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message: string }) => void) | null;
  postMessage(data: unknown): void;
  terminate(): void;
}

/** Hashes a File in /hash-worker.js (a module worker using the SDK bundle); resolves with its answer. */
function hashInWorker(file: Blob): Promise<{ value: string; size: number; progress: number[] }> {
  const WorkerCtor = (
    globalThis as unknown as { Worker: new (url: string, o: { type: 'module' }) => WorkerLike }
  ).Worker;
  const w = new WorkerCtor('/hash-worker.js', { type: 'module' });
  return new Promise((resolve, reject) => {
    w.onmessage = (e) => {
      w.terminate();
      const data = e.data as { value: string; size: number; progress: number[] } | { error: string };
      if ('error' in data) reject(new Error(data.error));
      else resolve(data);
    };
    w.onerror = (e) => {
      w.terminate();
      reject(new Error(`worker: ${e.message}`));
    };
    w.postMessage({ file });
  });
}

export async function runPage(sdk: typeof Sdk, runner: VectorRunnerModule, cfg: PageConfig) {
  // 1. every gm vector (and the intl ones) in this browser
  const gmRaw = (await (await fetch('/vectors.json')).json()) as Record<string, unknown>;
  const vectors = runner.runVectors(gmRaw);

  // 2. keys: a fresh key, and the key file written by the Node backend (as `xinlian keys` does)
  const gm = sdk.createSuite('gm');
  const fresh = sdk.generateKey('gm');
  const t0 = performance.now();
  const fileKey = sdk.decryptKeyFile(cfg.keyFile, cfg.passphrase);
  const keyFileMs = performance.now() - t0;
  const probe = new TextEncoder().encode('signed in the browser');
  const fileKeySignature = hex(gm.sign(fileKey, probe));
  let wrongPassphraseCode = '';
  try {
    sdk.decryptKeyFile(cfg.keyFile, `${cfg.passphrase}x`);
  } catch (e) {
    wrongPassphraseCode = (e as { code?: string }).code ?? String(e);
  }

  // 3. hash a Blob in chunks with progress
  const bytes = randomBytes(cfg.fileBytes);
  const progress: number[] = [];
  const digest = await sdk.hashBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
    suite: 'gm',
    chunkSize: 256 * 1024,
    onProgress: (p) => progress.push(p.bytesDone),
  });
  const oneShot = sdk.digestOf('sm3', bytes).value;

  // 3b. the same bytes hashed as a File in a module Web Worker (which imports the bundle itself)
  const worker = await hashInWorker(new File([bytes as Uint8Array<ArrayBuffer>], 'browser.bin'));

  // 4. build, sign and submit an evidence tx to the node (cross-origin: needs the node's CORS),
  //    watching the node's SSE block stream meanwhile
  const client = new sdk.XinlianClient({ url: cfg.nodeUrl, timeoutMs: 20_000 });
  const genesis = await client.genesis();
  const status = await client.status();
  const streamed: number[] = [];
  const stream = client.streamBlocks((b) => streamed.push(b.height));
  const tx = sdk.buildTx({
    chainId: genesis.chainId,
    ...sdk.evidenceArgs.submit({
      digests: [{ algorithm: 'sm3', value: digest.value }],
      fileName: 'browser.bin',
    }),
    key: fresh,
    expiryHeight: status.height + 100,
  });
  const committed = await client.evidence.submit(tx, { wait: 'commit' });
  for (let i = 0; i < 100 && !streamed.includes(committed.height); i++) await sleep(50);
  stream.close();
  await stream.done;

  // 5. fetch its receipt and verify it offline, here, against the genesis
  const receipt = await client.evidence.receipt('sm3', digest.value);
  const report = sdk.verifyReceipt(receipt, { genesis, file: bytes });

  // 6. tamper one byte at a time: each must fail at the named step
  const flipBase64 = (b64: string): string => {
    const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    raw[raw.length - 1] ^= 1;
    return btoa(String.fromCharCode(...raw));
  };
  const tamperedFile = bytes.slice();
  tamperedFile[12345 % bytes.length] ^= 1;
  const tampered = {
    file: firstFailure(sdk.verifyReceipt(receipt, { genesis, file: tamperedFile })),
    certificate: firstFailure(
      sdk.verifyReceipt(
        { ...receipt, block: { ...receipt.block, certificate: flipBase64(receipt.block.certificate) } },
        { genesis },
      ),
    ),
    txBytes: firstFailure(
      sdk.verifyReceipt(
        { ...receipt, tx: { ...receipt.tx, bytes: flipBase64(receipt.tx.bytes) } },
        { genesis },
      ),
    ),
  };

  // 7. speed in this browser (reported, not asserted)
  const msg = randomBytes(200);
  const sig = gm.sign(fresh, msg);
  const big = randomBytes(8 * 1024 * 1024);
  const t1 = performance.now();
  gm.hash(big);
  const sm3MBps = 8 / ((performance.now() - t1) / 1000);
  const t2 = performance.now();
  sdk.createSuite('intl').hash(big);
  const sha256MBps = 8 / ((performance.now() - t2) / 1000);
  const speed = {
    sm2VerifyPerSec: rate(200, () => gm.verify(fresh.publicKey, msg, sig)),
    sm2SignPerSec: rate(200, () => gm.sign(fresh, msg)),
    sm3MBps,
    sha256MBps,
    keyFileDecryptMs: keyFileMs,
  };

  return {
    userAgent: (globalThis as { navigator?: { userAgent: string } }).navigator?.userAgent ?? '',
    vectors,
    fileKeyPublicKey: hex(fileKey.publicKey.bytes),
    fileKeySignature,
    wrongPassphraseCode,
    digest: { value: digest.value, size: digest.size, oneShot, progress },
    worker,
    streamed,
    txId: tx.txId,
    committed,
    receiptFormat: receipt.format,
    report,
    tampered,
    speed,
  };
}

export type PageResult = Awaited<ReturnType<typeof runPage>>;
