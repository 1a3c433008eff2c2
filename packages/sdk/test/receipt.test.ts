import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Receipt, VerificationReport } from '@xinlian/schemas';
import { toHex } from '@xinlian/utils';
import fc from 'fast-check';
import {
  batchReceipts,
  buildBatch,
  buildBatchReceipts,
  buildReceipt,
  digestOf,
  RECEIPT_STEPS,
  type ReceiptStep,
  verifyReceipt,
} from '../src/index.js';
import {
  BATCH_INDEX,
  BATCH_LEAF,
  FAILED_INDEX,
  type Fixture,
  makeChain,
  makeFixture,
  SINGLE_INDEX,
} from './fixtures.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = readonly (string | number)[];

const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Enumerated values change to the other valid value. */
const SWAPS: Record<string, string> = { sm3: 'sha256', sha256: 'sm3', gm: 'intl', intl: 'gm' };
const BASE64_FIELDS = new Set(['tx.bytes', 'result.bytes', 'block.header', 'block.certificate']);

function singleReceipt(f: Fixture, withRecord = true): Receipt {
  const { chain } = f;
  return buildReceipt({
    suite: chain.suite,
    genesis: chain.genesis,
    block: f.block,
    receipts: f.receipts,
    txIndex: SINGLE_INDEX,
    digest: digestOf(chain.algorithm, f.file),
    ...(withRecord ? { record: f.records[SINGLE_INDEX]! } : {}),
  });
}

function batchReceipt(f: Fixture): Receipt {
  const { chain } = f;
  return buildReceipt({
    suite: chain.suite,
    genesis: chain.genesis,
    block: f.block,
    receipts: f.receipts,
    txIndex: BATCH_INDEX,
    digest: digestOf(chain.algorithm, f.batchFile),
    record: f.records[BATCH_INDEX]!,
    batch: { leaves: f.leaves, index: BATCH_LEAF },
  });
}

/** The first failing step of a report (and checks the report's shape). */
function failedStep(report: VerificationReport): string | undefined {
  assert.deepEqual(
    report.steps.map((s) => s.name),
    [...RECEIPT_STEPS],
  );
  const first = report.steps.findIndex((s) => !s.ok);
  assert.equal(report.ok, first === -1);
  if (first === -1) return undefined;
  for (const later of report.steps.slice(first + 1)) assert.match(later.detail, /^not checked/);
  return report.steps[first]!.name;
}

/** Every leaf (string or number) of a JSON document with its path. */
function leaves(doc: Json, path: Path = []): { path: Path; value: string | number }[] {
  if (typeof doc === 'string' || typeof doc === 'number') return [{ path, value: doc }];
  if (Array.isArray(doc)) return doc.flatMap((d, i) => leaves(d, [...path, i]));
  if (doc !== null && typeof doc === 'object')
    return Object.entries(doc).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [];
}

function setAt(doc: Json, path: Path, value: Json): Json {
  const copy = structuredClone(doc);
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[path[path.length - 1]!] = value;
  return copy;
}

/** The step that must reject a change of the field at `path`. */
function expectedStep(path: Path, batch: boolean): ReceiptStep {
  const p = path.filter((x) => typeof x === 'string').join('.');
  if (p.startsWith('subject.record')) return 'record';
  const table: Record<string, ReceiptStep> = {
    format: 'schema',
    suite: 'genesis',
    chainId: 'genesis',
    genesisHash: 'genesis',
    'subject.module': 'txArgs',
    'subject.digest.algorithm': 'txArgs',
    'subject.digest.value': batch ? 'anchor' : 'txArgs',
    'anchor.batchRoot': 'txArgs',
    'anchor.treeSize': 'txArgs',
    'anchor.leafIndex': 'anchor',
    'anchor.path': 'anchor',
    'tx.leafIndex': 'txInclusion',
    'tx.treeSize': 'txInclusion',
    'tx.path': 'txInclusion',
    'tx.bytes': 'txInclusion',
    'tx.id': 'txId',
    'result.leafIndex': 'result',
    'result.treeSize': 'result',
    'result.path': 'result',
    'result.bytes': 'result',
    'block.height': 'header',
    'block.id': 'header',
    'block.header': 'header',
    'block.certificate': 'certificate',
    'validatorSet.validators.name': 'validatorSet',
    'validatorSet.validators.publicKey': 'validatorSet',
    'validatorSet.validators.power': 'validatorSet',
    'validatorSet.source': 'schema',
  };
  const step = table[p];
  assert.ok(step, `no expected step for ${p}`);
  return step;
}

/** A changed value of the same kind: another character of the field's alphabet, or +1. */
function mutate(path: Path, value: string | number, position: number, pick: number): Json {
  if (typeof value === 'number') return value + 1 + (pick % 3);
  const swapped = SWAPS[value];
  if (swapped !== undefined) return swapped;
  const p = path.filter((x) => typeof x === 'string').join('.');
  const alphabet = BASE64_FIELDS.has(p) ? B64 : /^([0-9a-f]{2})+$/.test(value) ? HEX : undefined;
  if (alphabet === undefined) return `${value}x`;
  const positions = [...value].map((c, i) => (c === '=' ? -1 : i)).filter((i) => i >= 0);
  const at = positions[position % positions.length]!;
  const others = [...alphabet].filter((c) => c !== value[at]);
  return value.slice(0, at) + others[pick % others.length]! + value.slice(at + 1);
}

