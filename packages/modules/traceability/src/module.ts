/**
 * The traceability module (产品溯源): EPCIS 2.0 events recorded on chain under their CBV 2.0
 * event hash, signed by the capturing organization, and the identifier ranges organizations own
 * (docs/traceability.md).
 */
import { canonicalJson, type JsonValue, parseCanonicalJson } from '@xinlian/codec';
import type {
  Module,
  ModuleMethod,
  ModuleQuery,
  ModuleQueryState,
  ModuleState,
  StateView,
  TxContext,
} from '@xinlian/execution';
import { compareBytes, concatBytes, fromHex, isXinlianError, toHex, XinlianError } from '@xinlian/utils';
import type { CbvTerms } from './cbv.js';
import { badArgs, traceError } from './errors.js';
import { eventHash } from './hash/index.js';
import { parseIdentifier } from './identifiers.js';
import {
  declaredKey,
  digestOfEventId,
  eventKey,
  eventTimeBound,
  eventTimeKey,
  eventTimePrefix,
  identKey,
  identPrefix,
  identStemPrefix,
  orderKey,
  orderPrefix,
  POS_LENGTH,
  pos,
  queryKey,
  queryPrefix,
  ROLE,
  type Role,
  rangeKey,
  rangePrefix,
  unversionedPrefixes,
} from './keys.js';
import {
  canonicalId,
  decodeEventQuery,
  type EventQuery,
  eventTimeOf,
  INDEXED_MATCH,
  identifiersOf,
  matcher,
  matches,
} from './query.js';
import type { CaptureResult, EventPage, EventRecord, NamedQuery, RangeRecord } from './records.js';
import { createEpcisValidator, type EpcisValidator } from './validate.js';

/** The module name and state namespace. */
export const TRACEABILITY_MODULE = 'traceability';

/** Roles that may capture events by default (spec/governance.md); ranges are for org admins. */
export const TRACEABILITY_CAPTURE_ROLES: readonly string[] = Object.freeze(['admin', 'client']);
export const TRACEABILITY_RANGE_ROLES: readonly string[] = Object.freeze(['admin']);

/** Most events one capture tx may carry. */
export const MAX_EVENTS_PER_TX = 1000;
/** Most index entries a query reads before it returns a (possibly short) page with a cursor. */
export const MAX_SCAN = 10_000;

export interface TraceabilityOptions {
  /**
   * The organization of a tx signer, read from the state view (governance membership), or
   * undefined if the signer belongs to none. Wired by the node from governance's `identify`.
   */
  readonly orgOf: (view: StateView, address: string) => string | undefined;
}

export type ErrorBehaviour = 'rollback' | 'proceed';

/** A decoded event of a capture tx: valid (with its ID) or refused with the first issue. */
type Item =
  | {
      readonly ok: true;
      readonly text: string;
      readonly event: Record<string, unknown>;
      readonly eventId: string;
    }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly field?: string };

interface CaptureArgs {
  readonly items: readonly Item[];
  readonly errorBehaviour: ErrorBehaviour;
}

interface RangeArgs {
  readonly kind: 'gs1' | 'uri';
  readonly prefix: string;
  readonly partners: readonly string[];
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function onlyKeys(json: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(json)) if (!keys.includes(k)) throw badArgs(k, 'unknown field');
}

/** Identifiers an event commissions (brings into existence): ObjectEvent ADD and transformation outputs. */
function commissioned(event: Record<string, unknown>): string[] {
  const ids = identifiersOf(event);
  if (event.type === 'ObjectEvent' && event.action === 'ADD') return [...ids.epc, ...ids.epcClass];
  if (event.type === 'TransformationEvent') return [...ids.output, ...ids.outputEpcClass];
  return [];
}

