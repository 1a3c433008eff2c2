// Canonical JSON (RFC 8785 subset): RFC examples, round trips, and rejection of every other form.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isXinlianError, utf8 } from '@xinlian/utils';
import fc from 'fast-check';
import { canonicalJson, type JsonValue, MAX_JSON_DEPTH, parseCanonicalJson } from '../src/index.js';

const text = (v: JsonValue): string => Buffer.from(canonicalJson(v)).toString('utf8');
const isCode = (code: string) => (e: unknown) => isXinlianError(e) && e.code === code;
const rejected = (e: unknown) =>
  isXinlianError(e) && (e.code === 'CODEC_BAD_JSON' || e.code === 'CODEC_NON_CANONICAL');

const key = fc.string({ unit: 'binary', maxLength: 6 });
const json: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.string({ unit: 'binary', maxLength: 10 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
})).value;

/** Options of a deliberately non-canonical serializer; each one alone breaks canonical form. */
interface Variant {
  space?: string;
  reverseKeys?: boolean;
  duplicateFirstKey?: boolean;
  numberSuffix?: string;
  escapeAll?: boolean;
}

function variantText(v: JsonValue, o: Variant): string {
  const q = (s: string): string =>
    o.escapeAll
      ? `"${[...Array(s.length).keys()].map((i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')}"`
      : JSON.stringify(s);
  const sp = o.space ?? '';
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return `${v}${o.numberSuffix ?? ''}`;
  if (typeof v === 'string') return q(v);
  if (Array.isArray(v)) return `[${v.map((x) => variantText(x, o)).join(`,${sp}`)}]`;
  const obj = v as { readonly [k: string]: JsonValue };
  const keys = Object.keys(obj).sort();
  if (o.reverseKeys) keys.reverse();
  if (o.duplicateFirstKey && keys.length > 0) keys.push(keys[0]);
  return `{${keys.map((k) => `${q(k)}:${sp}${variantText(obj[k], o)}`).join(`,${sp}`)}}`;
}

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const keysInText = [...text(input).matchAll(/"([^"]*)":"([^"]*)"/g)].map((m) => m[2]);
    assert.deepEqual(keysInText, [
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
    assert.equal(text({ '10': 1, '9': 2, a: 3, B: 4 }), '{"10":1,"9":2,"B":4,"a":3}');
  });

  it('escapes strings as RFC 8785 §3.2.2.2 requires', () => {
    // The RFC's example string: "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/"
    const s = '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/';
    assert.equal(text(s), '"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"');
    assert.equal(text('\b\t\n\f\r\u0001\u001f\u007f\u2028'), '"\\b\\t\\n\\f\\r\\u0001\\u001f\u007f\u2028"');
  });

  it('serializes the supported values without whitespace', () => {
    assert.equal(
      text({ b: [1, -2, true, false, null], a: { '': '' } }),
      '{"a":{"":""},"b":[1,-2,true,false,null]}',
    );
    assert.equal(text(Number.MAX_SAFE_INTEGER), '9007199254740991');
    assert.equal(text(Number.MIN_SAFE_INTEGER), '-9007199254740991');
    assert.deepEqual(canonicalJson({ é: '中' }), utf8('{"é":"中"}'));
  });

  it('rejects values outside the canonical subset', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const bad: unknown[] = [
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
      2 ** 53,
      -(2 ** 53),
      undefined,
      { a: undefined },
      // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
      [1, , 2],
      () => 1,
      Symbol('x'),
      10n,
      new Uint8Array(1),
      new Date(0),
      new Map(),
      '\ud800',
      { '\udc00': 1 },
      circular,
    ];
    for (const v of bad)
      assert.throws(() => canonicalJson(v as JsonValue), isCode('CODEC_BAD_JSON'), String(v));
  });

  it(`limits nesting to MAX_JSON_DEPTH (${MAX_JSON_DEPTH})`, () => {
    const nest = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    assert.deepEqual(canonicalJson(JSON.parse(nest(MAX_JSON_DEPTH))), utf8(nest(MAX_JSON_DEPTH)));
    assert.throws(() => parseCanonicalJson(utf8(nest(MAX_JSON_DEPTH + 1))), isCode('CODEC_BAD_JSON'));
    assert.throws(() => parseCanonicalJson(utf8(nest(100_000))), isCode('CODEC_BAD_JSON'));
  });

  it('round-trips arbitrary values', () => {
    fc.assert(
      fc.property(json, (v) => {
        const bytes = canonicalJson(v);
        const parsed = parseCanonicalJson(bytes);
        assert.deepStrictEqual(parsed, v);
        assert.deepStrictEqual(canonicalJson(parsed), bytes);
        assert.deepStrictEqual(JSON.parse(Buffer.from(bytes).toString('utf8')), v);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects every non-canonical variant', () => {
    const variants: Variant[] = [
      { space: ' ' },
      { space: '\n' },
      { reverseKeys: true },
      { duplicateFirstKey: true },
      { numberSuffix: '.0' },
      { numberSuffix: 'e0' },
      { escapeAll: true },
    ];
    fc.assert(
      fc.property(json, fc.constantFrom(...variants), (v, o) => {
        const t = variantText(v, o);
        fc.pre(t !== text(v));
        assert.deepEqual(JSON.parse(t), v); // the variant is valid JSON for the same value
        assert.throws(() => parseCanonicalJson(utf8(t)), rejected);
      }),
      { numRuns: 400 },
    );
  });

  it('rejects non-canonical and invalid bytes with the right code', () => {
    const nonCanonical = [
      ' 1',
      '1 ',
      '{"b":1,"a":2}',
      '{"a":1,"a":1}',
      '1e2',
      '1.0',
      '"\\u0061"',
      '"\\/"',
      '"\\u001F"',
      '[1, 2]',
      '\ufeff1',
    ];
    for (const t of nonCanonical)
      assert.throws(() => parseCanonicalJson(utf8(t)), isCode('CODEC_NON_CANONICAL'), t);
    const bad = ['', '{', 'nul', "'a'", '1.5', '-0', '9007199254740992', '"\\ud800"', '[1,]', 'NaN'];
    for (const t of bad) assert.throws(() => parseCanonicalJson(utf8(t)), isCode('CODEC_BAD_JSON'), t);
    assert.throws(() => parseCanonicalJson(Uint8Array.of(0x22, 0xc0, 0x80, 0x22)), isCode('CODEC_BAD_JSON'));
    assert.throws(() => parseCanonicalJson(Uint8Array.of(0x22, 0xff, 0x22)), isCode('CODEC_BAD_JSON'));
  });

  it('writes the same text as an independent sorted writer (key orders, integer-like keys, copies)', () => {
    const reference = (v: JsonValue): string => {
      if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`;
      if (v !== null && typeof v === 'object') {
        const keys = Object.keys(v).sort();
        return `{${keys.map((k) => `${JSON.stringify(k)}:${reference((v as Record<string, JsonValue>)[k]!)}`).join(',')}}`;
      }
      return JSON.stringify(v);
    };
    const keyish = fc.oneof(key, fc.nat(30).map(String), fc.constantFrom('__proto__', 'a', 'b', '10', '9'));
    const value: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.maxSafeInteger(),
        fc.string({ maxLength: 4 }),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(keyish, tie('value'), { maxKeys: 5, noNullPrototype: true }),
      ),
    })).value;
    fc.assert(
      fc.property(value, (v) => {
        fc.pre(!/[\ud800-\udfff]/.test(JSON.stringify(v)));
        assert.equal(text(v), reference(v));
      }),
      { numRuns: 500 },
    );
    const unsorted: JsonValue = { z: 1, a: [{ y: 2, b: 3 }], '10': 4, '9': 5 };
    assert.equal(text(unsorted), '{"10":4,"9":5,"a":[{"b":3,"y":2}],"z":1}');
    assert.deepEqual(unsorted, { z: 1, a: [{ y: 2, b: 3 }], '10': 4, '9': 5 }, 'the input is not modified');
  });

  it('rejects a byte order mark before canonical text', () => {
    assert.throws(() => parseCanonicalJson(Uint8Array.of(0xef, 0xbb, 0xbf, 0x7b, 0x7d)), rejected);
  });
});
