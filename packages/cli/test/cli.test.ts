import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RECEIPT_STEPS } from '@xinlian/sdk';
import { InvalidArgumentError } from 'commander';
import fc from 'fast-check';
import { parsePort } from '../src/util.js';
import { BIN, cli, errorCode, json, PASS, startCli, stop } from './helpers.js';

/** The verification step that compares the file with the receipt (the SDK's name for it). */
const FILE_STEP = RECEIPT_STEPS.find((s) => s === 'fileDigest');
assert.ok(FILE_STEP !== undefined, 'the SDK no longer has a fileDigest step');
/** A TCP port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xinlian-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('usage and connectivity', () => {
  test('--help and --version exit 0', async () => {
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /evidence/);
    assert.equal((await cli(['--version'])).code, 0);
  });

  test('a reader that closes the pipe early ends the command quietly (no EPIPE crash)', async () => {
    const child = spawn(process.execPath, [BIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Close our end before the CLI has written anything: its first write then fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Error/);
  });

  test('usage errors exit 2, as text and as JSON', async () => {
    const unknown = await cli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error CLI_USAGE: /m);
    for (const args of [
      ['frobnicate'],
      ['evidence', 'submit'],
      ['init', '--suite', 'rsa'],
      ['dev', '--port', 'eighty'],
      ['status', '--bogus'],
      [],
    ]) {
      const r = await cli([...args, '--json']);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(errorCode(r), 'CLI_USAGE');
    }
  });

  test('an unreachable node exits 4', async () => {
    const node = `http://127.0.0.1:${await closedPort()}`;
    const r = await cli(['status', '--node', node, '--json']);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.equal(errorCode(r), 'SDK_UNREACHABLE');
    const human = await cli(['evidence', 'get', 'a'.repeat(64), '--node', node]);
    assert.equal(human.code, 4);
    assert.match(human.stderr, /^error SDK_UNREACHABLE: /m);
  });
});

describe('option parsers', () => {
  test('parsePort accepts exactly the decimal integers 0..65535', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 65535 }), (n) => parsePort(String(n)) === n));
    fc.assert(
      fc.property(fc.string(), (s) => {
        const valid = /^\d+$/.test(s) && Number(s) <= 65535;
        let accepted = true;
        try {
          parsePort(s);
        } catch (e) {
          assert.ok(e instanceof InvalidArgumentError);
          accepted = false;
        }
        return accepted === valid;
      }),
    );
  });
});

describe('keys', () => {
  test('new, show and export-pem', async () => {
    const file = join(dir, 'k1.key');
    const created = await cli(['keys', 'new', '--suite', 'gm', '--out', file, '--json'], {
      XINLIAN_PASSPHRASE: PASS,
    });
    assert.equal(created.code, 0, created.stderr);
    const made = json(created);
    assert.match(made.publicKey as string, /^04[0-9a-f]{128}$/);
    assert.match(made.address as string, /^[0-9a-f]{40}$/);

    const shown = json(await cli(['keys', 'show', file, '--json']));
    assert.equal(shown.publicKey, made.publicKey);
    assert.equal(shown.address, made.address);
    assert.equal(shown.suite, 'gm');

    const again = await cli(['keys', 'new', '--out', file, '--json'], { XINLIAN_PASSPHRASE: PASS });
    assert.equal(again.code, 1);
    assert.equal(errorCode(again), 'CLI_FILE_EXISTS');

    const pem = await cli(['keys', 'export-pem', file], { XINLIAN_PASSPHRASE: PASS });
    assert.equal(pem.code, 0, pem.stderr);
    assert.match(pem.stdout, /^-----BEGIN PRIVATE KEY-----\n/);
    const wrong = await cli(['keys', 'export-pem', file, '--json'], { XINLIAN_PASSPHRASE: 'wrong' });
    assert.equal(wrong.code, 1);
    assert.equal(errorCode(wrong), 'CRYPTO_BAD_PASSPHRASE');
    const noPass = await cli(['keys', 'export-pem', file, '--json']);
    assert.equal(noPass.code, 2);
    assert.equal(errorCode(noPass), 'CLI_NO_PASSPHRASE');

    const passFile = join(dir, 'pass.txt');
    await writeFile(passFile, `${PASS}\n`);
    const pub = await cli(['keys', 'export-pem', file, '--public', '--passphrase-file', passFile]);
    assert.match(pub.stdout, /^-----BEGIN PUBLIC KEY-----\n/);
  });
});

describe('a node started by `xinlian start`', () => {
  let home: string;
  let key: string;
  let node: ChildProcess | undefined;
  let url: string;
  const env = { XINLIAN_PASSPHRASE: PASS };

  before(async () => {
    home = join(dir, 'home');
    key = join(dir, 'client.key');
    const init = await cli(
      [
        'init',
        '--home',
        home,
        '--suite',
        'intl',
        '--chain-id',
        'cli-test',
        '--block-interval',
        '20',
        '--json',
      ],
      env,
    );
    assert.equal(init.code, 0, init.stdout + init.stderr);
    const keys = await cli(['keys', 'new', '--suite', 'intl', '--out', key], env);
    assert.equal(keys.code, 0, keys.stderr);
    const started = await startCli(['start', '--home', home, '--port', '0', '--log-level', 'warn'], env);
    node = started.child;
    url = started.ready.apiUrl as string;
    assert.equal(started.ready.chainId, 'cli-test');
  });
  after(async () => {
    if (node !== undefined) assert.equal(await stop(node), 0);
  });

  test('init created the home and refuses to overwrite it', async () => {
    for (const f of ['genesis.json', 'config.json', join('keys', 'validator.key')]) {
      assert.ok(existsSync(join(home, f)), f);
    }
    const again = await cli(['init', '--home', home, '--json'], env);
    assert.equal(again.code, 1);
    assert.equal(errorCode(again), 'NODE_HOME_EXISTS');
    const noPass = await cli(['init', '--home', join(dir, 'other'), '--json']);
    assert.equal(noPass.code, 2);
    assert.equal(errorCode(noPass), 'CLI_NO_PASSPHRASE');
    assert.ok(!existsSync(join(dir, 'other', 'genesis.json')));
    const noHome = await cli(['start', '--home', join(dir, 'nowhere'), '--json'], env);
    assert.equal(noHome.code, 1);
    assert.equal(errorCode(noHome), 'CLI_NO_HOME');
  });

  test('status', async () => {
    const r = await cli(['status', '--node', url, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = json(r).status as { chainId: string; suite: string; validators: unknown[] };
    assert.equal(s.chainId, 'cli-test');
    assert.equal(s.suite, 'intl');
    assert.equal(s.validators.length, 1);
    const human = await cli(['status'], { XINLIAN_NODE: url });
    assert.match(human.stdout, /cli-test/);
  });

  test('submit → receipt → verify; a tampered file fails with exit 3', async () => {
    const file = join(dir, 'contract.txt');
    await writeFile(file, 'the parties agree on everything\n');
    const sub = await cli(
      ['evidence', 'submit', file, '--node', url, '--key', key, '--tag', 'test', '--json'],
      env,
    );
    assert.equal(sub.code, 0, sub.stdout + sub.stderr);
    const [entry] = json(sub).files as {
      recordId: string;
      height: number;
      receipt: string;
      digest: { algorithm: string };
    }[];
    assert.ok(entry);
    assert.equal(entry.receipt, `${file}.receipt.json`);
    assert.equal(entry.digest.algorithm, 'sha256');
    assert.ok(entry.height >= 1);
    const receipt = JSON.parse(await readFile(entry.receipt, 'utf8')) as {
      format: string;
      block: { height: number };
    };
    assert.equal(receipt.format, 'xinlian-receipt/1');
    assert.equal(receipt.block.height, entry.height);

    const resub = await cli(['evidence', 'submit', file, '--node', url, '--key', key, '--json'], env);
    const [again] = json(resub).files as { recordId: string; existing: boolean }[];
    assert.deepEqual(
      { recordId: again?.recordId, existing: again?.existing },
      { recordId: entry.recordId, existing: true },
    );

    const genesis = join(home, 'genesis.json');
    const ok = await cli(['evidence', 'verify', file, entry.receipt, '--genesis', genesis, '--json']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const report = json(ok) as { ok: boolean; steps: { ok: boolean }[] };
    assert.equal(report.ok, true);
    assert.ok(report.steps.length > 5 && report.steps.every((s) => s.ok));
    const human = await cli(['evidence', 'verify', file, entry.receipt, '--genesis', genesis]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /✓/);
    assert.doesNotMatch(human.stdout, /✗/);

    const tampered = join(dir, 'contract-tampered.txt');
    await writeFile(tampered, 'the parties agree on nothing\n');
    const bad = await cli(['evidence', 'verify', tampered, entry.receipt, '--genesis', genesis, '--json']);
    assert.equal(bad.code, 3, bad.stdout + bad.stderr);
    const badReport = json(bad) as { ok: boolean; steps: { name: string; ok: boolean }[] };
    assert.equal(badReport.ok, false);
    assert.equal(badReport.steps.find((s) => !s.ok)?.name, FILE_STEP);
    const badHuman = await cli(['evidence', 'verify', tampered, entry.receipt, '--genesis', genesis]);
    assert.equal(badHuman.code, 3);
    assert.match(badHuman.stdout, new RegExp(`✗ ${FILE_STEP}`));

    const found = await cli(['evidence', 'get', file, '--node', url, '--json']);
    assert.equal(found.code, 0, found.stderr);
    assert.equal((json(found).record as { id: string }).id, entry.recordId);
    const missing = await cli(['evidence', 'get', '0'.repeat(64), '--node', url, '--json']);
    assert.equal(missing.code, 1);
    assert.equal(errorCode(missing), 'CLI_NOT_FOUND');
  });

  test('batch submit writes one receipt per file that verifies', async () => {
    const files = ['a.bin', 'b.bin', 'c.bin'].map((n) => join(dir, n));
    for (const [i, f] of files.entries()) await writeFile(f, `batch member ${i}`);
    const outDir = join(dir, 'receipts');
    const sub = await cli(
      ['evidence', 'submit', ...files, '--batch', '--out', outDir, '--node', url, '--key', key, '--json'],
      env,
    );
    assert.equal(sub.code, 0, sub.stdout + sub.stderr);
    const doc = json(sub) as {
      batch: { size: number };
      files: { file: string; leafIndex: number; receipt: string }[];
    };
    assert.equal(doc.batch.size, 3);
    assert.deepEqual(
      doc.files.map((f) => f.leafIndex),
      [0, 1, 2],
    );
    for (const [i, f] of doc.files.entries()) {
      assert.equal(f.receipt, join(outDir, `${['a.bin', 'b.bin', 'c.bin'][i]}.receipt.json`));
      const v = await cli(['evidence', 'verify', f.file, f.receipt, '--node', url, '--json']);
      assert.equal(v.code, 0, v.stdout);
    }
    // a batch member's receipt does not prove another member
    const cross = await cli([
      'evidence',
      'verify',
      files[0] ?? '',
      doc.files[1]?.receipt ?? '',
      '--node',
      url,
      '--json',
    ]);
    assert.equal(cross.code, 3);
    assert.equal((json(cross).steps as { name: string; ok: boolean }[]).find((s) => !s.ok)?.name, FILE_STEP);
  });

  test('backup while the node runs; the snapshot restores into a working node', async () => {
    const status = json(await cli(['status', '--node', url, '--json'])).status as { height: number };
    const out = join(dir, 'backup');
    const r = await cli(['backup', '--home', home, '--out', out, '--json'], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const backedUp = json(r).height as number;
    assert.ok(backedUp >= status.height && status.height >= 1, `backup height ${backedUp}`);
    const again = await cli(['backup', '--home', home, '--out', out, '--json'], env);
    assert.equal(again.code, 1);
    assert.equal(errorCode(again), 'STORE_BAD_ARGUMENT');
    // Restore: a copy of the home whose data directory is the snapshot.
    const restored = join(dir, 'restored');
    await cp(home, restored, { recursive: true, filter: (src) => !src.startsWith(join(home, 'data')) });
    await cp(out, join(restored, 'data'), { recursive: true });
    const started = await startCli(['start', '--home', restored, '--port', '0', '--log-level', 'warn'], env);
    try {
      const s = json(await cli(['status', '--node', started.ready.apiUrl as string, '--json'])).status as {
        height: number;
        genesisHash: string;
      };
      assert.ok(s.height >= backedUp, `restored height ${s.height} < ${backedUp}`);
      assert.equal(s.genesisHash, started.ready.genesisHash);
    } finally {
      assert.equal(await stop(started.child), 0);
    }
  });

  test('a receipt that is not JSON exits 3; a key of the wrong suite is refused', async () => {
    const junk = join(dir, 'junk.json');
    await writeFile(junk, 'not json');
    const r = await cli([
      'evidence',
      'verify',
      junk,
      junk,
      '--genesis',
      join(home, 'genesis.json'),
      '--json',
    ]);
    assert.equal(r.code, 3);
    assert.equal(errorCode(r), 'CLI_BAD_RECEIPT');
    const gmKey = join(dir, 'gm.key');
    await cli(['keys', 'new', '--suite', 'gm', '--out', gmKey], env);
    const wrong = await cli(['evidence', 'submit', junk, '--node', url, '--key', gmKey, '--json'], env);
    assert.equal(wrong.code, 1);
    assert.equal(errorCode(wrong), 'CLI_WRONG_SUITE');
  });
});

describe('xinlian dev', () => {
  test('creates a dev home on first run, serves, and its client key works without a passphrase', async () => {
    const home = join(dir, 'dev');
    const { child, ready } = await startCli(['dev', '--home', home, '--port', '0'], {});
    try {
      assert.equal(ready.chainId, 'xinlian-dev');
      assert.equal(ready.suite, 'gm');
      assert.match(ready.genesisHash as string, /^[0-9a-f]{64}$/);
      assert.ok(existsSync(join(home, 'keys', 'client.key')));
      assert.ok(existsSync(join(home, 'dev.json')));
      const file = join(dir, 'dev-evidence.txt');
      await writeFile(file, 'dev evidence');
      const sub = await cli([
        'evidence',
        'submit',
        file,
        '--home',
        home,
        '--node',
        ready.apiUrl as string,
        '--json',
      ]);
      assert.equal(sub.code, 0, sub.stdout + sub.stderr);
      const v = await cli([
        'evidence',
        'verify',
        file,
        `${file}.receipt.json`,
        '--genesis',
        join(home, 'genesis.json'),
      ]);
      assert.equal(v.code, 0, v.stdout);
    } finally {
      assert.equal(await stop(child), 0);
    }
  });
});

describe('xinlian net', () => {
  test('net up starts 4 organization processes; evidence submitted to one verifies with a quorum certificate; Ctrl-C stops all', async () => {
    const netDir = join(dir, 'net');
    const apiPort = await closedPort();
    const p2pPort = await closedPort();
    const { child, ready } = await startCli(
      [
        'net',
        'up',
        '--dir',
        netDir,
        '--suite',
        'intl',
        '--api-port',
        String(apiPort),
        '--p2p-port',
        String(p2pPort),
      ],
      {},
    );
    const nodes = ready.nodes as {
      org: string;
      apiUrl: string;
      pid: number;
      status: { consensus?: unknown };
    }[];
    try {
      assert.deepEqual(
        nodes.map((n) => n.org),
        ['org1', 'org2', 'org3', 'org4'],
      );
      assert.equal(new Set(nodes.map((n) => n.pid)).size, 4, 'one process per organization');
      for (const org of ['org1', 'org2', 'org3', 'org4']) {
        assert.ok(existsSync(join(netDir, org, 'keys', 'validator.key')));
        assert.ok(existsSync(join(netDir, org, 'keys', 'client.key')));
      }
      const genesis = JSON.parse(await readFile(join(netDir, 'org1', 'genesis.json'), 'utf8')) as {
        organizations: { id: string }[];
        validators: { organization: string }[];
      };
      assert.deepEqual(
        genesis.validators.map((v) => v.organization),
        genesis.organizations.map((o) => o.id),
      );
      const file = join(dir, 'net-evidence.txt');
      await writeFile(file, 'notarized by a 4-organization network');
      const sub = await cli([
        'evidence',
        'submit',
        file,
        '--home',
        join(netDir, 'org3'),
        '--node',
        nodes[2]!.apiUrl,
        '--json',
      ]);
      assert.equal(sub.code, 0, sub.stdout + sub.stderr);
      const v = await cli([
        'evidence',
        'verify',
        file,
        `${file}.receipt.json`,
        '--genesis',
        join(netDir, 'org1', 'genesis.json'),
        '--json',
      ]);
      assert.equal(v.code, 0, v.stdout);
      const steps = json(v).steps as { name: string; ok: boolean; detail: string }[];
      const cert = steps.find((s) => s.name === 'certificate');
      assert.ok(cert?.ok);
      const signers = /\[([\d, ]+)\]/.exec(cert.detail)?.[1]?.split(',') ?? [];
      assert.ok(signers.length >= 3, cert.detail);
      const st = await cli(['status', '--node', nodes[1]!.apiUrl, '--json']);
      const consensus = (json(st).status as { consensus: { validators: { connected: boolean }[] } })
        .consensus;
      assert.equal(consensus.validators.length, 4);
      assert.ok(consensus.validators.every((x) => x.connected));
    } finally {
      assert.equal(await stop(child), 0);
    }
    for (const n of nodes) assert.throws(() => process.kill(n.pid, 0), 'node process stopped');
  });
});
