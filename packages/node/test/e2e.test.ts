import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { encodeSignedTx } from '@xinlian/codec';
import { addressOf, createSuite, type PrivateKey } from '@xinlian/crypto';
import type { Genesis, Receipt } from '@xinlian/schemas';
import {
  type BlockView,
  buildBatch,
  digestOf,
  evidenceArgs,
  generateKey,
  verifyReceipt,
  XinlianClient,
} from '@xinlian/sdk';
import { toBase64, toHex } from '@xinlian/utils';
import { statusOf } from '../src/index.js';
import {
  http,
  makeTx,
  type NodeProcess,
  postExpectingEarlyResponse,
  spawnNode,
  tempHome,
} from './helpers.js';

const suite = createSuite('gm');

describe('node end-to-end (real process, gm suite)', { timeout: 120_000 }, () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  let node: NodeProcess;
  let client: XinlianClient;
  let key: PrivateKey;
  let chainId: string;
  let genesis: Genesis;

  before(async () => {
    home = await tempHome('gm');
    node = await spawnNode(home.home);
    client = new XinlianClient({ url: node.url });
    key = generateKey('gm');
    genesis = await client.genesis();
    chainId = genesis.chainId;
  });

  after(async () => {
    await node?.kill();
    await home?.cleanup();
  });

  const expiry = async () => (await client.status()).height + 100;
  const submitEvidence = async (data: Uint8Array, nonce?: number) => {
    const digest = digestOf('sm3', data);
    const tx = makeTx(
      key,
      chainId,
      evidenceArgs.submit({ digests: [digest], fileName: 'a.txt' }),
      await expiry(),
      nonce,
    );
    const res = await http(`${node.url}/v1/evidence?wait=commit`, { body: { tx: toBase64(tx.bytes) } });
    return { tx, digest, res };
  };

  it('serves status, genesis, health, metrics and an OpenAPI 3.1 document of every route', async () => {
    const status = await client.status();
    assert.equal(status.suite, 'gm');
    assert.equal(status.chainId, chainId);
    assert.equal(status.validators.length, 1);
    assert.equal(
      status.validators[0]!.address,
      addressOf(suite, Buffer.from(status.validators[0]!.publicKey, 'hex')),
    );
    assert.equal(status.genesisHash, toHex(suite.hash(Buffer.from(JSON.stringify(sortKeys(genesis))))));
    assert.deepEqual(await client.health(), { ok: true });

    const doc = (await http(`${node.url}/v1/openapi.json`)).body as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: { properties: object } }> } }>
      >;
    };
    assert.equal(doc.openapi, '3.1.0');
    for (const path of [
      '/healthz',
      '/metrics',
      '/v1/status',
      '/v1/genesis',
      '/v1/txs',
      '/v1/txs/batch',
      '/v1/txs/{txId}',
      '/v1/blocks/latest',
      '/v1/blocks/{heightOrId}',
      '/v1/blocks',
      '/v1/state/{module}/{keyHex}',
      '/v1/stream/blocks',
      '/v1/evidence',
      '/v1/evidence/batch',
      '/v1/evidence/{algorithm}/{digestHex}',
      '/v1/evidence/records/{id}',
      '/v1/evidence/{algorithm}/{digestHex}/receipt',
      '/v1/evidence/verify',
      '/v1/query/{module}/{query}',
    ]) {
      assert.ok(doc.paths[path], `OpenAPI document lacks ${path}`);
    }
    assert.ok(
      'tx' in doc.paths['/v1/txs']!.post!.requestBody!.content['application/json']!.schema.properties,
    );

    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    for (const name of [
      'xinlian_block_height',
      'xinlian_blocks_committed_total',
      'xinlian_txs_committed_total',
      'xinlian_tx_rejected_total',
      'xinlian_mempool_size',
      'xinlian_mempool_bytes',
      'xinlian_commit_latency_seconds',
      'xinlian_block_execution_seconds',
      'xinlian_store_commit_seconds',
      'xinlian_http_requests_total',
    ]) {
      assert.ok(metrics.includes(`# TYPE ${name} `), `metric ${name} missing`);
    }
  });

  it('commits evidence (wait=commit) and serves tx, block, record and a receipt that verifies offline', async () => {
    const data = randomBytes(1000);
    const { tx, digest, res } = await submitEvidence(data);
    assert.equal(res.status, 200);
    const committed = res.body as {
      txId: string;
      height: number;
      index: number;
      result: { status: string; result: { recordId: string; existing: boolean } };
    };
    assert.equal(committed.txId, tx.txId);
    assert.equal(committed.result.status, 'ok');
    assert.deepEqual(committed.result.result, { recordId: tx.txId, existing: false });

    const got = await client.getTx(tx.txId);
    assert.equal(got.status, 'committed');
    assert.equal(got.height, committed.height);
    assert.equal(got.index, committed.index);
    assert.equal(got.tx.module, 'evidence');
    assert.equal(got.tx.signerAddress, addressOf(suite, key.publicKey.bytes));
    assert.deepEqual(got.tx.args, { digests: [digest], fileName: 'a.txt' });

    const block = await client.getBlock(committed.height);
    assert.equal(block.txIds[committed.index], tx.txId);
    assert.equal((await client.getBlock(block.id)).height, committed.height);

    const lookup = await client.evidence.get('sm3', digest.value);
    assert.equal(lookup.record?.id, tx.txId);
    assert.equal(lookup.batch, null);
    assert.equal((await client.evidence.record(tx.txId)).kind, 'evidence');
    assert.equal(((await client.query('evidence', 'get', { id: tx.txId })) as { id: string }).id, tx.txId);
    const list = await client.evidence.list({ submitter: addressOf(suite, key.publicKey.bytes) });
    assert.ok(list.records.some((r) => r.id === tx.txId));

    // Raw module state: the record is stored under 'r' ‖ recordId (module README), with history.
    const stateKey = `72${tx.txId}`;
    const state = (await http(`${node.url}/v1/state/evidence/${stateKey}`)).body as {
      key: string;
      value: string;
    };
    assert.equal(state.key, stateKey);
    assert.equal(JSON.parse(Buffer.from(state.value, 'base64').toString()).id, tx.txId);
    const history = (await http(`${node.url}/v1/state/evidence/${stateKey}?history=1`)).body as {
      history: { height: number; value: string }[];
    };
    assert.deepEqual(
      history.history.map((h) => h.height),
      [committed.height],
    );
    assert.deepEqual((await http(`${node.url}/v1/state/evidence/72${'00'.repeat(32)}`)).body, {
      key: `72${'00'.repeat(32)}`,
      value: null,
    });

    const receipt = await client.evidence.receipt('sm3', digest.value);
    const report = verifyReceipt(receipt, { genesis, file: data });
    assert.equal(report.ok, true, JSON.stringify(report.steps));
    const tampered = verifyReceipt(receipt, { genesis, file: Buffer.concat([data, Buffer.from([1])]) });
    assert.equal(tampered.ok, false);
    assert.equal(tampered.steps.find((s) => !s.ok)?.name, 'fileDigest');
    const served = await client.evidence.verify(receipt, digest.value);
    assert.equal(served.ok, true);

    // The same tx again is a replay; the same digest in a new tx points at the first record.
    const replay = await http(`${node.url}/v1/txs`, { body: { tx: toBase64(tx.bytes) } });
    assert.equal(replay.status, 409);
    assert.equal(replay.body.code, 'TX_DUPLICATE');
    const again = await submitEvidence(data);
    assert.deepEqual((again.res.body as typeof committed).result.result, {
      recordId: tx.txId,
      existing: true,
    });
  });

  it('accepts with 202 on wait=none and the tx commits later', async () => {
    const tx = makeTx(
      key,
      chainId,
      evidenceArgs.submit({ digests: [digestOf('sm3', randomBytes(8))] }),
      await expiry(),
    );
    const res = await http(`${node.url}/v1/txs`, { body: { tx: toBase64(tx.bytes) } });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { txId: tx.txId });
    for (let i = 0; i < 200; i++) {
      const got = await client.getTx(tx.txId);
      if (got.status === 'committed') {
        assert.equal(got.result?.status, 'ok');
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail('tx never committed');
  });

  it('streams committed blocks over SSE', async () => {
    const seen: BlockView[] = [];
    const tx = makeTx(
      key,
      chainId,
      evidenceArgs.submit({ digests: [digestOf('sm3', randomBytes(8))] }),
      await expiry(),
    );
    let found!: () => void;
    const inStream = new Promise<void>((resolve) => {
      found = resolve;
    });
    const stream = client.streamBlocks((b) => {
      seen.push(b);
      if (b.txIds.includes(tx.txId)) found();
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise((r) => setTimeout(r, 100));
      await client.submitTx(tx.bytes, { wait: 'commit' });
      await Promise.race([
        inStream,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('no SSE block')), 10_000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      stream.close();
    }
    for (let i = 1; i < seen.length; i++) {
      assert.equal(seen[i]!.height, seen[i - 1]!.height + 1);
      assert.equal(seen[i]!.parentId, seen[i - 1]!.id);
    }
  });

  it('anchors a batch sent as leavesBase64 (the SDK form) and checks its length and root', async () => {
    const digests = Array.from({ length: 33 }, () => suite.hash(randomBytes(16)));
    const batch = buildBatch(digests, suite);
    const args = evidenceArgs.anchorBatch({ root: toHex(batch.root), size: 33, algorithm: 'sm3' });
    const tx = makeTx(key, chainId, args, await expiry());
    const blob = Buffer.concat(digests);
    const post = (leavesBase64: string) =>
      http(`${node.url}/v1/evidence/batch`, { body: { tx: toBase64(tx.bytes), leavesBase64 } });
    const ragged = await post(blob.subarray(0, 33 * 32 - 1).toString('base64'));
    assert.equal(ragged.status, 400);
    assert.equal(ragged.body.code, 'API_BAD_REQUEST');
    const swapped = Buffer.concat([digests[1]!, digests[0]!, ...digests.slice(2)]);
    assert.equal((await post(swapped.toString('base64'))).body.code, 'API_BATCH_MISMATCH');
    const notBase64 = await post(`${blob.toString('base64').slice(4)}!!!!`);
    assert.equal(notBase64.status, 400);
    assert.equal(notBase64.body.code, 'BYTES_BAD_BASE64');
    assert.equal((await post(blob.subarray(32).toString('base64'))).body.code, 'API_BATCH_MISMATCH');

    const committed = await client.evidence.submitBatch(tx, digests, { wait: 'commit' });
    assert.equal(committed.result.status, 'ok');
    for (const i of [0, 32]) {
      const receipt: Receipt = await client.evidence.receipt('sm3', digests[i]!);
      assert.equal(receipt.anchor?.leafIndex, i);
      assert.equal(receipt.anchor?.batchRoot, toHex(batch.root));
      assert.equal(verifyReceipt(receipt, { genesis }).ok, true);
    }
  });

  it('anchors a batch: every digest is found and gets a receipt that verifies', async () => {
    const files = Array.from({ length: 50 }, () => randomBytes(64));
    const digests = files.map((f) => suite.hash(f));
    const batch = buildBatch(digests, suite);
    const args = evidenceArgs.anchorBatch({
      root: toHex(batch.root),
      size: 50,
      algorithm: 'sm3',
      label: 'test',
    });
    const tx = makeTx(key, chainId, args, await expiry());
    const leaves = digests.map((d) => toHex(d));

    const swapped = [leaves[1]!, leaves[0]!, ...leaves.slice(2)];
    const bad = await http(`${node.url}/v1/evidence/batch`, {
      body: { tx: toBase64(tx.bytes), leaves: swapped },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'API_BATCH_MISMATCH');
    assert.equal((bad.body.details as { field: string }).field, 'leaves');
    const short = await http(`${node.url}/v1/evidence/batch`, {
      body: { tx: toBase64(tx.bytes), leaves: leaves.slice(1) },
    });
    assert.equal(short.body.code, 'API_BATCH_MISMATCH');

    const res = await http(`${node.url}/v1/evidence/batch?wait=commit`, {
      body: { tx: toBase64(tx.bytes), leaves },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    for (const i of [0, 17, 49]) {
      const lookup = await client.evidence.get('sm3', leaves[i]!);
      assert.deepEqual(lookup.batch, {
        root: toHex(batch.root),
        leafIndex: i,
        treeSize: 50,
        recordId: tx.txId,
      });
      assert.equal(lookup.record?.kind, 'batch');
      const receipt: Receipt = await client.evidence.receipt('sm3', leaves[i]!);
      assert.equal(receipt.anchor?.leafIndex, i);
      const report = verifyReceipt(receipt, { genesis, file: files[i]! });
      assert.equal(report.ok, true, JSON.stringify(report.steps));
      assert.equal(verifyReceipt(receipt, { genesis, file: files[(i + 1) % 50]! }).ok, false);
    }
    const unknown = await http(`${node.url}/v1/evidence/sm3/${toHex(suite.hash(randomBytes(4)))}`);
    assert.deepEqual(unknown.body, { record: null, batch: null });
    const noReceipt = await http(`${node.url}/v1/evidence/sm3/${toHex(suite.hash(randomBytes(4)))}/receipt`);
    assert.equal(noReceipt.status, 404);
  });

  it('returns the stable code of every rejection through HTTP', async () => {
    const exp = await expiry();
    const height = (await client.status()).height;
    const submit = evidenceArgs.submit({ digests: [digestOf('sm3', randomBytes(8))] });
    const valid = makeTx(key, chainId, submit, exp);
    const sig = valid.signedTx.signature.slice();
    sig[10]! ^= 1;
    const badSignature = encodeSignedTx({ ...valid.signedTx, signature: sig });
    const b64 = (tx: { bytes: Uint8Array } | Uint8Array) =>
      toBase64(tx instanceof Uint8Array ? tx : tx.bytes);
    const cases: {
      name: string;
      path?: string;
      body?: unknown;
      rawBody?: string;
      code: string;
      field?: string;
    }[] = [
      { name: 'bad signature', body: { tx: b64(badSignature) }, code: 'TX_BAD_SIGNATURE' },
      {
        name: 'wrong chain',
        body: { tx: b64(makeTx(key, 'other-chain', submit, exp)) },
        code: 'TX_WRONG_CHAIN',
      },
      { name: 'expired', body: { tx: b64(makeTx(key, chainId, submit, height)) }, code: 'TX_EXPIRED' },
      {
        name: 'expiry too far',
        body: { tx: b64(makeTx(key, chainId, submit, height + 5000)) },
        code: 'TX_EXPIRY_TOO_FAR',
      },
      {
        name: 'oversized tx',
        body: {
          tx: b64(
            makeTx(
              key,
              chainId,
              { module: 'evidence', method: 'submit', args: { pad: 'x'.repeat(300_000) } },
              exp,
            ),
          ),
        },
        code: 'TX_TOO_LARGE',
      },
      {
        name: 'unknown module',
        body: { tx: b64(makeTx(key, chainId, { module: 'nope', method: 'x', args: {} }, exp)) },
        code: 'TX_UNKNOWN_MODULE',
      },
      {
        name: 'unknown method',
        body: { tx: b64(makeTx(key, chainId, { module: 'evidence', method: 'nope', args: {} }, exp)) },
        code: 'TX_UNKNOWN_METHOD',
      },
      {
        name: 'malformed args',
        body: {
          tx: b64(makeTx(key, chainId, { module: 'evidence', method: 'submit', args: { digests: [] } }, exp)),
        },
        code: 'EVIDENCE_BAD_ARGS',
        field: 'digests',
      },
      { name: 'undecodable tx', body: { tx: 'AAAA' }, code: 'TX_MALFORMED' },
      { name: 'tx not base64', body: { tx: '!!!' }, code: 'API_BAD_REQUEST', field: '/tx' },
      { name: 'missing tx', body: {}, code: 'API_BAD_REQUEST', field: '/tx' },
      { name: 'bad JSON', rawBody: '{"tx":', code: 'API_BAD_REQUEST' },
      {
        name: 'bad wait',
        path: '/v1/txs?wait=maybe',
        body: { tx: b64(valid) },
        code: 'API_BAD_REQUEST',
        field: '/wait',
      },
      { name: 'body over 1 MiB', body: { tx: 'A'.repeat(1_100_000) }, code: 'API_PAYLOAD_TOO_LARGE' },
      { name: 'unknown route', path: '/v1/nothing', code: 'API_NOT_FOUND' },
      { name: 'unknown tx', path: `/v1/txs/${'ab'.repeat(32)}`, code: 'API_NOT_FOUND' },
      { name: 'bad tx id', path: '/v1/txs/xyz', code: 'API_BAD_REQUEST', field: '/txId' },
      { name: 'unknown block', path: `/v1/blocks/${height + 1000}`, code: 'API_NOT_FOUND' },
      { name: 'unknown query', path: '/v1/query/evidence/nope', body: {}, code: 'QUERY_UNKNOWN' },
      { name: 'bad query params', path: '/v1/query/evidence/get', body: { id: 1 }, code: 'QUERY_BAD_PARAMS' },
    ];
    for (const c of cases) {
      const url = `${node.url}${c.path ?? '/v1/txs'}`;
      const res =
        c.code === 'API_PAYLOAD_TOO_LARGE'
          ? await postExpectingEarlyResponse(url, JSON.stringify(c.body))
          : await http(url, {
              ...(c.body === undefined ? {} : { body: c.body }),
              ...(c.rawBody === undefined ? {} : { rawBody: c.rawBody }),
            });
      assert.equal(res.body.code, c.code, `${c.name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.status, statusOf(c.code).status, c.name);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/, c.name);
      assert.equal(res.body.status, res.status, c.name);
      if (c.field !== undefined) {
        assert.equal(
          (res.body.details as { field?: string }).field,
          c.field,
          `${c.name}: ${JSON.stringify(res.body)}`,
        );
      }
    }
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    assert.match(metrics, /xinlian_tx_rejected_total\{code="TX_BAD_SIGNATURE"\} [1-9]/);
  });

  it('admits each tx of POST /v1/txs/batch independently and answers in order', async () => {
    const exp = await expiry();
    const call = () => evidenceArgs.submit({ digests: [digestOf('sm3', randomBytes(8))] });
    const [a, b] = [makeTx(key, chainId, call(), exp), makeTx(key, chainId, call(), exp)];
    const sig = a.signedTx.signature.slice();
    sig[5]! ^= 1;
    const badSignature = encodeSignedTx({ ...makeTx(key, chainId, call(), exp).signedTx, signature: sig });
    const wrongChain = makeTx(key, 'other-chain', call(), exp);
    const results = await client.submitTxs([a, badSignature, wrongChain, b, a, new Uint8Array([0, 0, 0])]);
    assert.equal(results.length, 6);
    assert.deepEqual(results[0], { txId: a.txId });
    assert.deepEqual(results[3], { txId: b.txId });
    assert.deepEqual(results[4], { txId: a.txId });
    const codes = results.map((r) => ('error' in r ? r.error.code : 'ok'));
    assert.deepEqual(codes, ['ok', 'TX_BAD_SIGNATURE', 'TX_WRONG_CHAIN', 'ok', 'ok', 'TX_MALFORMED']);
    const bad = results[1]!;
    assert.ok('error' in bad);
    assert.equal(bad.error.details.httpStatus, statusOf('TX_BAD_SIGNATURE').status);

    for (const t of [a, b]) {
      let status = 'pending';
      for (let i = 0; i < 200 && status !== 'committed'; i++) {
        status = (await client.getTx(t.txId)).status;
        if (status !== 'committed') await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(status, 'committed', t.txId);
    }
    const again = await http(`${node.url}/v1/txs/batch`, { body: { txs: [toBase64(b.bytes)] } });
    assert.equal(again.status, 200);
    const [dup] = (again.body as { results: { error: { code: string; status: number } }[] }).results;
    assert.equal(dup?.error.code, 'TX_DUPLICATE');
    assert.equal(dup?.error.status, 409);

    for (const body of [{ txs: [] }, { txs: ['!!!'] }, {}]) {
      const res = await http(`${node.url}/v1/txs/batch`, { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, 'API_BAD_REQUEST');
    }
  });

  it('lists blocks newest first with intact parent links', async () => {
    const blocks = await client.blocks({ limit: 5 });
    assert.ok(blocks.length >= 2);
    for (let i = 1; i < blocks.length; i++) {
      assert.equal(blocks[i]!.height, blocks[i - 1]!.height - 1);
      assert.equal(blocks[i - 1]!.parentId, blocks[i]!.id);
    }
    const older = await client.blocks({ before: blocks[0]!.height, limit: 1 });
    assert.equal(older[0]?.height, blocks[0]!.height - 1);
  });
});

/** JSON with keys sorted (the canonical JSON of a genesis without floats). */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
