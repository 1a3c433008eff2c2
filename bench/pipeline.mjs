#!/usr/bin/env node
// In-process per-tx CPU of the block path without HTTP, signatures or threads:
// `node bench/pipeline.mjs [intl|gm] [blocks] [--no-governance]` (see bench/README.md).
// Per block of 5,000 evidence.submit txs: Executor.checkTx (signature skipped, as when the verifier
// pool has checked it), executeBlock, the block encoding, and the durable lmdb commit. The first
// two blocks warm up and are not counted. Figures are process CPU time (all threads) per tx.
// The executor is wired as in the node: evidence + governance modules, the governance host
// authorizer on an open chain, its params source and the sender index (`--no-governance`:
// evidence only, no authorizer).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBlockWithTxBytes } from '@xinlian/codec';
import { Executor } from '@xinlian/execution';
import { createEvidenceModule } from '@xinlian/module-evidence';
import { createGovernance } from '@xinlian/module-governance';
import { buildTx, createSuite, evidenceArgs } from '@xinlian/sdk';
import { LmdbChainStore } from '@xinlian/store';
import { fromHex, toHex } from '@xinlian/utils';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const withGovernance = !process.argv.includes('--no-governance');
const suiteId = positional[0] ?? 'intl';
const blocks = Math.max(3, Number(positional[1] ?? 8));
const perBlock = 5000;
const chainId = 'bench-pipeline';
const suite = createSuite(suiteId);
const keys = Array.from({ length: 16 }, () => suite.generateKey());
const dir = mkdtempSync(join(tmpdir(), 'xinlian-pipeline-'));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const totals = { checkTx: 0, executeBlock: 0, encodeBlock: 0, commitBlock: 0 };
try {
  const store = await LmdbChainStore.open({ path: dir });
  const evidence = createEvidenceModule();
  const governance = withGovernance
    ? createGovernance({
        suite,
        genesis: {
          permissioned: false,
          organizations: [{ id: 'dev', name: 'Development organization' }],
          members: [{ org: 'dev', role: 'admin', publicKey: toHex(keys[0].publicKey.bytes), name: 'v1' }],
          validators: [{ name: 'v1', publicKey: toHex(keys[0].publicKey.bytes), power: 1 }],
        },
        modules: [evidence],
      })
    : undefined;
  const executor = new Executor(
    { chainId, params: { maxTxBytes: 65_536, maxTxLifetime: 1000, maxBlockTxs: 10_000 } },
    {
      suite,
      modules: governance === undefined ? [evidence] : [evidence, governance.module],
      state: store,
      txIndex: store,
      ...(governance === undefined
        ? {}
        : { authorizer: governance.authorizer, params: governance.paramsSource }),
      // As the node wires it (older builds without the store's stateVersion run without it).
      ...(typeof store.stateVersion === 'function' ? { stateVersion: () => store.stateVersion() } : {}),
    },
  );
  let prevAppHash = new Uint8Array(32);
  for (let height = 1; height <= blocks; height++) {
    const txs = Array.from({ length: perBlock }, (_, i) => {
      const digest = { algorithm: suite.hashAlgorithm, value: randomBytes(32).toString('hex') };
      const args = evidenceArgs.submit({ digests: [digest] });
      return buildTx({ chainId, ...args, key: keys[i % keys.length], expiryHeight: 900, suite }).bytes;
    });
    const time = 1_790_000_000_000 + height;
    let t = cpuMs();
    const lap = () => {
      const now = cpuMs();
      const d = now - t;
      t = now;
      return d;
    };
    const checked = txs.map((b) => executor.checkTx(b, { height }, { skipSignature: true }));
    const check = lap();
    const ex = executor.executeBlock({ height, time, prevAppHash, txs: checked });
    const exec = lap();
    const zero = new Uint8Array(32);
    const header = {
      chainId,
      height,
      time,
      parentId: zero,
      txRoot: ex.txRoot,
      receiptRoot: ex.receiptRoot,
      appHash: ex.appHash,
      validatorSetHash: zero,
      nextValidatorSetHash: zero,
      proposer: zero,
      txCount: perBlock,
    };
    const certificate = { height, round: 0, blockId: zero, signatures: [] };
    const block = { header, txs: checked.map((c) => c.tx), certificate };
    const blockBytes = encodeBlockWithTxBytes(
      block,
      checked.map((c) => c.bytes),
    );
    const encode = lap();
    await store.commitBlock({
      height,
      blockId: randomBytes(32),
      blockBytes,
      receipts: ex.receiptBytes,
      txIds: ex.txIds,
      appHash: ex.appHash,
      stateWrites: ex.stateWrites,
      txSenders: checked.map((c) => fromHex(c.sender.address)),
    });
    const commit = lap();
    prevAppHash = ex.appHash;
    if (height > 2) {
      totals.checkTx += check;
      totals.executeBlock += exec;
      totals.encodeBlock += encode;
      totals.commitBlock += commit;
    }
  }
  await store.close();
  const n = perBlock * (blocks - 2);
  const us = (ms) => `${((ms * 1000) / n).toFixed(1)} µs`;
  const all = Object.values(totals).reduce((a, b) => a + b, 0);
  console.log(
    `${suiteId}${withGovernance ? '' : ' (no governance)'}: ${n} txs, CPU per tx: ${Object.entries(totals)
      .map(([k, v]) => `${k} ${us(v)}`)
      .join(', ')}; total ${us(all)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
