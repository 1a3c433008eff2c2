/**
 * @xinlian/sdk in a real browser: Debian's Chromium (driven by playwright-core) loads the esbuild
 * bundle from a page on one origin and talks to a real node process on another (through the node's
 * api.cors). The page runs the gm+intl vectors, decrypts a Node-written key file, hashes a Blob with
 * progress, builds/signs/submits an evidence tx, verifies the receipt offline, and checks that
 * one-byte tampering fails at the named verification step. Page console errors fail the test.
 *
 * Chromium missing: the test FAILS when CI=true (CI installs it) and is skipped otherwise.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createSuite, encryptKeyFile, RECEIPT_STEPS } from '@xinlian/sdk';
import * as esbuild from 'esbuild';
import type { BrowserContext } from 'playwright-core';
import type { PageConfig, PageResult } from './browser-page.js';
import { type NodeProcess, spawnNode, tempHome } from './helpers.js';

const CHROMIUM = process.env.XINLIAN_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BUNDLE = join(ROOT, 'packages/sdk/dist/browser/xinlian-sdk.js');
const RUNNER = join(ROOT, 'packages/crypto/dist/test/vector-runner.js');
const PAGE_JS = fileURLToPath(new URL('./browser-page.js', import.meta.url));
const VECTORS = join(ROOT, '../shared/testdata/gm/vectors.json');

/** A module Web Worker that hashes a posted File with the SDK bundle, reporting progress. */
const HASH_WORKER = `
import { hashBlob } from '/xinlian-sdk.js';
self.onmessage = async (e) => {
  try {
    const progress = [];
    const d = await hashBlob(e.data.file, { suite: 'gm', chunkSize: 1 << 20, onProgress: (p) => progress.push(p.bytesDone) });
    self.postMessage({ value: d.value, size: d.size, progress });
  } catch (err) {
    self.postMessage({ error: String(err && err.stack || err) });
  }
};
`;

const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true' || process.env.CI === '1';
if (!haveChromium && !inCi) {
  console.log(
    `# browser test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium; CI fails instead)`,
  );
}

