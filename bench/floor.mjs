#!/usr/bin/env node
// The floor of the non-verification work per evidence tx on one validator:
// `node bench/floor.mjs [intl|gm] [--rounds N]` (see bench/README.md and docs/performance.md).
// Each step a committed tx cannot avoid with the chain's formats (tx, block, receipt, state,
// app hash fixed), measured alone on one thread with warm caches, as the minimum process CPU µs
// per tx over N rounds: everything a node would still do if it had no other overhead (no HTTP
// framework, no promises, no GC pressure from other work, no logging or metrics). Their sum is a
// lower bound of what a tx costs besides its signature verification; the signature verification
// itself is measured the same way, so the best ratio a node could reach on all cores is
// verify ÷ (verify + sum).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canonicalJson,
  decodeSignedTx,
  encodeTxReceipt,
  merkleRoot,
  parseCanonicalJson,
} from '@xinlian/codec';
import { createEvidenceModule } from '@xinlian/module-evidence';
import { buildTx, createSuite, evidenceArgs } from '@xinlian/sdk';
import { LmdbChainStore } from '@xinlian/store';
import { fromHex, toHex, u64be } from '@xinlian/utils';

const args = process.argv.slice(2);
const suiteId = args.find((a) => !a.startsWith('--') && Number.isNaN(Number(a))) ?? 'intl';
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 7;
const N = 5000;
const suite = createSuite(suiteId);
const keys = Array.from({ length: 64 }, () => suite.generateKey());
const txs = Array.from({ length: N }, (_, i) => {
  const digest = { algorithm: suite.hashAlgorithm, value: randomBytes(32).toString('hex') };
  return buildTx({
    chainId: 'floor',
    ...evidenceArgs.submit({ digests: [digest] }),
    key: keys[i % 64],
    expiryHeight: 900,
    suite,
  });
});
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
/** Minimum over the rounds of (CPU µs of fn()) ÷ perCall. */
function measure(fn, perCall = N) {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t = cpuUs();
    fn();
    best = Math.min(best, (cpuUs() - t) / perCall);
  }
  return best;
}
const rows = [];
const step = (name, us, note = '') => {
  rows.push({ name, us, note });
};
let sink = 0;

// Verification (the bound's unit of work), single thread.
const signed = txs.map((t) => decodeSignedTx(t.bytes));
const pubs = signed.map((s) => ({ suite: suiteId, bytes: s.body.signer }));
const verifyUs = measure(() => {
  for (let i = 0; i < 1000; i++)
    sink += suite.verify(pubs[i], signed[i].bodyBytes, signed[i].signature) ? 1 : 0;
}, 1000);

