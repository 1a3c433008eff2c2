import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalJson, type JsonValue, parseCanonicalJson } from '@xinlian/codec';
import { XinlianError } from '@xinlian/utils';
import fc from 'fast-check';
import { createEvidenceModule } from '../src/index.js';

const module = createEvidenceModule();
const hex64 = 'ab'.repeat(32);
const d = (algorithm = 'sha256', value = hex64) => ({ algorithm, value });
const work = { title: 'T', creationTime: 0 };
const owner = { name: 'O' };
const license = { registration: hex64, licensee: { name: 'L' }, scope: 's', term: { from: 1, to: 2 } };
const batch = { root: hex64, size: 1, algorithm: 'sm3' };

function decode(method: string, args: JsonValue): unknown {
  return module.methods[method]!.decodeArgs(args);
}

describe('evidence args validation', () => {
  const cases: [string, JsonValue, string][] = [
    ['submit', 5, '(root)'],
    ['submit', {}, 'digests'],
    ['submit', { digests: [] }, 'digests'],
    ['submit', { digests: [d(), d('sm3'), d('sm3'), d('sm3'), d('sm3')] }, 'digests'],
    ['submit', { digests: [d(), d()] }, 'digests[1].algorithm'],
    ['submit', { digests: [d('md5')] }, 'digests[0].algorithm'],
    ['submit', { digests: [d('sha256', 'AB'.repeat(32))] }, 'digests[0].value'],
    ['submit', { digests: [d('sha256', 'ab'.repeat(31))] }, 'digests[0].value'],
    ['submit', { digests: [d()], extra: 1 }, 'extra'],
    ['submit', { digests: [d()], fileName: 'x'.repeat(256) }, 'fileName'],
    ['submit', { digests: [d()], size: -1 }, 'size'],
    ['submit', { digests: [d()], mediaType: 'x'.repeat(128) }, 'mediaType'],
    ['submit', { digests: [d()], tags: Array.from({ length: 17 }, () => 't') }, 'tags'],
    ['submit', { digests: [d()], tags: ['x'.repeat(65)] }, 'tags[0]'],
    [
      'submit',
      { digests: [d()], provenance: { processLogDigest: d('x') } },
      'provenance.processLogDigest.algorithm',
    ],
    ['submit', { digests: [d()], provenance: { other: 'x' } }, 'provenance.other'],
    ['registerCopyright', { digests: [d()], work: { ...work, title: '' }, owner }, 'work.title'],
    ['registerCopyright', { digests: [d()], work, owner: { name: 'O', id: 'x'.repeat(129) } }, 'owner.id'],
    ['registerCopyright', { digests: [d()], work }, 'owner'],
    ['registerCopyright', { digests: [d()], work, owner, provenance: {} }, 'provenance'],
    ['grantLicense', { ...license, registration: 'xyz' }, 'registration'],
    ['grantLicense', { ...license, scope: '' }, 'scope'],
    ['grantLicense', { ...license, scope: 'x'.repeat(1025) }, 'scope'],
    ['grantLicense', { ...license, term: { from: 2, to: 2 } }, 'term.to'],
    ['grantLicense', { ...license, term: { from: 1 } }, 'term.to'],
    [
      'reportInfringement',
      { registration: hex64, digests: [d()], description: 'x'.repeat(4097) },
      'description',
    ],
    ['reportInfringement', { registration: hex64, digests: [d()], url: 'x'.repeat(2049) }, 'url'],
    ['reportInfringement', { digests: [d()] }, 'registration'],
    ['anchorBatch', { ...batch, size: 0 }, 'size'],
    ['anchorBatch', { ...batch, size: 10_000_001 }, 'size'],
    ['anchorBatch', { ...batch, algorithm: 'sha3' }, 'algorithm'],
    ['anchorBatch', { ...batch, label: 'x'.repeat(256) }, 'label'],
    ['anchorBatch', { ...batch, root: 'ab' }, 'root'],
  ];

  test(`rejects ${cases.length} invalid args with EVIDENCE_BAD_ARGS and the offending field`, () => {
    for (const [method, args, field] of cases) {
      assert.throws(
        () => decode(method, args),
        (e: unknown) =>
          e instanceof XinlianError && e.code === 'EVIDENCE_BAD_ARGS' && e.details.field === field,
        `${method} ${JSON.stringify(args).slice(0, 80)} → ${field}`,
      );
    }
  });

  test('accepts boundary values', () => {
    decode('submit', {
      digests: [d(), d('sm3')],
      fileName: 'x'.repeat(255),
      size: Number.MAX_SAFE_INTEGER,
      tags: Array.from({ length: 16 }, () => 'x'.repeat(64)),
    });
    decode('anchorBatch', { ...batch, size: 10_000_000 });
    decode('grantLicense', { ...license, scope: 'x'.repeat(1024) });
  });
});

