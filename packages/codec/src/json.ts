/**
 * Canonical JSON: RFC 8785 (JCS) restricted to null, booleans, safe integers, strings, arrays and
 * plain objects. Keys are sorted by UTF-16 code units, no insignificant whitespace, strings use
 * the JCS (= ECMAScript JSON.stringify) escapes.
 */
import { fromUtf8, utf8 } from '@xinlian/utils';
import { codecError } from './errors.js';
import type { JsonValue } from './types.js';

/** Deepest nesting of arrays/objects accepted (bounds recursion on hostile input). */
export const MAX_JSON_DEPTH = 64;

const LONE_SURROGATE = /\p{Cs}/u;
/** Any surrogate code unit (paired or not): a cheap pre-check before LONE_SURROGATE. */
const ANY_SURROGATE = /[\ud800-\udfff]/;

function badJson(message: string, path: string): never {
  throw codecError('CODEC_BAD_JSON', message, { path });
}

function quote(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) badJson('string contains a lone surrogate', path);
  return JSON.stringify(s);
}

/** The reference writer: slow (builds a JSON pointer per value), used to report where a value is invalid. */
function write(v: unknown, depth: number, path: string): string {
  switch (typeof v) {
    case 'string':
      return quote(v, path);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(v) || Object.is(v, -0))
        badJson('numbers must be safe integers (not -0)', path);
      return String(v);
    case 'object': {
      if (v === null) return 'null';
      if (depth >= MAX_JSON_DEPTH) badJson(`nesting deeper than ${MAX_JSON_DEPTH}`, path);
      if (Array.isArray(v)) {
        const items: string[] = [];
        for (let i = 0; i < v.length; i++) items.push(write(v[i], depth + 1, `${path}/${i}`));
        return `[${items.join(',')}]`;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) badJson('only plain objects are JSON objects', path);
      const obj = v as Readonly<Record<string, unknown>>;
      const members: string[] = [];
      for (const key of Object.keys(obj).sort()) {
        const p = `${path}/${key}`;
        members.push(`${quote(key, p)}:${write(obj[key], depth + 1, p)}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      return badJson(`${typeof v} is not a JSON value`, path);
  }
}

/** Thrown by the fast path for anything it does not handle; never escapes this module. */
const FALLBACK: unique symbol = Symbol('use the reference writer');

/** Own enumerable keys in enumeration order (what JSON.stringify writes), or FALLBACK if unsorted. */
function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! >= keys[i]!) return false;
  return true;
}

/**
 * Checks that `v` is inside the subset and returns a value whose JSON.stringify output is its
 * canonical text: `v` itself when every object's keys already enumerate in sorted order (the
 * common case: no copy), else a copy with sorted keys. Throws FALLBACK for invalid values and for
 * key sets whose sorted order no object can enumerate (integer-like keys sort first).
 */
function normalize(v: unknown, depth: number): unknown {
  switch (typeof v) {
    case 'string':
      if (ANY_SURROGATE.test(v) && LONE_SURROGATE.test(v)) throw FALLBACK;
      return v;
    case 'boolean':
      return v;
    case 'number':
      if (!Number.isSafeInteger(v) || Object.is(v, -0)) throw FALLBACK;
      return v;
    case 'object': {
      if (v === null) return v;
      if (depth >= MAX_JSON_DEPTH) throw FALLBACK;
      if (Array.isArray(v)) {
        let copy: unknown[] | undefined;
        for (let i = 0; i < v.length; i++) {
          const item: unknown = v[i];
          const n = normalize(item, depth + 1);
          if (n !== item) copy ??= v.slice(0, i);
          if (copy !== undefined) copy[i] = n;
        }
        return copy ?? v;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw FALLBACK;
      const obj = v as Readonly<Record<string, unknown>>;
      const keys = Object.keys(obj);
      let changed = !isSorted(keys);
      const values: unknown[] = new Array(keys.length);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (ANY_SURROGATE.test(key) && LONE_SURROGATE.test(key)) throw FALLBACK;
        const item = obj[key];
        const n = normalize(item, depth + 1);
        if (n !== item) changed = true;
        values[i] = n;
      }
      if (!changed) return v;
      const order = keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1));
      const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const i of order) copy[keys[i]!] = values[i];
      if (!isSorted(Object.keys(copy))) throw FALLBACK;
      return copy;
    }
    default:
      throw FALLBACK;
  }
}

/** The canonical JSON text of a value; CODEC_BAD_JSON (with the offending path) otherwise. */
function canonicalText(value: unknown): string {
  let normalized: unknown;
  try {
    normalized = normalize(value, 0);
  } catch (e) {
    if (e !== FALLBACK) throw e;
    return write(value, 0, ''); // the reference: sorts what normalize cannot, or names the error
  }
  return JSON.stringify(normalized);
}

/** The canonical JSON bytes (UTF-8) of a value; CODEC_BAD_JSON for anything outside the subset. */
export function canonicalJson(value: JsonValue): Uint8Array {
  return utf8(canonicalText(value));
}

/**
 * Parses canonical JSON bytes. CODEC_BAD_JSON for invalid UTF-8/JSON or values outside the subset,
 * CODEC_NON_CANONICAL for valid JSON that is not byte-identical to its canonical form.
 */
export function parseCanonicalJson(bytes: Uint8Array): JsonValue {
  let text: string;
  let value: unknown;
  try {
    text = fromUtf8(bytes);
    value = JSON.parse(text);
  } catch (e) {
    throw codecError('CODEC_BAD_JSON', `not JSON: ${(e as Error).message}`, {}, e);
  }
  // Strict UTF-8 decoding is one-to-one except that it drops a leading BOM (EF BB BF), which
  // canonical text never starts with: comparing the texts compares the bytes.
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (canonicalText(value) !== text || bom) {
    throw codecError('CODEC_NON_CANONICAL', 'JSON is not in canonical form', {});
  }
  return value as JsonValue;
}
