/**
 * `xinlian trace` against a real node (`xinlian start`; its validator key is the admin of the
 * `dev` organization): capture a GS1 example document, query, fetch and verify an event receipt
 * offline, register a GS1 company prefix.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cli, PASS_ENV, run, startNodeCli, stop } from './helpers.js';

describe('xinlian trace', { timeout: 120_000 }, () => {
  let dir: string;
  let node: ChildProcess;
  let url: string;
  let admin: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xinlian-cli-trace-'));
    const home = join(dir, 'home');
    await run([
      'init',
      '--home',
      home,
      '--suite',
      'intl',
      '--chain-id',
      'trace-cli',
      '--block-interval',
      '20',
    ]);
    admin = join(home, 'keys', 'validator.key');
    ({ child: node, url } = await startNodeCli(home));
  });
  after(async () => {
    if (node !== undefined) await stop(node);
    await rm(dir, { recursive: true, force: true });
  });

  const EXAMPLE = fileURLToPath(
    new URL(
      '../../../../../shared/testdata/epcis/examples/Example_9.6.3-AggregationEvent.jsonld',
      import.meta.url,
    ),
  );

  test('capture, events, receipt, verify (and a tampered receipt fails with exit 3), range', async () => {
    const job = (await run(['trace', 'capture', EXAMPLE, '--node', url])).job as {
      eventIDs: string[];
      success: boolean;
    };
    assert.equal(job.success, true);
    const doc = JSON.parse(await readFile(EXAMPLE, 'utf8')) as { epcisBody: { eventList: unknown[] } };
    assert.equal(job.eventIDs.length, doc.epcisBody.eventList.length);
    const again = await cli(['trace', 'capture', EXAMPLE, '--node', url, '--json'], PASS_ENV);
    assert.equal(again.code, 1, 'a second capture is refused (duplicates, rollback)');
    const found = (await run(['trace', 'events', '--node', url, '-q', 'eventType=AggregationEvent'])) as {
      epcisBody: { queryResults: { resultsBody: { eventList: { eventID: string }[] } } };
    };
    // Query results keep the eventID the document declared (the hash is the on-chain ID).
    const declared = (doc.epcisBody.eventList as { eventID?: string }[]).map(
      (e, i) => e.eventID ?? job.eventIDs[i],
    );
    assert.deepEqual(
      found.epcisBody.queryResults.resultsBody.eventList.map((e) => e.eventID),
      declared,
    );
    const receiptFile = join(dir, 'event.receipt.json');
    await run(['trace', 'receipt', job.eventIDs[0]!, '--node', url, '--out', receiptFile]);
    const genesis = join(dir, 'home', 'genesis.json');
    const ok = await run(['trace', 'verify', receiptFile, '--genesis', genesis]);
    assert.equal(ok.ok, true);
    const receipt = JSON.parse(await readFile(receiptFile, 'utf8')) as {
      subject: { record: { org: string } };
    };
    receipt.subject.record.org = 'someone-else';
    await writeFile(receiptFile, JSON.stringify(receipt));
    const bad = await cli(['trace', 'verify', receiptFile, '--genesis', genesis], PASS_ENV);
    assert.equal(bad.code, 3, bad.stdout);
    const r = await run(['trace', 'range', '0614141', '--partner', 'org2', '--node', url, '--key', admin]);
    assert.equal((r.result as { org: string }).org, 'dev');
  });
});
