/**
 * Reading governance state: a module-relative reader (method state, query state, or the host's
 * full-key view through the namespace), the genesis seed used until block 1 writes it, and the
 * identity / permission / freeze checks shared by the host authorizer and the module.
 */
import { canonicalJson, type JsonValue, parseCanonicalJson } from '@xinlian/codec';
import { namespacePrefix, type StateView } from '@xinlian/execution';
import { compareBytes, concatBytes, fromUtf8, startsWithBytes, toHex } from '@xinlian/utils';
import { govError } from './errors.js';
import { GOVERNANCE_MODULE, K, targetId } from './keys.js';
import type {
  FreezeRecord,
  FreezeTarget,
  MemberRecord,
  OrganizationRecord,
  Role,
  VotingPolicy,
} from './schemas.js';

export interface ScanOpts {
  readonly start?: Uint8Array;
  readonly end?: Uint8Array;
  readonly limit?: number;
  readonly reverse?: boolean;
}
export interface KV {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}
/** Module-relative read access. */
export interface Reader {
  get(key: Uint8Array): Uint8Array | undefined;
  scan(prefix: Uint8Array, opts?: ScanOpts): readonly KV[];
  /** Parses a value (optional: the authorizer memoizes parsed values by their bytes). */
  parse?(bytes: Uint8Array): unknown;
}

export interface ChainConfig {
  readonly permissioned: boolean;
}

export const DEFAULT_VOTING_POLICY: VotingPolicy = { kind: 'MAJORITY' };

/** The genesis writes (module-relative), applied by beginBlock at the first block. */
export type Seed = ReadonlyMap<string, KV>;

export function encode(value: unknown): Uint8Array {
  return canonicalJson(value as JsonValue);
}

export function readJson<T>(r: Pick<Reader, 'get' | 'parse'>, key: Uint8Array): T | undefined {
  const bytes = r.get(key);
  if (bytes === undefined) return undefined;
  return (r.parse !== undefined ? r.parse(bytes) : parseCanonicalJson(bytes)) as T;
}

/**
 * A parser that remembers the values it parsed, keyed by their bytes (parsing is pure, so this is
 * deterministic); cleared when it holds `max` values. Callers must not mutate the results.
 */
export function memoParser(max = 4096): (bytes: Uint8Array) => unknown {
  const cache = new Map<string, unknown>();
  return (bytes) => {
    const id = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    if (cache.has(id)) return cache.get(id);
    const value = parseCanonicalJson(bytes);
    if (cache.size >= max) cache.clear();
    cache.set(id, value);
    return value;
  };
}

/** Scan over the seed map with the same semantics as state scans. */
function scanSeed(seed: Seed, prefix: Uint8Array, opts: ScanOpts = {}): KV[] {
  let out = [...seed.values()].filter(
    (kv) =>
      startsWithBytes(kv.key, prefix) &&
      (opts.start === undefined || compareBytes(kv.key, opts.start) >= 0) &&
      (opts.end === undefined || compareBytes(kv.key, opts.end) < 0),
  );
  out.sort((a, b) => compareBytes(a.key, b.key));
  if (opts.reverse === true) out.reverse();
  if (opts.limit !== undefined) out = out.slice(0, opts.limit);
  return out;
}

/** Reads the seed until the first block has written it (checkTx and queries before block 1). */
export function seeded(r: Reader, seed: Seed): Reader {
  if (r.get(K.init()) !== undefined) return r;
  const s: Reader = {
    get: (key) => seed.get(toHex(key))?.value,
    scan: (prefix, opts) => scanSeed(seed, prefix, opts),
  };
  return r.parse === undefined ? s : { ...s, parse: r.parse };
}

/** The module's namespace of a full-key view. */
export function namespaced(view: StateView, parse?: (bytes: Uint8Array) => unknown): Reader {
  const ns = namespacePrefix(GOVERNANCE_MODULE);
  const strip = (kvs: readonly KV[]) =>
    kvs.map((kv) => ({ key: kv.key.subarray(ns.length), value: kv.value }));
  const r: Reader = {
    get: (key) => view.get(concatBytes(ns, key)),
    scan: (prefix, opts) => {
      const o: { start?: Uint8Array; end?: Uint8Array; limit?: number } = {};
      if (opts?.start !== undefined) o.start = concatBytes(ns, opts.start);
      if (opts?.end !== undefined) o.end = concatBytes(ns, opts.end);
      if (opts?.limit !== undefined) o.limit = opts.limit;
      return strip(view.scan(concatBytes(ns, prefix), o));
    },
  };
  return parse === undefined ? r : { ...r, parse };
}

