import { join, resolve } from 'node:path';
import type { CliIO } from './io.js';

/** Node URL used when neither --node nor XINLIAN_NODE is given. */
export const DEFAULT_NODE_URL = 'http://127.0.0.1:8080';
/** Home of `init`/`start` when neither --home nor XINLIAN_HOME is given (relative to the working directory). */
export const DEFAULT_HOME = '.xinlian/node';
/** Home of `xinlian dev` (relative to the working directory). */
export const DEV_HOME = '.xinlian/dev';
/** Default API port of a new home and of `xinlian dev`. */
export const DEFAULT_PORT = 8080;

/** The node URL: --node, else XINLIAN_NODE, else DEFAULT_NODE_URL. */
export function nodeUrl(flag: string | undefined, io: CliIO): string {
  return flag ?? io.env.XINLIAN_NODE ?? DEFAULT_NODE_URL;
}

/** The node home: --home, else XINLIAN_HOME, else `fallback`; absolute. */
export function homeDir(flag: string | undefined, io: CliIO, fallback = DEFAULT_HOME): string {
  return resolve(io.cwd, flag ?? io.env.XINLIAN_HOME ?? fallback);
}

/** The client key file: --key, else XINLIAN_KEY, else `<home>/keys/client.key` (home defaults to the dev home). */
export function clientKeyPath(
  opts: { key?: string | undefined; home?: string | undefined },
  io: CliIO,
): string {
  const explicit = opts.key ?? io.env.XINLIAN_KEY;
  if (explicit !== undefined) return resolve(io.cwd, explicit);
  return join(homeDir(opts.home, io, DEV_HOME), 'keys', 'client.key');
}
