/**
 * `xinlian trace` against a real node (`xinlian start`; its validator key is the admin of the
 * `dev` organization): capture a GS1 example document, query, fetch and verify an event receipt
 * offline, register a GS1 company prefix.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../src/bin.js', import.meta.url));
const PASS = 'test-passphrase';
const TIMEOUT_MS = 60_000;
const ENV = {
  XINLIAN_NODE: undefined,
  XINLIAN_HOME: undefined,
  XINLIAN_KEY: undefined,
  XINLIAN_PASSPHRASE: PASS,
};

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: TIMEOUT_MS, env: { ...process.env, ...ENV } },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') reject(error);
        else resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

/** Runs a --json command and returns its document; asserts the exit code. */
async function run(args: readonly string[], code = 0): Promise<Record<string, unknown>> {
  const r = await cli([...args, '--json']);
  assert.equal(r.code, code, `${args.join(' ')}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

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
    node = spawn(
      process.execPath,
      [BIN, 'start', '--home', home, '--port', '0', '--log-level', 'warn', '--json'],
      {
        env: { ...process.env, ...ENV },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    url = await new Promise<string>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error('node not ready')), TIMEOUT_MS);
      node.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        for (const line of buf.split('\n')) {
          if (!line.startsWith('{')) continue;
          const doc = JSON.parse(line) as { event?: string; apiUrl?: string };
          if (doc.event === 'ready') {
            clearTimeout(timer);
            resolve(doc.apiUrl!);
          }
        }
      });
      node.once('exit', (c) => reject(new Error(`node exited ${c}`)));
    });
  });
  after(async () => {
    if (node !== undefined && node.exitCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => node.kill('SIGKILL'), TIMEOUT_MS);
        node.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        node.kill('SIGTERM');
      });
    }
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
    const again = await cli(['trace', 'capture', EXAMPLE, '--node', url, '--json']);
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
    const bad = await cli(['trace', 'verify', receiptFile, '--genesis', genesis]);
    assert.equal(bad.code, 3, bad.stdout);
    const r = await run(['trace', 'range', '0614141', '--partner', 'org2', '--node', url, '--key', admin]);
    assert.equal((r.result as { org: string }).org, 'dev');
  });
});
