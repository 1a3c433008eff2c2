// Cost of host-level enforcement: executeBlock of N evidence.submit txs (already admitted by
// checkTx, as in the node) with no authorizer, the governance authorizer on an open chain, and on
// a permissioned chain (every sender a registered member). In-memory state; intl suite.
// Usage: npm run build && node bench/governance.mjs [txs=5000] [rounds=5]
import { canonicalJson, encodeSignedTx, encodeTxBody } from '@xinlian/codec';
import { createSuite } from '@xinlian/crypto';
import { Executor, genesisAppHash, MemoryState } from '@xinlian/execution';
import { createEvidenceModule } from '@xinlian/module-evidence';
import { createGovernance } from '@xinlian/module-governance';
import { toHex, utf8 } from '@xinlian/utils';

const N = Number(process.argv[2] ?? 5000);
const ROUNDS = Number(process.argv[3] ?? 5);
const suite = createSuite('intl');
const keys = Array.from({ length: 200 }, () => suite.generateKey());

function chain(mode) {
  const state = new MemoryState();
  const evidence = createEvidenceModule();
  const gov = createGovernance({
    suite,
    genesis: {
      permissioned: mode === 'permissioned',
      organizations: [{ id: 'org1', name: 'Org One' }],
      members: keys.map((k, i) => ({
        org: 'org1',
        role: i === 0 ? 'admin' : 'client',
        publicKey: toHex(k.publicKey.bytes),
        name: `m${i}`,
      })),
    },
    modules: [evidence],
  });
  const executor = new Executor(
    { chainId: 'bench', params: { maxTxBytes: 65536, maxTxLifetime: 1000, maxBlockTxs: 100000 } },
    {
      suite,
      modules: [evidence, gov.module],
      state,
      txIndex: state,
      ...(mode === 'none' ? {} : { authorizer: gov.authorizer }),
    },
  );
  let appHash = genesisAppHash(suite, suite.hash(utf8('bench')));
  let height = 0;
  const block = (txs) => {
    height++;
    const out = executor.executeBlock({
      height,
      time: 1_700_000_000_000 + height,
      prevAppHash: appHash,
      txs,
    });
    state.commit(height, out);
    appHash = out.appHash;
    return out;
  };
  block([]);
  return { executor, block, height: () => height };
}

let counter = 0;
function txBytes() {
  const key = keys[counter % keys.length];
  const value = suite.hash(utf8(`d${counter++}`));
  const body = {
    chainId: 'bench',
    signer: key.publicKey.bytes,
    nonce: counter,
    expiryHeight: 500,
    module: 'evidence',
    method: 'submit',
    args: canonicalJson({ digests: [{ algorithm: 'sha256', value: toHex(value) }] }),
  };
  const bodyBytes = encodeTxBody(body);
  return encodeSignedTx({ body, bodyBytes, signature: suite.sign(key, bodyBytes) });
}

const results = {};
for (const mode of ['none', 'open', 'permissioned']) {
  const c = chain(mode);
  const times = { checkTx: [], executeBlock: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const raw = Array.from({ length: N }, txBytes);
    let t = performance.now();
    const checked = raw.map((b) =>
      c.executor.checkTx(b, { height: c.height() + 1, time: 1_700_000_000_000 }, { skipSignature: true }),
    );
    times.checkTx.push(performance.now() - t);
    t = performance.now();
    const out = c.block(checked);
    times.executeBlock.push(performance.now() - t);
    if (out.receipts.some((x) => x.status !== 'ok'))
      throw new Error(`${mode}: a tx failed: ${out.receipts.find((x) => x.status !== 'ok').code}`);
  }
  const med = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
  results[mode] = {
    checkTxUsPerTx: +((med(times.checkTx) * 1000) / N).toFixed(2),
    executeUsPerTx: +((med(times.executeBlock) * 1000) / N).toFixed(2),
  };
}
console.log(JSON.stringify({ txs: N, rounds: ROUNDS, signaturesSkippedInCheckTx: true, results }, null, 2));
