/**
 * Canonical JSON: RFC 8785 (JCS) restricted to null, booleans, safe integers, strings, arrays and
 * plain objects. Keys are sorted by UTF-16 code units, no insignificant whitespace, strings use
 * the JCS (= ECMAScript JSON.stringify) escapes.
 */
import { equalBytes, fromUtf8, utf8 } from '@xinlian/utils';
import { codecError } from './errors.js';
import type { JsonValue } from './types.js';

/** Deepest nesting of arrays/objects accepted (bounds recursion on hostile input). */
export const MAX_JSON_DEPTH = 64;

const LONE_SURROGATE = /\p{Cs}/u;

function badJson(message: string, path: string): never {
  throw codecError('CODEC_BAD_JSON', message, { path });
}

function quote(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) badJson('string contains a lone surrogate', path);
  return JSON.stringify(s);
}

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

/** The canonical JSON bytes (UTF-8) of a value; CODEC_BAD_JSON for anything outside the subset. */
export function canonicalJson(value: JsonValue): Uint8Array {
  return utf8(write(value, 0, ''));
}

/**
 * Parses canonical JSON bytes. CODEC_BAD_JSON for invalid UTF-8/JSON or values outside the subset,
 * CODEC_NON_CANONICAL for valid JSON that is not byte-identical to its canonical form.
 */
export function parseCanonicalJson(bytes: Uint8Array): JsonValue {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch (e) {
    throw codecError('CODEC_BAD_JSON', `not JSON: ${(e as Error).message}`, {}, e);
  }
  const canonical = canonicalJson(value as JsonValue);
  if (canonical.byteLength !== bytes.byteLength || !equalBytes(bytes, canonical)) {
    throw codecError('CODEC_NON_CANONICAL', 'JSON is not in canonical form', {});
  }
  return value as JsonValue;
}
