/** Minimal strict DER reading/writing for the few structures this package handles. */
export interface Tlv {
  readonly tag: number;
  /** Offset of the value's first byte. */
  readonly start: number;
  /** Offset just past the value. */
  readonly end: number;
}

/** Reads one TLV at `offset` (definite, minimal lengths only); returns undefined when malformed. */
export function readTlv(der: Uint8Array, offset: number, limit = der.length): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = der[offset];
  let len = der[offset + 1];
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || start + n > limit || der[start] === 0) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i];
    if (len < 0x80) return undefined;
    start += n;
  }
  const end = start + len;
  return end > limit ? undefined : { tag, start, end };
}

/** Reads the children of a constructed TLV; undefined if they do not exactly fill it. */
export function readChildren(der: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  let off = parent.start;
  while (off < parent.end) {
    const t = readTlv(der, off, parent.end);
    if (t === undefined) return undefined;
    out.push(t);
    off = t.end;
  }
  return out;
}

function encodeLength(len: number): Uint8Array {
  if (len < 0x80) return Uint8Array.of(len);
  if (len < 0x100) return Uint8Array.of(0x81, len);
  return Uint8Array.of(0x82, len >> 8, len & 0xff);
}

/** Encodes a TLV. */
export function tlv(tag: number, value: Uint8Array): Uint8Array {
  const len = encodeLength(value.length);
  const out = new Uint8Array(1 + len.length + value.length);
  out[0] = tag;
  out.set(len, 1);
  out.set(value, 1 + len.length);
  return out;
}

/** DER INTEGER from an unsigned big-endian magnitude. */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const v = magnitude.subarray(i);
  if (v.length === 0) return tlv(0x02, Uint8Array.of(0));
  if (v[0] & 0x80) {
    const padded = new Uint8Array(v.length + 1);
    padded.set(v, 1);
    return tlv(0x02, padded);
  }
  return tlv(0x02, v);
}

/**
 * Parses a minimal, non-negative DER INTEGER value into a `size`-byte big-endian buffer.
 * Returns undefined if it is not minimal, negative or too large.
 */
export function parseUnsignedInteger(der: Uint8Array, t: Tlv, size: number): Uint8Array | undefined {
  if (t.tag !== 0x02 || t.end === t.start) return undefined;
  let v = der.subarray(t.start, t.end);
  if (v[0] & 0x80) return undefined;
  if (v.length > 1 && v[0] === 0) {
    if (!(v[1] & 0x80)) return undefined;
    v = v.subarray(1);
  }
  if (v.length > size) return undefined;
  const out = new Uint8Array(size);
  out.set(v, size - v.length);
  return out;
}
