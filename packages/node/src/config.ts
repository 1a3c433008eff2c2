import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Genesis } from '@xinlian/schemas';
import { XinlianError } from '@xinlian/utils';

export const LogLevel = Type.Union([
  Type.Literal('fatal'),
  Type.Literal('error'),
  Type.Literal('warn'),
  Type.Literal('info'),
  Type.Literal('debug'),
  Type.Literal('trace'),
  Type.Literal('silent'),
]);
export type LogLevel = Static<typeof LogLevel>;

/** A peer this node dials: its address and the node public key it must authenticate with. */
export const PeerConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    /** Hex of the peer's node public key (as in the genesis). */
    publicKey: Type.String({ pattern: '^([0-9a-f]{2})+$' }),
  },
  { additionalProperties: false },
);

export const P2pConfigSchema = Type.Object(
  {
    /** Listen address of the P2P port (TLS 1.3). */
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    peers: Type.Array(PeerConfigSchema, { maxItems: 1024 }),
  },
  { additionalProperties: false },
);
export type P2pConfig = Static<typeof P2pConfigSchema>;

/** Consensus timing of a network node (spec/consensus.md §5, §7); every field optional. */
export const ConsensusConfigSchema = Type.Object(
  {
    proposeMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 600_000 })),
    prevoteMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 600_000 })),
    precommitMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 600_000 })),
    /** Added to each timeout per round. */
    deltaMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
    /** Bound on clock differences between validators (proposer-time check). */
    precisionMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
    /** Bound on a proposal's network delay (proposer-time check). */
    messageDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
    /** Without transactions, an empty block this often. */
    emptyBlockMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 3_600_000 })),
  },
  { additionalProperties: false },
);
export type ConsensusConfig = Static<typeof ConsensusConfigSchema>;

/** `<home>/config.json`: node-local settings (chain-wide settings live in genesis.json). */
export const NodeConfigSchema = Type.Object(
  {
    api: Type.Object(
      {
        host: Type.String({ minLength: 1, maxLength: 255 }),
        port: Type.Integer({ minimum: 0, maximum: 65535 }),
        /**
         * Browser origins allowed to call the API cross-origin (CORS), e.g. "https://console.example.com",
         * or "*" for any. Absent or empty: no CORS headers (browsers allow same-origin pages only).
         */
        cors: Type.Optional(
          Type.Array(
            Type.Union([Type.Literal('*'), Type.String({ pattern: '^https?://[^/\\s]+$', maxLength: 255 })]),
            { maxItems: 100 },
          ),
        ),
        /** How long `?wait=commit` waits before answering 504 API_TIMEOUT (the tx may still commit). Default 30000. */
        commitWaitMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
        /**
         * Who may read (docs/governance.md §7): "public" (default) anyone who reaches the API;
         * "members" only requests signed by a registered member (regulator/auditor for supervisory data).
         */
        readAccess: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('members')])),
        /** Replay window of signed read requests, seconds (default 30). */
        readAuthWindowSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
      },
      { additionalProperties: false },
    ),
    /** Directory of the block store, relative to the home directory unless absolute. */
    dataDir: Type.String({ minLength: 1 }),
    /** Encrypted validator key file, relative to the home directory unless absolute. */
    keyFile: Type.String({ minLength: 1 }),
    log: Type.Object({ level: LogLevel }, { additionalProperties: false }),
    mempool: Type.Object(
      {
        capacity: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
        maxBytes: Type.Integer({ minimum: 64 * 1024, maximum: 16 * 1024 * 1024 * 1024 }),
      },
      { additionalProperties: false },
    ),
    /** validator (signs votes; its key must be a genesis validator) or observer. Default validator. */
    role: Type.Optional(Type.Union([Type.Literal('validator'), Type.Literal('observer')])),
    /**
     * Peer-to-peer links (docs/network.md). When present the node runs Tendermint BFT consensus
     * with the genesis validators; when absent it is a single-validator chain (solo producer).
     */
    p2p: Type.Optional(P2pConfigSchema),
    /** Consensus timeouts of a network node (defaults in docs/network.md). */
    consensus: Type.Optional(ConsensusConfigSchema),
  },
  { additionalProperties: false },
);
export type NodeConfig = Static<typeof NodeConfigSchema>;

export const DEFAULT_API_HOST = '127.0.0.1';
export const DEFAULT_API_PORT = 8080;

/** Defaults written by initHome. */
export function defaultConfig(): NodeConfig {
  return {
    api: { host: DEFAULT_API_HOST, port: DEFAULT_API_PORT },
    dataDir: 'data',
    keyFile: 'keys/validator.key',
    log: { level: 'info' },
    mempool: { capacity: 50_000, maxBytes: 128 * 1024 * 1024 },
  };
}

const configCheck = TypeCompiler.Compile(NodeConfigSchema);
const genesisCheck = TypeCompiler.Compile(Genesis);

/** Validates a value against a compiled schema; throws `code` naming the first offending field. */
function check<T extends TSchema>(
  checker: ReturnType<typeof TypeCompiler.Compile<T>>,
  value: unknown,
  code: string,
  what: string,
): Static<T> {
  if (checker.Check(value)) return value;
  const first = checker.Errors(value).First();
  const field = first?.path || '/';
  const reason = first?.message ?? 'invalid';
  throw new XinlianError(code, `${what}: ${field}: ${reason}`, { field, reason });
}

function parseJson(text: string, code: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new XinlianError(
      code,
      `${what}: not valid JSON`,
      { field: '/', reason: 'invalid JSON' },
      { cause: e },
    );
  }
}

/** Parses and validates config.json text. Throws NODE_BAD_CONFIG with details.field (JSON pointer). */
export function parseConfig(text: string): NodeConfig {
  const value = parseJson(text, 'NODE_BAD_CONFIG', 'config.json');
  return check(configCheck, value, 'NODE_BAD_CONFIG', 'config.json');
}

/** Parses and validates genesis.json text. Throws NODE_BAD_GENESIS with details.field. */
export function parseGenesis(text: string): Genesis {
  const value = parseJson(text, 'NODE_BAD_GENESIS', 'genesis.json');
  const genesis = check(genesisCheck, value, 'NODE_BAD_GENESIS', 'genesis.json');
  checkMembers(genesis);
  return genesis;
}

/**
 * Cross-field rules of the member list: organization IDs are unique, every validator and observer
 * names a declared organization (when organizations are declared), node keys are unique.
 */
function checkMembers(genesis: Genesis): void {
  const bad = (field: string, reason: string): never => {
    throw new XinlianError('NODE_BAD_GENESIS', `genesis.json: ${field}: ${reason}`, { field, reason });
  };
  const orgs = new Set<string>();
  genesis.organizations?.forEach((o, i) => {
    if (orgs.has(o.id)) bad(`/organizations/${i}/id`, `duplicate organization ${o.id}`);
    orgs.add(o.id);
  });
  const keys = new Set<string>();
  const members = [
    ...genesis.validators.map((v, i) => ({ ...v, field: `/validators/${i}` })),
    ...(genesis.observers ?? []).map((v, i) => ({ ...v, field: `/observers/${i}` })),
  ];
  for (const m of members) {
    if (keys.has(m.publicKey)) bad(`${m.field}/publicKey`, 'duplicate node key');
    keys.add(m.publicKey);
    if (genesis.organizations !== undefined && m.organization === undefined) {
      bad(`${m.field}/organization`, 'required when organizations are declared');
    }
    if (m.organization !== undefined && !orgs.has(m.organization)) {
      bad(`${m.field}/organization`, `unknown organization ${m.organization}`);
    }
  }
}
