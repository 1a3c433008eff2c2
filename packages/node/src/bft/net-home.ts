import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createSuite, encryptKeyFile, type SuiteId } from '@xinlian/crypto';
import { DEFAULT_CHAIN_PARAMS, type Genesis } from '@xinlian/schemas';
import { toHex, XinlianError } from '@xinlian/utils';
import { defaultConfig, type NodeConfig, parseConfig, parseGenesis } from '../config.js';
import { CONFIG_FILE, GENESIS_FILE, type HomeInfo, readHome } from '../home.js';

export interface InitNetworkOptions {
  /** Directory that receives one home per organization (`org1`, `org2`, …). */
  readonly dir: string;
  readonly orgs: number;
  readonly suite: SuiteId;
  /** Encrypts every validator key file. */
  readonly passphrase: string;
  /** Default `xinlian-net`. */
  readonly chainId?: string;
  /** Host of every API and P2P listener and of the peer addresses (default 127.0.0.1). */
  readonly host?: string;
  /** API port of org1; orgN gets apiPort + N − 1 (default 8080). */
  readonly apiPort?: number;
  /** P2P port of org1; orgN gets p2pPort + N − 1 (default 26656). */
  readonly p2pPort?: number;
  /**
   * Observer (non-voting) nodes to add, homes `obs1`, `obs2`, … bound to org1, org2, … in turn;
   * their ports follow the validators' (default 0).
   */
  readonly observers?: number;
}

export const DEFAULT_P2P_PORT = 26656;

/**
 * Creates a local multi-organization network: a shared genesis with one organization and one
 * validator (power 1) per org, and for each org a node home (`<dir>/org<N>`: genesis.json,
 * config.json with the P2P listener and every other org as a peer, the encrypted validator key).
 * Refuses a directory that already holds a network (NODE_HOME_EXISTS).
 */
export async function initNetwork(opts: InitNetworkOptions): Promise<HomeInfo[]> {
  if (!Number.isInteger(opts.orgs) || opts.orgs < 1 || opts.orgs > 64) {
    throw new XinlianError('NODE_BAD_OPTIONS', 'orgs must be an integer 1-64', { field: 'orgs' });
  }
  if (opts.passphrase.length === 0) {
    throw new XinlianError('NODE_BAD_OPTIONS', 'a non-empty passphrase is required', { field: 'passphrase' });
  }
  const dir = resolve(opts.dir);
  const host = opts.host ?? '127.0.0.1';
  const apiPort = opts.apiPort ?? 8080;
  const p2pPort = opts.p2pPort ?? DEFAULT_P2P_PORT;
  const orgIds = Array.from({ length: opts.orgs }, (_, i) => `org${i + 1}`);
  const observers = opts.observers ?? 0;
  if (!Number.isInteger(observers) || observers < 0 || observers > 64) {
    throw new XinlianError('NODE_BAD_OPTIONS', 'observers must be an integer 0-64', { field: 'observers' });
  }
  const obsIds = Array.from({ length: observers }, (_, i) => `obs${i + 1}`);
  const present = [...orgIds, ...obsIds].filter((id) => existsSync(join(dir, id)));
  if (present.length > 0) {
    throw new XinlianError('NODE_HOME_EXISTS', `${dir} already holds a network`, { dir, homes: present });
  }
  const suite = createSuite(opts.suite);
  const keys = orgIds.map(() => suite.generateKey());
  const obsKeys = obsIds.map(() => suite.generateKey());
  const genesis: Genesis = {
    format: 'xinlian-genesis/1',
    chainId: opts.chainId ?? 'xinlian-net',
    suite: opts.suite,
    genesisTime: Date.now(),
    organizations: orgIds.map((id, i) => ({ id, name: `Organization ${i + 1}` })),
    validators: orgIds.map((id, i) => ({
      name: `${id}-validator`,
      organization: id,
      publicKey: toHex((keys[i] as (typeof keys)[number]).publicKey.bytes),
      power: 1,
    })),
    ...(observers === 0
      ? {}
      : {
          observers: obsIds.map((id, i) => ({
            name: id,
            organization: orgIds[i % orgIds.length] as string,
            publicKey: toHex((obsKeys[i] as (typeof obsKeys)[number]).publicKey.bytes),
          })),
        }),
    params: { ...DEFAULT_CHAIN_PARAMS },
  };
  parseGenesis(JSON.stringify(genesis));
  // Validators first, then observers; everyone lists everyone else as a peer.
  const members = [
    ...orgIds.map((id, i) => ({ id, key: keys[i] as (typeof keys)[number], role: 'validator' as const })),
    ...obsIds.map((id, i) => ({
      id,
      key: obsKeys[i] as (typeof obsKeys)[number],
      role: 'observer' as const,
    })),
  ];
  const configs = members.map(
    (m, i): NodeConfig => ({
      ...defaultConfig(),
      api: { host, port: apiPort === 0 ? 0 : apiPort + i },
      role: m.role,
      p2p: {
        host,
        port: p2pPort + i,
        peers: members.flatMap((o, j) =>
          j === i ? [] : [{ host, port: p2pPort + j, publicKey: toHex(o.key.publicKey.bytes) }],
        ),
      },
    }),
  );
  for (const c of configs) parseConfig(JSON.stringify(c));
  const homes: HomeInfo[] = [];
  for (const [i, m] of members.entries()) {
    const home = join(dir, m.id);
    const config = configs[i] as NodeConfig;
    await mkdir(join(home, 'keys'), { recursive: true, mode: 0o700 });
    await writeFile(join(home, config.keyFile), encryptKeyFile(m.key, opts.passphrase), { mode: 0o600 });
    await writeFile(join(home, GENESIS_FILE), `${JSON.stringify(genesis, null, 2)}\n`);
    await writeFile(join(home, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
    homes.push(await readHome(home));
  }
  return homes;
}
