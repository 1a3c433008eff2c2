import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { JsonValue } from '@xinlian/codec';
import { XinlianError } from '@xinlian/utils';
import { type Command, Option } from 'commander';
import { loadKey } from '../keyfile.js';
import { loadSdk } from '../lazy.js';
import { clientKeyPath, DEV_HOME, homeDir, nodeUrl } from '../paths.js';
import type { CommandContext } from '../program.js';
import { parsePositiveInt } from '../util.js';

interface TxOptions {
  node?: string;
  key?: string;
  home?: string;
  passphraseFile?: string;
}

function txOptions(cmd: Command): Command {
  return cmd
    .option('--node <url>', 'node API URL (default: $XINLIAN_NODE or http://127.0.0.1:8080)')
    .option('--key <file>', 'signing key file (default: $XINLIAN_KEY or the dev client key)')
    .option('--home <dir>', 'node home whose client key to use')
    .option('--passphrase-file <file>', 'read the key passphrase from this file');
}

/** Signs a governance tx, submits it and waits for its block; throws the receipt's code if it failed. */
async function send(
  ctx: CommandContext,
  opts: TxOptions,
  method: string,
  args: JsonValue,
): Promise<{ txId: string; height: number; result: unknown }> {
  const { io } = ctx;
  const keyFile = clientKeyPath({ key: opts.key, home: opts.home }, io);
  const devHome =
    opts.key === undefined && io.env.XINLIAN_KEY === undefined ? homeDir(opts.home, io, DEV_HOME) : undefined;
  const { buildTx, XinlianClient } = await loadSdk();
  const client = new XinlianClient({ url: nodeUrl(opts.node, io) });
  const [status, genesis] = await Promise.all([client.status(), client.genesis()]);
  const { key } = await loadKey(keyFile, { passphraseFile: opts.passphraseFile, devHome }, io);
  const tx = buildTx({
    chainId: status.chainId,
    key,
    module: 'governance',
    method,
    args,
    // The chain's current limit (governance may have lowered the genesis one).
    expiryHeight: status.height + (status.params?.maxTxLifetime ?? genesis.params.maxTxLifetime),
  });
  const committed = await client.submitTx(tx, { wait: 'commit' });
  if (committed.result.status !== 'ok') {
    throw new XinlianError(committed.result.code, committed.result.message, {
      txId: committed.txId,
      height: committed.height,
    });
  }
  return { txId: committed.txId, height: committed.height, result: committed.result.result };
}

/** Options of read commands: the node, and the member key that signs reads on `api.readAccess: "members"` nodes. */
export interface ReadOptions {
  node?: string;
  readKey?: string;
  passphraseFile?: string;
}

export function readOptions(cmd: Command): Command {
  return cmd
    .option('--node <url>', 'node API URL (default: $XINLIAN_NODE or http://127.0.0.1:8080)')
    .option(
      '--read-key <file>',
      'sign reads with this member key file (nodes with api.readAccess "members"; default $XINLIAN_READ_KEY)',
    )
    .option('--passphrase-file <file>', 'read the --read-key passphrase from this file');
}

/** An SDK client for reads; signs them with --read-key / $XINLIAN_READ_KEY when given. */
export async function readClient(ctx: CommandContext, o: ReadOptions) {
  const { XinlianClient, readAuthorizer } = await loadSdk();
  const url = nodeUrl(o.node, ctx.io);
  const keyFile = o.readKey ?? ctx.io.env.XINLIAN_READ_KEY;
  if (keyFile === undefined) return new XinlianClient({ url });
  const { key } = await loadKey(resolve(ctx.io.cwd, keyFile), { passphraseFile: o.passphraseFile }, ctx.io);
  const { chainId } = await new XinlianClient({ url }).status();
  return new XinlianClient({ url, authorize: readAuthorizer({ key, chainId }) });
}

async function query(ctx: CommandContext, o: ReadOptions, name: string, params: JsonValue) {
  return (await readClient(ctx, o)).query('governance', name, params);
}

/** `--action '{"type":…}'` or `--action @file.json`. */
async function jsonArg(ctx: CommandContext, value: string, what: string): Promise<JsonValue> {
  const text = value.startsWith('@') ? await readFile(resolve(ctx.io.cwd, value.slice(1)), 'utf8') : value;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new XinlianError('CLI_USAGE', `${what} is not valid JSON`, {});
  }
}

/** A time as ms since epoch or an ISO 8601 date. */
function parseTime(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new XinlianError('CLI_USAGE', `not a time: ${value}`, {});
  return ms;
}