const ORG_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function decodeRange(json: JsonValue): RangeArgs {
  if (!isObj(json)) throw badArgs('', 'args must be an object');
  onlyKeys(json, ['kind', 'prefix', 'partners']);
  const { kind, prefix } = json;
  if (kind !== 'gs1' && kind !== 'uri') throw badArgs('kind', 'must be gs1 or uri');
  if (typeof prefix !== 'string') throw badArgs('prefix', 'must be a string');
  if (kind === 'gs1' && !/^\d{4,12}$/.test(prefix))
    throw badArgs('prefix', 'a GS1 company prefix is 4 to 12 digits');
  if (kind === 'uri' && (!/^[a-z][a-z0-9+.-]*:[^\s]{3,}$/i.test(prefix) || prefix.length > 512)) {
    throw badArgs('prefix', 'must be an absolute URI prefix of at most 512 characters');
  }
  const partners = json.partners ?? [];
  if (
    !Array.isArray(partners) ||
    partners.length > 100 ||
    !partners.every((p) => typeof p === 'string' && ORG_RE.test(p))
  ) {
    throw badArgs('partners', 'must be a list of up to 100 organization IDs');
  }
  return { kind, prefix, partners: [...new Set(partners as string[])].sort() };
}

function readJson<T>(state: Pick<ModuleQueryState, 'get'>, key: Uint8Array): T | undefined {
  const bytes = state.get(key);
  return bytes === undefined ? undefined : (parseCanonicalJson(bytes) as unknown as T);
}

/** The range an identifier falls into (longest GS1 prefix first, then URI prefixes), if any. */
/** The registered URI ranges (read once per tx or query). */
function uriRanges(state: Pick<ModuleState, 'scan'>): RangeRecord[] {
  return state
    .scan(rangePrefix('uri'), { limit: 10_000 })
    .map((kv) => parseCanonicalJson(kv.value) as unknown as RangeRecord);
}

/**
 * The range an identifier falls into (longest GS1 prefix first, then the longest URI prefix), if
 * any. `uris` reads the URI ranges (memoize it across the identifiers of one tx).
 */
function rangeOf(
  state: Pick<ModuleState, 'get'>,
  id: string,
  uris: () => readonly RangeRecord[],
): RangeRecord | undefined {
  const parsed = parseIdentifier(id);
  const digits = parsed.ok ? parsed.id?.companyDigits : undefined;
  if (digits !== undefined) {
    for (let len = Math.min(12, digits.length); len >= 4; len--) {
      const r = readJson<RangeRecord>(state, rangeKey('gs1', digits.slice(0, len)));
      if (r !== undefined) return r;
    }
  }
  let best: RangeRecord | undefined;
  for (const r of uris()) {
    if (id.startsWith(r.prefix) && (best === undefined || r.prefix.length > best.prefix.length)) best = r;
  }
  return best;
}

/** A memoized thunk. */
function once<T>(fn: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = fn();
      done = true;
    }
    return value;
  };
}

/** A range of another organization overlapping `args` (one is a prefix of the other). */
function overlapping(state: ModuleState, args: RangeArgs, org: string): RangeRecord | undefined {
  const foreign = (r: RangeRecord | undefined) => (r !== undefined && r.org !== org ? r : undefined);
  for (let len = args.kind === 'gs1' ? 4 : 1; len < args.prefix.length; len++) {
    const r = foreign(readJson<RangeRecord>(state, rangeKey(args.kind, args.prefix.slice(0, len))));
    if (r !== undefined) return r;
  }
  for (const kv of state.scan(concatBytes(rangePrefix(args.kind), new TextEncoder().encode(args.prefix)), {
    limit: 1000,
  })) {
    const r = foreign(parseCanonicalJson(kv.value) as unknown as RangeRecord);
    if (r !== undefined) return r;
  }
  return undefined;
}

