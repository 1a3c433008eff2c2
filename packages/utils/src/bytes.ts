import { XinlianError } from './errors.js';

const HEX_RE = /^[0-9a-fA-F]*$/;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Node's Buffer when running on Node (fast native hex/base64/compare), undefined in browsers and
 * Web Workers, where the portable code paths below are used. Both give identical results.
 */
const NodeBuffer: typeof Buffer | undefined = typeof Buffer === 'function' ? Buffer : undefined;
const HEX_DIGITS = '0123456789abcdef';
const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return c - 55; // A-F (input already checked by HEX_RE)
}

/**
 * The Buffer-free implementations used in browsers (exported for tests, which compare them with
 * Node's Buffer; not part of the package's public entry). Inputs are pre-validated by the callers.
 */
export const portable = Object.freeze({
  toHex(bytes: Uint8Array): string {
    let out = '';
    for (const b of bytes) out += HEX_DIGITS[b >> 4] + HEX_DIGITS[b & 15];
    return out;
  },
  hexToBytes(s: string): Uint8Array {
    const out = new Uint8Array(s.length / 2);
    for (let i = 0; i < out.length; i++) {
      out[i] = (hexNibble(s.charCodeAt(2 * i)) << 4) | hexNibble(s.charCodeAt(2 * i + 1));
    }
    return out;
  },
  toBase64(bytes: Uint8Array): string {
    let out = '';
    for (let i = 0; i < bytes.length; i += 3) {
      const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
      out += B64_ALPHABET[(n >> 18) & 63] + B64_ALPHABET[(n >> 12) & 63];
      out += i + 1 < bytes.length ? B64_ALPHABET[(n >> 6) & 63] : '=';
      out += i + 2 < bytes.length ? B64_ALPHABET[n & 63] : '=';
    }
    return out;
  },
  /** Standard padded base64 whose length is a multiple of 4 (checked by fromBase64). */
  base64ToBytes(s: string): Uint8Array {
    const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
    const out = new Uint8Array((s.length / 4) * 3 - pad);
    let o = 0;
    for (let i = 0; i < s.length; i += 4) {
      let n = 0;
      for (let j = 0; j < 4; j++) {
        const c = s[i + j];
        n = (n << 6) | (c === '=' ? 0 : B64_ALPHABET.indexOf(c));
      }
      if (o < out.length) out[o++] = (n >> 16) & 255;
      if (o < out.length) out[o++] = (n >> 8) & 255;
      if (o < out.length) out[o++] = n & 255;
    }
    return out;
  },
  compareBytes(a: Uint8Array, b: Uint8Array): number {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  },
});

/** Buffer's hex encoder called on the Uint8Array itself (no Buffer object per call), on Node. */
const hexSlice = (NodeBuffer?.prototype as unknown as { hexSlice?: (start: number, end: number) => string })
  ?.hexSlice;

/** Lower-case hex without prefix. */
export function toHex(bytes: Uint8Array): string {
  if (hexSlice !== undefined) return hexSlice.call(bytes, 0, bytes.length);
  if (NodeBuffer !== undefined) {
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  }
  return portable.toHex(bytes);
}

function hexToBytes(s: string): Uint8Array {
  if (NodeBuffer !== undefined) return new Uint8Array(NodeBuffer.from(s, 'hex'));
  return portable.hexToBytes(s);
}

/** Parses hex (optional 0x prefix). Throws BYTES_BAD_HEX on odd length or non-hex characters. */
export function fromHex(hex: string, expectedLength?: number): Uint8Array {
  const s = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (s.length % 2 !== 0 || !HEX_RE.test(s)) {
    throw new XinlianError('BYTES_BAD_HEX', 'invalid hex string', { length: s.length });
  }
  const out = hexToBytes(s);
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
  if (NodeBuffer !== undefined) {
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  }
  return portable.toBase64(bytes);
}

function base64ToBytes(s: string): Uint8Array {
  if (NodeBuffer !== undefined) return new Uint8Array(NodeBuffer.from(s, 'base64'));
  return portable.base64ToBytes(s);
}

const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
/** Strict standard base64 (with padding). Throws BYTES_BAD_BASE64. */
export function fromBase64(s: string): Uint8Array {
  if (s.length % 4 !== 0 || !B64_RE.test(s)) {
    throw new XinlianError('BYTES_BAD_BASE64', 'invalid base64 string', { length: s.length });
  }
  // With the length and alphabet checked, the only other encodings of the same bytes set unused
  // low bits in the last character before the padding: "==" leaves 4 unused bits, "=" leaves 2.
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  if (pad > 0 && (B64_ALPHABET.indexOf(s[s.length - pad - 1]!) & (pad === 2 ? 0x0f : 0x03)) !== 0) {
    throw new XinlianError('BYTES_BAD_BASE64', 'non-canonical base64 string', {});
  }
  return base64ToBytes(s);
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
  if (NodeBuffer !== undefined && a.length > 64) {
    return NodeBuffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
  }
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether `bytes` begins with `prefix`. */
export function startsWithBytes(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** Lexicographic comparison, -1 / 0 / 1. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  // Short keys: a loop beats creating two Buffer views for Buffer.compare.
  if (NodeBuffer !== undefined && Math.min(a.length, b.length) > 128) {
    return NodeBuffer.compare(
      NodeBuffer.from(a.buffer, a.byteOffset, a.byteLength),
      NodeBuffer.from(b.buffer, b.byteOffset, b.byteLength),
    );
  }
  return portable.compareBytes(a, b);
}

export function utf8(s: string): Uint8Array {
  // Short ASCII strings (module names, algorithms, keys) are copied directly: TextEncoder's
  // per-call cost dominates for them.
  if (s.length <= 64) {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) return textEncoder.encode(s);
      out[i] = c;
    }
    return out;
  }
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
