/**
 * State layout of the evidence module (keys inside the module's namespace; see README.md).
 *
 *   'r' ‖ recordId(32)                                → canonical JSON of the record
 *   'd' ‖ utf8(algorithm) ‖ 0x00 ‖ digest(32)         → recordId (first record notarizing it)
 *   's' ‖ address(20) ‖ u64be(height) ‖ u32be(txIndex) → recordId
 *   't' ‖ u64be(time) ‖ u64be(height) ‖ u32be(txIndex) → recordId
 *   'b' ‖ root(32)                                    → recordId (batch anchoring)
 */
import { concatBytes, fromHex, u64be, utf8 } from '@xinlian/utils';

const RECORD = 0x72; // 'r'
const DIGEST = 0x64; // 'd'
const SUBMITTER = 0x73; // 's'
const TIME = 0x74; // 't'
const BATCH = 0x62; // 'b'

function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

/** Position of a record in the chain: sorts records by (height, txIndex). */
function position(height: number, txIndex: number): Uint8Array {
  return concatBytes(u64be(height), u32be(txIndex));
}
/** Length of the suffix after the submitter prefix (the bySubmitter cursor). */
export const SUBMITTER_SUFFIX_LENGTH = 12;
/** Length of the suffix after the time prefix (the byTime cursor). */
export const TIME_SUFFIX_LENGTH = 20;

export const recordKey = (id: string) => concatBytes(new Uint8Array([RECORD]), fromHex(id, 32));
export const digestKey = (algorithm: string, value: string) =>
  concatBytes(new Uint8Array([DIGEST]), utf8(algorithm), new Uint8Array([0]), fromHex(value, 32));
export const submitterPrefix = (address: string) =>
  concatBytes(new Uint8Array([SUBMITTER]), fromHex(address, 20));
export const submitterKey = (address: string, height: number, txIndex: number) =>
  concatBytes(submitterPrefix(address), position(height, txIndex));
export const timePrefix = () => new Uint8Array([TIME]);
export const timeKey = (time: number, height: number, txIndex: number) =>
  concatBytes(timePrefix(), u64be(time), position(height, txIndex));
export const batchKey = (root: string) => concatBytes(new Uint8Array([BATCH]), fromHex(root, 32));
