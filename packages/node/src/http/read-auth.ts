/**
 * Read access to the API (docs/governance.md §7, spec/api-v1.md "Read access").
 *
 * `api.readAccess: "public"` (default): anyone who reaches the API reads every record.
 * `api.readAccess: "members"`: every read needs a request signed by a registered, unrevoked member
 * (any role, certificate valid now) with the header
 *
 *     authorization: Xinlian key=<public key hex>, time=<ms since epoch>, sig=<signature hex>
 *
 * where the signature (chain suite: SM2 with the default ID / Ed25519) is over the UTF-8 bytes of
 * `xinlian-read/v1\n<chainId>\n<METHOD>\n<path and query as sent>\n<time>`. `time` must be within
 * the replay window of the node's clock (default ±30 s), and one signature is accepted once.
 * Supervisory reads are further limited to the `regulator` and `auditor` roles: the governance
 * audit log, and every read of a frozen module's data or of a frozen evidence record.
 * Not gated: health, metrics, status, genesis, OpenAPI, and tx submission (a tx is authorized by
 * its own signature at admission). Reads carry no confidentiality by themselves: run the API
 * behind TLS when the data is private.
 */
import type { CryptoSuite } from '@xinlian/crypto';
import { addressOf } from '@xinlian/crypto';
import { type Clock, fromHex, isHex, utf8, XinlianError } from '@xinlian/utils';

export type ReadAccess = 'public' | 'members';

/** Route access classes: reads are gated in `members` mode; public and submit routes never. */
export type RouteAccess = 'read' | 'public' | 'submit';

/** Roles that may read supervisory data (audit log, frozen objects). */
export const SUPERVISORY_ROLES: readonly string[] = Object.freeze(['regulator', 'auditor']);

export const READ_AUTH_SCHEME = 'Xinlian';
export const READ_AUTH_DOMAIN = 'xinlian-read/v1';
export const DEFAULT_READ_WINDOW_MS = 30_000;

/** The bytes a read request's signature covers. */
export function readAuthMessage(chainId: string, method: string, path: string, time: number): Uint8Array {
  return utf8(`${READ_AUTH_DOMAIN}\n${chainId}\n${method.toUpperCase()}\n${path}\n${time}`);
}

export interface ReadAuthOptions {
  readonly chainId: string;
  readonly windowMs?: number;
}

export interface ReadAuthModules {
  readonly suite: CryptoSuite;
  readonly clock: Clock;
  /** The member of an address at `time`, or throws PERM_* (governance.identify on committed state). */
  readonly identify: (address: string, time: number) => { readonly role: string; readonly org: string };
  /** Whether a module, or a record of a module, is frozen (committed governance state). */
  readonly frozen: (
    target: { kind: 'module'; module: string } | { kind: 'record'; module: string; record: string },
  ) => boolean;
}

/** What the gate needs of a request. */
export interface ReadRequest {
  readonly method: string;
  /** Path and query exactly as sent (fastify `request.url`). */
  readonly url: string;
  /** The matched route pattern, e.g. `/v1/state/:module/:keyHex`. */
  readonly route: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly authorization: string | undefined;
}

/** The authenticated reader of a request. */
export interface Reader {
  readonly address: string;
  readonly role: string;
  readonly org: string;
}

const AUTH_RE = /^Xinlian\s+key=([0-9a-fA-F]+),\s*time=(\d{1,16}),\s*sig=([0-9a-fA-F]+)$/;
/** Remembered signatures are kept for twice the window, at most this many. */
const MAX_SEEN = 100_000;

const unauthenticated = (message: string, details: Record<string, unknown> = {}) =>
  new XinlianError('API_UNAUTHENTICATED', message, { scheme: READ_AUTH_SCHEME, ...details });

/** The `members` read gate. */
export class ReadAuth {
  readonly #o: ReadAuthOptions;
  readonly #m: ReadAuthModules;
  readonly #window: number;
  /** Signatures seen (hex) → time they stop mattering. */
  readonly #seen = new Map<string, number>();

