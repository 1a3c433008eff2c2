/**
 * A fast path for decoding canonical SignedTx / TxBody bytes without protobufjs: one pass over
 * the wire bytes that accepts only the exact canonical form (fields in number order, each at most
 * once, no default values, minimal varints, strings in strict UTF-8). It returns undefined for
 * anything else, and the caller then runs the reference decoder (decode, re-encode, compare),
 * which gives the precise error. So this never accepts bytes the reference rejects, and for the
 * bytes it accepts it returns the value the reference returns.
 */
import type { SignedTx, TxBody } from './types.js';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A read position in wire bytes. */
class Cursor {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  /** A minimal varint of at most 8 bytes at pos; -1 if there is none (truncated, too long, padded). */
  varint(): number {
    const b = this.bytes;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const at = this.pos + i;
      if (at >= b.length) return -1;
      const byte = b[at]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (i > 0 && byte === 0) return -1; // padded: not minimal
        this.pos = at + 1;
        return value;
      }
      scale *= 128;
    }
    return -1;
  }

  /** A non-empty length-delimited payload (view), or undefined. */
  payload(): Uint8Array | undefined {
    const len = this.varint();
    if (len <= 0 || this.pos + len > this.bytes.length) return undefined;
    const start = this.pos;
    this.pos += len;
    return new Uint8Array(this.bytes.buffer, this.bytes.byteOffset + start, len);
  }

  /** A non-zero uint64 that is a safe integer, or -1. */
  u64(): number {
    const v = this.varint();
    return v > 0 && v <= Number.MAX_SAFE_INTEGER ? v : -1;
  }
}

function text(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return undefined;
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Decodes canonical TxBody bytes; undefined unless they are exactly canonical. */
export function fastDecodeTxBody(bytes: Uint8Array): TxBody | undefined {
  const c = new Cursor(bytes);
  let chainId = '';
  let signer: Uint8Array = new Uint8Array(0);
  let nonce = 0;
  let expiryHeight = 0;
  let module = '';
  let method = '';
  let args: Uint8Array = new Uint8Array(0);
  let last = 0;
  while (c.pos < bytes.length) {
    const tag = bytes[c.pos]!;
    c.pos += 1;
    const field = tag >>> 3;
    if (field <= last) return undefined; // out of order, repeated, or field 0
    last = field;
    switch (tag) {
      case 0x0a: {
        const s = text(c.payload());
        if (s === undefined) return undefined;
        chainId = s;
        break;
      }
      case 0x12: {
        const p = c.payload();
        if (p === undefined) return undefined;
        signer = p;
        break;
      }
      case 0x18:
        nonce = c.u64();
        if (nonce < 0) return undefined;
        break;
      case 0x20:
        expiryHeight = c.u64();
        if (expiryHeight < 0) return undefined;
        break;
      case 0x2a: {
        const s = text(c.payload());
        if (s === undefined) return undefined;
        module = s;
        break;
      }
      case 0x32: {
        const s = text(c.payload());
        if (s === undefined) return undefined;
        method = s;
        break;
      }
      case 0x3a: {
        const p = c.payload();
        if (p === undefined) return undefined;
        args = p;
        break;
      }
      default:
        return undefined; // unknown field or wrong wire type: let the reference decoder say which
    }
  }
  return { chainId, signer, nonce, expiryHeight, module, method, args };
}

/** Decodes canonical SignedTx bytes (and the canonical body); undefined unless exactly canonical. */
export function fastDecodeSignedTx(bytes: Uint8Array): SignedTx | undefined {
  const c = new Cursor(bytes);
  let bodyBytes: Uint8Array = new Uint8Array(0);
  let signature: Uint8Array = new Uint8Array(0);
  if (c.pos < bytes.length && bytes[c.pos] === 0x0a) {
    c.pos += 1;
    const p = c.payload();
    if (p === undefined) return undefined;
    bodyBytes = p;
  }
  if (c.pos < bytes.length && bytes[c.pos] === 0x12) {
    c.pos += 1;
    const p = c.payload();
    if (p === undefined) return undefined;
    signature = p;
  }
  if (c.pos !== bytes.length) return undefined;
  const body = fastDecodeTxBody(bodyBytes);
  return body === undefined ? undefined : { body, bodyBytes, signature };
}