/** Creates the traceability module. */
export function createTraceabilityModule(
  opts: TraceabilityOptions,
  validator: EpcisValidator = createEpcisValidator(),
): Module {
  const terms: CbvTerms = validator.terms;

  const refused = (e: unknown, field?: string): Item => {
    const err: XinlianError = isXinlianError(e)
      ? e
      : new XinlianError('TRACE_INVALID_EPCIS', 'event could not be read');
    const f = typeof err.details.field === 'string' ? err.details.field : field;
    return { ok: false, code: err.code, message: err.message, ...(f === undefined ? {} : { field: f }) };
  };

  const decodeCapture = (json: JsonValue): CaptureArgs => {
    if (!isObj(json)) throw badArgs('', 'args must be an object');
    onlyKeys(json, ['events', 'errorBehaviour']);
    const errorBehaviour = json.errorBehaviour ?? 'rollback';
    if (errorBehaviour !== 'rollback' && errorBehaviour !== 'proceed') {
      throw badArgs('errorBehaviour', 'must be rollback or proceed');
    }
    const { events } = json;
    if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS_PER_TX) {
      throw badArgs('events', `must be a list of 1 to ${MAX_EVENTS_PER_TX} event JSON texts`);
    }
    const items = events.map((text, i): Item => {
      if (typeof text !== 'string')
        return refused(badArgs(`events/${i}`, 'must be the JSON text of an event'));
      try {
        let event: unknown;
        try {
          event = JSON.parse(text);
        } catch {
          throw badArgs(`events/${i}`, 'is not JSON');
        }
        if (!isObj(event) || event.type === 'EPCISDocument' || event.type === 'EPCISQueryDocument') {
          throw badArgs(`events/${i}`, 'must be one EPCIS event (an object)');
        }
        validator.check(event);
        let eventId: string;
        try {
          eventId = eventHash(event);
        } catch (e) {
          // The hash's own errors (a value it cannot canonicalise) are an invalid event here.
          throw new XinlianError(
            'TRACE_INVALID_EPCIS',
            `event cannot be hashed: ${e instanceof Error ? e.message : String(e)}`,
            {
              field: isXinlianError(e) && typeof e.details.field === 'string' ? `/${e.details.field}` : '',
            },
          );
        }
        return { ok: true, text, event, eventId };
      } catch (e) {
        return refused(e);
      }
    });
    if (errorBehaviour === 'rollback') {
      const i = items.findIndex((it) => !it.ok);
      const bad = items[i];
      if (bad !== undefined && !bad.ok) {
        throw new XinlianError(bad.code, `events/${i}: ${bad.message}`, {
          index: i,
          field: `/events/${i}${bad.field?.startsWith('/') ? bad.field : ''}`,
        });
      }
    }
    return { items, errorBehaviour };
  };

  const store = (
    ctx: TxContext,
    state: ModuleState,
    org: string,
    item: Item & { ok: true },
    index: number,
    digest: Uint8Array,
  ) => {
    const p = pos(ctx.height, ctx.txIndex, index);
    const declared = typeof item.event.eventID === 'string' ? item.event.eventID : undefined;
    const record: EventRecord = {
      blockTime: ctx.blockTime,
      capturedBy: ctx.sender.address,
      ...(declared === undefined ? {} : { declaredEventId: declared }),
      event: item.text,
      eventId: item.eventId,
      height: ctx.height,
      index,
      org,
      recordTime: new Date(ctx.blockTime).toISOString(),
      txId: toHex(ctx.txId),
      txIndex: ctx.txIndex,
      type: String(item.event.type),
    };
    state.set(eventKey(digest), canonicalJson(record as unknown as JsonValue));
    state.set(orderKey(p), digest);
    const ids = identifiersOf(item.event);
    for (const role of Object.keys(ids) as Role[]) {
      for (const id of new Set(ids[role])) {
        // Indexed by canonical form (exact matches in any syntax) and, if different, as written (EPC patterns).
        const canonical = canonicalId(id);
        state.set(identKey(canonical, p, ROLE[role]), digest);
        if (canonical !== id) state.set(identKey(id, p, ROLE[role]), digest);
      }
    }
    if (declared !== undefined && state.get(declaredKey(declared)) === undefined)
      state.set(declaredKey(declared), digest);
    const t = eventTimeOf(item.event);
    if (Number.isSafeInteger(t) && t >= 0) state.set(eventTimeKey(t, p), digest);
    state.emit({
      type: 'traceability.captured',
      attributes: [
        { key: 'eventId', value: item.eventId },
        { key: 'org', value: org },
        { key: 'type', value: record.type },
      ],
    });
  };

  const capture: ModuleMethod<CaptureArgs> = {
    roles: TRACEABILITY_CAPTURE_ROLES,
    decodeArgs: decodeCapture,
    execute(ctx, state, args): JsonValue {
      const org = opts.orgOf(ctx.view, ctx.sender.address);
      if (org === undefined) {
        throw traceError('TRACE_NO_ORGANIZATION', `signer ${ctx.sender.address} belongs to no organization`, {
          address: ctx.sender.address,
        });
      }
      const captured: { index: number; eventId: string }[] = [];
      const failed: CaptureResult['failed'][number][] = [];
      // Ranges do not change within a capture tx: read the URI ranges at most once.
      const uris = once(() => uriRanges(state));
      const fail = (index: number, err: XinlianError) => {
        if (args.errorBehaviour === 'rollback') throw err;
        const field = typeof err.details.field === 'string' ? err.details.field : undefined;
        failed.push({
          index,
          code: err.code,
          message: err.message,
          ...(field === undefined ? {} : { field }),
        });
      };
      args.items.forEach((item, index) => {
        if (!item.ok) {
          failed.push({
            index,
            code: item.code,
            message: item.message,
            ...(item.field === undefined ? {} : { field: item.field }),
          });
          return;
        }
        const digest = digestOfEventId(item.eventId);
        if (digest === undefined) {
          fail(
            index,
            traceError('TRACE_INVALID_EPCIS', `event ID ${item.eventId} is not a CBV 2.0 sha-256 hash`, {
              index,
            }),
          );
          return;
        }
        if (state.get(eventKey(digest)) !== undefined) {
          fail(
            index,
            traceError('TRACE_DUPLICATE_EVENT', `event ${item.eventId} is already recorded`, {
              index,
              eventId: item.eventId,
            }),
          );
          return;
        }
        for (const id of commissioned(item.event)) {
          const range = rangeOf(state, id, uris);
          if (range !== undefined && range.org !== org && !range.partners.includes(org)) {
            fail(
              index,
              traceError(
                'TRACE_NOT_AUTHORIZED',
                `${id} is in range ${range.kind}:${range.prefix} of ${range.org}; ${org} may not commission it`,
                {
                  index,
                  identifier: id,
                  owner: range.org,
                  org,
                },
              ),
            );
            return;
          }
        }
        store(ctx, state, org, item, index, digest);
        captured.push({ index, eventId: item.eventId });
      });
      return { captured, failed, org } as unknown as JsonValue;
    },
  };

  const orgOrThrow = (ctx: TxContext): string => {
    const org = opts.orgOf(ctx.view, ctx.sender.address);
    if (org === undefined) {
      throw traceError('TRACE_NO_ORGANIZATION', `signer ${ctx.sender.address} belongs to no organization`, {
        address: ctx.sender.address,
      });
    }
    return org;
  };

  const registerRange: ModuleMethod<RangeArgs> = {
    roles: TRACEABILITY_RANGE_ROLES,
    decodeArgs: decodeRange,
    execute(ctx, state, args): JsonValue {
      const org = orgOrThrow(ctx);
      const key = rangeKey(args.kind, args.prefix);
      const existing = readJson<RangeRecord>(state, key);
      if (existing !== undefined && existing.org !== org) {
        throw traceError(
          'TRACE_NOT_RANGE_OWNER',
          `range ${args.kind}:${args.prefix} belongs to ${existing.org}`,
          {
            owner: existing.org,
            org,
          },
        );
      }
      const other = overlapping(state, args, org);
      if (other !== undefined) {
        throw traceError(
          'TRACE_RANGE_TAKEN',
          `range ${args.kind}:${args.prefix} overlaps ${other.kind}:${other.prefix} of ${other.org}`,
          {
            field: 'prefix',
            owner: other.org,
            range: `${other.kind}:${other.prefix}`,
          },
        );
      }
      const record: RangeRecord = {
        height: existing?.height ?? ctx.height,
        kind: args.kind,
        org,
        partners: args.partners,
        prefix: args.prefix,
        registeredBy: ctx.sender.address,
      };
      state.set(key, canonicalJson(record as unknown as JsonValue));
      state.emit({
        type: existing === undefined ? 'traceability.rangeRegistered' : 'traceability.rangeUpdated',
        attributes: [
          { key: 'org', value: org },
          { key: 'range', value: `${args.kind}:${args.prefix}` },
        ],
      });
      return record as unknown as JsonValue;
    },
  };

  const releaseRange: ModuleMethod<RangeArgs> = {
    roles: TRACEABILITY_RANGE_ROLES,
    decodeArgs: (json) => {
      if (isObj(json) && json.partners !== undefined) throw badArgs('partners', 'unknown field');
      return decodeRange(json);
    },
    execute(ctx, state, args): JsonValue {
      const org = orgOrThrow(ctx);
      const key = rangeKey(args.kind, args.prefix);
      const existing = readJson<RangeRecord>(state, key);
      if (existing === undefined)
        throw traceError('TRACE_NOT_FOUND', `no range ${args.kind}:${args.prefix}`, {});
      if (existing.org !== org) {
        throw traceError(
          'TRACE_NOT_RANGE_OWNER',
          `range ${args.kind}:${args.prefix} belongs to ${existing.org}`,
          {
            owner: existing.org,
            org,
          },
        );
      }
      state.delete(key);
      state.emit({
        type: 'traceability.rangeReleased',
        attributes: [
          { key: 'org', value: org },
          { key: 'range', value: `${args.kind}:${args.prefix}` },
        ],
      });
      return null;
    },
  };

  const defineQuery: ModuleMethod<{ name: string; query: Record<string, JsonValue> }> = {
    roles: TRACEABILITY_CAPTURE_ROLES,
    decodeArgs: (json) => {
      if (!isObj(json)) throw badArgs('', 'args must be an object');
      onlyKeys(json, ['name', 'query']);
      const { name, query } = json;
      if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
        throw badArgs('name', 'must be 1 to 64 letters, digits, _ . or -');
      }
      if (!isObj(query)) throw badArgs('query', 'must be an object of EPCIS query parameters');
      for (const k of ['limit', 'cursor'])
        if (k in query) throw badArgs(`query/${k}`, 'not part of a query definition');
      try {
        decodeEventQuery(query);
      } catch (e) {
        if (isXinlianError(e) && typeof e.details.field === 'string')
          throw badArgs(`query/${e.details.field}`, e.message);
        throw e;
      }
      return { name, query: query as Record<string, JsonValue> };
    },
    execute(ctx, state, args): JsonValue {
      const org = orgOrThrow(ctx);
      if (state.get(queryKey(args.name)) !== undefined) {
        throw traceError('TRACE_QUERY_EXISTS', `a query named ${args.name} exists`, {
          field: 'name',
          name: args.name,
        });
      }
      const record: NamedQuery = {
        definedBy: ctx.sender.address,
        height: ctx.height,
        name: args.name,
        org,
        query: args.query,
      };
      state.set(queryKey(args.name), canonicalJson(record as unknown as JsonValue));
      state.emit({
        type: 'traceability.queryDefined',
        attributes: [
          { key: 'name', value: args.name },
          { key: 'org', value: org },
        ],
      });
      return record as unknown as JsonValue;
    },
  };

  const getRecord = (state: ModuleQueryState, digest: Uint8Array): EventRecord =>
    readJson<EventRecord>(state, eventKey(digest)) as EventRecord;

  const query = <P>(
    decode: (json: JsonValue) => P,
    run: (state: ModuleQueryState, p: P) => unknown,
  ): ModuleQuery<P, JsonValue> => ({
    decodeParams: decode,
    run: (state, p) => run(state, p) as JsonValue,
  });

  const queries = {
    /** One event by its CBV 2.0 hash ID or the eventID its capturer declared; null if unknown. */
    event: query(
      (json) => {
        if (!isObj(json) || typeof json.eventId !== 'string' || json.eventId.length === 0)
          throw badArgs('eventId', 'required');
        return json.eventId;
      },
      (state, id) => {
        const digest = digestOfEventId(id) ?? state.get(declaredKey(id));
        return digest === undefined ? null : (readJson<EventRecord>(state, eventKey(digest)) ?? null);
      },
    ),
    /** EPCIS SimpleEventQuery (see query.ts), a page at a time. */
    events: query(decodeEventQuery, (state, q) => runEvents(state, q, terms, getRecord)),
    /** A named query's definition, or null. */
    namedQuery: query(
      (json) => {
        if (!isObj(json) || typeof json.name !== 'string') throw badArgs('name', 'required');
        return json.name;
      },
      (state, name) => readJson<NamedQuery>(state, queryKey(name)) ?? null,
    ),
    /** Every named query (up to 10,000), by name. */
    namedQueries: query(
      () => undefined,
      (state) => state.scan(queryPrefix(), { limit: 10_000 }).map((kv) => parseCanonicalJson(kv.value)),
    ),
    /**
     * Events naming an identifier (canonical form) in any of the given roles, oldest first, at most
     * `limit` (default and maximum 2000): the lookup GET /trace's lineage walk runs on.
     */
    eventsFor: query(
      (json) => {
        if (!isObj(json) || typeof json.id !== 'string' || json.id.length === 0)
          throw badArgs('id', 'required');
        const roles = json.roles ?? Object.keys(ROLE);
        if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string' && Object.hasOwn(ROLE, r))) {
          throw badArgs('roles', `must be a list of ${Object.keys(ROLE).join(', ')}`);
        }
        const limit = json.limit ?? 2000;
        if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 2000) {
          throw badArgs('limit', 'must be an integer from 1 to 2000');
        }
        return { id: json.id, roles: new Set<number>((roles as Role[]).map((r) => ROLE[r])), limit };
      },
      (state, p) => {
        const seen = new Set<string>();
        const out: EventRecord[] = [];
        for (const kv of state.scan(identPrefix(canonicalId(p.id)), { limit: MAX_SCAN })) {
          if (!p.roles.has(kv.key[kv.key.length - 1]!)) continue;
          const hex = toHex(kv.value);
          if (seen.has(hex)) continue;
          seen.add(hex);
          out.push(getRecord(state, kv.value));
          if (out.length >= p.limit) break;
        }
        return out;
      },
    ),
    /** A range by kind and prefix; null if none. */
    range: query(
      (json) => {
        if (!isObj(json)) throw badArgs('', 'params must be an object');
        return { kind: String(json.kind), prefix: String(json.prefix) };
      },
      (state, p) => readJson<RangeRecord>(state, rangeKey(p.kind, p.prefix)) ?? null,
    ),
    /** Every registered range (of one organization if `org` is given). */
    ranges: query(
      (json) => (isObj(json) && typeof json.org === 'string' ? json.org : undefined),
      (state, org) =>
        state
          .scan(rangePrefix(), { limit: 10_000 })
          .map((kv) => parseCanonicalJson(kv.value) as unknown as RangeRecord)
          .filter((r) => org === undefined || r.org === org),
    ),
    /** The range an identifier falls into, or null. */
    rangeOf: query(
      (json) => {
        if (!isObj(json) || typeof json.identifier !== 'string') throw badArgs('identifier', 'required');
        return json.identifier;
      },
      (state, id) => rangeOf(state, id, () => uriRanges(state)) ?? null,
    ),
  };

  return {
    name: TRACEABILITY_MODULE,
    methods: { capture, registerRange, releaseRange, defineQuery } as Record<string, ModuleMethod<unknown>>,
    queries: queries as Record<string, ModuleQuery<unknown, JsonValue>>,
    unversioned: unversionedPrefixes(),
  };
}

