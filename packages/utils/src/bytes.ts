import { XinlianError } from './errors.js';

const HEX_RE = /^[0-9a-fA-F]*$/;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Lower-case hex without prefix. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Parses hex (optional 0x prefix). Throws BYTES_BAD_HEX on odd length or non-hex characters. */
export function fromHex(hex: string, expectedLength?: number): Uint8Array {
  const s = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (s.length % 2 !== 0 || !HEX_RE.test(s)) {
    throw new XinlianError('BYTES_BAD_HEX', 'invalid hex string', { length: s.length });
  }
  const out = new Uint8Array(Buffer.from(s, 'hex'));
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new XinlianError('BYTES_BAD_LENGTH', `expected ${expectedLength} bytes, got ${out.length}`, {
      expected: expectedLength,
      actual: out.length,
    });
  }
  return out;
}

export function isHex(s: string, byteLength?: number): boolean {
  if (s.length % 2 !== 0 || !HEX_RE.test(s)) return false;
  return byteLength === undefined || s.length === byteLength * 2;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
/** Strict standard base64 (with padding). Throws BYTES_BAD_BASE64. */
export function fromBase64(s: string): Uint8Array {
  if (s.length % 4 !== 0 || !B64_RE.test(s)) {
    throw new XinlianError('BYTES_BAD_BASE64', 'invalid base64 string', { length: s.length });
  }
  const out = new Uint8Array(Buffer.from(s, 'base64'));
  if (toBase64(out) !== s) throw new XinlianError('BYTES_BAD_BASE64', 'non-canonical base64 string', {});
  return out;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic comparison, -1 / 0 / 1. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(
    Buffer.from(a.buffer, a.byteOffset, a.byteLength),
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

export function utf8(s: string): Uint8Array {
  return textEncoder.encode(s);
}

/** Strict UTF-8 decoding: throws BYTES_BAD_UTF8 on invalid sequences. */
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return textDecoder.decode(bytes);
  } catch (e) {
    throw new XinlianError('BYTES_BAD_UTF8', 'invalid UTF-8', {}, { cause: e });
  }
}

/** 8-byte big-endian encoding of a non-negative safe integer (sortable keys). */
export function u64be(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new XinlianError('BYTES_BAD_INTEGER', 'expected a non-negative safe integer', { value: n });
  }
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

export function readU64be(bytes: Uint8Array, offset = 0): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new XinlianError('BYTES_BAD_INTEGER', 'integer exceeds the safe range', { value: v.toString() });
  }
  return Number(v);
}
