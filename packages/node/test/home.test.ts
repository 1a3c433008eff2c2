import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decryptKeyFile } from '@xinlian/crypto';
import { buildTx, digestOf, evidenceArgs, generateKey, XinlianClient } from '@xinlian/sdk';
import { XinlianError } from '@xinlian/utils';
import { initHome, startNode } from '../src/index.js';

async function rejectsWith(p: Promise<unknown>, code: string): Promise<XinlianError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof XinlianError, String(e));
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

describe('initHome / startNode (in-process)', { timeout: 60_000 }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xinlian-home-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes genesis, config and an encrypted validator key, and refuses to overwrite without force', async () => {
    const home = join(dir, 'a');
    const info = await initHome({
      home,
      suite: 'intl',
      passphrase: 'pw',
      chainId: 'test-a',
      apiPort: 0,
      blockIntervalMs: 30,
    });
    assert.equal(info.genesis.chainId, 'test-a');
    assert.equal(info.genesis.params.blockIntervalMs, 30);
    assert.equal(info.genesis.validators.length, 1);
    const key = decryptKeyFile(await readFile(info.keyFile, 'utf8'), 'pw');
    assert.equal(Buffer.from(key.publicKey.bytes).toString('hex'), info.genesis.validators[0]!.publicKey);
    assert.equal((await stat(info.keyFile)).mode & 0o077, 0, 'key file must not be readable by others');
    assert.equal(JSON.parse(await readFile(info.configPath, 'utf8')).api.port, 0);

    await rejectsWith(initHome({ home, suite: 'intl', passphrase: 'pw' }), 'NODE_HOME_EXISTS');
    const again = await initHome({ home, suite: 'gm', passphrase: 'pw2', force: true });
    assert.equal(again.genesis.suite, 'gm');
    assert.notEqual(again.genesisHash, info.genesisHash);
    await rejectsWith(
      initHome({ home: join(dir, 'b'), suite: 'gm', passphrase: 'pw', chainId: 'Bad Id' }),
      'NODE_BAD_GENESIS',
    );
  });

  it('starts, produces blocks, restarts from the stored head, and refuses bad passphrases, configs and foreign data', async () => {
    const home = join(dir, 'c');
    await initHome({ home, suite: 'intl', passphrase: 'pw', apiPort: 0, blockIntervalMs: 20 });
    await rejectsWith(startNode({ home, passphrase: 'wrong', logLevel: 'silent' }), 'CRYPTO_BAD_PASSPHRASE');

    const node = await startNode({ home, passphrase: 'pw', logLevel: 'silent' });
    let committedAt: number;
    try {
      assert.match(node.apiUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      const client = new XinlianClient({ url: node.apiUrl });
      const key = generateKey('intl');
      const tx = buildTx({
        chainId: node.chainId,
        key,
        ...evidenceArgs.submit({ digests: [digestOf('sha256', new Uint8Array([1, 2, 3]))] }),
        expiryHeight: 100,
      });
      committedAt = ((await client.submitTx(tx.bytes, { wait: 'commit' })) as { height: number }).height;
      assert.ok(committedAt >= 1);
    } finally {
      await node.stop();
    }
    await node.stop(); // idempotent
    const height = node.height();
    assert.ok(height >= committedAt);

    const again = await startNode({ home, passphrase: 'pw', logLevel: 'silent' });
    try {
      assert.equal(again.height(), height);
      const s = (await (await fetch(`${again.apiUrl}/v1/status`)).json()) as { height: number };
      assert.equal(s.height, height);
    } finally {
      await again.stop();
    }

    const configPath = join(home, 'config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    await writeFile(configPath, JSON.stringify({ ...config, mempool: { capacity: -1, maxBytes: 1 << 20 } }));
    const bad = await rejectsWith(
      startNode({ home, passphrase: 'pw', logLevel: 'silent' }),
      'NODE_BAD_CONFIG',
    );
    assert.equal(bad.details.field, '/mempool/capacity');
    await writeFile(configPath, JSON.stringify(config));

    const genesisPath = join(home, 'genesis.json');
    const genesis = JSON.parse(await readFile(genesisPath, 'utf8'));
    await writeFile(genesisPath, JSON.stringify({ ...genesis, chainId: 'another-chain' }));
    await rejectsWith(startNode({ home, passphrase: 'pw', logLevel: 'silent' }), 'NODE_GENESIS_MISMATCH');
  });
});