/** Role bytes each indexed MATCH_ parameter reads. */
const MATCH_ROLES: Readonly<Record<(typeof INDEXED_MATCH)[number], readonly number[]>> = {
  MATCH_epc: [ROLE.epc, ROLE.child],
  MATCH_parentID: [ROLE.parent],
  MATCH_inputEPC: [ROLE.input],
  MATCH_outputEPC: [ROLE.output],
  MATCH_anyEPC: [ROLE.epc, ROLE.child, ROLE.parent, ROLE.input, ROLE.output],
};

/** Candidate positions (sorted ascending, unique) from the identifier index, or undefined if no indexed MATCH_ param. */
function indexedCandidates(
  state: ModuleQueryState,
  q: EventQuery,
): { pos: Uint8Array; digest: Uint8Array }[] | undefined {
  const param = INDEXED_MATCH.find((p) => q[p] !== undefined);
  if (param === undefined) return undefined;
  const roles = MATCH_ROLES[param];
  const found = new Map<string, { pos: Uint8Array; digest: Uint8Array }>();
  for (const value of q[param]!) {
    const m = matcher(value);
    const prefix = 'exact' in m ? identPrefix(canonicalId(m.exact)) : identStemPrefix(m.stem);
    for (const kv of state.scan(prefix, { limit: MAX_SCAN })) {
      const key = kv.key;
      const role = key[key.length - 1]!;
      if (!roles.includes(role)) continue;
      const p = key.subarray(key.length - 1 - POS_LENGTH, key.length - 1);
      found.set(toHex(p), { pos: p, digest: kv.value });
    }
  }
  return [...found.values()].sort((a, b) => compareBytes(a.pos, b.pos));
}

