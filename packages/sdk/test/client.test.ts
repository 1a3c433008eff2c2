import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fromBase64, XinlianError } from '@xinlian/utils';
import { type BlockView, XinlianClient } from '../src/index.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: unknown) => void;

const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
};

const block = (height: number): BlockView => ({
  height,
  id: 'ab'.repeat(32),
  time: 1_700_000_000_000 + height,
  parentId: '00'.repeat(32),
  txRoot: '01'.repeat(32),
  receiptRoot: '02'.repeat(32),
  appHash: '03'.repeat(32),
  validatorSetHash: '04'.repeat(32),
  nextValidatorSetHash: '04'.repeat(32),
  proposer: '05'.repeat(32),
  txCount: 0,
  txIds: [],
  certificate: { round: 0, signatures: [{ validatorIndex: 0, signature: '06'.repeat(64) }] },
});

/** A tiny HTTP server that records requests and answers with the current handler. */
describe('XinlianClient', () => {
  let server: Server;
  let url: string;
  const seen: Seen[] = [];
  let handler: Handler = (_req, res) => json(res, 200, { ok: true });
  const open = new Set<ServerResponse>();

  before(async () => {
    server = createServer((req, res) => {
      open.add(res);
      res.on('close', () => open.delete(res));
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = text === '' ? undefined : (JSON.parse(text) as unknown);
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          contentType: req.headers['content-type'],
          body,
        });
        handler(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const res of open) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const last = (): Seen => {
    const s = seen[seen.length - 1];
    assert.ok(s, 'a request was made');
    return s;
  };

  test('GET endpoints use the spec paths and parse the JSON answer', async () => {
    const client = new XinlianClient({ url: `${url}/` });
    handler = (_req, res) => json(res, 200, { chainId: 'c' });
    assert.deepEqual(await client.status(), { chainId: 'c' });
    assert.deepEqual(last(), { method: 'GET', url: '/v1/status', contentType: undefined, body: undefined });

    const calls: [() => Promise<unknown>, string][] = [
      [() => client.genesis(), '/v1/genesis'],
      [() => client.getTx('aa'.repeat(32)), `/v1/txs/${'aa'.repeat(32)}`],
      [() => client.getBlock(), '/v1/blocks/latest'],
      [() => client.getBlock(12), '/v1/blocks/12'],
      [() => client.getBlock('bb'.repeat(32)), `/v1/blocks/${'bb'.repeat(32)}`],
      [() => client.state('evidence', new Uint8Array([1, 2])), '/v1/state/evidence/0102'],
      [() => client.stateHistory('evidence', new Uint8Array([1, 2])), '/v1/state/evidence/0102?history=1'],
      [
        () => client.evidence.get('sm3', new Uint8Array(32).fill(0xcd)),
        `/v1/evidence/sm3/${'cd'.repeat(32)}`,
      ],
      [() => client.evidence.get('sha256', 'EF'.repeat(32)), `/v1/evidence/sha256/${'ef'.repeat(32)}`],
      [
        () => client.evidence.receipt('sm3', new Uint8Array(32).fill(1)),
        `/v1/evidence/sm3/${'01'.repeat(32)}/receipt`,
      ],
      [() => client.evidence.record('12'.repeat(32)), `/v1/evidence/records/${'12'.repeat(32)}`],
      [() => client.evidence.list(), '/v1/evidence'],
      [
        () => client.evidence.list({ submitter: '34'.repeat(20), from: 5, limit: 10, cursor: 'ff' }),
        `/v1/evidence?submitter=${'34'.repeat(20)}&from=5&limit=10&cursor=ff`,
      ],
      [() => client.health(), '/healthz'],
    ];
    for (const [call, path] of calls) {
      await call();
      assert.equal(last().method, 'GET');
      assert.equal(last().url, path);
    }
  });

  test('blocks() passes paging and unwraps the list', async () => {
    const client = new XinlianClient({ url });
    handler = (_req, res) => json(res, 200, { blocks: [block(3), block(2)] });
    const blocks = await client.blocks({ before: 4, limit: 2 });
    assert.deepEqual(
      blocks.map((b) => b.height),
      [3, 2],
    );
    assert.equal(last().url, '/v1/blocks?before=4&limit=2');
  });

  test('submissions POST base64 txs with the wait mode', async () => {
    const client = new XinlianClient({ url });
    const bytes = new Uint8Array([1, 2, 3, 250]);
    handler = (_req, res) => json(res, 202, { txId: 'aa'.repeat(32) });
    assert.deepEqual(await client.submitTx(bytes), { txId: 'aa'.repeat(32) });
    assert.equal(last().method, 'POST');
    assert.equal(last().url, '/v1/txs?wait=none');
    assert.equal(last().contentType, 'application/json');
    assert.deepEqual(fromBase64((last().body as { tx: string }).tx), bytes);

    handler = (_req, res) => json(res, 200, { txId: 'aa'.repeat(32), height: 4, index: 0, result: {} });
    const committed = await client.submitTx({ bytes }, { wait: 'commit' });
    assert.equal(committed.height, 4);
    assert.equal(last().url, '/v1/txs?wait=commit');

    await client.evidence.submit(bytes, { wait: 'commit' });
    assert.equal(last().url, '/v1/evidence?wait=commit');
    assert.deepEqual(last().body, { tx: 'AQID+g==' });

    const leaves = [new Uint8Array(32).fill(7), new Uint8Array(32).fill(8)];
    await client.evidence.submitBatch(bytes, leaves);
    assert.equal(last().url, '/v1/evidence/batch?wait=none');
    // leavesBase64 = base64 of the digests concatenated in order (32 bytes of 7s, then of 8s).
    assert.deepEqual(last().body, {
      tx: 'AQID+g==',
      leavesBase64: Buffer.concat([Buffer.alloc(32, 7), Buffer.alloc(32, 8)]).toString('base64'),
    });
    assert.throws(() => client.evidence.submitBatch(bytes, [new Uint8Array(31)]), { code: 'SDK_BAD_DIGEST' });

    await client.query('evidence', 'byDigest', { algorithm: 'sm3', value: 'ab'.repeat(32) });
    assert.equal(last().url, '/v1/query/evidence/byDigest');
    assert.deepEqual(last().body, { algorithm: 'sm3', value: 'ab'.repeat(32) });

    await client.evidence.verify({ format: 'x' }, new Uint8Array(32));
    assert.equal(last().url, '/v1/evidence/verify');
    assert.deepEqual(last().body, { receipt: { format: 'x' }, digest: '00'.repeat(32) });
  });

  test('RFC 7807 answers become XinlianErrors with the server code and details', async () => {
    const client = new XinlianClient({ url });
    handler = (_req, res) =>
      json(
        res,
        503,
        {
          type: 'about:blank',
          title: 'Service Unavailable',
          status: 503,
          detail: 'mempool is full',
          code: 'MEMPOOL_FULL',
          details: { size: 10, capacity: 10 },
        },
        { 'content-type': 'application/problem+json', 'retry-after': '2' },
      );
    await assert.rejects(client.submitTx(new Uint8Array([1])), (e: unknown) => {
      assert.ok(e instanceof XinlianError);
      assert.equal(e.code, 'MEMPOOL_FULL');
      assert.equal(e.message, 'mempool is full');
      assert.deepEqual(e.details, { size: 10, capacity: 10, httpStatus: 503, retryAfterSeconds: 2 });
      return true;
    });
    handler = (_req, res) =>
      json(res, 400, {
        title: 'Bad Request',
        status: 400,
        code: 'TX_BAD_SIGNATURE',
        details: { field: 'tx' },
      });
    await assert.rejects(client.evidence.submit(new Uint8Array([1])), {
      code: 'TX_BAD_SIGNATURE',
      message: 'Bad Request',
      details: { field: 'tx', httpStatus: 400 },
    });
  });

  test('non-problem errors, bad JSON, timeouts and unreachable nodes have SDK codes', async () => {
    const client = new XinlianClient({ url });
    handler = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
    };
    await assert.rejects(client.status(), { code: 'SDK_HTTP_ERROR', details: { httpStatus: 502 } });
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"truncated":');
    };
    await assert.rejects(client.status(), { code: 'SDK_BAD_RESPONSE' });
    handler = () => {}; // never answers
    await assert.rejects(new XinlianClient({ url, timeoutMs: 50 }).status(), { code: 'SDK_TIMEOUT' });

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(new XinlianClient({ url: `http://127.0.0.1:${port}` }).status(), (e: unknown) => {
      assert.ok(e instanceof XinlianError);
      assert.equal(e.code, 'SDK_UNREACHABLE');
      assert.equal(e.details.url, `http://127.0.0.1:${port}/v1/status`);
      return true;
    });
  });

  test('search sends the query string and returns the matches', async () => {
    const urls: string[] = [];
    const client = new XinlianClient({
      url: 'http://node.invalid',
      fetch: async (input) => {
        urls.push(input);
        return new Response(JSON.stringify({ query: 'a b', results: [] }), { status: 200 });
      },
    });
    assert.deepEqual(await client.search('a b'), { query: 'a b', results: [] });
    assert.deepEqual(urls, ['http://node.invalid/v1/search?q=a+b']);
  });

  test('a custom fetch is used', async () => {
    const urls: string[] = [];
    const client = new XinlianClient({
      url: 'http://node.invalid',
      fetch: async (input) => {
        urls.push(input);
        return new Response(JSON.stringify({ ok: true }), { status: 200 });
      },
    });
    assert.deepEqual(await client.health(), { ok: true });
    assert.deepEqual(urls, ['http://node.invalid/healthz']);
  });

  test('streamBlocks delivers SSE block events split across chunks, until closed', async () => {
    const client = new XinlianClient({ url });
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const text = [
        ': comment\n\n',
        `event: block\ndata: ${JSON.stringify(block(1))}\n\n`,
        'event: ping\ndata: {}\n\n',
        `event: block\r\ndata: ${JSON.stringify(block(2))}\r\n\r\n`,
        `event:block\ndata:${JSON.stringify(block(3))}\n\n`,
      ].join('');
      // Send in small pieces so events and CRLFs straddle chunks.
      for (let i = 0; i < text.length; i += 37) res.write(text.slice(i, i + 37));
    };
    const heights: number[] = [];
    let stream: ReturnType<XinlianClient['streamBlocks']> | undefined;
    const three = new Promise<void>((resolve) => {
      stream = client.streamBlocks((b) => {
        heights.push(b.height);
        if (heights.length === 3) resolve();
      });
    });
    await three;
    assert.equal(last().url, '/v1/stream/blocks');
    stream?.close();
    await stream?.done;
    assert.deepEqual(heights, [1, 2, 3]);
  });

  test('streamBlocks rejects `done` when the handler throws or the server fails', async () => {
    const client = new XinlianClient({ url });
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`event: block\ndata: ${JSON.stringify(block(1))}\n\n`);
    };
    const boom = new XinlianError('TEST_BOOM', 'boom');
    await assert.rejects(
      client.streamBlocks(() => {
        throw boom;
      }).done,
      (e: unknown) => e === boom,
    );
    handler = (_req, res) => json(res, 503, { title: 'x', status: 503, code: 'API_OVERLOADED', details: {} });
    await assert.rejects(client.streamBlocks(() => {}).done, { code: 'API_OVERLOADED' });
  });
});