export function config(r: Reader): ChainConfig {
  return readJson<ChainConfig>(r, K.config()) ?? { permissioned: false };
}

export function organization(r: Reader, id: string): OrganizationRecord | undefined {
  return readJson<OrganizationRecord>(r, K.org(id));
}

export function organizations(r: Reader): OrganizationRecord[] {
  return r.scan(K.orgPrefix()).map((kv) => parseCanonicalJson(kv.value) as unknown as OrganizationRecord);
}

export function orgIds(r: Reader): string[] {
  return r.scan(K.orgPrefix()).map((kv) => fromUtf8(kv.key.subarray(K.orgPrefix().length)));
}

export function member(r: Reader, address: string): MemberRecord | undefined {
  return readJson<MemberRecord>(r, K.member(address));
}

export function votingPolicy(r: Reader): VotingPolicy {
  return readJson<VotingPolicy>(r, K.votingPolicy()) ?? DEFAULT_VOTING_POLICY;
}

/** The roles allowed to call module.method: the on-chain policy, else the declared default. */
export function allowedRoles(
  r: Reader,
  module: string,
  method: string,
  defaults: readonly string[] | undefined,
): readonly string[] | undefined {
  const entry = readJson<{ roles: string[] }>(r, K.permission(module, method));
  return entry?.roles ?? defaults;
}

/**
 * The sender's membership, checked at `time` (if known): registered, organization present,
 * certificate (and its CA) not revoked, within validity. Throws PERM_*.
 */
export function identify(r: Reader, address: string, time: number | undefined): MemberRecord {
  const m = member(r, address);
  if (m === undefined) {
    throw govError('PERM_UNKNOWN_SENDER', `account ${address} is not a registered member`, { address });
  }
  if (r.get(K.org(m.org)) === undefined) {
    throw govError('PERM_ORG_REMOVED', `organization ${m.org} is no longer a member`, {
      address,
      org: m.org,
    });
  }
  if (m.serial !== null) {
    const serial = r.get(K.revoked(m.org, m.serial)) !== undefined ? m.serial : undefined;
    const ca =
      m.caSerial !== null && r.get(K.revoked(m.org, m.caSerial)) !== undefined ? m.caSerial : undefined;
    const hit = serial ?? ca;
    if (hit !== undefined) {
      throw govError('PERM_REVOKED', `certificate ${hit} of ${m.org} is revoked`, {
        address,
        org: m.org,
        serial: hit,
        which: serial !== undefined ? 'member' : 'ca',
      });
    }
  }
  if (time !== undefined && m.notBefore !== null && m.notAfter !== null) {
    if (time < m.notBefore || time > m.notAfter) {
      throw govError('PERM_CERT_EXPIRED', `certificate of ${address} is not valid at ${time}`, {
        address,
        time,
        notBefore: m.notBefore,
        notAfter: m.notAfter,
      });
    }
  }
  return m;
}

/** PERM_ROLE_NOT_ALLOWED unless the member's role is allowed (undefined roles: any member). */
export function checkRole(
  m: MemberRecord,
  module: string,
  method: string,
  roles: readonly string[] | undefined,
): void {
  if (roles !== undefined && !roles.includes(m.role)) {
    throw govError('PERM_ROLE_NOT_ALLOWED', `role ${m.role} may not call ${module}.${method}`, {
      module,
      method,
      role: m.role,
      allowed: [...roles],
    });
  }
}

export function frozen(r: Reader, target: FreezeTarget): FreezeRecord | undefined {
  return readJson<FreezeRecord>(r, K.frozen(target));
}

export function refuseFrozen(r: Reader, target: FreezeTarget): void {
  const f = frozen(r, target);
  if (f !== undefined) {
    throw govError('SUPERVISION_FROZEN', `${targetId(target)} is frozen (${f.reference})`, {
      target: targetId(target),
      reference: f.reference,
      legalBasis: f.legalBasis,
      height: f.height,
    });
  }
}

/** Active freezes + disabled modules. */
export function restrictions(r: Pick<Reader, 'get'>): number {
  return readJson<number>(r, K.restrictions()) ?? 0;
}

export function moduleDisabled(r: Reader, module: string): boolean {
  return r.get(K.moduleDisabled(module)) !== undefined;
}

export function isRoleName(s: string): s is Role {
  return ['admin', 'client', 'validator', 'observer', 'regulator', 'auditor'].includes(s);
}