/**
 * Candidates from the event-time index for a GE_/LT_eventTime window (sorted by position), or
 * undefined when there is no lower bound, or the window holds more than MAX_SCAN events (then the
 * capture-order scan pages through everything). Events before 1970 are not in the index, so a
 * window starting before 1970 is not answered from it.
 */
function timeCandidates(
  state: ModuleQueryState,
  q: EventQuery,
): { pos: Uint8Array; digest: Uint8Array }[] | undefined {
  if (q.GE_eventTime === undefined || q.GE_eventTime < 0) return undefined;
  const entries = state.scan(eventTimePrefix(), {
    start: eventTimeBound(q.GE_eventTime),
    ...(q.LT_eventTime === undefined ? {} : { end: eventTimeBound(q.LT_eventTime) }),
    limit: MAX_SCAN + 1,
  });
  if (entries.length > MAX_SCAN) return undefined;
  return entries
    .map((kv) => ({ pos: kv.key.subarray(kv.key.length - POS_LENGTH), digest: kv.value }))
    .sort((a, b) => compareBytes(a.pos, b.pos));
}

function runEvents(
  state: ModuleQueryState,
  q: EventQuery,
  terms: CbvTerms,
  getRecord: (state: ModuleQueryState, digest: Uint8Array) => EventRecord,
): EventPage {
  const [kind, rest] = q.cursor === undefined ? ['', ''] : [q.cursor[0]!, q.cursor.slice(1)];
  const [after, countText] = rest.split('.') as [string, string];
  let returned = q.cursor === undefined ? 0 : Number(countText);
  const remaining = q.eventCountLimit === undefined ? Number.POSITIVE_INFINITY : q.eventCountLimit - returned;
  const pageSize = Math.max(0, Math.min(q.limit, remaining));
  if (pageSize === 0) return { records: [] };
  const desc = q.orderDirection === 'DESC';
  const load = (digest: Uint8Array) => {
    const record = getRecord(state, digest);
    const event = JSON.parse(record.event) as Record<string, unknown>;
    return { record, event };
  };

  // EQ_eventID: direct lookups.
  let candidates: { pos: Uint8Array; digest: Uint8Array }[] | undefined;
  if (q.EQ_eventID !== undefined) {
    const seen = new Map<string, { pos: Uint8Array; digest: Uint8Array }>();
    for (const id of q.EQ_eventID) {
      const digest = digestOfEventId(id) ?? state.get(declaredKey(id));
      if (digest === undefined || state.get(eventKey(digest)) === undefined) continue;
      const r = getRecord(state, digest);
      const p = pos(r.height, r.txIndex, r.index);
      seen.set(toHex(p), { pos: p, digest });
    }
    candidates = [...seen.values()].sort((a, b) => compareBytes(a.pos, b.pos));
  } else {
    candidates = indexedCandidates(state, q) ?? timeCandidates(state, q);
  }

  if (q.orderBy === 'eventTime' || kind === 't') {
    // Sort every match by event time (bounded by MAX_SCAN), then page by offset.
    const all: { record: EventRecord; t: number }[] = [];
    const source =
      candidates ??
      state
        .scan(orderPrefix(), { limit: MAX_SCAN + 1 })
        .map((kv) => ({ pos: kv.key.subarray(1), digest: kv.value }));
    if (source.length > MAX_SCAN) {
      throw traceError(
        'TRACE_QUERY_TOO_LARGE',
        `orderBy=eventTime considers at most ${MAX_SCAN} events; narrow the query`,
        {
          limit: MAX_SCAN,
        },
      );
    }
    for (const c of source) {
      const { record, event } = load(c.digest);
      if (matches(q, record, event, terms)) all.push({ record, t: eventTimeOf(event) });
    }
    all.sort(
      (a, b) =>
        (desc ? b.t - a.t : a.t - b.t) ||
        (desc ? -1 : 1) *
          (a.record.height - b.record.height ||
            a.record.txIndex - b.record.txIndex ||
            a.record.index - b.record.index),
    );
    const offset = kind === 't' ? Number.parseInt(after === '' ? '0' : after, 16) : 0;
    const records = all.slice(offset, offset + pageSize).map((x) => x.record);
    returned += records.length;
    const next = offset + records.length;
    return next < all.length && returned < (q.eventCountLimit ?? Number.POSITIVE_INFINITY)
      ? { records, nextCursor: `t${next.toString(16)}.${returned}` }
      : { records };
  }

  const afterPos = kind === 'p' && after !== '' ? fromHex(after, POS_LENGTH) : undefined;
  const records: EventRecord[] = [];
  let scanned = 0;
  let last: Uint8Array | undefined;
  let exhausted = true;
  if (candidates !== undefined) {
    const ordered = desc ? [...candidates].reverse() : candidates;
    for (const c of ordered) {
      if (
        afterPos !== undefined &&
        (desc ? compareBytes(c.pos, afterPos) >= 0 : compareBytes(c.pos, afterPos) <= 0)
      )
        continue;
      if (records.length >= pageSize || scanned >= MAX_SCAN) {
        exhausted = false;
        break;
      }
      scanned++;
      last = c.pos;
      const { record, event } = load(c.digest);
      if (matches(q, record, event, terms)) records.push(record);
    }
  } else {
    const prefix = orderPrefix();
    let cursor = afterPos;
    outer: while (true) {
      const batch = state.scan(prefix, {
        limit: 256,
        reverse: desc,
        ...(cursor === undefined
          ? {}
          : desc
            ? { end: orderKey(cursor) }
            : { start: orderKey(increment(cursor)) }),
      });
      if (batch.length === 0) break;
      for (const kv of batch) {
        if (records.length >= pageSize || scanned >= MAX_SCAN) {
          exhausted = false;
          break outer;
        }
        const p = kv.key.subarray(1);
        scanned++;
        last = p;
        const { record, event } = load(kv.value);
        if (matches(q, record, event, terms)) records.push(record);
      }
      cursor = batch[batch.length - 1]!.key.subarray(1);
      if (batch.length < 256) break;
    }
  }
  returned += records.length;
  if (exhausted || last === undefined || returned >= (q.eventCountLimit ?? Number.POSITIVE_INFINITY))
    return { records };
  return { records, nextCursor: `p${toHex(last)}.${returned}` };
}

/** The smallest byte string greater than `p` of the same length (p + 1), or p ‖ 0x00 if all 0xff. */
function increment(p: Uint8Array): Uint8Array {
  const out = Uint8Array.from(p);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! < 0xff) {
      out[i]!++;
      return out;
    }
    out[i] = 0;
  }
  return concatBytes(p, Uint8Array.of(0));
}