describe('@xinlian/sdk in Chromium', { timeout: 180_000, skip: !haveChromium && !inCi }, () => {
  let home: Awaited<ReturnType<typeof tempHome>> | undefined;
  let node: NodeProcess | undefined;
  let server: Server | undefined;
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  let result: PageResult;
  const consoleErrors: string[] = [];
  const passphrase = 'browser key file';
  const nodeKey = createSuite('gm').generateKey();

  before(async () => {
    assert.ok(
      haveChromium,
      `Chromium is required in CI but ${CHROMIUM} does not exist (.ci/run installs it)`,
    );
    assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run npm run build`);
    // page server on one origin
    const runner = await esbuild.build({
      entryPoints: [RUNNER],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const files: Record<string, { type: string; body: Buffer | string }> = {
      '/xinlian-sdk.js': { type: 'text/javascript', body: await readFile(BUNDLE) },
      '/vector-runner.js': { type: 'text/javascript', body: Buffer.from(runner.outputFiles[0]!.contents) },
      '/page.js': { type: 'text/javascript', body: await readFile(PAGE_JS) },
      '/vectors.json': { type: 'application/json', body: await readFile(VECTORS) },
      '/hash-worker.js': { type: 'text/javascript', body: HASH_WORKER },
      '/': {
        type: 'text/html',
        body: '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>xinlian sdk test</title><p>xinlian</p>',
      },
    };
    server = createServer((req, res) => {
      const f = files[(req.url ?? '/').split('?')[0]!];
      if (f === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-store' }).end(f.body);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const addr = server.address() as { port: number };
    const pageOrigin = `http://127.0.0.1:${addr.port}`;

    // a real node on another origin, allowing the page's origin
    home = await tempHome('gm');
    const configPath = join(home.home, 'config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as { api: Record<string, unknown> };
    await writeFile(configPath, JSON.stringify({ ...config, api: { ...config.api, cors: [pageOrigin] } }));
    node = await spawnNode(home.home);

    profile = await mkdtemp(join(tmpdir(), 'xinlian-chromium-'));
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) consoleErrors.push(`HTTP ${r.status()} ${r.url()}`);
    });
    await page.goto(`${pageOrigin}/`);
    const cfg: PageConfig = {
      nodeUrl: node.url,
      keyFile: encryptKeyFile(nodeKey, passphrase),
      passphrase,
      fileBytes: 3 * 1024 * 1024 + 123,
    };
    result = (await page.evaluate(async (c) => {
      const imp = (u: string) => import(u);
      const [sdk, runner, pageMod] = await Promise.all([
        imp('/xinlian-sdk.js'),
        imp('/vector-runner.js'),
        imp('/page.js'),
      ]);
      return pageMod.runPage(sdk, runner, c);
    }, cfg)) as PageResult;
    console.log(`# ${result.userAgent}`);
    console.log(`# browser speed: ${JSON.stringify(result.speed)}`);
  });

  after(async () => {
    await context?.close().catch(() => {});
    await node?.kill();
    await home?.cleanup();
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    if (profile !== undefined) await rm(profile, { recursive: true, force: true });
  });

  it('runs every gm vector and the intl vectors in the browser', () => {
    assert.deepEqual(
      result.vectors.results.filter((r) => !r.ok),
      [],
    );
    assert.ok(result.vectors.gmExpected >= 6);
    assert.equal(result.vectors.gmChecked, result.vectors.gmExpected);
    assert.equal(result.vectors.intlChecked, 5);
  });

  it('decrypts a key file written by the Node backend and signs with it (verified by Node/OpenSSL)', () => {
    assert.equal(result.fileKeyPublicKey, Buffer.from(nodeKey.publicKey.bytes).toString('hex'));
    const gm = createSuite('gm');
    const probe = new TextEncoder().encode('signed in the browser');
    assert.equal(gm.verify(nodeKey.publicKey, probe, Buffer.from(result.fileKeySignature, 'hex')), true);
    assert.equal(result.wrongPassphraseCode, 'CRYPTO_BAD_PASSPHRASE');
  });

  it('hashes a Blob in chunks with progress, equal to the one-shot SM3', () => {
    const { digest } = result;
    assert.equal(digest.value, digest.oneShot);
    assert.equal(digest.size, 3 * 1024 * 1024 + 123);
    assert.equal(digest.progress.length, 1 + Math.ceil(digest.size / (256 * 1024)));
    assert.equal(digest.progress.at(-1), digest.size);
    for (let i = 1; i < digest.progress.length; i++) assert.ok(digest.progress[i]! > digest.progress[i - 1]!);
  });

  it('hashes the same bytes as a File in a module Web Worker, with progress', () => {
    const { worker, digest } = result;
    assert.equal(worker.value, digest.value);
    assert.equal(worker.size, digest.size);
    assert.deepEqual(worker.progress.at(-1), digest.size);
    assert.equal(worker.progress.length, 1 + Math.ceil(digest.size / (1 << 20)));
  });

  it('submits a browser-signed tx to the node (cross-origin with CORS) and it commits', () => {
    assert.equal(result.committed.txId, result.txId);
    assert.ok(result.committed.height >= 1);
  });

  it('receives the committed block over the SSE stream, cross-origin', () => {
    assert.ok(result.streamed.includes(result.committed.height), JSON.stringify(result.streamed));
  });

  it('verifies the real receipt offline in the browser: all 15 steps pass', () => {
    assert.equal(result.receiptFormat, 'xinlian-receipt/1');
    assert.deepEqual(
      result.report.steps.map((s) => s.name),
      [...RECEIPT_STEPS],
    );
    assert.equal(RECEIPT_STEPS.length, 15);
    assert.deepEqual(
      result.report.steps.filter((s) => !s.ok),
      [],
    );
    assert.equal(result.report.ok, true);
  });

  it('one flipped byte fails verification at the named step', () => {
    assert.deepEqual(result.tampered, {
      file: 'fileDigest',
      certificate: 'certificate',
      txBytes: 'txInclusion',
    });
  });

  it('logged no console errors', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
