import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XinlianError } from '@xinlian/utils';
import { defaultConfig, parseConfig, parseGenesis } from '../src/config.js';

function rejects(fn: () => unknown, code: string, field: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof XinlianError);
    assert.equal(e.code, code);
    assert.equal(e.details.field, field);
    if (field !== '/') assert.ok(e.message.includes(field), e.message);
    return true;
  });
}

const withPath = (path: string[], value: unknown): string => {
  const c = structuredClone(defaultConfig()) as unknown as Record<string, unknown>;
  let o = c;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return JSON.stringify(c);
};

describe('config.json validation', () => {
  it('accepts the defaults', () => {
    assert.deepEqual(parseConfig(JSON.stringify(defaultConfig())), defaultConfig());
  });

  it('names the offending field', () => {
    rejects(() => parseConfig(withPath(['api', 'port'], 70000)), 'NODE_BAD_CONFIG', '/api/port');
    rejects(() => parseConfig(withPath(['api', 'port'], '8080')), 'NODE_BAD_CONFIG', '/api/port');
    rejects(() => parseConfig(withPath(['api', 'host'], '')), 'NODE_BAD_CONFIG', '/api/host');
    rejects(() => parseConfig(withPath(['log', 'level'], 'loud')), 'NODE_BAD_CONFIG', '/log/level');
    rejects(() => parseConfig(withPath(['mempool', 'capacity'], 0)), 'NODE_BAD_CONFIG', '/mempool/capacity');
    rejects(
      () => parseConfig(withPath(['mempool', 'maxBytes'], 1.5)),
      'NODE_BAD_CONFIG',
      '/mempool/maxBytes',
    );
    rejects(() => parseConfig(withPath(['dataDir'], undefined)), 'NODE_BAD_CONFIG', '/dataDir');
    rejects(() => parseConfig(withPath(['extra'], true)), 'NODE_BAD_CONFIG', '/extra');
  });

  it('rejects text that is not JSON', () => {
    rejects(() => parseConfig('{"api":'), 'NODE_BAD_CONFIG', '/');
  });
});

describe('genesis.json validation', () => {
  const genesis = {
    format: 'xinlian-genesis/1',
    chainId: 'test-chain',
    suite: 'gm',
    genesisTime: 1,
    validators: [{ name: 'v0', publicKey: '04ab', power: 1 }],
    params: {
      blockIntervalMs: 50,
      maxBlockTxs: 10,
      maxBlockBytes: 4096,
      maxTxBytes: 1024,
      maxTxLifetime: 10,
    },
  };
  it('accepts a valid document and names bad fields', () => {
    assert.deepEqual(parseGenesis(JSON.stringify(genesis)), genesis);
    rejects(() => parseGenesis(JSON.stringify({ ...genesis, suite: 'rsa' })), 'NODE_BAD_GENESIS', '/suite');
    rejects(
      () => parseGenesis(JSON.stringify({ ...genesis, validators: [] })),
      'NODE_BAD_GENESIS',
      '/validators',
    );
  });
});
