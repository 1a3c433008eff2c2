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

describe('network fields: config p2p/role/consensus and genesis organizations', () => {
  const key = (b: number) => `04${b.toString(16).padStart(2, '0').repeat(64)}`;
  const genesis = (patch: Record<string, unknown>) =>
    JSON.stringify({
      format: 'xinlian-genesis/1',
      chainId: 'net-test',
      suite: 'gm',
      genesisTime: 1,
      organizations: [
        { id: 'org1', name: 'One' },
        { id: 'org2', name: 'Two' },
      ],
      validators: [
        { name: 'v1', organization: 'org1', publicKey: key(1), power: 1 },
        { name: 'v2', organization: 'org2', publicKey: key(2), power: 1 },
      ],
      params: {
        blockIntervalMs: 200,
        maxBlockTxs: 10,
        maxBlockBytes: 4096,
        maxTxBytes: 1024,
        maxTxLifetime: 10,
      },
      ...patch,
    });

  it('accepts a network node config and rejects unknown or bad fields', () => {
    const net = {
      ...defaultConfig(),
      role: 'observer',
      p2p: { host: '0.0.0.0', port: 26656, peers: [{ host: 'b.example', port: 26657, publicKey: key(2) }] },
      consensus: { proposeMs: 3000, deltaMs: 500 },
    };
    assert.deepEqual(parseConfig(JSON.stringify(net)), net);
    rejects(() => parseConfig(JSON.stringify({ ...net, role: 'leader' })), 'NODE_BAD_CONFIG', '/role');
    rejects(
      () => parseConfig(JSON.stringify({ ...net, consensus: { proposeMs: 1 } })),
      'NODE_BAD_CONFIG',
      '/consensus/proposeMs',
    );
    rejects(
      () =>
        parseConfig(
          JSON.stringify({ ...net, p2p: { ...net.p2p, peers: [{ host: 'x', port: 1, publicKey: 'XY' }] } }),
        ),
      'NODE_BAD_CONFIG',
      '/p2p/peers/0/publicKey',
    );
  });

  it('binds validators and observers to declared organizations, with unique keys', () => {
    assert.equal(parseGenesis(genesis({})).validators[1]?.organization, 'org2');
    const validators = JSON.parse(genesis({})).validators as Record<string, unknown>[];
    rejects(
      () =>
        parseGenesis(genesis({ validators: [validators[0], { ...validators[1], organization: 'org9' }] })),
      'NODE_BAD_GENESIS',
      '/validators/1/organization',
    );
    rejects(
      () =>
        parseGenesis(genesis({ validators: [validators[0], { ...validators[1], organization: undefined }] })),
      'NODE_BAD_GENESIS',
      '/validators/1/organization',
    );
    rejects(
      () => parseGenesis(genesis({ validators: [validators[0], { ...validators[1], publicKey: key(1) }] })),
      'NODE_BAD_GENESIS',
      '/validators/1/publicKey',
    );
    rejects(
      () => parseGenesis(genesis({ observers: [{ name: 'o', organization: 'org1', publicKey: key(2) }] })),
      'NODE_BAD_GENESIS',
      '/observers/0/publicKey',
    );
    rejects(
      () =>
        parseGenesis(
          genesis({
            organizations: [
              { id: 'org1', name: 'a' },
              { id: 'org1', name: 'b' },
            ],
          }),
        ),
      'NODE_BAD_GENESIS',
      '/organizations/1/id',
    );
    // A single-organization genesis without organizations stays valid (xinlian dev).
    const solo = JSON.parse(genesis({})) as Record<string, unknown>;
    delete solo.organizations;
    solo.validators = [{ name: 'v', publicKey: key(3), power: 1 }];
    assert.equal(parseGenesis(JSON.stringify(solo)).validators.length, 1);
  });
});
