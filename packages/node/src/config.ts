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
  return check(genesisCheck, value, 'NODE_BAD_GENESIS', 'genesis.json');
}
