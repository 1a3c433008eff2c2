import type { LogLevel, RunningNode } from '@xinlian/node';
import { isXinlianError, XinlianError } from '@xinlian/utils';
import { loadNode, loadSdk } from './lazy.js';
import type { CommandContext } from './program.js';
import { compact } from './util.js';

/** Log levels of the node (`--log-level`). */
export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** What a started node reports to the command that started it. */
export interface ReadyInfo {
  readonly apiUrl: string;
  /** The web console served by the node (null when the console was not built). */
  readonly consoleUrl: string | null;
  readonly home: string;
  readonly chainId: string;
  readonly suite: string;
  readonly genesisHash: string;
  readonly height: number;
}

function addressInUse(e: unknown): boolean {
  for (
    let c: unknown = e, i = 0;
    c !== undefined && c !== null && i < 8;
    c = (c as { cause?: unknown }).cause, i++
  ) {
    const code = (c as { code?: unknown }).code;
    if (code === 'EADDRINUSE' || (c instanceof Error && c.message.includes('EADDRINUSE'))) return true;
  }
  return false;
}

/**
 * Starts the node of `home` in this process, reports readiness (`announce`; with --json one JSON line
 * `{ ok, event: "ready", ... }`), then runs until SIGINT/SIGTERM and stops it cleanly.
 */
export async function runNode(
  opts: {
    home: string;
    passphrase: string;
    apiHost?: string | undefined;
    apiPort?: number | undefined;
    logLevel?: LogLevel | undefined;
    /** Upgrade names supported on top of the release's own (`--supported-upgrade`). */
    supportedUpgrades?: readonly string[] | undefined;
  },
  ctx: CommandContext,
  announce: (info: ReadyInfo) => void,
): Promise<void> {
  const { logLevel, supportedUpgrades, ...nodeOpts } = opts;
  // Node logs (JSON lines) go to stderr so that stdout carries only the banner or the --json document.
  const { createLogger, readHome, startNode, SUPPORTED_UPGRADES } = await loadNode();
  const level = logLevel ?? (await readHome(opts.home)).config.log.level;
  const logger = createLogger({ level }, { write: (line: string) => ctx.io.stderr.write(line) });
  let node: RunningNode;
  try {
    node = await startNode({
      ...compact(nodeOpts),
      logger,
      ...(supportedUpgrades === undefined || supportedUpgrades.length === 0
        ? {}
        : { supportedUpgrades: [...SUPPORTED_UPGRADES, ...supportedUpgrades] }),
    });
  } catch (e) {
    if (addressInUse(e)) {
      throw new XinlianError(
        'CLI_PORT_IN_USE',
        `the API port ${opts.apiPort ?? ''} is already in use`.trim(),
        {
          port: opts.apiPort,
          hint: 'stop the other process or choose another port with --port N (0 = any free port)',
        },
      );
    }
    throw isXinlianError(e) ? e : new XinlianError('CLI_START_FAILED', String(e), {}, { cause: e });
  }
  try {
    const { XinlianClient } = await loadSdk();
    const status = await new XinlianClient({ url: node.apiUrl }).status();
    const info: ReadyInfo = {
      apiUrl: node.apiUrl,
      consoleUrl: node.consoleUrl ?? null,
      home: opts.home,
      chainId: status.chainId,
      suite: status.suite,
      genesisHash: status.genesisHash,
      height: status.height,
    };
    if (ctx.out.json) ctx.io.stdout.write(`${JSON.stringify({ ok: true, event: 'ready', ...info })}\n`);
    else announce(info);
    const signal = await ctx.io.untilSignal();
    ctx.out.note(`received ${signal}, stopping the node…`);
  } finally {
    await node.stop();
  }
  ctx.out.note('node stopped');
}
