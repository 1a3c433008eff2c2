/**
 * `xinlian trace …`: product traceability on GS1 EPCIS 2.0 through a node's /epcis binding
 * (docs/traceability.md): capture documents and events, query, fetch and verify event receipts,
 * and register identifier ranges (signed transactions).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { JsonValue } from '@xinlian/codec';
import { XinlianError } from '@xinlian/utils';
import type { Command } from 'commander';
import { loadKey } from '../keyfile.js';
import { loadSdk } from '../lazy.js';
import { clientKeyPath, DEV_HOME, homeDir, nodeUrl } from '../paths.js';
import type { CommandContext } from '../program.js';
import { collect, parsePositiveInt } from '../util.js';

const loadTraceability = () => import('@xinlian/module-traceability');

async function jsonFile(ctx: CommandContext, file: string, what: string): Promise<unknown> {
  const path = resolve(ctx.io.cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new XinlianError('CLI_FILE_UNREADABLE', `cannot read ${what} ${path}`, { path }, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new XinlianError('CLI_USAGE', `${what} ${path} is not valid JSON`, { path }, { cause: e });
  }
}

async function client(ctx: CommandContext, node: string | undefined) {
  const { XinlianClient } = await loadSdk();
  return new XinlianClient({ url: nodeUrl(node, ctx.io) });
}

type QueryDoc = {
  epcisBody?: { queryResults?: { resultsBody?: { eventList?: Record<string, unknown>[] } } };
};

/** `xinlian trace capture|event|events|receipt|verify|range`. */
export function registerTrace(program: Command, ctx: CommandContext): void {
  const trace = program
    .command('trace')
    .description(
      'product traceability (产品溯源) on GS1 EPCIS 2.0: capture, query, receipts, identifier ranges',
    );
  const nodeOpt = ['--node <url>', 'node API URL (default: $XINLIAN_NODE or http://127.0.0.1:8080)'] as const;

  trace
    .command('capture')
    .description(
      "capture an EPCIS document (POST /epcis/capture) in the node's organization; waits for the job",
    )
    .argument('<file>', 'EPCISDocument (.json / .jsonld)')
    .option('--proceed', 'GS1-Capture-Error-Behaviour: proceed (capture the valid events; default rollback)')
    .option(...nodeOpt)
    .action(async (file: string, opts: { proceed?: boolean; node?: string }) => {
      const c = await client(ctx, opts.node);
      const doc = await jsonFile(ctx, file, 'document');
      const started = await c.traceability.capture(doc, {
        errorBehaviour: opts.proceed ? 'proceed' : 'rollback',
      });
      const job = await c.traceability.waitForCapture(started.captureID);
      ctx.out.result({ ok: job.success, job });
      ctx.out.line(
        `capture ${job.captureID}: ${job.success ? 'ok' : 'with errors'} (${job.eventIDs.length} events recorded)`,
      );
      for (const id of job.eventIDs) ctx.out.line(`  ${id}`);
      for (const e of job.errors) {
        ctx.out.line(
          `  error ${e.eventIndex === undefined ? '' : `event ${e.eventIndex} `}${e.code}: ${e.message}`,
        );
      }
      if (!job.success) ctx.exitCode = 1;
    });

  trace
    .command('event')
    .description('capture one EPCIS event (POST /epcis/events), answered once committed')
    .argument('<file>', 'one EPCIS event with its @context')
    .option(...nodeOpt)
    .action(async (file: string, opts: { node?: string }) => {
      const c = await client(ctx, opts.node);
      const r = await c.traceability.captureEvent(await jsonFile(ctx, file, 'event'));
      ctx.out.result({ ok: true, ...r });
      ctx.out.line(`${r.eventID}  (tx ${r.txId}, height ${r.height})`);
    });

  trace
    .command('events')
    .description('query events (GET /epcis/events, or /epcis/epcs/{epc}/events with --epc)')
    .option('--epc <epc>', 'events naming this EPC in any role (EPC URI or Digital Link)')
    .option(
      '-q, --param <name=value>',
      'an EPCIS query parameter, e.g. EQ_bizStep=shipping|receiving (repeatable)',
      collect,
    )
    .option('--per-page <n>', 'page size', parsePositiveInt)
    .option(...nodeOpt)
    .action(async (opts: { epc?: string; param?: string[]; perPage?: number; node?: string }) => {
      const c = await client(ctx, opts.node);
      const params: Record<string, string | number> = {};
      for (const p of opts.param ?? []) {
        const i = p.indexOf('=');
        if (i <= 0) throw new XinlianError('CLI_USAGE', `--param ${p}: expected name=value`, {});
        params[p.slice(0, i)] = p.slice(i + 1);
      }
      if (opts.perPage !== undefined) params.perPage = opts.perPage;
      const doc =
        opts.epc === undefined
          ? await c.traceability.events<QueryDoc>(params)
          : await c.traceability.epcEvents<QueryDoc>(opts.epc, params);
      const events = doc.epcisBody?.queryResults?.resultsBody?.eventList ?? [];
      ctx.out.result(doc);
      for (const e of events) {
        ctx.out.line(
          `${String(e.eventTime)}  ${String(e.type).padEnd(19)} ${String(e.bizStep ?? '-').padEnd(14)} ${String(e.eventID)}`,
        );
      }
      ctx.out.line(`${events.length} events`);
    });

  trace
    .command('receipt')
    .description("fetch an event's offline-verifiable receipt")
    .argument('<eventID>', 'CBV 2.0 hash ID (ni:///sha-256;…) or declared eventID')
    .option('-o, --out <file>', 'write it to this file (default: stdout)')
    .option(...nodeOpt)
    .action(async (eventID: string, opts: { out?: string; node?: string }) => {
      const c = await client(ctx, opts.node);
      const receipt = await c.traceability.receipt(eventID);
      if (opts.out === undefined) {
        ctx.out.result(receipt);
        ctx.out.line(JSON.stringify(receipt, null, 2));
        return;
      }
      const path = resolve(ctx.io.cwd, opts.out);
      await writeFile(path, `${JSON.stringify(receipt, null, 2)}\n`);
      ctx.out.result({ ok: true, receipt: path });
      ctx.out.line(`wrote ${path}`);
    });

  trace
    .command('verify')
    .description(
      'verify an event receipt offline from a trusted genesis (re-hashing the event); exit 3 if it fails',
    )
    .argument('<receipt>', 'receipt JSON file')
    .requiredOption('--genesis <file>', 'the trusted genesis.json')
    .action(async (receiptFile: string, opts: { genesis: string }) => {
      const receipt = await jsonFile(ctx, receiptFile, 'receipt');
      const genesis = (await jsonFile(ctx, opts.genesis, 'genesis')) as Parameters<
        Awaited<ReturnType<typeof loadSdk>>['verifyReceipt']
      >[1]['genesis'];
      const { verifyReceipt } = await loadSdk();
      const { eventHash } = await loadTraceability();
      const report = verifyReceipt(receipt, { genesis, eventHash: (e) => eventHash(e) });
      ctx.out.result({ ok: report.ok, steps: report.steps });
      const failed = report.steps.find((s) => !s.ok);
      for (const s of report.steps) {
        ctx.out.line(
          `  ${s.ok ? '✓' : s === failed ? '✗' : '·'} ${s.name}${s.detail ? ` — ${s.detail}` : ''}`,
        );
      }
      ctx.out.line(report.ok ? 'VERIFIED' : `FAILED at step: ${failed?.name ?? '?'}`);
      if (!report.ok) ctx.exitCode = 3;
    });

  trace
    .command('range')
    .description("register (or release) an identifier range of the signer's organization (signed tx)")
    .argument('<prefix>', 'GS1 company prefix (digits), or a URI prefix with --uri')
    .option('--uri', 'the prefix is a URI prefix')
    .option('--partner <org>', 'an organization allowed to commission in the range (repeatable)', collect)
    .option('--release', 'release the range instead')
    .option(...nodeOpt)
    .option('--key <file>', 'signing key file (default: $XINLIAN_KEY or the dev client key)')
    .option('--home <dir>', 'node home whose client key to use')
    .option('--passphrase-file <file>', 'read the key passphrase from this file')
    .action(
      async (
        prefix: string,
        opts: {
          uri?: boolean;
          partner?: string[];
          release?: boolean;
          node?: string;
          key?: string;
          home?: string;
          passphraseFile?: string;
        },
      ) => {
        const { io } = ctx;
        const keyFile = clientKeyPath({ key: opts.key, home: opts.home }, io);
        const devHome =
          opts.key === undefined && io.env.XINLIAN_KEY === undefined
            ? homeDir(opts.home, io, DEV_HOME)
            : undefined;
        const { buildTx } = await loadSdk();
        const c = await client(ctx, opts.node);
        const [status, genesis] = await Promise.all([c.status(), c.genesis()]);
        const { key } = await loadKey(keyFile, { passphraseFile: opts.passphraseFile, devHome }, io);
        const kind = opts.uri ? 'uri' : 'gs1';
        const args: JsonValue = opts.release
          ? { kind, prefix }
          : { kind, prefix, partners: opts.partner ?? [] };
        const tx = buildTx({
          chainId: status.chainId,
          key,
          module: 'traceability',
          method: opts.release ? 'releaseRange' : 'registerRange',
          args,
          expiryHeight: status.height + genesis.params.maxTxLifetime,
        });
        const committed = await c.submitTx(tx, { wait: 'commit' });
        if (committed.result.status !== 'ok') {
          throw new XinlianError(committed.result.code, committed.result.message, { txId: committed.txId });
        }
        ctx.out.result({
          ok: true,
          txId: committed.txId,
          height: committed.height,
          result: committed.result.result,
        });
        ctx.out.line(
          `${opts.release ? 'released' : 'registered'} ${kind}:${prefix} (tx ${committed.txId}, height ${committed.height})`,
        );
      },
    );
}
