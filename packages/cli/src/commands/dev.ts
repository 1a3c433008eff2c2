import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { createSuite, encryptKeyFile, SUITE_IDS, type SuiteId } from '@xinlian/crypto';
import type { LogLevel } from '@xinlian/node';
import { type Command, Option } from 'commander';
import { writeSecretFile } from '../keyfile.js';
import { loadNode } from '../lazy.js';
import { DEV_MARKER, DEV_PASSPHRASE, readDevMarker } from '../passphrase.js';
import { DEFAULT_NODE_URL, DEFAULT_PORT, DEV_HOME } from '../paths.js';
import type { CommandContext } from '../program.js';
import { LOG_LEVELS, runNode } from '../runner.js';
import { parsePort } from '../util.js';

interface DevOptions {
  home: string;
  suite: SuiteId;
  port: number;
  logLevel: LogLevel;
}

/** `xinlian dev`: a one-validator development chain in one step (what `npm run dev` runs). */
export function registerDev(program: Command, ctx: CommandContext): void {
  program
    .command('dev')
    .description('development chain in one step: init a throw-away home on first run, then start it')
    .option('--home <dir>', 'dev home', DEV_HOME)
    .addOption(
      new Option('--suite <suite>', 'crypto suite (first run only)').choices(SUITE_IDS).default('gm'),
    )
    .option('--port <n>', 'API port (0 = any free port)', parsePort, DEFAULT_PORT)
    .addOption(new Option('--log-level <level>', 'node log level').choices(LOG_LEVELS).default('warn'))
    .action(async (opts: DevOptions, cmd: Command) => {
      const { io, out } = ctx;
      const home = resolve(io.cwd, opts.home);
      const fresh = !existsSync(join(home, 'config.json'));
      const passphrase = fresh
        ? DEV_PASSPHRASE
        : ((await readDevMarker(home)) ?? io.env.XINLIAN_PASSPHRASE ?? DEV_PASSPHRASE);
      const { initHome, readHome } = await loadNode();
      if (fresh) {
        await initHome({ home, suite: opts.suite, chainId: 'xinlian-dev', passphrase, apiPort: opts.port });
        const marker = {
          format: 'xinlian-dev/1',
          passphrase,
          warning: 'development only: well-known passphrase',
        };
        await writeFile(join(home, DEV_MARKER), `${JSON.stringify(marker, null, 2)}\n`, { mode: 0o600 });
      }
      const { genesis } = await readHome(home);
      if (!fresh && cmd.getOptionValueSource('suite') === 'cli' && opts.suite !== genesis.suite) {
        out.note(`note: ${home} already holds a ${genesis.suite} chain; --suite ${opts.suite} is ignored`);
      }
      const clientKey = join(home, 'keys', 'client.key');
      if (!existsSync(clientKey)) {
        const key = createSuite(genesis.suite).generateKey();
        await writeSecretFile(clientKey, encryptKeyFile(key, passphrase), false);
      }
      if (passphrase === DEV_PASSPHRASE) {
        out.note(
          `WARNING: development mode. The keys in ${home} are encrypted with the well-known passphrase ` +
            `'${DEV_PASSPHRASE}'. Never use this home for real data.`,
        );
      }
      await runNode({ home, passphrase, apiPort: opts.port, logLevel: opts.logLevel }, ctx, (info) => {
        const rel = relative(io.cwd, home) || '.';
        const nodeFlag = info.apiUrl === DEFAULT_NODE_URL ? '' : ` --node ${info.apiUrl}`;
        const keyFlag = home === resolve(io.cwd, DEV_HOME) ? '' : ` --key ${join(rel, 'keys', 'client.key')}`;
        out.line('');
        out.line('  Xinlian 信链 development chain is running');
        out.line('');
        if (info.consoleUrl !== null)
          out.line(`  Console       ${info.consoleUrl}   (explorer, evidence, verification)`);
        out.line(`  API URL       ${info.apiUrl}`);
        out.line(`  chain ID      ${info.chainId}`);
        out.line(`  suite         ${info.suite} (hash ${info.suite === 'gm' ? 'SM3' : 'SHA-256'})`);
        out.line(`  genesis hash  ${info.genesisHash}`);
        out.line(`  data dir      ${home}${fresh ? ' (new)' : ''}`);
        out.line(`  client key    ${clientKey}`);
        out.line('');
        out.line('  Try, in another terminal:');
        out.line(`    npx xinlian status${nodeFlag}`);
        out.line(`    npx xinlian evidence submit README.md${nodeFlag}${keyFlag}`);
        out.line(
          `    npx xinlian evidence verify README.md README.md.receipt.json --genesis ${join(rel, 'genesis.json')}`,
        );
        out.line(`    npx xinlian evidence get README.md${nodeFlag}`);
        out.line('');
        out.line('  Press Ctrl-C to stop. Data persists in the data dir; delete it to start over.');
      });
    });
}
