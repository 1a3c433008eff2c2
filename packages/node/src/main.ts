#!/usr/bin/env node
/**
 * Process entry: `node packages/node/dist/src/main.js --home DIR [--api-host H] [--api-port N] [--log-level L]
 * [--supported-upgrade NAME]…`. `--supported-upgrade` adds an upgrade name to the ones this release
 * supports (SUPPORTED_UPGRADES): for a scheduled upgrade that needs no new code (a coordinated
 * restart point) and for upgrade rehearsals; a node without it halts before the upgrade's height.
 * The passphrase comes from the environment variable XINLIAN_PASSPHRASE. Logs (JSON) go to
 * stderr; stdout carries one JSON line per lifecycle event: {"event":"ready","apiUrl":...} once
 * serving and {"event":"stopped"} after a clean shutdown on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { LogLevel } from './config.js';
import { readHome } from './home.js';
import { createLogger } from './logger.js';
import { startNode } from './node.js';
import { SUPPORTED_UPGRADES } from './upgrades.js';

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      home: { type: 'string' },
      'api-host': { type: 'string' },
      'api-port': { type: 'string' },
      'log-level': { type: 'string' },
      'supported-upgrade': { type: 'string', multiple: true },
    },
  });
  if (values.home === undefined) {
    emit({ event: 'error', code: 'NODE_BAD_OPTIONS', message: '--home DIR is required' });
    process.exitCode = 2;
    return;
  }
  const port = values['api-port'] === undefined ? undefined : Number(values['api-port']);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    emit({ event: 'error', code: 'NODE_BAD_OPTIONS', message: '--api-port must be an integer 0-65535' });
    process.exitCode = 2;
    return;
  }
  const passphrase = process.env.XINLIAN_PASSPHRASE;
  if (passphrase === undefined || passphrase === '') {
    emit({ event: 'error', code: 'NODE_BAD_OPTIONS', message: 'set XINLIAN_PASSPHRASE' });
    process.exitCode = 2;
    return;
  }
  const logLevel =
    (values['log-level'] as LogLevel | undefined) ?? (await readHome(values.home)).config.log.level;
  const logger = createLogger({ level: logLevel }, pino.destination({ fd: 2, sync: false }));
  const node = await startNode({
    home: values.home,
    passphrase,
    logger,
    ...(values['api-host'] === undefined ? {} : { apiHost: values['api-host'] }),
    ...(port === undefined ? {} : { apiPort: port }),
    ...(values['supported-upgrade'] === undefined
      ? {}
      : { supportedUpgrades: [...SUPPORTED_UPGRADES, ...values['supported-upgrade']] }),
  });
  emit({
    event: 'ready',
    apiUrl: node.apiUrl,
    consoleUrl: node.consoleUrl ?? null,
    chainId: node.chainId,
    genesisHash: node.genesisHash,
    height: node.height(),
  });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    node.stop().then(
      () => {
        emit({ event: 'stopped', height: node.height() });
        logger.flush();
        process.exitCode = 0;
      },
      (e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((e: unknown) => {
  const err = e as { code?: string; message?: string; stack?: string; details?: unknown };
  process.stderr.write(`${err.stack ?? String(e)}\n`);
  emit({
    event: 'error',
    code: err.code ?? 'INTERNAL',
    message: err.message ?? String(e),
    details: err.details ?? {},
  });
  process.exitCode = 1;
});
