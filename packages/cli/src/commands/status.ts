import type { Command } from 'commander';
import { loadSdk } from '../lazy.js';
import { nodeUrl } from '../paths.js';
import type { CommandContext } from '../program.js';

/** `xinlian status`: the node's chain, height, validators and mempool. */
export function registerStatus(program: Command, ctx: CommandContext): void {
  program
    .command('status')
    .description(
      'show a node: chain, suite, height, mempool, and its view of consensus and of every validator',
    )
    .option('--node <url>', 'node API URL (default: $XINLIAN_NODE or http://127.0.0.1:8080)')
    .action(async (opts: { node?: string }) => {
      const url = nodeUrl(opts.node, ctx.io);
      const { XinlianClient } = await loadSdk();
      const s = await new XinlianClient({ url }).status();
      const { out } = ctx;
      out.result({ ok: true, node: url, status: s });
      out.line(`node        ${url}`);
      out.line(`chain       ${s.chainId} (suite ${s.suite})`);
      out.line(`genesis     ${s.genesisHash}`);
      out.line(`height      ${s.height}  block ${s.blockId}`);
      out.line(`app hash    ${s.appHash}`);
      out.line(`mempool     ${s.mempool.size}/${s.mempool.capacity}`);
      out.line(`version     ${s.nodeVersion}`);
      const vs = s.validatorSet;
      out.line(
        `validators  ${s.validators.length}${vs === undefined ? '' : `  (set since height ${vs.since}, hash ${vs.hash.slice(0, 16)}…)`}`,
      );
      if (vs?.next !== undefined) {
        out.line(`  next set from height ${vs.next.since}: ${vs.next.validators.join(', ')}`);
      }
      if (s.governance !== undefined) {
        const g = s.governance;
        out.line(
          `membership  ${g.permissioned ? 'permissioned' : 'open'}; organizations ${g.organizations.join(', ')}`,
        );
        const f = g.filing;
        out.line(
          f === null
            ? 'filing      (none recorded)'
            : `filing      ${f.filingNumber}  ${f.serviceName}  (operator ${f.operator})`,
        );
      }
      if (s.params !== undefined) {
        const p = s.params;
        out.line(
          `params      maxTxBytes ${p.maxTxBytes}  maxTxLifetime ${p.maxTxLifetime}  maxBlockTxs ${p.maxBlockTxs}  maxBlockBytes ${p.maxBlockBytes}  blockIntervalMs ${p.blockIntervalMs}`,
        );
      }
      if (s.upgrade !== undefined) {
        for (const u of s.upgrade.pending) {
          out.line(
            `upgrade     ${u.name} at height ${u.height}${u.supported ? ' (supported)' : ' (NOT supported: this node halts before it)'}${u.info ? `  ${u.info}` : ''}`,
          );
        }
        if (s.upgrade.halted !== null) out.line(`HALTED      ${s.upgrade.halted.reason}`);
      }
      const c = s.consensus;
      if (c === undefined) {
        for (const v of s.validators) out.line(`  ${v.name}  power ${v.power}  address ${v.address}`);
        return;
      }
      const since =
        c.lastCommitAt === null ? 'none yet' : `${Math.max(0, Date.now() - c.lastCommitAt)} ms ago`;
      out.line(
        `consensus   ${c.role}: height ${c.height} round ${c.round} step ${c.step}, last commit ${since}`,
      );
      out.line(`peers       ${c.peers}${c.syncing ? '  (block sync running)' : ''}`);
      out.line('  validator              org       link   height  round  state');
      for (const v of c.validators) {
        const flag = v.state === 'ok' ? 'ok' : v.state.toUpperCase();
        out.line(
          `  ${`${v.name}${v.self ? ' (this)' : ''}`.padEnd(22)} ${(v.organization ?? '-').padEnd(9)} ${(v.connected ? 'up' : 'DOWN').padEnd(6)} ${String(v.lastHeight ?? '-').padStart(6)}  ${String(v.lastRound ?? '-').padStart(5)}  ${flag}`,
        );
      }
    });
}