// Strings whose UTF-16 length equals their unit count, including characters JSON must escape.
const text = (maxLength: number, minLength = 0) =>
  fc.string({
    unit: fc.constantFrom('a', 'Z', '0', ' ', '中', '文', 'é', '"', '\\', '\n', '\u0001', '\u2028'),
    minLength,
    maxLength,
  });
const digestArb = (algorithm: 'sm3' | 'sha256') =>
  fc
    .uint8Array({ minLength: 32, maxLength: 32 })
    .map((b) => ({ algorithm, value: Buffer.from(b).toString('hex') }));
const digestsArb = fc
  .subarray(['sm3', 'sha256'] as const, { minLength: 1 })
  .chain((algs) => fc.tuple(...algs.map(digestArb)));
const safeNat = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const fileFields = { fileName: text(255), size: safeNat, mediaType: text(127) };
const party = fc.record(
  { name: text(255, 1), id: text(128) },
  { requiredKeys: ['name'], noNullPrototype: true },
);
const hexArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));

const argsArbs: Record<string, fc.Arbitrary<JsonValue>> = {
  submit: fc.record(
    {
      digests: digestsArb,
      ...fileFields,
      tags: fc.array(text(64), { maxLength: 16 }),
      provenance: fc.record(
        { source: text(50), device: text(50), environment: text(50), processLogDigest: digestArb('sm3') },
        { requiredKeys: [], noNullPrototype: true },
      ),
    },
    { requiredKeys: ['digests'], noNullPrototype: true },
  ),
  registerCopyright: fc.record(
    {
      digests: digestsArb,
      work: fc.record(
        { title: text(255, 1), type: text(30), creationTime: safeNat },
        { requiredKeys: ['title', 'creationTime'], noNullPrototype: true },
      ),
      owner: party,
      ...fileFields,
      tags: fc.array(text(64), { maxLength: 16 }),
    },
    { requiredKeys: ['digests', 'work', 'owner'], noNullPrototype: true },
  ),
  grantLicense: fc.record(
    {
      registration: hexArb,
      licensee: party,
      scope: text(1024, 1),
      term: fc
        .tuple(safeNat, safeNat)
        .filter(([a, b]) => a !== b)
        .map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) })),
    },
    { noNullPrototype: true },
  ),
  reportInfringement: fc.record(
    { registration: hexArb, digests: digestsArb, description: text(4096), url: text(2048), ...fileFields },
    { requiredKeys: ['registration', 'digests'], noNullPrototype: true },
  ),
  anchorBatch: fc.record(
    {
      root: hexArb,
      size: fc.integer({ min: 1, max: 10_000_000 }),
      algorithm: fc.constantFrom('sm3', 'sha256'),
      label: text(255),
    },
    { requiredKeys: ['root', 'size', 'algorithm'], noNullPrototype: true },
  ),
};

describe('evidence args round-trip (property)', () => {
  for (const [method, arb] of Object.entries(argsArbs)) {
    test(`${method}: canonical JSON → decodeArgs gives back the args`, () => {
      fc.assert(
        fc.property(arb, (args) => {
          const bytes = canonicalJson(args);
          const decoded = decode(method, parseCanonicalJson(bytes));
          assert.deepEqual(decoded, args);
          assert.deepEqual(canonicalJson(decoded as JsonValue), bytes);
        }),
        { numRuns: 150 },
      );
    });
  }
  test('every method has a round-trip property', () => {
    assert.deepEqual(Object.keys(argsArbs).sort(), Object.keys(module.methods).sort());
  });
});