interface TargetOptions {
  account?: string;
  module?: string;
  record?: string;
}

function targetOf(o: TargetOptions): JsonValue {
  const given = [o.account, o.module, o.record].filter((x) => x !== undefined).length;
  if (given !== 1)
    throw new XinlianError('CLI_USAGE', 'give exactly one of --account, --module, --record', {});
  if (o.account !== undefined) return { kind: 'account', address: o.account.toLowerCase() };
  if (o.module !== undefined) return { kind: 'module', module: o.module };
  const [module, ...rest] = o.record!.split('/');
  if (module === undefined || rest.length === 0) {
    throw new XinlianError('CLI_USAGE', '--record is MODULE/RECORD_ID', {});
  }
  return { kind: 'record', module, record: rest.join('/') };
}

interface ProposalView {
  id: number;
  title: string;
  status: string;
  action: { type: string };
  deadlineHeight: number;
  executeAt: number | null;
  votes: { org: string; choice: string; height: number }[];
  history: { event: string; height: number; org?: string; choice?: string; code?: string }[];
  tally?: { yes: number; no: number; abstain: number; pending: number };
}

/** `xinlian gov …` (proposals and votes) and `xinlian regulator …` (freezes and audit reports). */
export function registerGov(program: Command, ctx: CommandContext): void {
  const { out } = ctx;
  const gov = program.command('gov').description('governance: propose, vote, list and show proposals');

  txOptions(
    gov
      .command('propose')
      .description(
        'propose an action (JSON: {"type":"addOrganization"|"setParams"|…}, spec/governance.md §4)',
      )
      .requiredOption('--action <json|@file>', 'the action as JSON, or @file.json')
      .requiredOption('--title <text>', 'title')
      .option('--description <text>', 'description')
      .option('--deadline <blocks>', 'votes accepted for this many blocks (default 100)', parsePositiveInt)
      .option('--execute-height <height>', 'earliest execution height once passed', parsePositiveInt),
  ).action(
    async (
      o: TxOptions & {
        action: string;
        title: string;
        description?: string;
        deadline?: number;
        executeHeight?: number;
      },
    ) => {
      const { XinlianClient } = await loadSdk();
      const status = await new XinlianClient({ url: nodeUrl(o.node, ctx.io) }).status();
      const args: { [k: string]: JsonValue } = {
        action: await jsonArg(ctx, o.action, '--action'),
        title: o.title,
        deadlineHeight: status.height + 1 + (o.deadline ?? 100),
      };
      if (o.description !== undefined) args.description = o.description;
      if (o.executeHeight !== undefined) args.executeHeight = o.executeHeight;
      const r = await send(ctx, o, 'propose', args);
      const p = r.result as { proposal: number };
      out.result({ ok: true, ...r, proposal: p.proposal });
      out.line(`proposal ${p.proposal} created at height ${r.height} (tx ${r.txId})`);
    },
  );

  txOptions(
    gov
      .command('vote')
      .description('vote for your organization on a proposal: yes, no or abstain')
      .argument('<proposal>', 'proposal ID', parsePositiveInt)
      .argument('<choice>', 'yes | no | abstain'),
  ).action(async (proposal: number, choice: string, o: TxOptions) => {
    if (!['yes', 'no', 'abstain'].includes(choice)) {
      throw new XinlianError('CLI_USAGE', 'choice is yes, no or abstain', { choice });
    }
    const r = await send(ctx, o, 'vote', { proposal, choice });
    const v = r.result as { status: string; executeAt: number | null };
    out.result({ ok: true, ...r, proposal, choice, status: v.status, executeAt: v.executeAt });
    out.line(
      `voted ${choice} on proposal ${proposal}: now ${v.status}${v.executeAt === null ? '' : `, executes at height ${v.executeAt}`}`,
    );
  });

  readOptions(gov.command('list').description('list proposals, newest first'))
    .addOption(
      new Option('--status <status>', 'only this status').choices([
        'open',
        'passed',
        'rejected',
        'expired',
        'executed',
        'failed',
      ]),
    )
    .option('--limit <n>', 'at most this many (default 100)', parsePositiveInt)
    .action(async (o: ReadOptions & { status?: string; limit?: number }) => {
      const params: { [k: string]: JsonValue } = {};
      if (o.status !== undefined) params.status = o.status;
      if (o.limit !== undefined) params.limit = o.limit;
      const list = (await query(ctx, o, 'proposals', params)) as ProposalView[];
      out.result({ ok: true, proposals: list });
      if (list.length === 0) out.line('no proposals');
      for (const p of list) {
        out.line(
          `${p.id}  ${p.status.padEnd(8)}  ${p.action.type.padEnd(18)}  deadline ${p.deadlineHeight}  ${p.title}`,
        );
      }
    });

  readOptions(
    gov
      .command('show')
      .description('show a proposal with its votes and full history')
      .argument('<proposal>', 'proposal ID', parsePositiveInt),
  ).action(async (id: number, o: ReadOptions) => {
    const p = (await query(ctx, o, 'proposal', { id })) as ProposalView;
    out.result({ ok: true, proposal: p });
    out.line(`proposal ${p.id}: ${p.title}`);
    out.line(`status    ${p.status}${p.executeAt === null ? '' : ` (executes at ${p.executeAt})`}`);
    out.line(`action    ${JSON.stringify(p.action)}`);
    out.line(`deadline  ${p.deadlineHeight}`);
    if (p.tally)
      out.line(
        `tally     yes ${p.tally.yes}  no ${p.tally.no}  abstain ${p.tally.abstain}  pending ${p.tally.pending}`,
      );
    out.line('history');
    for (const h of p.history) {
      const who = h.org === undefined ? '' : ` ${h.org}`;
      out.line(
        `  ${String(h.height).padStart(8)}  ${h.event}${who}${h.choice ? ` ${h.choice}` : ''}${h.code ? ` ${h.code}` : ''}`,
      );
    }
  });

  txOptions(
    gov
      .command('register-key')
      .description('register a key (no certificate) with a role in your organization (admins)')
      .requiredOption('--org <org>', 'organization ID')
      .requiredOption('--public-key <hex>', 'the public key (hex, as `xinlian keys show` prints it)')
      .addOption(
        new Option('--role <role>', 'role')
          .choices(['admin', 'client', 'validator', 'observer', 'regulator', 'auditor'])
          .makeOptionMandatory(),
      )
      .requiredOption('--name <name>', 'member name'),
  ).action(async (o: TxOptions & { org: string; publicKey: string; role: string; name: string }) => {
    const r = await send(ctx, o, 'registerKey', {
      org: o.org,
      publicKey: o.publicKey.toLowerCase(),
      role: o.role,
      name: o.name,
    });
    const m = r.result as { address: string };
    out.result({ ok: true, ...r, member: r.result });
    out.line(`registered ${o.role} ${m.address} in ${o.org} at height ${r.height}`);
  });

  txOptions(
    gov
      .command('register-member')
      .description('register a member certificate issued by an organization CA (its holder or an org admin)')
      .requiredOption('--cert <file>', 'the member certificate (PEM)'),
  ).action(async (o: TxOptions & { cert: string }) => {
    const certificate = await readFile(resolve(ctx.io.cwd, o.cert), 'utf8');
    const r = await send(ctx, o, 'registerMember', { certificate });
    const m = r.result as { address: string; org: string; role: string; serial: string };
    out.result({ ok: true, ...r, member: r.result });
    out.line(`registered ${m.role} ${m.address} of ${m.org} (certificate ${m.serial}) at height ${r.height}`);
  });

  txOptions(
    gov
      .command('revoke')
      .description('revoke a certificate on chain, effective at once (org admins, regulators)')
      .requiredOption('--org <org>', 'organization ID')
      .requiredOption('--serial <hex>', 'certificate serial (hex)')
      .option('--reason <reason>', 'revocation reason, e.g. keyCompromise'),
  ).action(async (o: TxOptions & { org: string; serial: string; reason?: string }) => {
    const serial = o.serial
      .toLowerCase()
      .replace(/^0x/, '')
      .replace(/:/g, '')
      .replace(/^(00)+(?=.)/, '');
    const r = await send(ctx, o, 'revokeCertificate', {
      org: o.org,
      serial,
      ...(o.reason === undefined ? {} : { reason: o.reason }),
    });
    out.result({ ok: true, ...r, revocation: r.result });
    out.line(`revoked ${o.org}/${serial} at height ${r.height}`);
  });

  readOptions(
    gov
      .command('members')
      .description('list members (optionally of one organization) and organizations')
      .option('--org <org>', 'only this organization'),
  ).action(async (o: ReadOptions & { org?: string }) => {
    const members = (await query(ctx, o, 'members', o.org === undefined ? {} : { org: o.org })) as {
      address: string;
      org: string;
      role: string;
      name: string;
      serial: string | null;
    }[];
    out.result({ ok: true, members });
    for (const m of members) {
      out.line(`${m.address}  ${m.org.padEnd(12)}  ${m.role.padEnd(9)}  ${m.serial ?? '(key)'}  ${m.name}`);
    }
  });

  const reg = program.command('regulator').description('supervision: freeze, unfreeze, audit report');
  const freezeCmd = (name: 'freeze' | 'unfreeze') =>
    txOptions(
      reg
        .command(name)
        .description(`${name} an account, a module (contract) or a record, with a legal basis and reference`)
        .option('--account <address>', 'an account address')
        .option('--module <name>', 'a module (contract)')
        .option('--record <module/id>', 'a record of a module, e.g. evidence/<recordId>')
        .requiredOption('--legal-basis <text>', 'the legal basis (stored on chain)')
        .requiredOption('--reference <ref>', 'the case / document reference (stored on chain)'),
    ).action(async (o: TxOptions & TargetOptions & { legalBasis: string; reference: string }) => {
      const target = targetOf(o);
      const r = await send(ctx, o, name, { target, legalBasis: o.legalBasis, reference: o.reference });
      out.result({ ok: true, ...r, target });
      out.line(
        `${name === 'freeze' ? 'frozen' : 'unfrozen'}: ${JSON.stringify(target)} at height ${r.height} (tx ${r.txId})`,
      );
    });
  freezeCmd('freeze');
  freezeCmd('unfreeze');

  txOptions(
    reg
      .command('file-report')
      .description(
        "record on chain that an audit report over [from, to] was made: its digest (the chain suite's hash: SM3 on gm, SHA-256 on intl) and a reference",
      )
      .requiredOption('--from <time>', 'start of the period (ms since epoch or ISO 8601)', parseTime)
      .requiredOption('--to <time>', 'end of the period, inclusive', parseTime)
      .option('--file <file>', 'the report file (its digest is computed here)')
      .option('--digest <hex>', 'the report digest (32 bytes hex), instead of --file')
      .requiredOption('--reference <ref>', 'the report reference (stored on chain)'),
  ).action(
    async (
      o: TxOptions & { from: number; to: number; file?: string; digest?: string; reference: string },
    ) => {
      if ((o.file === undefined) === (o.digest === undefined)) {
        throw new XinlianError('CLI_USAGE', 'pass exactly one of --file FILE or --digest HEX', {});
      }
      let digest = o.digest?.toLowerCase();
      if (o.file !== undefined) {
        const { XinlianClient } = await loadSdk();
        const { suite } = await new XinlianClient({ url: nodeUrl(o.node, ctx.io) }).status();
        const { createSuite } = await import('@xinlian/crypto');
        const bytes = await readFile(resolve(ctx.io.cwd, o.file));
        digest = Buffer.from(createSuite(suite).hash(bytes)).toString('hex');
      }
      const r = await send(ctx, o, 'fileAuditReport', {
        from: o.from,
        to: o.to,
        digest: digest as string,
        reference: o.reference,
      });
      out.result({ ok: true, ...r, digest, reference: o.reference });
      out.line(
        `audit report ${o.reference} (digest ${digest}) recorded at height ${r.height} (tx ${r.txId})`,
      );
    },
  );

  readOptions(
    reg
      .command('audit')
      .description('export the audit log of administrative actions over a time range (JSON or CSV)')
      .requiredOption('--from <time>', 'start (ms since epoch or ISO 8601)', parseTime)
      .requiredOption('--to <time>', 'end, inclusive (ms since epoch or ISO 8601)', parseTime)
      .addOption(new Option('--format <format>', 'csv or json (default json)').choices(['csv', 'json']))
      .option('--out <file>', 'write the report to this file'),
  ).action(async (o: ReadOptions & { from: number; to: number; format?: 'csv' | 'json'; out?: string }) => {
    const format = o.format ?? 'json';
    const r = (await query(ctx, o, 'audit', { from: o.from, to: o.to, format })) as {
      entries?: unknown[];
      csv?: string;
    };
    const text = format === 'csv' ? r.csv! : `${JSON.stringify(r.entries, null, 2)}\n`;
    const count = format === 'csv' ? r.csv!.trimEnd().split('\r\n').length - 1 : r.entries!.length;
    if (o.out !== undefined) await writeFile(resolve(ctx.io.cwd, o.out), text);
    out.result({
      ok: true,
      from: o.from,
      to: o.to,
      format,
      count,
      ...(o.out ? { file: o.out } : format === 'csv' ? { csv: r.csv } : { entries: r.entries }),
    });
    if (o.out !== undefined) out.line(`${count} audit entries written to ${o.out}`);
    else if (!out.json) ctx.io.stdout.write(text);
  });
}
