import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/**
 * The node's structured JSON logger. Child loggers add context: `component` (producer,
 * mempool, http, ...), and per event `height` / `txId`.
 */
export function createLogger(opts: { level: LogLevel }, destination?: DestinationStream): Logger {
  const options = {
    level: opts.level,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
