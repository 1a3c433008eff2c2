/**
 * EPCIS 2.0 query parameters (EPCIS §8.2.7.1 SimpleEventQuery, the subset the REST binding's
 * `GET /events` takes) as a module query, and the predicate they define over stored events.
 */
import { type CbvKind, type CbvTerms, cbvTerm } from './cbv.js';
import { badArgs } from './errors.js';
import { toCanonicalDigitalLink } from './hash/index.js';
import type { EventRecord } from './records.js';

/** The `events` query parameters that take a list of values (the REST binding's pipe-delimited ones). */
export const LIST_PARAMS = [
  'eventType',
  'EQ_action',
  'EQ_bizStep',
  'EQ_disposition',
  'EQ_readPoint',
  'EQ_bizLocation',
  'MATCH_epc',
  'MATCH_anyEPC',
  'MATCH_parentID',
  'MATCH_inputEPC',
  'MATCH_outputEPC',
  'MATCH_epcClass',
  'MATCH_anyEPCClass',
  'EQ_eventID',
  'EQ_org',
] as const;
const TIME_PARAMS = ['GE_eventTime', 'LT_eventTime', 'GE_recordTime', 'LT_recordTime'] as const;
type ListParam = (typeof LIST_PARAMS)[number];
type TimeParam = (typeof TIME_PARAMS)[number];

/** The parameters of the `events` query (lists are OR-ed within a parameter, parameters AND-ed). */
export type EventQuery = { readonly [K in ListParam]?: readonly string[] } & {
  readonly [K in TimeParam]?: number;
} & {
  readonly orderBy: 'recordTime' | 'eventTime';
  readonly orderDirection: 'ASC' | 'DESC';
  readonly eventCountLimit?: number;
  /** Page size (the REST binding's perPage). */
  readonly limit: number;
  /** Opaque: a previous page's nextCursor. */
  readonly cursor?: string;
};

export const DEFAULT_PAGE = 30;
export const MAX_PAGE = 1000;

/** The MATCH_ parameters that have an identifier index, in the order the query prefers them. */
export const INDEXED_MATCH = [
  'MATCH_epc',
  'MATCH_parentID',
  'MATCH_inputEPC',
  'MATCH_outputEPC',
  'MATCH_anyEPC',
] as const;

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates and decodes the JSON params of the `events` query (TRACE_BAD_ARGS naming the parameter). */
export function decodeEventQuery(json: unknown): EventQuery {
  if (!isObj(json)) throw badArgs('', 'query parameters must be an object');
  const known = new Set<string>([
    ...LIST_PARAMS,
    ...TIME_PARAMS,
    'orderBy',
    'orderDirection',
    'eventCountLimit',
    'limit',
    'cursor',
  ]);
  for (const k of Object.keys(json)) if (!known.has(k)) throw badArgs(k, 'unknown query parameter');
  const out: Record<string, unknown> = {};
  for (const p of LIST_PARAMS) {
    const v = json[p];
    if (v === undefined) continue;
    const list = typeof v === 'string' ? [v] : v;
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      list.length > 100 ||
      !list.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 2048)
    ) {
      throw badArgs(p, 'must be a non-empty string or list of up to 100 non-empty strings');
    }
    out[p] = list;
  }
  for (const p of TIME_PARAMS) {
    const v = json[p];
    if (v === undefined) continue;
    const t =
      typeof v === 'string'
        ? Date.parse(v)
        : typeof v === 'number' && Number.isSafeInteger(v)
          ? v
          : Number.NaN;
    if (!Number.isFinite(t) || (typeof v === 'string' && !/^\d{4}-\d{2}-\d{2}T/.test(v))) {
      throw badArgs(p, 'must be an ISO 8601 date-time with a time zone (or ms since epoch)');
    }
    out[p] = t;
  }
  const orderBy = json.orderBy ?? 'recordTime';
  if (orderBy !== 'recordTime' && orderBy !== 'eventTime')
    throw badArgs('orderBy', 'must be eventTime or recordTime');
  const orderDirection = json.orderDirection ?? (json.orderBy === undefined ? 'ASC' : 'DESC');
  if (orderDirection !== 'ASC' && orderDirection !== 'DESC')
    throw badArgs('orderDirection', 'must be ASC or DESC');
  const int = (name: string, min: number, max: number): number | undefined => {
    const v = json[name];
    if (v === undefined) return undefined;
    const n = typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw badArgs(name, `must be an integer from ${min} to ${max}`);
    }
    return n;
  };
  const eventCountLimit = int('eventCountLimit', 1, 1_000_000);
  const limit = int('limit', 1, MAX_PAGE) ?? DEFAULT_PAGE;
  const cursor = json.cursor;
  if (cursor !== undefined && (typeof cursor !== 'string' || !/^[pt][0-9a-f]*\.\d{1,9}$/.test(cursor))) {
    throw badArgs('cursor', 'not a cursor of this query');
  }
  return {
    ...(out as object),
    orderBy,
    orderDirection,
    limit,
    ...(eventCountLimit === undefined ? {} : { eventCountLimit }),
    ...(cursor === undefined ? {} : { cursor }),
  } as EventQuery;
}

const arr = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const str = (v: unknown): string[] => (typeof v === 'string' ? [v] : []);
const classes = (v: unknown): string[] =>
  Array.isArray(v) ? v.flatMap((q) => (isObj(q) && typeof q.epcClass === 'string' ? [q.epcClass] : [])) : [];
const idOf = (v: unknown): string[] => (isObj(v) && typeof v.id === 'string' ? [v.id] : []);

