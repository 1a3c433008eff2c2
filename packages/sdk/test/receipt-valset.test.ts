import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type BlockHeader,
  blockId,
  type CommitCertificate,
  decodeBlock,
  encodeBlock,
  type ValidatorSet,
  validatorSetHash,
} from '@xinlian/codec';
import { genesisValidatorSet, signVote, type ValidatorSetLink } from '@xinlian/consensus';
import type { PrivateKey } from '@xinlian/crypto';
import type { Receipt, VerificationReport } from '@xinlian/schemas';
import { buildReceipt, digestOf, RECEIPT_STEPS, verifyReceipt } from '../src/index.js';
import { HEIGHT, makeChain, makeFixture, SINGLE_INDEX } from './fixtures.js';

function firstFailed(report: VerificationReport): string | undefined {
  assert.deepEqual(
    report.steps.map((s) => s.name),
    [...RECEIPT_STEPS],
  );
  assert.equal(
    report.ok,
    report.steps.every((s) => s.ok),
  );
  return report.steps.find((s) => !s.ok)?.name;
}

test('a receipt for a block signed by a set added by governance verifies through the validator-set chain', () => {
  const chain = makeChain('intl', 4);
  const { suite, genesis, validatorKeys } = chain;
  const hash = suite.hash;
  const f = makeFixture(chain);
  const genesisSet = genesisValidatorSet(genesis);
  const fifth = suite.generateKey();
  const keysB = [...validatorKeys, fifth];
  const setB: ValidatorSet = {
    validators: keysB.map((k, i) => ({ name: `n${i}`, publicKey: k.publicKey.bytes, power: 1 })),
  };
  const certify = (h: BlockHeader, signers: readonly PrivateKey[], offset = 0): CommitCertificate => {
    const id = blockId(hash, h);
    return {
      height: h.height,
      round: 0,
      blockId: id,
      signatures: signers.map((k, i) => {
        const v = signVote(suite, k, {
          chainId: genesis.chainId,
          type: 'precommit',
          height: h.height,
          round: 0,
          blockId: id,
          validatorIndex: i + offset,
        });
        return { validatorIndex: v.validatorIndex, signature: v.signature };
      }),
    };
  };
  // Block 1 scheduled the change (effective 3); header 2 is signed by genesis and commits B next.
  const h2: BlockHeader = {
    ...f.header,
    height: HEIGHT - 1,
    time: f.header.time - 1,
    txCount: 0,
    validatorSetHash: validatorSetHash(hash, genesisSet),
    nextValidatorSetHash: validatorSetHash(hash, setB),
  };
  const link: ValidatorSetLink = {
    height: HEIGHT,
    validatorSet: setB,
    header: h2,
    certificate: certify(h2, validatorKeys.slice(0, 3)),
  };
  // Block 3 (the fixture's txs) is signed by B: validators 1..4 including the new one.
  const block = decodeBlock(f.block);
  const header = { ...block.header, validatorSetHash: validatorSetHash(hash, setB) };
  const moved = encodeBlock({ ...block, header, certificate: certify(header, keysB.slice(1), 1) });
  const input = {
    suite,
    genesis,
    block: moved,
    receipts: f.receipts,
    txIndex: SINGLE_INDEX,
    digest: digestOf(chain.algorithm, f.file),
  };
  const receipt = buildReceipt({ ...input, validatorSetChain: [link] });
  assert.equal(receipt.validatorSet.source, 'chain');
  assert.equal(receipt.validatorSetChain?.length, 1);
  const ok = verifyReceipt(receipt, { genesis, file: f.file });
  assert.equal(firstFailed(ok), undefined, JSON.stringify(ok.steps.filter((s) => !s.ok)));
  assert.match(ok.steps.find((s) => s.name === 'validatorSetChain')?.detail ?? '', /1 change/);

  // Old receipts (genesis set, no chain) still verify, at the new step too.
  const old = verifyReceipt(buildReceipt({ ...input, block: f.block }), { genesis });
  assert.equal(firstFailed(old), undefined);
  assert.match(old.steps.find((s) => s.name === 'validatorSetChain')?.detail ?? '', /genesis/);

  // Tampering any part of the link fails at the new step.
  const l = receipt.validatorSetChain![0]!;
  const tampered: Receipt['validatorSetChain'][] = [
    [{ ...l, height: l.height + 1 }],
    [{ ...l, validators: l.validators.map((v, i) => (i === 4 ? { ...v, power: 2 } : v)) }],
    [{ ...l, validators: l.validators.slice(0, 4) }],
    [{ ...l, header: receipt.block.header }],
    [{ ...l, certificate: receipt.block.certificate }],
  ];
  for (const chainJson of tampered) {
    const bad = { ...receipt, validatorSetChain: chainJson };
    assert.equal(
      firstFailed(verifyReceipt(bad, { genesis })),
      'validatorSetChain',
      JSON.stringify(chainJson),
    );
  }
  // A forged signature inside the link's certificate.
  const certBytes = Buffer.from(l.certificate, 'base64');
  certBytes[certBytes.length - 1] = (certBytes[certBytes.length - 1] ?? 0) ^ 1;
  const forged = { ...receipt, validatorSetChain: [{ ...l, certificate: certBytes.toString('base64') }] };
  assert.equal(firstFailed(verifyReceipt(forged, { genesis })), 'validatorSetChain');
  // The chain left out: with source 'chain' the new step fails; claiming the genesis set, the
  // header (which commits to B) does not match it.
  const { validatorSetChain: _dropped, ...noChain } = receipt;
  assert.equal(firstFailed(verifyReceipt(noChain, { genesis })), 'validatorSetChain');
  const asGenesis = {
    ...noChain,
    validatorSet: {
      validators: genesis.validators.map(({ name, publicKey, power }) => ({ name, publicKey, power })),
      source: 'genesis' as const,
    },
  };
  assert.equal(firstFailed(verifyReceipt(asGenesis, { genesis })), 'validatorSetHash');
  // A receipt naming another set than the chain's at the block's height.
  const otherSet = {
    ...receipt,
    validatorSet: { ...receipt.validatorSet, validators: receipt.validatorSet.validators.slice(1) },
  };
  assert.equal(firstFailed(verifyReceipt(otherSet, { genesis })), 'validatorSetChain');
  // A certificate of the block by the old (genesis) members only: 4 of 5 needed, 3 held.
  const byOld = encodeBlock({ ...block, header, certificate: certify(header, validatorKeys.slice(1), 1) });
  const oldSigned = buildReceipt({ ...input, block: byOld, validatorSetChain: [link] });
  assert.equal(firstFailed(verifyReceipt(oldSigned, { genesis })), 'certificate');
});
