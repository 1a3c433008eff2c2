/** api.cors: config validation and the CORS headers of the API server (fastify inject, no sockets). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XinlianError } from '@xinlian/utils';
import { defaultConfig, parseConfig } from '../src/config.js';
import { createApiServer } from '../src/http/server.js';
import { createLogger } from '../src/logger.js';
import { NodeMetrics } from '../src/metrics.js';

const withCors = (cors: unknown): string =>
  JSON.stringify({ ...defaultConfig(), api: { ...defaultConfig().api, cors } });

function app(corsOrigins?: readonly string[]) {
  return createApiServer(
    { version: 'test', ...(corsOrigins === undefined ? {} : { corsOrigins }) },
    { routes: [], logger: createLogger({ level: 'silent' }), metrics: new NodeMetrics() },
  );
}

describe('api.cors', () => {
  it('is optional and off by default; accepts origins and "*"; refuses paths and other strings', () => {
    assert.equal(defaultConfig().api.cors, undefined);
    assert.deepEqual(
      parseConfig(withCors(['https://console.example.com', 'http://127.0.0.1:5173'])).api.cors,
      ['https://console.example.com', 'http://127.0.0.1:5173'],
    );
    assert.deepEqual(parseConfig(withCors(['*'])).api.cors, ['*']);
    for (const bad of [['https://x.example/path'], ['ftp://x'], 'https://x.example', [1]]) {
      assert.throws(
        () => parseConfig(withCors(bad)),
        (e: unknown) =>
          e instanceof XinlianError &&
          e.code === 'NODE_BAD_CONFIG' &&
          String(e.details.field).startsWith('/api/cors'),
      );
    }
  });

  it('adds no CORS headers when off', async () => {
    const res = await app().inject({
      method: 'GET',
      url: '/v1/openapi.json',
      headers: { origin: 'http://a.example' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  it('allows listed origins (simple requests, errors and preflight) and ignores others', async () => {
    const a = app(['http://a.example']);
    const ok = await a.inject({
      method: 'GET',
      url: '/v1/openapi.json',
      headers: { origin: 'http://a.example' },
    });
    assert.equal(ok.headers['access-control-allow-origin'], 'http://a.example');
    assert.equal(ok.headers.vary, 'Origin');
    const missing = await a.inject({
      method: 'GET',
      url: '/v1/nothing',
      headers: { origin: 'http://a.example' },
    });
    assert.equal(missing.statusCode, 404);
    assert.equal(
      missing.headers['access-control-allow-origin'],
      'http://a.example',
      'problem answers are readable too',
    );
    const pre = await a.inject({
      method: 'OPTIONS',
      url: '/v1/evidence',
      headers: {
        origin: 'http://a.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(pre.statusCode, 204);
    assert.match(String(pre.headers['access-control-allow-methods']), /POST/);
    assert.match(String(pre.headers['access-control-allow-headers']), /content-type/);
    const other = await a.inject({
      method: 'GET',
      url: '/v1/openapi.json',
      headers: { origin: 'http://b.example' },
    });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const any = await app(['*']).inject({
      method: 'GET',
      url: '/v1/openapi.json',
      headers: { origin: 'http://b.example' },
    });
    assert.equal(any.headers['access-control-allow-origin'], '*');
  });
});
