import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { createSuite, type SuiteId } from '@xinlian/crypto';
import type { VerifyReceiptOptions } from '@xinlian/sdk';
import { isHex, toHex, XinlianError } from '@xinlian/utils';
import { type Command, Option } from 'commander';
import { loadKey } from '../keyfile.js';
import { loadSdk, loadSdkNode } from '../lazy.js';
import { readText } from '../passphrase.js';
import { clientHomeFallback, clientKeyPath, homeDir, nodeUrl } from '../paths.js';
import type { CommandContext } from '../program.js';
import { createProgress } from '../progress.js';
import { collect } from '../util.js';

type HashAlgorithm = 'sm3' | 'sha256';
const HASH_OF_SUITE: Readonly<Record<SuiteId, HashAlgorithm>> = Object.freeze({ gm: 'sm3', intl: 'sha256' });
/** How many evidence transactions are in flight at once. */
const CONCURRENCY = 8;

interface HashedFile {
  readonly path: string;
  readonly size: number;
  readonly digest: Uint8Array;
}

/** Hashes files one after another, with a progress bar over all their bytes. */
async function hashFiles(
  paths: readonly string[],
  algorithm: HashAlgorithm,
  ctx: CommandContext,
): Promise<HashedFile[]> {
  const { hashFile } = await loadSdkNode();
  const sizes = paths.map((p) => {
    if (!existsSync(p) || !statSync(p).isFile()) {
      throw new XinlianError('CLI_FILE_NOT_FOUND', `not a readable file: ${p}`, { path: p });
    }
    return statSync(p).size;
  });
  const progress = createProgress(
    sizes.reduce((a, b) => a + b, 0),
    ctx.out,
  );
  try {
    const out: HashedFile[] = [];
    for (const path of paths) {
      const onBytes = progress.file(path);
      const digest = await hashFile(path, algorithm, (p) => onBytes(p.bytesDone));
      out.push({ path, size: digest.size, digest: digest.bytes });
    }
    return out;
  } finally {
    progress.stop();
  }
}

/** Runs `task` over `items` with at most `limit` in flight; resolves with all settled results in order. */
async function settleAll<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>) {
  const results: PromiseSettledResult<R>[] = [];
  for (let i = 0; i < items.length; i += limit) {
    results.push(...(await Promise.allSettled(items.slice(i, i + limit).map(task))));
  }
  return results;
}

function receiptPath(file: string, outDir: string | undefined): string {
  const name = `${basename(file)}.receipt.json`;
  return outDir === undefined ? `${file}.receipt.json` : join(outDir, name);
}

