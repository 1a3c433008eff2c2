import { SUITE_IDS, type SuiteId } from '@xinlian/crypto';
import { type Command, Option } from 'commander';
import { loadNode } from '../lazy.js';
import { resolvePassphrase } from '../passphrase.js';
import { homeDir } from '../paths.js';
import type { CommandContext } from '../program.js';
import { compact, parsePort, parsePositiveInt } from '../util.js';

interface InitOptions {
  home?: string;
  suite: SuiteId;
  chainId?: string;
  host?: string;
  port?: number;
  blockInterval?: number;
  passphraseFile?: string;
  force?: true;
}

/** `xinlian init`: a new node home (validator key, genesis, config). */
export function registerInit(program: Command, ctx: CommandContext): void {
  program
    .command('init')
    .description('create a node home: encrypted validator key, genesis.json and config.json')
    .option('--home <dir>', 'node home (default: $XINLIAN_HOME or .xinlian/node)')
    .addOption(
      new Option('--suite <suite>', 'crypto suite of the new chain').choices(SUITE_IDS).default('gm'),
    )
    .option('--chain-id <id>', 'chain ID (lower-case letters, digits, dashes)')
    .option('--host <host>', 'API listen address (default 127.0.0.1)')
    .option('--port <n>', 'API port (default 8080)', parsePort)
    .option('--block-interval <ms>', 'target block interval in ms', parsePositiveInt)
    .option('--passphrase-file <file>', 'read the validator key passphrase from the first line of this file')
    .option('--force', 'replace an existing home (deletes its keys and chain data)')
    .action(async (opts: InitOptions) => {
      const { io, out } = ctx;
      const home = homeDir(opts.home, io);
      const passphrase = await resolvePassphrase(
        { file: opts.passphraseFile, purpose: 'the new validator key', confirm: true },
        io,
      );
      const { initHome } = await loadNode();
      const info = await initHome(
        compact({
          home,
          suite: opts.suite,
          passphrase,
          chainId: opts.chainId,
          apiHost: opts.host,
          apiPort: opts.port,
          blockIntervalMs: opts.blockInterval,
          force: opts.force,
        }),
      );
      const { genesis } = info;
      const files = { genesis: info.genesisPath, config: info.configPath, validatorKey: info.keyFile };
      const validator = genesis.validators[0];
      out.result({
        ok: true,
        home: info.home,
        chainId: genesis.chainId,
        suite: genesis.suite,
        genesisHash: info.genesisHash,
        validator,
        files,
      });
      out.line(`initialized ${info.home}`);
      out.line(`chain       ${genesis.chainId} (suite ${genesis.suite})`);
      out.line(`genesis #   ${info.genesisHash}`);
      out.line(`validator   ${validator?.publicKey ?? ''}`);
      out.line(`genesis     ${files.genesis}`);
      out.line(`config      ${files.config}`);
      out.line(`key         ${files.validatorKey} (encrypted)`);
      out.line();
      out.line(`start it with: xinlian start --home ${info.home}`);
    });
}
