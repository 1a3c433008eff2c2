/**
 * A fast path for decoding canonical SignedTx / TxBody bytes without protobufjs: one pass over
 * the wire bytes that accepts only the exact canonical form (fields in number order, each at most
 * once, no default values, minimal varints, strings in strict UTF-8). It returns undefined for
 * anything else, and the caller then runs the reference decoder (decode, re-encode, compare),
 * which gives the precise error. So this never accepts bytes the reference rejects, and for the
 * bytes it accepts it returns the value the reference returns.
 */
import { utf8 } from '@xinlian/utils';
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

// ---- TxReceipt encoding without protobufjs ----

const WELL_FORMED_CHECK = /[\ud800-\udfff]/;
const LONE_SURROGATE = /\p{Cs}/u;

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** A field's value to write: a string's UTF-8 bytes, or raw bytes. */
type Part = Uint8Array;

class Writer {
  pos = 0;
  constructor(readonly out: Uint8Array) {}
  byte(b: number): void {
    this.out[this.pos++] = b;
  }
  varint(n: number): void {
    while (n >= 0x80) {
      this.out[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.out[this.pos++] = n;
  }
  /** tag, length, bytes; nothing for an empty part (proto3 omits default values). */
  bytesField(tag: number, p: Part): void {
    if (p.length === 0) return;
    this.byte(tag);
    this.varint(p.length);
    this.out.set(p, this.pos);
    this.pos += p.length;
  }
}

function bytesFieldSize(p: Part): number {
  return p.length === 0 ? 0 : 1 + varintSize(p.length) + p.length;
}

/** UTF-8 of a well-formed string; undefined for a lone surrogate or a non-string (reference decides). */
function str(s: unknown): Uint8Array | undefined {
  if (typeof s !== 'string') return undefined;
  if (WELL_FORMED_CHECK.test(s) && LONE_SURROGATE.test(s)) return undefined;
  return utf8(s);
}

interface ReceiptLike {
  readonly txId: unknown;
  readonly status: unknown;
  readonly code: unknown;
  readonly message: unknown;
  readonly events: unknown;
  readonly result: unknown;
}

/**
 * The canonical TxReceipt bytes (the same as protobufjs writes for the schema: fields in number
 * order, default values omitted, every repeated event written), or undefined when the input needs
 * the reference encoder's checks (a wrong type, a lone surrogate, an unknown status).
 * `statusNumber` maps the status name to its enum number.
 */
export function fastEncodeTxReceipt(
  r: ReceiptLike,
  statusNumber: (status: unknown) => number | undefined,
): Uint8Array | undefined {
  const { txId, result, events } = r;
  if (!(txId instanceof Uint8Array) || !(result instanceof Uint8Array) || !Array.isArray(events)) {
    return undefined;
  }
  const status = statusNumber(r.status);
  const code = str(r.code);
  const message = str(r.message);
  if (status === undefined || code === undefined || message === undefined) return undefined;
  // Events: [type, [key, value]...] as UTF-8, and each event's and attribute's encoded size.
  const evs: { type: Uint8Array; attrs: Uint8Array[]; attrSizes: number[]; size: number }[] = [];
  let size = bytesFieldSize(txId) + (status === 0 ? 0 : 1 + varintSize(status));
  size += bytesFieldSize(code) + bytesFieldSize(message) + bytesFieldSize(result);
  for (const e of events as readonly unknown[]) {
    if (e === null || typeof e !== 'object') return undefined;
    const { type: t, attributes } = e as { type?: unknown; attributes?: unknown };
    const type = str(t);
    if (type === undefined || !Array.isArray(attributes)) return undefined;
    const attrs: Uint8Array[] = [];
    const attrSizes: number[] = [];
    let evSize = bytesFieldSize(type);
    for (const a of attributes as readonly unknown[]) {
      if (a === null || typeof a !== 'object') return undefined;
      const key = str((a as { key?: unknown }).key);
      const value = str((a as { value?: unknown }).value);
      if (key === undefined || value === undefined) return undefined;
      const aSize = bytesFieldSize(key) + bytesFieldSize(value);
      attrs.push(key, value);
      attrSizes.push(aSize);
      evSize += 1 + varintSize(aSize) + aSize;
    }
    evs.push({ type, attrs, attrSizes, size: evSize });
    size += 1 + varintSize(evSize) + evSize;
  }
  const w = new Writer(new Uint8Array(size));
  w.bytesField(0x0a, txId);
  if (status !== 0) {
    w.byte(0x10);
    w.varint(status);
  }
  w.bytesField(0x1a, code);
  w.bytesField(0x22, message);
  for (const ev of evs) {
    w.byte(0x2a);
    w.varint(ev.size);
    w.bytesField(0x0a, ev.type);
    for (let i = 0; i < ev.attrSizes.length; i++) {
      w.byte(0x12);
      w.varint(ev.attrSizes[i]!);
      w.bytesField(0x0a, ev.attrs[2 * i]!);
      w.bytesField(0x12, ev.attrs[2 * i + 1]!);
    }
  }
  w.bytesField(0x32, result);
  return w.pos === size ? w.out : undefined;
}