async function saveJson(path: string, doc: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(doc, null, 2)}\n`);
}

interface SubmitOptions {
  node?: string;
  key?: string;
  home?: string;
  batch?: true;
  tag?: string[];
  label?: string;
  mediaType?: string;
  out?: string;
  passphraseFile?: string;
}

async function submit(files: string[], opts: SubmitOptions, ctx: CommandContext): Promise<void> {
  const { io, out } = ctx;
  const paths = files.map((f) => resolve(io.cwd, f));
  const outDir = opts.out === undefined ? undefined : resolve(io.cwd, opts.out);
  if (outDir !== undefined) {
    const names = paths.map((p) => basename(p));
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) {
      throw new XinlianError(
        'CLI_USAGE',
        `two files are named ${dup}; their receipts would collide in --out`,
        {},
      );
    }
  }
  const keyFile = clientKeyPath({ key: opts.key, home: opts.home }, io);
  const devHome =
    opts.key === undefined && io.env.XINLIAN_KEY === undefined
      ? homeDir(opts.home, io, clientHomeFallback(io))
      : undefined;
  const url = nodeUrl(opts.node, io);
  const { buildBatch, buildTx, evidenceArgs, XinlianClient } = await loadSdk();
  const client = new XinlianClient({ url });
  const [status, genesis] = await Promise.all([client.status(), client.genesis()]);
  const { key, info } = await loadKey(keyFile, { passphraseFile: opts.passphraseFile, devHome }, io);
  if (info.suite !== status.suite) {
    throw new XinlianError(
      'CLI_WRONG_SUITE',
      `key ${keyFile} is a ${info.suite} key but the chain uses ${status.suite}`,
      {
        keySuite: info.suite,
        chainSuite: status.suite,
      },
    );
  }
  const algorithm = HASH_OF_SUITE[status.suite];
  const hashed = await hashFiles(paths, algorithm, ctx);
  if (outDir !== undefined) await mkdir(outDir, { recursive: true });
  const expiryHeight = status.height + (status.params?.maxTxLifetime ?? genesis.params.maxTxLifetime);
  const txBase = { chainId: status.chainId, key, expiryHeight };

  if (opts.batch === true) {
    const suite = createSuite(status.suite);
    const batch = buildBatch(
      hashed.map((h) => h.digest),
      suite,
    );
    const call = evidenceArgs.anchorBatch({
      root: toHex(batch.root),
      size: batch.size,
      algorithm,
      ...(opts.label === undefined ? {} : { label: opts.label }),
    });
    const tx = buildTx({ ...txBase, ...call });
    const res = await client.evidence.submitBatch(
      tx,
      hashed.map((h) => h.digest),
      { wait: 'commit' },
    );
    requireOk(res.result, `batch of ${hashed.length} files`);
    const recordId = recordIdOf(res.result.result, res.txId);
    const results = [];
    for (const h of hashed) {
      const digest = { algorithm, value: toHex(h.digest) };
      const receipt = await client.evidence.receipt(algorithm, digest.value);
      const path = receiptPath(h.path, outDir);
      await saveJson(path, receipt);
      results.push({ file: h.path, digest, leafIndex: receipt.anchor?.leafIndex ?? null, receipt: path });
    }
    out.result({
      ok: true,
      node: url,
      batch: { recordId, txId: res.txId, height: res.height, root: toHex(batch.root), size: batch.size },
      files: results,
    });
    out.line(`anchored ${hashed.length} file(s) as batch ${recordId} at height ${res.height}`);
    out.line(`  root ${toHex(batch.root)} (${algorithm} leaves)`);
    for (const r of results) out.line(`  ${r.file}  leaf ${r.leafIndex}  receipt ${r.receipt}`);
    return;
  }

  const settled = await settleAll(hashed, CONCURRENCY, async (h) => {
    const digest = { algorithm, value: toHex(h.digest) };
    const call = evidenceArgs.submit({
      digests: [digest],
      fileName: basename(h.path),
      size: h.size,
      ...(opts.tag === undefined ? {} : { tags: opts.tag }),
      ...(opts.mediaType === undefined ? {} : { mediaType: opts.mediaType }),
    });
    const tx = buildTx({ ...txBase, ...call });
    const res = await client.evidence.submit(tx, { wait: 'commit' });
    requireOk(res.result, h.path);
    const receipt = await client.evidence.receipt(algorithm, digest.value);
    const path = receiptPath(h.path, outDir);
    await saveJson(path, receipt);
    const existing = existingOf(res.result.result);
    return {
      file: h.path,
      digest,
      recordId: recordIdOf(res.result.result, res.txId),
      existing,
      txId: res.txId,
      height: res.height,
      receipt: path,
    };
  });
  const done = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.flatMap((s, i) =>
    s.status === 'rejected' ? [{ file: paths[i], reason: s.reason as unknown }] : [],
  );
  if (failed.length > 0 && done.length === 0) throw failed[0]?.reason;
  for (const r of done) {
    out.line(`${r.file}`);
    out.line(`  ${r.digest.algorithm} ${r.digest.value}`);
    out.line(`  record ${r.recordId}${r.existing ? ' (already notarized)' : ''}  height ${r.height}`);
    out.line(`  receipt ${r.receipt}`);
  }
  if (failed.length > 0) {
    const first = failed[0]?.reason;
    throw new XinlianError('CLI_PARTIAL_FAILURE', `${failed.length} of ${paths.length} file(s) failed`, {
      submitted: done,
      failed: failed.map((f) => ({ file: f.file, error: errorJson(f.reason) })),
      hint: first instanceof Error ? first.message : String(first),
    });
  }
  out.result({ ok: true, node: url, files: done });
}

function errorJson(e: unknown): unknown {
  return e instanceof XinlianError ? e.toJSON() : { code: 'CLI_INTERNAL', message: String(e) };
}

function requireOk(result: { status: string; code: string; message: string }, what: string): void {
  if (result.status !== 'ok') {
    throw new XinlianError(
      'CLI_TX_FAILED',
      `the transaction for ${what} failed: ${result.code} ${result.message}`,
      {
        txCode: result.code,
        txMessage: result.message,
      },
    );
  }
}

function recordIdOf(result: unknown, txId: string): string {
  if (
    typeof result === 'object' &&
    result !== null &&
    'recordId' in result &&
    typeof result.recordId === 'string'
  ) {
    return result.recordId;
  }
  return txId;
}

function existingOf(result: unknown): boolean {
  return typeof result === 'object' && result !== null && 'existing' in result && result.existing === true;
}

async function parseJsonFile(path: string, what: string, code: string): Promise<unknown> {
  const text = await readText(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new XinlianError(code, `${what} ${path} is not valid JSON`, { path }, { cause: e });
  }
}

function receiptAlgorithm(receipt: unknown): HashAlgorithm | undefined {
  const r = receipt as { subject?: { digest?: { algorithm?: unknown } } } | null;
  const a = r?.subject?.digest?.algorithm;
  return a === 'sm3' || a === 'sha256' ? a : undefined;
}

async function verify(
  file: string,
  receiptFile: string,
  opts: { genesis?: string; node?: string },
  ctx: CommandContext,
): Promise<void> {
  const { io, out } = ctx;
  if (opts.genesis !== undefined && opts.node !== undefined) {
    throw new XinlianError('CLI_USAGE', 'pass either --genesis FILE or --node URL, not both', {});
  }
  const path = resolve(io.cwd, file);
  const receiptPathAbs = resolve(io.cwd, receiptFile);
  const receipt = await parseJsonFile(receiptPathAbs, 'receipt', 'CLI_BAD_RECEIPT');
  const { verifyReceipt, XinlianClient } = await loadSdk();
  let genesis: VerifyReceiptOptions['genesis'];
  let genesisSource: string;
  if (opts.genesis !== undefined) {
    genesisSource = resolve(io.cwd, opts.genesis);
    genesis = (await parseJsonFile(
      genesisSource,
      'genesis',
      'CLI_BAD_GENESIS',
    )) as VerifyReceiptOptions['genesis'];
  } else {
    genesisSource = nodeUrl(opts.node, io);
    genesis = await new XinlianClient({ url: genesisSource }).genesis();
    out.note(
      `note: the trusted genesis was fetched from ${genesisSource}; for an independent check pass --genesis FILE`,
    );
  }
  // A malformed genesis gets no algorithm here; verifyReceipt then reports it at its genesis step.
  const algorithm = receiptAlgorithm(receipt) ?? HASH_OF_SUITE[genesis.suite] ?? 'sha256';
  const [hashed] = await hashFiles([path], algorithm, ctx);
  const digest = hashed?.digest ?? new Uint8Array();
  const report = verifyReceipt(receipt, { genesis, file: { digest } });
  out.result({
    ok: report.ok,
    file: path,
    receipt: receiptPathAbs,
    genesis: genesisSource,
    digest: { algorithm, value: toHex(digest) },
    steps: report.steps,
  });
  out.line(`verifying ${path}`);
  out.line(`  receipt ${receiptPathAbs}`);
  out.line(`  genesis ${genesisSource}`);
  const failedStep = report.steps.find((s) => !s.ok);
  for (const step of report.steps) {
    // Steps after the first failure were not checked: show them as skipped, not as failed.
    const mark = step.ok ? '✓' : step === failedStep ? '✗' : '·';
    out.line(`  ${mark} ${step.name}${step.detail ? ` — ${step.detail}` : ''}`);
  }
  out.line(report.ok ? 'VERIFIED' : `FAILED at step: ${failedStep?.name ?? '?'}`);
  if (!report.ok) ctx.exitCode = 3;
}

async function get(target: string, opts: { node?: string; algorithm?: HashAlgorithm }, ctx: CommandContext) {
  const { io, out } = ctx;
  const url = nodeUrl(opts.node, io);
  const { XinlianClient } = await loadSdk();
  const client = new XinlianClient({ url });
  const path = resolve(io.cwd, target);
  const isFile = existsSync(path) && statSync(path).isFile();
  if (!isFile && !isHex(target, 32)) {
    throw new XinlianError('CLI_USAGE', `${target} is neither a file nor a 64-hex-digit digest`, {});
  }
  const algorithm = opts.algorithm ?? HASH_OF_SUITE[(await client.status()).suite];
  const value = isFile
    ? toHex((await hashFiles([path], algorithm, ctx))[0]?.digest ?? new Uint8Array())
    : target.toLowerCase();
  const found = await client.evidence.get(algorithm, value);
  if (found.record === null && found.batch === null) {
    throw new XinlianError('CLI_NOT_FOUND', `no evidence for ${algorithm}:${value}`, { algorithm, value });
  }
  out.result({ ok: true, node: url, digest: { algorithm, value }, ...found });
  out.line(`${'digest'.padEnd(10)} ${algorithm}:${value}`);
  if (found.batch !== null) {
    const b = found.batch;
    out.line(`${'batch'.padEnd(10)} ${b.recordId}  leaf ${b.leafIndex} of ${b.treeSize}, root ${b.root}`);
  }
  if (found.record !== null) {
    for (const [k, v] of Object.entries(found.record)) {
      const text = k === 'time' && typeof v === 'number' ? new Date(v).toISOString() : JSON.stringify(v);
      out.line(`${k.padEnd(10)} ${typeof v === 'string' ? v : text}`);
    }
  }
}

/** `xinlian evidence submit|verify|get`. */
export function registerEvidence(program: Command, ctx: CommandContext): void {
  const evidence = program.command('evidence').description('notarize files (存证) and verify receipts');
  const nodeHelp = 'node API URL (default: $XINLIAN_NODE or http://127.0.0.1:8080)';

  evidence
    .command('submit')
    .description('hash files locally and notarize each (or all as one batch); save their receipts')
    .argument('<files...>', 'files to notarize (only their digests leave this machine)')
    .option('--node <url>', nodeHelp)
    .option('--key <file>', 'client key file (default: $XINLIAN_KEY or <home>/keys/client.key)')
    .option(
      '--home <dir>',
      'home whose keys/client.key is the default (default: $XINLIAN_HOME, else .xinlian/dev or .xinlian/net/org1 if present)',
    )
    .option('--batch', 'anchor all files with one anchorBatch transaction (Merkle root of their digests)')
    .option('--tag <tag>', 'tag the records (repeatable; not with --batch)', collect)
    .option('--label <text>', 'label of the batch record (with --batch)')
    .option('--media-type <type>', 'media type of the files, e.g. application/pdf')
    .option('--out <dir>', 'write receipts into this directory instead of next to the files')
    .option('--passphrase-file <file>', 'read the key passphrase from the first line of this file')
    .action(async (files: string[], opts: SubmitOptions) => {
      if (opts.batch === true && (opts.tag !== undefined || opts.mediaType !== undefined)) {
        throw new XinlianError(
          'CLI_USAGE',
          '--tag and --media-type apply to single records, not to --batch',
          {},
        );
      }
      if (opts.batch !== true && opts.label !== undefined) {
        throw new XinlianError('CLI_USAGE', '--label applies to --batch only', {});
      }
      await submit(files, opts, ctx);
    });

  evidence
    .command('verify')
    .description('verify a file against its receipt offline, from a trusted genesis; exit 3 if it fails')
    .argument('<file>', 'the notarized file')
    .argument('<receipt>', 'its xinlian-receipt/1 JSON')
    .option('--genesis <file>', 'trusted genesis.json (offline verification)')
    .option('--node <url>', 'fetch the genesis from this node instead (trusts the node)')
    .action((file: string, receipt: string, opts: { genesis?: string; node?: string }) =>
      verify(file, receipt, opts, ctx),
    );

  evidence
    .command('get')
    .description("look up the evidence for a file's digest (or a hex digest)")
    .argument('<digest-or-file>', 'a file (hashed locally) or a 64-hex-digit digest')
    .option('--node <url>', nodeHelp)
    .addOption(
      new Option('--algorithm <alg>', "digest algorithm (default: the chain's suite hash)").choices([
        'sm3',
        'sha256',
      ]),
    )
    .action((target: string, opts: { node?: string; algorithm?: HashAlgorithm }) => get(target, opts, ctx));
}
