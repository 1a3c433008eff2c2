import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { consoleAssetsDir } from '@xinlian/console';
import type { BlockView, TxResponse } from '@xinlian/schemas';
import { XinlianError } from '@xinlian/utils';
import type { FastifyInstance } from 'fastify';
import { searchChain } from '../src/http/search.js';
import { createApiServer } from '../src/http/server.js';
import { CONSOLE_CSP, loadStaticSite } from '../src/http/static.js';
import { createLogger, NodeMetrics } from '../src/index.js';

describe('web console static site', () => {
  let dir: string;
  let app: FastifyInstance;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xinlian-site-'));
    await mkdir(join(dir, 'assets'));
    await mkdir(join(dir, 'fonts'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>console</title>');
    await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(join(dir, 'assets', 'index-abc123.css'), 'body{}');
    await writeFile(join(dir, 'fonts', 'f.ttf'), new Uint8Array([0, 1, 0, 0]));
    await writeFile(join(dir, 'favicon.svg'), '<svg/>');
    const site = await loadStaticSite(dir);
    assert.ok(site !== undefined);
    app = createApiServer(
      { version: 'test' },
      {
        routes: [
          {
            method: 'GET',
            url: '/v1/status',
            tag: 'node',
            summary: 'status',
            responses: {},
            handle: () => ({ ok: 'api' }),
          },
        ],
        logger: createLogger({ level: 'silent' }),
        metrics: new NodeMetrics(),
        site,
      },
    );
    await app.ready();
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with no-cache, an ETag and the CSP', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.equal(res.headers['content-security-policy'], CONSOLE_CSP);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(String(res.headers.etag), /^"[A-Za-z0-9_-]+"$/);
    assert.equal(res.body, '<!doctype html><title>console</title>');
    const again = await app.inject({
      method: 'GET',
      url: '/',
      headers: { 'if-none-match': res.headers.etag },
    });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  it('serves hashed assets as immutable, other files revalidated, with their content types', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    assert.equal(js.statusCode, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(js.body, 'console.log(1)');
    const css = await app.inject({ method: 'GET', url: '/assets/index-abc123.css' });
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    const font = await app.inject({ method: 'GET', url: '/fonts/f.ttf' });
    assert.equal(font.headers['content-type'], 'font/ttf');
    assert.equal(font.headers['cache-control'], 'no-cache');
    assert.deepEqual(new Uint8Array(font.rawPayload), new Uint8Array([0, 1, 0, 0]));
    const svg = await app.inject({ method: 'HEAD', url: '/favicon.svg' });
    assert.equal(svg.statusCode, 200);
    assert.equal(svg.headers['content-type'], 'image/svg+xml');
  });

  it('answers client routes with index.html (SPA fallback), but never API paths or missing files', async () => {
    for (const url of ['/blocks/12', '/txs/abc', '/verify?alg=sm3&digest=00', '/accounts/ab/']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8', url);
    }
    const api = await app.inject({ method: 'GET', url: '/v1/status' });
    assert.deepEqual(api.json(), { ok: 'api' });
    for (const url of ['/v1/nope', '/v1', '/metricsx.js', '/assets/missing-123.js']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/, url);
      assert.equal(res.json().code, 'API_NOT_FOUND', url);
    }
    const bad = await app.inject({ method: 'GET', url: '/blocks/%E0%A4%A' });
    assert.equal(bad.statusCode, 400);
    const post = await app.inject({ method: 'POST', url: '/blocks/1' });
    assert.equal(post.statusCode, 404);
  });

  it('is absent when the console was not built (the node serves the API alone)', async () => {
    assert.equal(await loadStaticSite(join(dir, 'assets')), undefined);
    assert.equal(await loadStaticSite(join(dir, 'nonexistent')), undefined);
  });

  it('finds the built console of @xinlian/console (npm run build builds it)', async () => {
    const site = await loadStaticSite(consoleAssetsDir());
    assert.ok(site !== undefined, `no console build in ${consoleAssetsDir()}`);
    assert.match(site.index.body.toString('utf8'), /<div id="root">/);
    assert.ok([...site.files.keys()].some((k) => /^\/assets\/index-[\w-]+\.js$/.test(k)));
    assert.ok(site.files.has('/fonts/NotoSansSC-subset.ttf'));
  });
});

describe('explorer search (GET /v1/search)', () => {
  const H = (c: string) => c.repeat(64);
  const block = { height: 7, id: H('b') } as BlockView;
  const notFound = () => {
    throw new XinlianError('API_NOT_FOUND', 'not found', {});
  };
  const api = {
    block: (ref: 'latest' | number | string) => (ref === 7 || ref === H('b') ? block : notFound()),
    tx: (id: string) => (id === H('c') ? ({ txId: H('c'), status: 'committed' } as TxResponse) : notFound()),
    evidenceByDigest: (algorithm: string, digest: string) => {
      if (algorithm === 'sm3' && digest === H('d'))
        return {
          record: { id: H('c'), kind: 'evidence', submitter: '', height: 7, time: 0, txId: H('c') },
          batch: null,
        };
      if (algorithm === 'sha256' && digest === H('e'))
        return { record: null, batch: { root: H('f'), leafIndex: 3, treeSize: 9, recordId: H('a') } };
      return { record: null, batch: null };
    },
  };

  it('finds a block by height or hash, a tx by hash, an account by address', () => {
    assert.deepEqual(searchChain(api, 'gm', ' 7 ').results, [{ type: 'block', height: 7, id: H('b') }]);
    assert.deepEqual(searchChain(api, 'gm', H('b').toUpperCase()).results, [
      { type: 'block', height: 7, id: H('b') },
    ]);
    assert.deepEqual(searchChain(api, 'gm', `0x${H('c')}`).results, [
      { type: 'tx', txId: H('c'), status: 'committed' },
    ]);
    assert.deepEqual(searchChain(api, 'gm', 'ab'.repeat(20)).results, [
      { type: 'account', address: 'ab'.repeat(20) },
    ]);
  });

  it('finds evidence by digest in either algorithm, or only the one named', () => {
    assert.deepEqual(searchChain(api, 'gm', H('d')).results, [
      { type: 'evidence', algorithm: 'sm3', digest: H('d'), recordId: H('c'), batched: false },
    ]);
    assert.deepEqual(searchChain(api, 'gm', H('e')).results, [
      { type: 'evidence', algorithm: 'sha256', digest: H('e'), recordId: H('a'), batched: true },
    ]);
    assert.deepEqual(searchChain(api, 'intl', `sm3:${H('e')}`).results, []);
    assert.equal(searchChain(api, 'intl', `SHA256:${H('e')}`).results.length, 1);
  });

  it('answers an empty list for unknown values and for inputs that are no search term', () => {
    for (const q of ['8', H('9'), 'hello', '12345678901234567', `sm3:7`, 'ab'.repeat(21)]) {
      assert.deepEqual(searchChain(api, 'gm', q), { query: q, results: [] }, q);
    }
  });

  it('propagates errors other than not-found', () => {
    const broken = {
      ...api,
      block: () => {
        throw new XinlianError('STORE_CORRUPT', 'corrupt', {});
      },
    };
    assert.throws(() => searchChain(broken, 'gm', '7'), /corrupt/);
  });
});
