import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadNode } from '../lazy.js';
import { homeDir } from '../paths.js';
import type { CommandContext } from '../program.js';

/** `xinlian backup`: a consistent hot snapshot of a node's database. */
export function registerBackup(program: Command, ctx: CommandContext): void {
  program
    .command('backup')
    .description('write a consistent snapshot of a node database (safe while the node runs)')
    .requiredOption('--out <dir>', 'target directory (new or empty)')
    .option('--home <dir>', 'node home directory (default: $XINLIAN_HOME or .xinlian/node)')
    .action(async (opts: { out: string; home?: string }) => {
      const home = homeDir(opts.home, ctx.io);
      const { backupHome } = await loadNode();
      const r = await backupHome({ home, out: resolve(ctx.io.cwd, opts.out) });
      ctx.out.result({ ok: true, home, out: r.out, height: r.height });
      ctx.out.line(`backed up ${home} at height ${r.height} to ${r.out}`);
      ctx.out.line(`restore: stop the node, replace ${home}/data with the contents of ${r.out}, start it`);
    });
}
