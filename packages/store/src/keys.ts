/**
 * Binary key and value layouts of the store's sub-databases (see README.md). All integers are
 * big-endian so that lmdb's bytewise key order equals numeric order.
 */
import { XinlianError } from '@xinlian/utils';

const TWO_32 = 0x1_0000_0000;

/** Longest state/aux key, blockId or txId accepted (lmdb's own limit is 1978 bytes per key). */
export const MAX_KEY_BYTES = 1024;

/** History value tag: the key was deleted at that height. */
export const TAG_DELETED = 0;
/** History value tag: the rest of the value is the key's new value. */
export const TAG_VALUE = 1;

export function u64be(n: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, Math.floor(n / TWO_32));
  view.setUint32(4, n >>> 0);
  return out;
}

/** Reads a u64be height (must fit in a safe integer). */
export function readU64be(bytes: Uint8Array, offset: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(offset) * TWO_32 + view.getUint32(offset + 4);
  if (!Number.isSafeInteger(n)) throw corrupt('height out of range', {});
  return n;
}

/** blocks / receipts prefix: u64be(height). */
export const heightKey = u64be;

/** receipts key and txIndex value: u64be(height) ‖ u32be(index). */
export function locationKey(height: number, index: number): Uint8Array {
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  view.setUint32(0, Math.floor(height / TWO_32));
  view.setUint32(4, height >>> 0);
  view.setUint32(8, index);
  return out;
}

export function readLocation(bytes: Uint8Array): { height: number; index: number } {
  if (bytes.length !== 12) throw corrupt('bad tx location record', { length: bytes.length });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { height: readU64be(bytes, 0), index: view.getUint32(8) };
}

/** senderIndex key prefix of a sender: u16be(len) ‖ sender (keeps one sender's txs contiguous). */
export const senderPrefix = (sender: Uint8Array): Uint8Array => historyPrefix(sender);

/** senderIndex key: u16be(len) ‖ sender ‖ u64be(height) ‖ u32be(index). */
export function senderKey(sender: Uint8Array, height: number, index: number): Uint8Array {
  const out = new Uint8Array(2 + sender.length + 12);
  new DataView(out.buffer).setUint16(0, sender.length);
  out.set(sender, 2);
  out.set(locationKey(height, index), 2 + sender.length);
  return out;
}

/**
 * stateHistory key prefix of a state key: u16be(len) ‖ key. The length prefix keeps the
 * versions of one key contiguous: no other key's entries can fall between them.
 */
export function historyPrefix(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + key.length);
  new DataView(out.buffer).setUint16(0, key.length);
  out.set(key, 2);
  return out;
}

/** stateHistory key: u16be(len) ‖ key ‖ u64be(height). */
export function historyKey(key: Uint8Array, height: number): Uint8Array {
  const out = new Uint8Array(2 + key.length + 8);
  const view = new DataView(out.buffer);
  view.setUint16(0, key.length);
  out.set(key, 2);
  view.setUint32(2 + key.length, Math.floor(height / TWO_32));
  view.setUint32(6 + key.length, height >>> 0);
  return out;
}

/** stateHistory value: TAG_DELETED, or TAG_VALUE ‖ value. */
export function historyValue(value: Uint8Array | null): Uint8Array {
  if (value === null) return Uint8Array.of(TAG_DELETED);
  const out = new Uint8Array(1 + value.length);
  out[0] = TAG_VALUE;
  out.set(value, 1);
  return out;
}

export function readHistoryValue(bytes: Uint8Array): Uint8Array | null {
  if (bytes.length === 1 && bytes[0] === TAG_DELETED) return null;
  if (bytes.length >= 1 && bytes[0] === TAG_VALUE) return bytes.subarray(1);
  throw corrupt('bad history record', { length: bytes.length });
}

/** Smallest key greater than every key starting with prefix; undefined if there is none. */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const b = prefix[i]!;
    if (b !== 0xff) {
      const out = prefix.slice(0, i + 1);
      out[i] = b + 1;
      return out;
    }
  }
  return undefined;
}

/** Head record: u64be(height) ‖ u16be(len(blockId)) ‖ blockId ‖ appHash. */
export function encodeHead(height: number, blockId: Uint8Array, appHash: Uint8Array): Uint8Array {
  const out = new Uint8Array(10 + blockId.length + appHash.length);
  out.set(u64be(height), 0);
  new DataView(out.buffer).setUint16(8, blockId.length);
  out.set(blockId, 10);
  out.set(appHash, 10 + blockId.length);
  return out;
}

export function decodeHead(bytes: Uint8Array): { height: number; blockId: Uint8Array; appHash: Uint8Array } {
  if (bytes.length < 10) throw corrupt('bad head record', { length: bytes.length });
  const idLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(8);
  if (bytes.length < 10 + idLen) throw corrupt('bad head record', { length: bytes.length });
  return {
    height: readU64be(bytes, 0),
    blockId: bytes.slice(10, 10 + idLen),
    appHash: bytes.slice(10 + idLen),
  };
}

export function corrupt(message: string, details: Record<string, unknown>): XinlianError {
  return new XinlianError('STORE_CORRUPT', message, details);
}
