/**
 * The app hash: a chained commitment to every block's state changes (spec/state.md).
 *
 *   genesisAppHash       = H(utf8("xinlian/app/v1/genesis") ‖ genesisHash)
 *   appHash(h)           = H(utf8("xinlian/app/v1") ‖ appHash(h−1) ‖ H(encodeStateWrites(writes(h))))
 *   encodeStateWrites(ws)= u32be(n) ‖ for each write, sorted by key:
 *                            u32be(len key) ‖ key ‖ 0x00                         (delete)
 *                            u32be(len key) ‖ key ‖ 0x01 ‖ u32be(len value) ‖ value (set)
 */
import type { CryptoSuite } from '@xinlian/crypto';
import { compareBytes, utf8, XinlianError } from '@xinlian/utils';
import type { StateWrite } from './types.js';

const APP_TAG = utf8('xinlian/app/v1');
const GENESIS_TAG = utf8('xinlian/app/v1/genesis');

/** The app hash "before height 1", derived from the genesis document hash. */
export function genesisAppHash(suite: CryptoSuite, genesisHash: Uint8Array): Uint8Array {
  return suite.hash(GENESIS_TAG, genesisHash);
}

/**
 * Canonical bytes of a block's state writes. Keys must be strictly increasing (sorted, unique);
 * throws EXEC_BAD_BLOCK otherwise.
 */
export function encodeStateWrites(writes: readonly StateWrite[]): Uint8Array {
  let size = 4;
  for (let i = 0; i < writes.length; i++) {
    const w = writes[i]!;
    if (i > 0 && compareBytes(writes[i - 1]!.key, w.key) >= 0) {
      throw new XinlianError('EXEC_BAD_BLOCK', 'state writes must be sorted by key without duplicates', {
        index: i,
      });
    }
    size += 5 + w.key.length + (w.value === null ? 0 : 4 + w.value.length);
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, writes.length);
  let off = 4;
  for (const w of writes) {
    view.setUint32(off, w.key.length);
    out.set(w.key, off + 4);
    off += 4 + w.key.length;
    if (w.value === null) {
      out[off++] = 0;
    } else {
      out[off++] = 1;
      view.setUint32(off, w.value.length);
      out.set(w.value, off + 4);
      off += 4 + w.value.length;
    }
  }
  return out;
}

/** appHash(h) from appHash(h−1) and the block's sorted writes. */
export function computeAppHash(
  suite: CryptoSuite,
  prevAppHash: Uint8Array,
  writes: readonly StateWrite[],
): Uint8Array {
  return suite.hash(APP_TAG, prevAppHash, suite.hash(encodeStateWrites(writes)));
}