  constructor(opts: ReadAuthOptions, modules: ReadAuthModules) {
    this.#o = opts;
    this.#m = modules;
    this.#window = opts.windowMs ?? DEFAULT_READ_WINDOW_MS;
  }

  /** Authenticates and authorizes a read, or throws API_UNAUTHENTICATED (401) / PERM_* / API_FORBIDDEN (403). */
  authorize(req: ReadRequest): Reader {
    const reader = this.#authenticate(req);
    const needs = this.#supervisory(req);
    if (needs !== undefined && !SUPERVISORY_ROLES.includes(reader.role)) {
      throw new XinlianError(
        'API_FORBIDDEN',
        `${needs} is readable by the regulator and auditor roles only`,
        {
          role: reader.role,
          allowed: [...SUPERVISORY_ROLES],
          reason: needs,
        },
      );
    }
    return reader;
  }

  #authenticate(req: ReadRequest): Reader {
    const header = req.authorization;
    if (header === undefined) throw unauthenticated('this node serves reads to signed member requests only');
    const m = AUTH_RE.exec(header.trim());
    if (m === null) throw unauthenticated('malformed authorization header (Xinlian key=…, time=…, sig=…)');
    const [, keyHex, timeText, sigHex] = m as unknown as [string, string, string, string];
    const time = Number(timeText);
    const now = this.#m.clock.now();
    if (!Number.isSafeInteger(time) || Math.abs(now - time) > this.#window) {
      throw unauthenticated('the request time is outside the replay window', {
        time,
        now,
        windowMs: this.#window,
      });
    }
    if (!isHex(keyHex) || !isHex(sigHex)) throw unauthenticated('key and sig must be hex');
    const { suite } = this.#m;
    let ok = false;
    const keyBytes = fromHex(keyHex);
    try {
      const key = suite.publicKeyFromBytes(keyBytes);
      ok = suite.verify(key, readAuthMessage(this.#o.chainId, req.method, req.url, time), fromHex(sigHex));
    } catch {
      ok = false;
    }
    if (!ok) throw unauthenticated('the request signature does not verify');
    const sigId = sigHex.toLowerCase();
    this.#forget(now);
    if (this.#seen.has(sigId)) throw unauthenticated('this signed request was already used (replay)');
    if (this.#seen.size >= MAX_SEEN) this.#seen.delete(this.#seen.keys().next().value as string);
    this.#seen.set(sigId, time + this.#window);
    const address = addressOf(suite, keyBytes);
    const member = this.#m.identify(address, now);
    return { address, role: member.role, org: member.org };
  }

  #forget(now: number): void {
    for (const [sig, until] of this.#seen) {
      if (until >= now) break;
      this.#seen.delete(sig);
    }
  }

  /** Why a read is supervisory (regulator/auditor only), or undefined. */
  #supervisory(req: ReadRequest): string | undefined {
    const p = req.params;
    const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : undefined);
    const frozenModule = (module: string) =>
      this.#m.frozen({ kind: 'module', module }) ? `the frozen module ${module}` : undefined;
    switch (req.route) {
      case '/v1/governance/audit':
        return 'the audit log';
      case '/v1/query/:module/:query':
        if (str('module') === 'governance' && str('query') === 'audit') return 'the audit log';
        return frozenModule(str('module') ?? '');
      case '/v1/state/:module/:keyHex':
        return frozenModule(str('module') ?? '');
      case '/v1/evidence/records/:id': {
        const id = str('id') ?? '';
        if (this.#m.frozen({ kind: 'record', module: 'evidence', record: id }))
          return `the frozen record evidence/${id}`;
        return frozenModule('evidence');
      }
      default:
        if (req.route.startsWith('/v1/evidence')) return frozenModule('evidence');
        return undefined;
    }
  }
}
