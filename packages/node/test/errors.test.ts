import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CODEC_ERROR_CODES, MERKLE_ERROR_CODES } from '@xinlian/codec';
import { EXEC_ERROR_CODES, QUERY_ERROR_CODES, TX_ERROR_CODES } from '@xinlian/execution';
import { EVIDENCE_ERROR_CODES } from '@xinlian/module-evidence';
import { GOV_ERROR_CODES, PERM_ERROR_CODES, SUPERVISION_ERROR_CODES } from '@xinlian/module-governance';
import { TRACE_ERROR_CODES } from '@xinlian/module-traceability';
import { XinlianError } from '@xinlian/utils';
import { ERROR_STATUS, NODE_ERROR_CODES, problemOf, retryAfterOf, statusOf } from '../src/index.js';

describe('error → HTTP status table', () => {
  const tables = {
    execution: { ...TX_ERROR_CODES, ...EXEC_ERROR_CODES, ...QUERY_ERROR_CODES },
    evidence: EVIDENCE_ERROR_CODES,
    governance: { ...GOV_ERROR_CODES, ...PERM_ERROR_CODES, ...SUPERVISION_ERROR_CODES },
    traceability: TRACE_ERROR_CODES,
    codec: { ...CODEC_ERROR_CODES, ...MERKLE_ERROR_CODES },
    node: NODE_ERROR_CODES,
  };

  it('maps every code exported by execution, evidence, codec and the node by a rule (never the fallback)', () => {
    let count = 0;
    for (const [source, codes] of Object.entries(tables)) {
      for (const code of Object.keys(codes)) {
        const { status, source: rule } = statusOf(code);
        assert.notEqual(rule, 'default', `${source} code ${code} has no rule`);
        assert.ok(status >= 400 && status <= 599, code);
        count++;
      }
    }
    assert.ok(count >= 40, `only ${count} codes checked`);
  });

  it('gives client errors 4xx and overload 503/504', () => {
    for (const code of Object.keys(TX_ERROR_CODES)) assert.ok(statusOf(code).status < 500, code);
    for (const code of Object.keys(EVIDENCE_ERROR_CODES)) assert.ok(statusOf(code).status < 500, code);
    assert.equal(statusOf('TX_DUPLICATE').status, 409);
    assert.equal(statusOf('TX_TOO_LARGE').status, 413);
    assert.equal(statusOf('EVIDENCE_NOT_FOUND').status, 404);
    assert.equal(statusOf('MEMPOOL_FULL').status, 503);
    assert.equal(statusOf('API_TIMEOUT').status, 504);
    assert.equal(statusOf('STORE_IO').status, 500);
    assert.deepEqual(statusOf('SOMETHING_ELSE'), { status: 500, source: 'default' });
  });

  it('has explicit entries only for known codes', () => {
    const known = new Set(Object.values(tables).flatMap((t) => Object.keys(t)));
    for (const code of Object.keys(ERROR_STATUS)) {
      assert.ok(known.has(code) || code === 'CRYPTO_POOL_CLOSED', `stale table entry ${code}`);
    }
  });

  it('builds RFC 7807 bodies and hides internals of 500s', () => {
    const p = problemOf(
      new XinlianError('TX_BAD_ARGS', 'bad', { field: 'x', bytes: new Uint8Array([1, 255]) }),
    );
    assert.deepEqual(p, {
      type: 'urn:xinlian:error:TX_BAD_ARGS',
      title: 'Bad Request',
      status: 400,
      detail: 'bad',
      code: 'TX_BAD_ARGS',
      details: { field: 'x', bytes: '01ff' },
    });
    const internal = problemOf(new XinlianError('STORE_IO', 'disk /secret failed', { path: '/secret' }));
    assert.equal(internal.status, 500);
    assert.equal(internal.detail, 'internal error');
    assert.deepEqual(internal.details, {});
    assert.equal(retryAfterOf(new XinlianError('MEMPOOL_FULL', 'full', { retryAfterSeconds: 3 })), 3);
    assert.equal(retryAfterOf(new XinlianError('MEMPOOL_FULL', 'full', {})), 1);
  });
});