const CONFIGS = [
  { suite: 'gm', validators: 1 },
  { suite: 'gm', validators: 4 },
  { suite: 'intl', validators: 1 },
  { suite: 'intl', validators: 4 },
] as const;

for (const config of CONFIGS) {
  describe(`receipts (${config.suite}, ${config.validators} validators)`, () => {
    const chain = makeChain(config.suite, config.validators);
    const fixture = makeFixture(chain);
    const genesis = chain.genesis;
    const single = singleReceipt(fixture);
    const batch = batchReceipt(fixture);
    const cases = [
      { name: 'single digest', receipt: single, file: fixture.file, batch: false },
      { name: 'batch digest', receipt: batch, file: fixture.batchFile, batch: true },
    ];

    for (const c of cases) {
      test(`a valid ${c.name} receipt passes every step, with the file, its digest or neither`, () => {
        const json = JSON.parse(JSON.stringify(c.receipt)) as unknown;
        for (const file of [c.file, { digest: chain.suite.hash(c.file) }, undefined]) {
          const report = verifyReceipt(json, file === undefined ? { genesis } : { genesis, file });
          assert.equal(failedStep(report), undefined, JSON.stringify(report.steps.find((s) => !s.ok)));
          for (const s of report.steps) assert.ok(s.ok && s.detail.length > 0);
        }
        assert.equal(c.receipt.anchor !== undefined, c.batch);
      });

      test(`changing any field of a ${c.name} receipt fails at the step that checks it`, () => {
        const doc = JSON.parse(JSON.stringify(c.receipt)) as Json;
        const fields = leaves(doc);
        const check = (index: number, position: number, pick: number) => {
          const { path, value } = fields[index]!;
          const changed = setAt(doc, path, mutate(path, value, position, pick));
          const step = failedStep(verifyReceipt(changed, { genesis, file: c.file }));
          assert.equal(step, expectedStep(path, c.batch), `changed ${path.join('.')}`);
        };
        // Every field at its first, middle and last position, then random samples.
        fields.forEach((field, i) => {
          const length = typeof field.value === 'string' ? field.value.length : 1;
          for (const position of [0, length >> 1, length - 1]) check(i, position, position);
        });
        fc.assert(
          fc.property(fc.nat(fields.length - 1), fc.nat(10_000), fc.nat(100), (i, pos, pick) =>
            check(i, pos, pick),
          ),
          { numRuns: 30 },
        );
      });

      test(`any changed byte of the file fails the ${c.name} receipt at fileDigest`, () => {
        fc.assert(
          fc.property(fc.nat(c.file.length - 1), fc.integer({ min: 1, max: 255 }), (pos, x) => {
            const file = new Uint8Array(c.file);
            file[pos] = file[pos]! ^ x;
            assert.equal(failedStep(verifyReceipt(c.receipt, { genesis, file })), 'fileDigest');
          }),
          { numRuns: 20 },
        );
        const appended = new Uint8Array([...c.file, 0]);
        assert.equal(failedStep(verifyReceipt(c.receipt, { genesis, file: appended })), 'fileDigest');
      });
    }

    test('receipts are deterministic and carry the record only when given', () => {
      assert.deepEqual(singleReceipt(fixture), single);
      const bare = singleReceipt(fixture, false);
      assert.equal('record' in bare.subject, false);
      assert.equal(failedStep(verifyReceipt(bare, { genesis, file: fixture.file })), undefined);
    });

    test('a receipt checked against another genesis fails at genesis', () => {
      const other = makeChain(config.suite, config.validators).genesis;
      assert.equal(failedStep(verifyReceipt(single, { genesis: other })), 'genesis');
      assert.equal(failedStep(verifyReceipt(single, { genesis: { ...genesis, genesisTime: 1 } })), 'genesis');
      const broken = { ...genesis, validators: [] } as unknown as typeof genesis;
      assert.equal(failedStep(verifyReceipt(single, { genesis: broken })), 'genesis');
    });

    test('the receipt of a failed tx fails at result', () => {
      const receipt = buildReceipt({
        suite: chain.suite,
        genesis,
        block: fixture.block,
        receipts: fixture.receipts,
        txIndex: FAILED_INDEX,
        digest: digestOf(chain.algorithm, new TextEncoder().encode('failing')),
      });
      const report = verifyReceipt(receipt, { genesis });
      assert.equal(failedStep(report), 'result');
      assert.match(report.steps.find((s) => s.name === 'result')!.detail, /EVIDENCE_BAD_ARGS/);
    });

    test('a digest that the tx does not carry fails at txArgs', () => {
      const receipt = buildReceipt({
        suite: chain.suite,
        genesis,
        block: fixture.block,
        receipts: fixture.receipts,
        txIndex: 0,
        digest: digestOf(chain.algorithm, fixture.file),
      });
      assert.equal(failedStep(verifyReceipt(receipt, { genesis })), 'txArgs');
    });

    if (config.validators === 4) {
      test('a certificate without a quorum fails at certificate', () => {
        const weak = makeFixture(chain, [2, 3]);
        const receipt = buildReceipt({
          suite: chain.suite,
          genesis,
          block: weak.block,
          receipts: weak.receipts,
          txIndex: SINGLE_INDEX,
          digest: digestOf(chain.algorithm, weak.file),
        });
        const report = verifyReceipt(receipt, { genesis });
        assert.equal(failedStep(report), 'certificate');
        assert.match(report.steps.find((s) => s.name === 'certificate')!.detail, /power 25, 31 needed/);
      });
    }

    test('buildReceipt rejects inconsistent inputs', () => {
      const base = { suite: chain.suite, genesis, block: fixture.block, receipts: fixture.receipts };
      const digest = digestOf(chain.algorithm, fixture.file);
      for (const input of [
        { ...base, txIndex: 5, digest },
        { ...base, receipts: fixture.receipts.slice(1), txIndex: 0, digest },
        { ...base, txIndex: BATCH_INDEX, digest, batch: { leaves: fixture.leaves, index: 10 } },
        { ...base, txIndex: BATCH_INDEX, digest, batch: { leaves: fixture.leaves, index: BATCH_LEAF } },
      ]) {
        assert.throws(
          () => buildReceipt(input),
          (e: unknown) => (e as { code?: string }).code === 'SDK_BAD_RECEIPT_INPUT',
        );
      }
    });
  });
}

