// The node's batch digest index (spec/batch-index.md) in one process, without HTTP or trees:
// CPU per digest of batchAuxWrites (the writes of one batch, made in its block's transaction), the
// lmdb commit of those writes, one merge step (FAN_IN runs → one) and lookups of present and
// absent digests. Usage: node bench/digest-index.mjs [--batch 100000] [--rounds 2] [--lookups 20000]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LmdbChainStore } from '@xinlian/store';
import { batchAuxWrites, DigestIndex, FAN_IN } from '../packages/node/dist/src/batch.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '2' },
    lookups: { type: 'string', default: '20000' },
  },
});
const size = Number(values.batch);
const rounds = Number(values.rounds);
const lookups = Number(values.lookups);
const cpuUs = (c) => c.user + c.system;
const cpu = (fn) => {
  const c0 = process.cpuUsage();
  const out = fn();
  return { out, us: cpuUs(process.cpuUsage(c0)) };
};

const dir = mkdtempSync(join(tmpdir(), 'xinlian-digest-index-bench-'));
const store = await LmdbChainStore.open({ path: dir });
try {
  const index = new DigestIndex({ aux: store });
  const all = [];
  let height = 1;
  const write = { us: 0, digests: 0, commitMs: 0 };
  const merge = { us: 0, records: 0, commitMs: 0 };
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < FAN_IN; k++) {
      const b = { leaves: randomBytes(32 * size), root: randomBytes(32), height: height++ };
      all.push(b);
      const { out, us } = cpu(() => batchAuxWrites({ ...b, algorithm: 'sha256', recordId: b.root }));
      const t = performance.now();
      await store.commitAux(out);
      if (r > 0 || k > 0) {
        write.us += us;
        write.digests += size;
        write.commitMs += performance.now() - t;
      }
    }
    const { out: step, us } = cpu(() => index.compactionStep());
    const t = performance.now();
    if (step !== undefined) await store.commitAux(step.writes);
    merge.us += us;
    merge.records += step?.records ?? 0;
    merge.commitMs += performance.now() - t;
  }
  const present = cpu(() => {
    let found = 0;
    for (let i = 0; i < lookups; i++) {
      const b = all[i % all.length];
      const j = (i * 7919) % size;
      if (index.find('sha256', b.leaves.subarray(j * 32, j * 32 + 32)) !== null) found++;
    }
    return found;
  });
  const absent = cpu(() => {
    for (let i = 0; i < lookups; i++) index.find('sha256', randomBytes(32));
  });
  const runs = store.scanAux(new TextEncoder().encode('ev/run/sha256\0')).length;
  console.log(`batches  ${all.length} × ${size} digests; ${runs} runs after merging`);
  console.log(
    `write    ${(write.us / write.digests).toFixed(2)} µs CPU per digest (batchAuxWrites), commit ${(write.commitMs / (all.length - 1)).toFixed(0)} ms per batch (wall)`,
  );
  console.log(
    `merge    ${(merge.us / Math.max(1, merge.records)).toFixed(2)} µs CPU per merged record, commit ${(merge.commitMs / rounds).toFixed(0)} ms per merge (wall)`,
  );
  console.log(
    `lookup   present ${(present.us / lookups).toFixed(1)} µs CPU (${present.out}/${lookups} found), absent ${(absent.us / lookups).toFixed(1)} µs CPU`,
  );
  console.log(
    `load     ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
