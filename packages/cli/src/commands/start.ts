import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LogLevel } from '@xinlian/node';
import { XinlianError } from '@xinlian/utils';
import { type Command, Option } from 'commander';
import { resolvePassphrase } from '../passphrase.js';
import { homeDir } from '../paths.js';
import type { CommandContext } from '../program.js';
import { LOG_LEVELS, runNode } from '../runner.js';
import { parsePort } from '../util.js';

/** `xinlian start`: run the node of a home in this process until SIGINT/SIGTERM. */
export function registerStart(program: Command, ctx: CommandContext): void {
  program
    .command('start')
    .description('run the node of a home (until Ctrl-C)')
    .option('--home <dir>', 'node home (default: $XINLIAN_HOME or .xinlian/node)')
    .option('--host <host>', 'API listen address (overrides config.json)')
    .option('--port <n>', 'API port (overrides config.json; 0 = any free port)', parsePort)
    .addOption(new Option('--log-level <level>', 'node log level (default: config.json)').choices(LOG_LEVELS))
    .option('--passphrase-file <file>', 'read the validator key passphrase from the first line of this file')
    .option(
      '--supported-upgrade <name>',
      'treat this scheduled upgrade as supported (repeatable; for upgrades that need no new code and rehearsals)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .action(
      async (opts: {
        home?: string;
        host?: string;
        port?: number;
        logLevel?: LogLevel;
        passphraseFile?: string;
        supportedUpgrade: string[];
      }) => {
        const { io, out } = ctx;
        const home = homeDir(opts.home, io);
        if (!existsSync(join(home, 'config.json'))) {
          throw new XinlianError('CLI_NO_HOME', `${home} is not a node home (no config.json)`, {
            home,
            hint: `create it with: xinlian init --home ${home}   (or run a dev chain with: xinlian dev)`,
          });
        }
        const passphrase = await resolvePassphrase(
          { file: opts.passphraseFile, devHome: home, purpose: `the validator key of ${home}` },
          io,
        );
        const nodeOpts = {
          home,
          passphrase,
          apiHost: opts.host,
          apiPort: opts.port,
          logLevel: opts.logLevel,
          supportedUpgrades: opts.supportedUpgrade,
        };
        await runNode(nodeOpts, ctx, (info) => {
          out.line(
            `Xinlian node running — chain ${info.chainId} (suite ${info.suite}), height ${info.height}`,
          );
          if (info.consoleUrl !== null) out.line(`console  ${info.consoleUrl}`);
          out.line(`API      ${info.apiUrl}`);
          out.line(`genesis  ${info.genesisHash}`);
          out.line(`home     ${info.home}`);
          out.line('Press Ctrl-C to stop.');
        });
      },
    );
}
