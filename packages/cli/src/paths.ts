import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CliIO } from './io.js';

/** Node URL used when neither --node nor XINLIAN_NODE is given. */
export const DEFAULT_NODE_URL = 'http://127.0.0.1:8080';
/** Home of `init`/`start` when neither --home nor XINLIAN_HOME is given (relative to the working directory). */
export const DEFAULT_HOME = '.xinlian/node';
/** Home of `xinlian dev` (relative to the working directory). */
export const DEV_HOME = '.xinlian/dev';
/** org1's home of the network `xinlian net up` (what `npm start` runs) creates by default. */
export const NET_ORG1_HOME = '.xinlian/net/org1';

/**
 * The home client commands fall back to: the dev home if it exists, else org1 of a default local
 * network if that exists (so `xinlian evidence submit FILE` works after `npm start`), else the dev home.
 */
export function clientHomeFallback(io: CliIO): string {
  if (existsSync(resolve(io.cwd, DEV_HOME))) return DEV_HOME;
  if (existsSync(resolve(io.cwd, NET_ORG1_HOME))) return NET_ORG1_HOME;
  return DEV_HOME;
}
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

/** The client key file: --key, else XINLIAN_KEY, else `<home>/keys/client.key` (home: see clientHomeFallback). */
export function clientKeyPath(
  opts: { key?: string | undefined; home?: string | undefined },
  io: CliIO,
): string {
  const explicit = opts.key ?? io.env.XINLIAN_KEY;
  if (explicit !== undefined) return resolve(io.cwd, explicit);
  return join(homeDir(opts.home, io, clientHomeFallback(io)), 'keys', 'client.key');
}
