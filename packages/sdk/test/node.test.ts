import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createSuite } from '@xinlian/crypto';
import { fromHex } from '@xinlian/utils';
import { type HashProgress, hashFile } from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'xinlian-sdk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('hashFile matches the official SM3 and SHA-256 values of "abc"', async () => {
  const path = join(dir, 'abc.txt');
  writeFileSync(path, 'abc');
  const sm3 = await hashFile(path, 'sm3');
  // GB/T 32905-2016 Appendix A.1
  assert.equal(sm3.value, '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  assert.deepEqual(sm3.bytes, fromHex(sm3.value));
  assert.equal(sm3.size, 3);
  // FIPS 180-2 Appendix B.1
  const sha = await hashFile(path, 'sha256');
  assert.equal(sha.value, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('hashFile streams a large file with monotonic progress up to its size', async () => {
  const data = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) & 0xff);
  const path = join(dir, 'big.bin');
  writeFileSync(path, data);
  const progress: HashProgress[] = [];
  const digest = await hashFile(path, 'sm3', (p) => progress.push(p));
  assert.deepEqual(digest.bytes, createSuite('gm').hash(data));
  assert.ok(progress.length >= 2, 'several progress reports');
  for (const [i, p] of progress.entries()) {
    assert.equal(p.bytesTotal, data.length);
    assert.ok(p.bytesDone > (progress[i - 1]?.bytesDone ?? 0));
  }
  assert.equal(progress.at(-1)?.bytesDone, data.length);
});

test('hashFile reports unreadable files as SDK_FILE_ERROR', async () => {
  await assert.rejects(hashFile(join(dir, 'missing'), 'sha256'), {
    code: 'SDK_FILE_ERROR',
    details: { path: join(dir, 'missing'), reason: 'ENOENT' },
  });
});
