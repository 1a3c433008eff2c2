import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { digestOf, evidenceArgs, generateKey } from '@xinlian/sdk';
import { toBase64 } from '@xinlian/utils';
import { http, loadUntilKilled, makeTx, type NodeProcess, spawnNode, tempHome } from './helpers.js';

interface Ack {
  readonly txId: string;
  readonly height: number;
  readonly index: number;
}

const ROUNDS = 5;
const WORKERS = 4;

describe('crash safety (kill -9 while clients submit)', { timeout: 120_000 }, () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  let node: NodeProcess | undefined;

  before(async () => {
    home = await tempHome('intl', { blockIntervalMs: 20 });
  });
  after(async () => {
    await node?.kill();
    await home?.cleanup();
  });

  it(`keeps every acknowledged tx at its block across ${ROUNDS} SIGKILLs and keeps producing`, async () => {
    const key = generateKey('intl');
    const acked: Ack[] = [];
    let chainId = '';
    for (let round = 0; round < ROUNDS; round++) {
      node = await spawnNode(home.home);
      const url = node.url;
      if (round === 0) chainId = ((await http(`${url}/v1/genesis`)).body as { chainId: string }).chainId;
      const startHeight = ((await http(`${url}/v1/status`)).body as { height: number }).height;
      await loadUntilKilled(node, WORKERS, [300, 900], async () => {
        const tx = makeTx(
          key,
          chainId,
          evidenceArgs.submit({ digests: [digestOf('sha256', randomBytes(16))] }),
          startHeight + 500,
        );
        const res = await http(`${url}/v1/evidence?wait=commit`, { body: { tx: toBase64(tx.bytes) } });
        if (res.status === 200) {
          const body = res.body as { txId: string; height: number; index: number };
          acked.push({ txId: body.txId, height: body.height, index: body.index });
        }
      });
    }
    assert.ok(acked.length > ROUNDS * 5, `only ${acked.length} txs acknowledged`);

    node = await spawnNode(home.home);
    const url = node.url;
    for (const a of acked) {
      const got = (await http(`${url}/v1/txs/${a.txId}`)).body as {
        status: string;
        height: number;
        index: number;
      };
      assert.deepEqual(
        { status: got.status, height: got.height, index: got.index },
        { status: 'committed', height: a.height, index: a.index },
      );
    }

    // Heights are consecutive from 1 and every parent link holds.
    const head = ((await http(`${url}/v1/status`)).body as { height: number }).height;
    let expected = head;
    let childParent: string | undefined;
    for (let before = head + 1; before > 1; ) {
      const page = (
        (await http(`${url}/v1/blocks?before=${before}&limit=100`)).body as {
          blocks: { height: number; id: string; parentId: string }[];
        }
      ).blocks;
      assert.ok(page.length > 0);
      for (const b of page) {
        assert.equal(b.height, expected);
        if (childParent !== undefined) assert.equal(childParent, b.id, `parent link broken at ${b.height}`);
        childParent = b.parentId;
        expected--;
      }
      before = page.at(-1)!.height;
    }
    assert.equal(expected, 0);
    assert.equal(childParent, '00'.repeat(32));

    // The restarted node keeps producing.
    const tx = makeTx(
      key,
      chainId,
      evidenceArgs.submit({ digests: [digestOf('sha256', randomBytes(16))] }),
      head + 500,
    );
    const res = await http(`${url}/v1/evidence?wait=commit`, { body: { tx: toBase64(tx.bytes) } });
    assert.equal(res.status, 200);
    assert.ok((res.body as { height: number }).height > head);

    assert.equal(await node.stop(), 0, 'SIGTERM must stop the node cleanly');
    node = undefined;
  });
});
