import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { toHex, utf8 } from '@xinlian/utils';
import { LmdbChainStore } from '../src/index.js';
import { COUNTER_KEY, commitFor, stateAfter, u64 } from './fixtures/chain.js';
import { withTempDir } from './helpers.js';

const WRITER = fileURLToPath(new URL('./fixtures/writer.js', import.meta.url));
const ROUNDS = 10;

/**
 * Starts the writer, waits until it has acknowledged at least one block, lets it run for a
 * random moment, kills it with SIGKILL and returns the highest height it acknowledged.
 */
async function writeAndKill(dir: string): Promise<number> {
  const child = spawn(process.execPath, [WRITER, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let buffered = '';
  let lastAck = 0;
  let firstAck: () => void = () => {};
  const acked = new Promise<void>((resolve) => {
    firstAck = resolve;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) lastAck = Math.max(lastAck, Number(line));
    if (lastAck > 0) firstAck();
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 20_000);
  });
  try {
    await Promise.race([acked, exited, timeout]);
    assert.ok(lastAck > 0, 'writer acknowledged no block');
    await sleep(Math.floor(Math.random() * 150));
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
    await exited;
  }
  return lastAck;
}

/** Everything up to head is complete and matches commitFor; nothing of a later block exists. */
function assertConsistent(store: LmdbChainStore, head: number): void {
  for (let h = 1; h <= head; h++) {
    const c = commitFor(h);
    assert.deepEqual(store.getBlockBytes(h), c.blockBytes, `block ${h}`);
    assert.equal(store.getHeightByBlockId(c.blockId), h);
    assert.deepEqual(store.getReceipts(h), c.receipts);
    for (const [index, txId] of c.txIds.entries())
      assert.deepEqual(store.getTxLocation(txId), { height: h, index });
    assert.deepEqual(store.getAt(COUNTER_KEY, h), u64(h));
    assert.deepEqual(store.getAux(c.auxWrites![0]!.key), c.auxWrites![0]!.value);
  }
  const next = commitFor(head + 1);
  assert.equal(store.getBlockBytes(head + 1), undefined);
  assert.equal(store.getReceipts(head + 1), undefined);
  assert.equal(store.getHeightByBlockId(next.blockId), undefined);
  for (const txId of next.txIds) assert.equal(store.getTxLocation(txId), undefined);
  assert.equal(store.getAux(next.auxWrites![0]!.key), undefined);
  assert.equal(store.history(COUNTER_KEY).length, head);
  const state = new Map(store.scan(new Uint8Array(0)).map((kv) => [toHex(kv.key), kv.value]));
  assert.deepEqual(state, stateAfter(head));
}

it(`recovers the last committed block after SIGKILL (${ROUNDS} rounds)`, { timeout: 240_000 }, () =>
  withTempDir(async (dir) => {
    let rounds = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const lastAck = await writeAndKill(dir);
      const store = await LmdbChainStore.open({ path: dir }, {});
      try {
        const head = store.head();
        assert.ok(
          head !== undefined && head.height >= lastAck,
          `head ${head?.height} < acknowledged ${lastAck}`,
        );
        assert.deepEqual(head.blockId, commitFor(head.height).blockId);
        assert.deepEqual(head.appHash, commitFor(head.height).appHash);
        assertConsistent(store, head.height);
        // Writing continues where the killed process stopped.
        await store.commitBlock(commitFor(head.height + 1));
        assert.deepEqual(store.get(utf8(`h/${head.height + 1}`)), utf8(`v${head.height + 1}`));
      } finally {
        await store.close();
      }
      rounds++;
    }
    assert.equal(rounds, ROUNDS);
  }),
);