// 1. Ingest: the batch request body (250 txs of base64 in JSON) parsed, each tx decoded from base64,
// and the response (one txId per tx) written.
const bodies = [];
for (let i = 0; i < N; i += 250) {
  bodies.push(
    JSON.stringify({ txs: txs.slice(i, i + 250).map((t) => Buffer.from(t.bytes).toString('base64')) }),
  );
}
step(
  'request JSON parse + base64 decode + response JSON',
  measure(() => {
    for (const body of bodies) {
      const parsed = JSON.parse(body);
      const out = parsed.txs.map((b64) => {
        const bytes = Buffer.from(b64, 'base64');
        return { txId: bytes.length.toString(16) };
      });
      sink += JSON.stringify({ results: out }).length;
    }
  }),
  'no HTTP parsing, routing or schema validation',
);
// 2. Decoding the SignedTx (canonical form checked).
step(
  'decodeSignedTx',
  measure(() => {
    for (const t of txs) sink += decodeSignedTx(t.bytes).signature.length;
  }),
);
// 3. txId = hash(bodyBytes).
step(
  'txId hash',
  measure(() => {
    for (const s of signed) sink += suite.hash(s.bodyBytes)[0];
  }),
);
// 4. Args: canonical JSON parse + the module's schema validation.
const submit = createEvidenceModule().methods.submit;
step(
  'args parse + validation',
  measure(() => {
    for (const s of signed) sink += submit.decodeArgs(parseCanonicalJson(s.body.args)) === undefined ? 0 : 1;
  }),
);
// 5. Mempool: hex txId, map insert and removal.
const ids = signed.map((s) => suite.hash(s.bodyBytes));
step(
  'mempool insert + remove (hex txId)',
  measure(() => {
    const m = new Map();
    for (const id of ids) m.set(toHex(id), id);
    for (const id of ids) m.delete(toHex(id));
  }),
);
// 6. Execution: the record (canonical JSON) and its four keys, the result and the receipt.
const records = ids.map((id) => ({
  digests: [{ algorithm: suite.hashAlgorithm, value: toHex(id) }],
  height: 7,
  id: toHex(id),
  kind: 'evidence',
  submitter: toHex(id.subarray(0, 20)),
  time: 1_790_000_000_000,
  txId: toHex(id),
}));
step(
  'record JSON + 4 state keys + result JSON',
  measure(() => {
    for (let i = 0; i < N; i++) {
      sink += canonicalJson(records[i]).length;
      sink += fromHex(records[i].digests[0].value).length + fromHex(records[i].submitter).length;
      sink += u64be(i).length * 2;
      sink += canonicalJson({ existing: false, recordId: records[i].id }).length;
    }
  }),
  'keys without the namespace copies',
);
const receipts = ids.map((id, i) => ({
  txId: id,
  status: 'ok',
  code: '',
  message: '',
  events: [
    {
      type: 'evidence.recorded',
      attributes: [
        { key: 'id', value: records[i].id },
        { key: 'kind', value: 'evidence' },
      ],
    },
  ],
  result: canonicalJson({ existing: false, recordId: records[i].id }),
}));
step(
  'receipt encoding',
  measure(() => {
    for (const r of receipts) sink += encodeTxReceipt(r).length;
  }),
);
// 7. Block roots: the tx and receipt Merkle trees (≈ 2 hashes per leaf each) and the app hash
// (one hash over the encoded state writes, ≈ 4 writes of ≈ 100 bytes per tx).
const receiptBytes = receipts.map((r) => encodeTxReceipt(r));
const txBytes = txs.map((t) => t.bytes);
step(
  'tx root + receipt root',
  measure(() => {
    sink += merkleRoot(suite.hash, txBytes)[0] + merkleRoot(suite.hash, receiptBytes)[0];
  }),
);
const writes = new Uint8Array(N * 400);
step(
  'app hash over the state writes',
  measure(() => {
    sink += suite.hash(writes)[0];
  }),
);
// 8. lmdb: per tx the puts a block commit needs (tx index, receipt, sender index, 4 state keys,
// 1 history entry) and the point reads execution needs (tx index twice, digest key, 3 net-write
// reads), in blocks of N txs on a fresh store, durably committed: process CPU (all threads).
const dir = mkdtempSync(join(tmpdir(), 'xinlian-floor-'));
try {
  const store = await LmdbChainStore.open({ path: dir });
  const ns = (tag, rest) => Buffer.concat([Buffer.from('evidence\0'), Buffer.from([tag]), rest]);
  let readUs = Number.POSITIVE_INFINITY;
  let writeUs = Number.POSITIVE_INFINITY;
  for (let h = 1; h <= Math.max(rounds, 4); h++) {
    const blockIds = ids.map(() => randomBytes(32));
    const t0 = cpuUs();
    for (let i = 0; i < N; i++) {
      sink += store.getTxLocation(blockIds[i]) === undefined ? 1 : 0;
      sink += store.getTxLocation(blockIds[i]) === undefined ? 1 : 0;
      sink += store.get(ns(0x64, blockIds[i])) === undefined ? 1 : 0;
      sink += store.get(ns(0x72, blockIds[i])) === undefined ? 1 : 0;
      sink += store.get(ns(0x73, blockIds[i].subarray(0, 20))) === undefined ? 1 : 0;
      sink += store.get(ns(0x74, u64be(h * N + i))) === undefined ? 1 : 0;
    }
    const t1 = cpuUs();
    const stateWrites = [];
    for (let i = 0; i < N; i++) {
      const id = blockIds[i];
      stateWrites.push({ key: ns(0x72, id), value: canonicalJson(records[i]) });
      stateWrites.push({ key: ns(0x64, randomBytes(32)), value: id, history: false });
      stateWrites.push({
        key: ns(0x73, Buffer.concat([keys[i % 64].publicKey.bytes.subarray(0, 20), u64be(h), u64be(i)])),
        value: id,
        history: false,
      });
      stateWrites.push({
        key: ns(0x74, Buffer.concat([u64be(h), u64be(h), u64be(i)])),
        value: id,
        history: false,
      });
    }
    stateWrites.sort((a, b) => Buffer.compare(a.key, b.key));
    const t2 = cpuUs();
    await store.commitBlock({
      height: h,
      blockId: randomBytes(32),
      blockBytes: new Uint8Array(N * 200),
      receipts: receiptBytes,
      txIds: blockIds,
      appHash: new Uint8Array(32),
      stateWrites,
      txSenders: blockIds.map((_, i) => fromHex(toHex(keys[i % 64].publicKey.bytes.subarray(0, 20)))),
    });
    const t3 = cpuUs();
    if (h > 1) {
      readUs = Math.min(readUs, (t1 - t0) / N);
      writeUs = Math.min(writeUs, (t3 - t2) / N);
    }
  }
  step('lmdb: 6 point reads', readUs, 'tx index ×2, digest key, 3 net-write reads');
  step('lmdb: block commit, 8 puts per tx, durable', writeUs, 'all threads (lmdb write thread, fsync)');
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const sum = rows.reduce((a, r) => a + r.us, 0);
const fmt = (x) => x.toFixed(1).padStart(7);
console.log(
  `floor of the non-verification work per tx, ${suiteId}, minimum of ${rounds} rounds, µs of CPU per tx`,
);
for (const r of rows) console.log(`${fmt(r.us)}  ${r.name}${r.note ? ` (${r.note})` : ''}`);
console.log(`${fmt(sum)}  sum (o_floor)`);
console.log(`${fmt(verifyUs)}  signature verification, one thread (v)`);
console.log(
  `best ratio on all cores if nothing else ran: v ÷ (v + o_floor) = ${((100 * verifyUs) / (verifyUs + sum)).toFixed(1)} %; 70 % allows o ≤ ${((verifyUs * 3) / 7).toFixed(1)} µs`,
);
if (sink === -1) console.log('');
