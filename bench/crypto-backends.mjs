#!/usr/bin/env node
// Single-thread speed of the two @xinlian/crypto backends in this Node process:
// `node bench/crypto-backends.mjs [--seconds S]` (after `npm run build`). The browser backend's
// figures in Chromium are printed by the browser test (packages/node/test/browser-sdk.test.ts).
import { parseArgs } from 'node:util';
import * as node from '@xinlian/crypto';
import * as browser from '@xinlian/crypto/browser';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '1' } } });
const budgetMs = Number(values.seconds) * 1000;

/** Runs fn repeatedly for the time budget; returns calls per second. */
function rate(fn) {
  for (let i = 0; i < 20; i++) fn(); // warm-up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
  }
  return n / ((performance.now() - t0) / 1000);
}

const msg = new Uint8Array(200).fill(7);
const big = new Uint8Array(4 * 1024 * 1024).fill(1);
const rows = [];
for (const id of ['gm', 'intl']) {
  for (const [name, api] of [
    ['node (OpenSSL)', node],
    ['browser (noble)', browser],
  ]) {
    const suite = api.createSuite(id);
    const key = suite.generateKey();
    const sig = suite.sign(key, msg);
    const aeadKey = new Uint8Array(suite.cipherKeyLength);
    const nonce = new Uint8Array(12);
    const alg = id === 'gm' ? 'sm4-gcm' : 'aes-256-gcm';
    rows.push({
      suite: id,
      backend: name,
      'sign/s': Math.round(rate(() => suite.sign(key, msg))),
      'verify/s': Math.round(rate(() => suite.verify(key.publicKey, msg, sig))),
      'hash MB/s': Math.round((rate(() => suite.hash(big)) * big.length) / 1e6),
      'AEAD 64KiB MB/s': Math.round(
        (rate(() => api.aeadEncrypt(alg, aeadKey, nonce, big.subarray(0, 65536))) * 65536) / 1e6,
      ),
    });
  }
}
console.table(rows);
