/**
 * State layout of the evidence module (keys inside the module's namespace; see README.md).
 *
 *   'r' ‖ recordId(32)                                → canonical JSON of the record
 *   'd' ‖ utf8(algorithm) ‖ 0x00 ‖ digest(32)         → recordId (first record notarizing it)
 *   's' ‖ address(20) ‖ u64be(height) ‖ u32be(txIndex) → recordId
 *   't' ‖ u64be(time) ‖ u64be(height) ‖ u32be(txIndex) → recordId
 *   'b' ‖ root(32)                                    → recordId (batch anchoring)
 */
import { concatBytes, fromHex, utf8 } from '@xinlian/utils';

const RECORD = 0x72; // 'r'
const DIGEST = 0x64; // 'd'
const SUBMITTER = 0x73; // 's'
const TIME = 0x74; // 't'
const BATCH = 0x62; // 'b'

/** Writes `n` (a safe integer) as u64be at `off`. */
function putU64(view: DataView, off: number, n: number): void {
  view.setUint32(off, Math.floor(n / 2 ** 32));
  view.setUint32(off + 4, n >>> 0);
}

/** `tag` ‖ bytes: one allocation. */
function tagged(tag: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + bytes.length);
  out[0] = tag;
  out.set(bytes, 1);
  return out;
}

/** `tag` ‖ head ‖ [u64be(time)] ‖ u64be(height) ‖ u32be(txIndex), in one allocation. */
function positioned(
  tag: number,
  head: Uint8Array,
  time: number | undefined,
  height: number,
  txIndex: number,
): Uint8Array {
  const out = new Uint8Array(1 + head.length + (time === undefined ? 0 : 8) + 12);
  out[0] = tag;
  out.set(head, 1);
  const view = new DataView(out.buffer);
  let off = 1 + head.length;
  if (time !== undefined) {
    putU64(view, off, time);
    off += 8;
  }
  putU64(view, off, height);
  view.setUint32(off + 8, txIndex);
  return out;
}

/** Key prefixes of the write-once indexes (digest, submitter, time, batch): they keep no state history. */
export const unversionedPrefixes = (): Uint8Array[] =>
  [DIGEST, SUBMITTER, TIME, BATCH].map((tag) => Uint8Array.of(tag));

/** Length of the suffix after the submitter prefix (the bySubmitter cursor). */
export const SUBMITTER_SUFFIX_LENGTH = 12;
/** Length of the suffix after the time prefix (the byTime cursor). */
export const TIME_SUFFIX_LENGTH = 20;

export const recordKey = (id: string) => tagged(RECORD, fromHex(id, 32));
/** recordKey of a record ID given as bytes (its txId). */
export const recordKeyOf = (id: Uint8Array) => tagged(RECORD, id);
export const digestKey = (algorithm: string, value: string) =>
  concatBytes(new Uint8Array([DIGEST]), utf8(algorithm), new Uint8Array([0]), fromHex(value, 32));
export const submitterPrefix = (address: string) => tagged(SUBMITTER, fromHex(address, 20));
export const submitterKey = (address: string, height: number, txIndex: number) =>
  positioned(SUBMITTER, fromHex(address, 20), undefined, height, txIndex);
export const timePrefix = () => new Uint8Array([TIME]);
export const timeKey = (time: number, height: number, txIndex: number) =>
  positioned(TIME, new Uint8Array(0), time, height, txIndex);
export const batchKey = (root: string) => tagged(BATCH, fromHex(root, 32));
