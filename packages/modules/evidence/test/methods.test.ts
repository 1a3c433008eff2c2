import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { merkleRoot } from '@xinlian/codec';
import { addressOf } from '@xinlian/crypto';
import { toHex, XinlianError } from '@xinlian/utils';
import type { EvidenceRecord } from '../src/index.js';
import { EvidenceChain } from './harness.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const sm3 = (s: string) => createHash('sm3').update(s).digest('hex');
const digest = (s: string) => ({ algorithm: 'sha256', value: sha(s) });

describe('evidence methods', () => {
  const chain = new EvidenceChain();
  const alice = chain.suite.generateKey();
  const bob = chain.suite.generateKey();
  const aliceAddr = addressOf(chain.suite, alice.publicKey.bytes);
  const get = (id: string) => chain.query('get', { id }) as EvidenceRecord;

  test('submit creates an evidence record with every field, indexes all digests and emits an event', () => {
    const args = {
      digests: [digest('contract.pdf'), { algorithm: 'sm3', value: sm3('contract.pdf') }],
      fileName: '合同.pdf',
      size: 12345,
      mediaType: 'application/pdf',
      tags: ['contract', '2024'],
      provenance: {
        source: 'scanner',
        device: 'dev-1',
        environment: 'office',
        processLogDigest: digest('log'),
      },
    };
    const [r] = chain.block([{ key: alice, method: 'submit', args }]);
    assert.equal(r!.receipt.status, 'ok');
    assert.deepEqual(r!.result, { recordId: r!.id, existing: false });
    const record = get(r!.id);
    assert.deepEqual(record, {
      ...args,
      id: r!.id,
      kind: 'evidence',
      submitter: aliceAddr,
      height: chain.height,
      time: EvidenceChain.timeOf(chain.height),
      txId: r!.id,
    });
    assert.deepEqual(r!.receipt.events, [
      {
        type: 'evidence.recorded',
        attributes: [
          { key: 'id', value: r!.id },
          { key: 'kind', value: 'evidence' },
          { key: 'digest', value: `sha256:${sha('contract.pdf')}` },
        ],
      },
    ]);
    assert.deepEqual(chain.query('byDigest', { algorithm: 'sm3', value: sm3('contract.pdf') }), record);
    assert.equal(chain.query('byDigest', digest('never submitted')), null);
  });

  test('a duplicate first digest returns the existing record, also within one block', () => {
    const first = chain.ok({ key: alice, method: 'submit', args: { digests: [digest('dup')] } });
    const again = chain.ok({
      key: bob,
      method: 'submit',
      args: { digests: [digest('dup')], fileName: 'copy' },
    });
    assert.deepEqual(again, { recordId: first.recordId, existing: true });
    assert.equal(get(first.recordId).fileName, undefined, 'the existing record is unchanged');
    const [a, b] = chain.block([
      { key: alice, method: 'submit', args: { digests: [digest('same block')] } },
      {
        key: bob,
        method: 'registerCopyright',
        args: {
          digests: [digest('same block')],
          work: { title: 'T', creationTime: 1 },
          owner: { name: 'Bob' },
        },
      },
    ]);
    assert.deepEqual(b!.result, { recordId: a!.id, existing: true });
    assert.equal(b!.receipt.events.length, 0);
    assert.throws(
      () => chain.query('get', { id: b!.id }),
      (e: unknown) => e instanceof XinlianError && e.code === 'EVIDENCE_NOT_FOUND',
    );
  });

  test('copyright registration, licensing by the owner only, and infringement reports', () => {
    const reg = chain.ok({
      key: alice,
      method: 'registerCopyright',
      args: {
        digests: [digest('song.mp3')],
        work: { title: '歌', type: 'music', creationTime: 1_600_000_000_000 },
        owner: { name: 'Alice Music Ltd', id: '91310000MA1FL0001X' },
        fileName: 'song.mp3',
      },
    });
    assert.equal(get(reg.recordId).kind, 'copyright');
    const license = {
      registration: reg.recordId,
      licensee: { name: 'Radio' },
      scope: 'broadcast',
      term: { from: 1, to: 2 },
    };
    const granted = chain.ok({ key: alice, method: 'grantLicense', args: license });
    assert.deepEqual(get(granted.recordId), {
      ...license,
      licensor: { name: 'Alice Music Ltd', id: '91310000MA1FL0001X' },
      id: granted.recordId,
      kind: 'license',
      submitter: aliceAddr,
      height: chain.height,
      time: EvidenceChain.timeOf(chain.height),
      txId: granted.recordId,
    });
    const evidence = chain.ok({ key: alice, method: 'submit', args: { digests: [digest('plain')] } });
    const unknown = sha('no such record');
    const [notOwner, notFound, mismatch, licenseOfLicense] = chain.block([
      { key: bob, method: 'grantLicense', args: license },
      { key: alice, method: 'grantLicense', args: { ...license, registration: unknown } },
      { key: alice, method: 'grantLicense', args: { ...license, registration: evidence.recordId } },
      { key: alice, method: 'grantLicense', args: { ...license, registration: granted.recordId } },
    ]);
    assert.deepEqual(
      [notOwner, notFound, mismatch, licenseOfLicense].map((r) => [r!.receipt.status, r!.receipt.code]),
      [
        ['failed', 'EVIDENCE_NOT_OWNER'],
        ['failed', 'EVIDENCE_NOT_FOUND'],
        ['failed', 'EVIDENCE_KIND_MISMATCH'],
        ['failed', 'EVIDENCE_KIND_MISMATCH'],
      ],
    );
    const report = {
      registration: reg.recordId,
      digests: [digest('pirated.mp3')],
      url: 'https://example.com/x',
      description: '盗版',
    };
    const inf = chain.ok({ key: bob, method: 'reportInfringement', args: report });
    const infRecord = get(inf.recordId);
    assert.equal(infRecord.kind, 'infringement');
    assert.equal(infRecord.registration, reg.recordId);
    assert.equal(infRecord.url, report.url);
    const [bad1, bad2] = chain.block([
      {
        key: bob,
        method: 'reportInfringement',
        args: { ...report, digests: [digest('x1')], registration: unknown },
      },
      {
        key: bob,
        method: 'reportInfringement',
        args: { ...report, digests: [digest('x2')], registration: evidence.recordId },
      },
    ]);
    assert.equal(bad1!.receipt.code, 'EVIDENCE_NOT_FOUND');
    assert.equal(bad2!.receipt.code, 'EVIDENCE_KIND_MISMATCH');
    assert.equal(chain.query('byDigest', digest('x1')), null, 'a failed report records nothing');
  });

  test('anchorBatch records a root once', () => {
    const leaves = ['a', 'b', 'c'].map((s) => Buffer.from(sha(s), 'hex'));
    const root = toHex(merkleRoot((...p) => chain.suite.hash(...p), leaves));
    const args = { root, size: 3, algorithm: 'sha256', label: 'daily batch' };
    const [r] = chain.block([{ key: alice, method: 'anchorBatch', args }]);
    assert.deepEqual(r!.result, { recordId: r!.id, existing: false });
    const record = get(r!.id);
    assert.deepEqual(
      [record.kind, record.root, record.size, record.algorithm, record.label],
      ['batch', root, 3, 'sha256', 'daily batch'],
    );
    assert.deepEqual(r!.receipt.events[0]!.attributes[2], { key: 'digest', value: `sha256:${root}` });
    assert.deepEqual(chain.ok({ key: bob, method: 'anchorBatch', args: { ...args, label: 'again' } }), {
      recordId: r!.id,
      existing: true,
    });
  });

  test('invalid args are rejected at admission with EVIDENCE_BAD_ARGS naming the field', () => {
    assert.throws(
      () =>
        chain.executor.checkTx(chain.sign({ key: alice, method: 'submit', args: { digests: [] } }), {
          height: chain.height + 1,
        }),
      (e: unknown) =>
        e instanceof XinlianError && e.code === 'EVIDENCE_BAD_ARGS' && e.details.field === 'digests',
    );
  });

  test('history returns the versions of a record', () => {
    const r = chain.ok({ key: alice, method: 'submit', args: { digests: [digest('history')] } });
    const versions = chain.query('history', { id: r.recordId }) as {
      height: number;
      record: EvidenceRecord;
    }[];
    assert.equal(versions.length, 1);
    assert.equal(versions[0]!.height, chain.height);
    assert.deepEqual(versions[0]!.record, get(r.recordId));
    assert.deepEqual(chain.query('history', { id: sha('none') }), []);
  });
});
