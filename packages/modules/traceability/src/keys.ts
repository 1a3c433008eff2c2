/**
 * State layout of the traceability module (keys inside its namespace; see README.md):
 *
 *   'e' ‖ digest(32)                          → canonical JSON EventRecord (digest = the sha-256 of the CBV 2.0 event hash)
 *   'o' ‖ pos(14)                             → digest   (capture order = recordTime order)
 *   'i' ‖ utf8(identifier) ‖ 0x00 ‖ pos ‖ role → digest   (events naming an identifier, by role; under its
 *                                               canonical Digital Link and, if different, as written)
 *   'd' ‖ utf8(declared eventID)              → digest   (the eventID the capturer wrote, if any; first wins)
 *   't' ‖ u64be(eventTime ms) ‖ pos            → digest   (event time, for GE_/LT_eventTime; times ≥ 1970 only)
 *   'r' ‖ utf8(kind ‖ ':' ‖ prefix)           → canonical JSON RangeRecord
 *   'q' ‖ utf8(name)                          → canonical JSON NamedQuery (EPCIS named queries, shared by all nodes)
 *
 * pos = u64be(height) ‖ u32be(txIndex) ‖ u16be(index of the event in the tx).
 */
import { concatBytes, fromHex, utf8 } from '@xinlian/utils';

export const EVENT = 0x65; // 'e'
export const ORDER = 0x6f; // 'o'
export const IDENT = 0x69; // 'i'
export const DECLARED = 0x64; // 'd'
export const RANGE = 0x72; // 'r'
export const QUERY = 0x71; // 'q'
export const ETIME = 0x74; // 't'

export const POS_LENGTH = 14;

/** Roles of an identifier in an event (the last byte of an 'i' key). */
export const ROLE = Object.freeze({
  epc: 1,
  child: 2,
  parent: 3,
  input: 4,
  output: 5,
  epcClass: 6,
  childEpcClass: 7,
  inputEpcClass: 8,
  outputEpcClass: 9,
  transformationID: 10,
} as const);
export type Role = keyof typeof ROLE;

export function pos(height: number, txIndex: number, seq: number): Uint8Array {
  const out = new Uint8Array(POS_LENGTH);
  const view = new DataView(out.buffer);
  view.setUint32(0, Math.floor(height / 2 ** 32));
  view.setUint32(4, height >>> 0);
  view.setUint32(8, txIndex);
  view.setUint16(12, seq);
  return out;
}

const tag = (t: number) => Uint8Array.of(t);

export const eventKey = (digest: Uint8Array) => concatBytes(tag(EVENT), digest);
export const orderPrefix = () => tag(ORDER);
export const orderKey = (p: Uint8Array) => concatBytes(tag(ORDER), p);
/** All index entries of one identifier (exact match). */
export const identPrefix = (id: string) => concatBytes(tag(IDENT), utf8(id), Uint8Array.of(0));
/** Index entries of every identifier starting with `prefix` (pattern match). */
export const identStemPrefix = (prefix: string) => concatBytes(tag(IDENT), utf8(prefix));
export const identKey = (id: string, p: Uint8Array, role: number) =>
  concatBytes(identPrefix(id), p, Uint8Array.of(role));
function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, Math.floor(n / 2 ** 32));
  view.setUint32(4, n >>> 0);
  return out;
}
export const eventTimePrefix = () => tag(ETIME);
export const eventTimeKey = (ms: number, p: Uint8Array) => concatBytes(tag(ETIME), u64(ms), p);
/** The first key at or after event time `ms` (clamped to [0, 2^53)). */
export const eventTimeBound = (ms: number) =>
  concatBytes(tag(ETIME), u64(Math.min(Math.max(0, Math.ceil(ms)), Number.MAX_SAFE_INTEGER)));
export const declaredKey = (id: string) => concatBytes(tag(DECLARED), utf8(id));
export const rangeKey = (kind: string, prefix: string) => concatBytes(tag(RANGE), utf8(`${kind}:${prefix}`));
export const rangePrefix = (kind?: string) =>
  kind === undefined ? tag(RANGE) : concatBytes(tag(RANGE), utf8(`${kind}:`));

export const queryKey = (name: string) => concatBytes(tag(QUERY), utf8(name));
export const queryPrefix = () => tag(QUERY);

/** The 32-byte digest of a CBV 2.0 event hash ID (`ni:///sha-256;<hex>?ver=CBV2.0`), or undefined. */
export function digestOfEventId(eventId: string): Uint8Array | undefined {
  const m = /^ni:\/\/\/sha-256;([0-9a-f]{64})\?ver=CBV2\.0$/.exec(eventId);
  return m === null ? undefined : fromHex(m[1]!, 32);
}

/** Write-once index prefixes (no per-key history kept). */
export const unversionedPrefixes = (): Uint8Array[] => [ORDER, IDENT, DECLARED, ETIME].map(tag);