/** Identifiers an event names, by role (the identifier index and the MATCH_ parameters use these). */
export function identifiersOf(event: Record<string, unknown>): {
  epc: string[];
  child: string[];
  parent: string[];
  input: string[];
  output: string[];
  epcClass: string[];
  childEpcClass: string[];
  inputEpcClass: string[];
  outputEpcClass: string[];
  transformationID: string[];
} {
  return {
    epc: arr(event.epcList),
    child: arr(event.childEPCs),
    parent: str(event.parentID),
    input: arr(event.inputEPCList),
    output: arr(event.outputEPCList),
    epcClass: classes(event.quantityList),
    childEpcClass: classes(event.childQuantityList),
    inputEpcClass: classes(event.inputQuantityList),
    outputEpcClass: classes(event.outputQuantityList),
    transformationID: str(event.transformationID),
  };
}

/**
 * A MATCH_ value: an exact identifier, or an EPC pattern (`urn:epc:idpat:sgtin:0614141.*.*`,
 * `urn:epc:idpat:sgtin:0614141.107346.*`) that matches every EPC URI it covers.
 */
export function matcher(value: string): { exact: string } | { stem: string } {
  const m = /^urn:epc:idpat:([a-z]+):(.*)$/.exec(value);
  if (m === null) return { exact: value };
  const parts = m[2]!.split('.');
  const star = parts.indexOf('*');
  const fixed = star < 0 ? parts : parts.slice(0, star);
  return star < 0
    ? { exact: `urn:epc:id:${m[1]}:${m[2]}` }
    : { stem: `urn:epc:id:${m[1]}:${fixed.join('.')}.` };
}

/**
 * The form an identifier is matched in: its canonical GS1 Digital Link when it carries a GS1 key
 * (so an EPC URI, a Digital Link on any resolver domain and its canonical form all match each
 * other), else the identifier as written.
 */
export function canonicalId(id: string): string {
  if (id.startsWith('urn:epc:idpat:')) return id;
  try {
    return toCanonicalDigitalLink(id) ?? id;
  } catch {
    return id;
  }
}

function anyMatch(values: readonly string[], wanted: readonly string[] | undefined): boolean {
  if (wanted === undefined) return true;
  return wanted.some((w) => {
    const m = matcher(w);
    if ('stem' in m) return values.some((v) => v.startsWith(m.stem));
    const want = canonicalId(m.exact);
    return values.some((v) => v === m.exact || canonicalId(v) === want);
  });
}

/** The bare CBV term of a value, or the value (user vocabularies and unknown values as written). */
function norm(terms: CbvTerms, kind: CbvKind, v: string): string {
  const r = cbvTerm(terms, kind, v);
  return 'term' in r ? r.term : v;
}

/** Event time in ms (NaN if absent or unparsable). */
export const eventTimeOf = (event: Record<string, unknown>): number =>
  typeof event.eventTime === 'string' ? Date.parse(event.eventTime) : Number.NaN;

/** Whether a stored event satisfies every parameter of the query. */
export function matches(
  q: EventQuery,
  record: EventRecord,
  event: Record<string, unknown>,
  terms: CbvTerms,
): boolean {
  if (q.eventType !== undefined && !q.eventType.includes(record.type)) return false;
  if (q.EQ_org !== undefined && !q.EQ_org.includes(record.org)) return false;
  const et = eventTimeOf(event);
  if (q.GE_eventTime !== undefined && !(et >= q.GE_eventTime)) return false;
  if (q.LT_eventTime !== undefined && !(et < q.LT_eventTime)) return false;
  if (q.GE_recordTime !== undefined && record.blockTime < q.GE_recordTime) return false;
  if (q.LT_recordTime !== undefined && record.blockTime >= q.LT_recordTime) return false;
  if (q.EQ_action !== undefined && !(typeof event.action === 'string' && q.EQ_action.includes(event.action)))
    return false;
  if (q.EQ_bizStep !== undefined) {
    if (typeof event.bizStep !== 'string') return false;
    const have = norm(terms, 'bizStep', event.bizStep);
    if (!q.EQ_bizStep.some((w) => norm(terms, 'bizStep', w) === have)) return false;
  }
  if (q.EQ_disposition !== undefined) {
    if (typeof event.disposition !== 'string') return false;
    const have = norm(terms, 'disposition', event.disposition);
    if (!q.EQ_disposition.some((w) => norm(terms, 'disposition', w) === have)) return false;
  }
  if (q.EQ_readPoint !== undefined && !idOf(event.readPoint).some((r) => q.EQ_readPoint!.includes(r)))
    return false;
  if (q.EQ_bizLocation !== undefined && !idOf(event.bizLocation).some((r) => q.EQ_bizLocation!.includes(r)))
    return false;
  if (
    q.EQ_eventID !== undefined &&
    !q.EQ_eventID.some((id) => id === record.eventId || id === record.declaredEventId)
  )
    return false;
  const ids = identifiersOf(event);
  if (!anyMatch([...ids.epc, ...ids.child], q.MATCH_epc)) return false;
  if (!anyMatch(ids.parent, q.MATCH_parentID)) return false;
  if (!anyMatch(ids.input, q.MATCH_inputEPC)) return false;
  if (!anyMatch(ids.output, q.MATCH_outputEPC)) return false;
  if (!anyMatch([...ids.epc, ...ids.child, ...ids.parent, ...ids.input, ...ids.output], q.MATCH_anyEPC))
    return false;
  if (!anyMatch([...ids.epcClass, ...ids.childEpcClass], q.MATCH_epcClass)) return false;
  if (
    !anyMatch(
      [...ids.epcClass, ...ids.childEpcClass, ...ids.inputEpcClass, ...ids.outputEpcClass],
      q.MATCH_anyEPCClass,
    )
  )
    return false;
  return true;
}
