import { readFileSync } from 'node:fs';
import { XinlianError } from '@xinlian/utils';
import { Command, CommanderError } from 'commander';
import { registerBackup } from './commands/backup.js';
import { registerCa } from './commands/ca.js';
import { registerDev } from './commands/dev.js';
import { registerEvidence } from './commands/evidence.js';
import { registerGov } from './commands/gov.js';
import { registerInit } from './commands/init.js';
import { registerKeys } from './commands/keys.js';
import { registerNet } from './commands/net.js';
import { registerStart } from './commands/start.js';
import { registerStatus } from './commands/status.js';
import { registerTrace } from './commands/trace.js';
import { EXIT_CODES, exitCodeFor } from './exit.js';
import { type CliIO, Output, processIO } from './io.js';

/** What every command handler gets: the process I/O and the output formatter of this run. */
export interface CommandContext {
  readonly io: CliIO;
  readonly out: Output;
  /** Set by a handler to end with a code other than 0 without an error (e.g. 3 for a failed verification). */
  exitCode: number;
}

function version(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : '0.0.0';
}

/** Builds the `xinlian` command tree bound to one run's context. */
export function createProgram(ctx: CommandContext): Command {
  const { io } = ctx;
  const program = new Command('xinlian')
    .description(
      'Xinlian (信链) consortium blockchain: run a node, manage keys, notarize and verify evidence',
    )
    .version(version(), '-V, --version')
    .option('--json', 'machine output: exactly one JSON document on stdout')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => {},
    })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 error, 2 usage, 3 verification failed, 4 node unreachable.
Environment: XINLIAN_NODE (node URL), XINLIAN_HOME (node home), XINLIAN_KEY (client key file),
             XINLIAN_PASSPHRASE (key passphrase),
             XINLIAN_CA_DIR (organization CA directory).
Quick start: xinlian net up  (a local 4-organization network; or xinlian dev for one validator)`,
    );
  registerInit(program, ctx);
  registerStart(program, ctx);
  registerDev(program, ctx);
  registerNet(program, ctx);
  registerKeys(program, ctx);
  registerEvidence(program, ctx);
  registerStatus(program, ctx);
  registerBackup(program, ctx);
  registerCa(program, ctx);
  registerGov(program, ctx);
  registerTrace(program, ctx);
  return program;
}

/** True when `--json` appears among the options (before a `--` separator). */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * Runs the CLI with the given arguments (without `node` and script) and resolves with the exit code.
 * Never throws: errors are printed (`error CODE: message`, or JSON with --json).
 */
export async function run(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const out = new Output({ json: wantsJson(argv) }, { io });
  const ctx: CommandContext = { io, out, exitCode: EXIT_CODES.ok };
  try {
    await createProgram(ctx).parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT_CODES.ok;
      const message = e.code === 'commander.help' ? 'missing command' : e.message.replace(/^error: /, '');
      out.error(new XinlianError('CLI_USAGE', message, { reason: e.code, hint: 'see xinlian --help' }));
      return EXIT_CODES.usage;
    }
    out.error(e);
    return exitCodeFor(e);
  }
}
