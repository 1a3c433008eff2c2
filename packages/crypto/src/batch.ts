/** Packing of verify batches into one transferable buffer for the worker threads. */

/** One signature to check. */
export interface VerifyItem {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** Packs items as repeated [u32 len, bytes] × 3 (publicKey, message, signature). */
export function packItems(items: readonly VerifyItem[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const it of items) size += 12 + it.publicKey.length + it.message.length + it.signature.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let off = 0;
  for (const it of items) {
    for (const part of [it.publicKey, it.message, it.signature]) {
      view.setUint32(off, part.length);
      out.set(part, off + 4);
      off += 4 + part.length;
    }
  }
  return out;
}

/** Inverse of packItems; the returned items are views into `packed`. */
export function unpackItems(packed: Uint8Array): VerifyItem[] {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const items: VerifyItem[] = [];
  let off = 0;
  const next = (): Uint8Array => {
    const len = view.getUint32(off);
    const part = packed.subarray(off + 4, off + 4 + len);
    off += 4 + len;
    return part;
  };
  while (off < packed.length) items.push({ publicKey: next(), message: next(), signature: next() });
  return items;
}