test('verifyReceipt never throws: any JSON value fails at schema', () => {
  const chain = makeChain('intl', 1);
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      assert.equal(failedStep(verifyReceipt(value, { genesis: chain.genesis })), 'schema');
    }),
    { numRuns: 100 },
  );
  const receipt = singleReceipt(makeFixture(chain)) as unknown as Record<string, Json>;
  for (const key of Object.keys(receipt)) {
    if (key === 'anchor') continue;
    const { [key]: _removed, ...rest } = receipt;
    assert.equal(failedStep(verifyReceipt(rest, { genesis: chain.genesis })), 'schema', `without ${key}`);
  }
  assert.equal(failedStep(verifyReceipt({ ...receipt, extra: 1 }, { genesis: chain.genesis })), 'schema');
  assert.equal(toHex(new Uint8Array([1])), '01');
});

for (const suite of ['gm', 'intl'] as const) {
  describe(`batch receipts (${suite})`, () => {
    const f = makeFixture(makeChain(suite, 1));
    const { chain } = f;
    const tree = buildBatch(f.leaves, chain.suite).tree;
    const all = [
      ...buildBatchReceipts({
        suite: chain.suite,
        genesis: chain.genesis,
        block: f.block,
        receipts: f.receipts,
        txIndex: BATCH_INDEX,
        record: f.records[BATCH_INDEX]!,
        algorithm: chain.algorithm,
        tree,
        digests: f.leaves,
      }),
    ];

    test('yield one receipt per digest, each equal to buildReceipt and verifying', () => {
      assert.equal(all.length, f.leaves.length);
      all.forEach((r, index) => {
        const single = buildReceipt({
          suite: chain.suite,
          genesis: chain.genesis,
          block: f.block,
          receipts: f.receipts,
          txIndex: BATCH_INDEX,
          digest: { algorithm: chain.algorithm, value: toHex(f.leaves[index]!) },
          record: f.records[BATCH_INDEX]!,
          batch: { leaves: f.leaves, index },
        });
        assert.deepEqual(r, single);
        assert.equal(verifyReceipt(r, { genesis: chain.genesis }).ok, true);
      });
    });

    test('batchReceipts from any receipt of the batch gives the same receipts', () => {
      assert.deepEqual([...batchReceipts(batchReceipt(f), { tree, digests: f.leaves })], all);
    });

    test('a receipt with another leaf index, digest or path element fails at anchor', () => {
      const r = all[BATCH_LEAF]!;
      const anchor = r.anchor!;
      const other = all[(BATCH_LEAF + 1) % all.length]!;
      const tampered: Receipt[] = [
        { ...r, anchor: { ...anchor, leafIndex: (anchor.leafIndex + 1) % anchor.treeSize } },
        { ...r, subject: other.subject },
        { ...r, anchor: { ...anchor, path: [other.anchor!.batchRoot, ...anchor.path.slice(1)] } },
      ];
      for (const t of tampered)
        assert.equal(failedStep(verifyReceipt(t, { genesis: chain.genesis })), 'anchor');
    });

    test('a base receipt of another batch or a wrong digest count is rejected', () => {
      const single = singleReceipt(f);
      assert.throws(() => [...batchReceipts(single, { tree, digests: f.leaves })], {
        code: 'SDK_BAD_RECEIPT_INPUT',
      });
      assert.throws(() => [...batchReceipts(batchReceipt(f), { tree, digests: f.leaves.slice(1) })], {
        code: 'SDK_BAD_RECEIPT_INPUT',
      });
    });
  });
}
