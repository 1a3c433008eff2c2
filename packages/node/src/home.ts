import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { genesisHash } from '@xinlian/consensus';
import { createSuite, encryptKeyFile, type SuiteId } from '@xinlian/crypto';
import { DEFAULT_CHAIN_PARAMS, type Genesis } from '@xinlian/schemas';
import { toHex, XinlianError } from '@xinlian/utils';
import {
  DEFAULT_API_HOST,
  DEFAULT_API_PORT,
  defaultConfig,
  type NodeConfig,
  parseConfig,
  parseGenesis,
} from './config.js';

export const GENESIS_FILE = 'genesis.json';
export const CONFIG_FILE = 'config.json';

export interface InitHomeOptions {
  /** Home directory (created if missing). */
  readonly home: string;
  readonly suite: SuiteId;
  /** Default `xinlian-<suite>`. */
  readonly chainId?: string;
  /** Encrypts the validator key file. */
  readonly passphrase: string;
  readonly apiHost?: string;
  readonly apiPort?: number;
  /** Chain parameter blockIntervalMs (default 200). */
  readonly blockIntervalMs?: number;
  /** Replace an existing home (its chain data is deleted). */
  readonly force?: boolean;
}

export interface HomeInfo {
  readonly home: string;
  readonly configPath: string;
  readonly genesisPath: string;
  readonly keyFile: string;
  readonly dataDir: string;
  readonly config: NodeConfig;
  readonly genesis: Genesis;
  /** Lower-case hex of the genesis hash (the chain's identity). */
  readonly genesisHash: string;
}

/** Resolves a config path relative to the home directory. */
function inHome(home: string, p: string): string {
  return isAbsolute(p) ? p : join(home, p);
}

/**
 * Creates a node home: genesis.json (one validator, default chain parameters), config.json and
 * the passphrase-encrypted validator key. Refuses an existing home (NODE_HOME_EXISTS) unless
 * `force`, which deletes the old files and chain data first.
 */
export async function initHome(opts: InitHomeOptions): Promise<HomeInfo> {
  if (opts.passphrase.length === 0) {
    throw new XinlianError('NODE_BAD_OPTIONS', 'a non-empty passphrase is required', { field: 'passphrase' });
  }
  const home = resolve(opts.home);
  const config: NodeConfig = {
    ...defaultConfig(),
    api: { host: opts.apiHost ?? DEFAULT_API_HOST, port: opts.apiPort ?? DEFAULT_API_PORT },
  };
  const paths = [GENESIS_FILE, CONFIG_FILE, config.keyFile, config.dataDir].map((p) => inHome(home, p));
  const present = paths.filter((p) => existsSync(p));
  if (present.length > 0 && opts.force !== true) {
    throw new XinlianError('NODE_HOME_EXISTS', `${home} already holds a node (use force to replace it)`, {
      home,
      files: present,
    });
  }
  for (const p of present) await rm(p, { recursive: true, force: true });

  const suite = createSuite(opts.suite);
  const key = suite.generateKey();
  const genesis: Genesis = {
    format: 'xinlian-genesis/1',
    chainId: opts.chainId ?? `xinlian-${opts.suite}`,
    suite: opts.suite,
    genesisTime: Date.now(),
    validators: [{ name: 'validator-0', publicKey: toHex(key.publicKey.bytes), power: 1 }],
    params: {
      ...DEFAULT_CHAIN_PARAMS,
      ...(opts.blockIntervalMs === undefined ? {} : { blockIntervalMs: opts.blockIntervalMs }),
    },
  };
  // Validate what we are about to write (e.g. a bad chainId) with the same rules startNode uses.
  parseGenesis(JSON.stringify(genesis));
  parseConfig(JSON.stringify(config));

  await mkdir(inHome(home, 'keys'), { recursive: true, mode: 0o700 });
  await writeFile(inHome(home, config.keyFile), encryptKeyFile(key, opts.passphrase), { mode: 0o600 });
  await writeFile(join(home, GENESIS_FILE), `${JSON.stringify(genesis, null, 2)}\n`);
  await writeFile(join(home, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  return readHome(home);
}

/** Loads and validates a home's config.json and genesis.json (NODE_BAD_CONFIG / NODE_BAD_GENESIS). */
export async function readHome(homeDir: string): Promise<HomeInfo> {
  const home = resolve(homeDir);
  const read = async (name: string, code: string) => {
    try {
      return await readFile(join(home, name), 'utf8');
    } catch (e) {
      throw new XinlianError(
        code,
        `cannot read ${join(home, name)}`,
        { field: '/', path: join(home, name) },
        { cause: e },
      );
    }
  };
  const config = parseConfig(await read(CONFIG_FILE, 'NODE_BAD_CONFIG'));
  const genesis = parseGenesis(await read(GENESIS_FILE, 'NODE_BAD_GENESIS'));
  const suite = createSuite(genesis.suite);
  return {
    home,
    configPath: join(home, CONFIG_FILE),
    genesisPath: join(home, GENESIS_FILE),
    keyFile: inHome(home, config.keyFile),
    dataDir: inHome(home, config.dataDir),
    config,
    genesis,
    genesisHash: toHex(genesisHash(suite, genesis)),
  };
}
