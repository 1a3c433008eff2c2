// Property tests: the hash depends on the event's content, not on its JSON form.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { canonicaliseValue, documentEvents, eventHash } from '../../src/index.js';

const DIR = fileURLToPath(new URL('../../../../../../../shared/testdata/epcis/event-hash/', import.meta.url));
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** All events of the vector documents, each with its document's @context. */
const VECTOR_EVENTS: { event: Json; context: Json }[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.jsonld'))
  .flatMap((f) => {
    const doc = JSON.parse(readFileSync(`${DIR}${f}`, 'utf8')) as { '@context': Json };
    return documentEvents(doc).map((event) => ({ event: event as Json, context: doc['@context'] }));
  });

/** A deterministic pseudo-random sequence from a seed (test-only shuffling, not cryptography). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}
function shuffle<T>(xs: T[], r: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}
/** Same content, different key order everywhere and different order of every array. */
function reorder(x: Json, r: () => number): Json {
  if (Array.isArray(x)) return shuffle(x, r).map((e) => reorder(e, r));
  if (x !== null && typeof x === 'object') {
    const out: { [k: string]: Json } = {};
    for (const k of shuffle(Object.keys(x), r)) out[k] = reorder(x[k] as Json, r);
    return out;
  }
  return x;
}
/** Pads every string value with insignificant whitespace. */
function pad(x: Json, r: () => number): Json {
  if (Array.isArray(x)) return x.map((e) => pad(e, r));
  if (x !== null && typeof x === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(x))
      out[k] = k === 'type' || k.startsWith('@') ? (v as Json) : pad(v as Json, r);
    return out;
  }
  if (typeof x === 'string')
    return `${' \t\n'.slice(0, Math.floor(r() * 4))}${x}${' '.repeat(Math.floor(r() * 3))}`;
  return x;
}

describe('event hash properties', () => {
  test('key order, array order, JSON formatting and value padding do not change the hash', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VECTOR_EVENTS),
        fc.integer(),
        fc.constantFrom(0, 1, 2, 4, '\t', ' \n '),
        ({ event, context }, seed, indent) => {
          const r = rng(seed);
          const expected = eventHash(event, { context });
          const text = JSON.stringify(pad(reorder(event, r), r), null, indent);
          assert.equal(eventHash(JSON.parse(text), { context }), expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  // Random events built from independent parts; changing any one part must change the hash.
  const serial = fc.stringMatching(/^[A-Za-z0-9]{1,12}$/);
  const eventArb = fc.record({
    millis: fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }),
    offsetHours: fc.integer({ min: -12, max: 14 }),
    serials: fc.uniqueArray(serial, { minLength: 1, maxLength: 5 }),
    bizStep: fc.constantFrom('shipping', 'receiving', 'packing', 'inspecting', 'commissioning'),
    action: fc.constantFrom('ADD', 'OBSERVE', 'DELETE'),
    note: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== ''),
    temperature: fc.double({ min: -40, max: 60, noNaN: true }),
  });
  type Parts = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;
  const build = (p: Parts): Json => {
    const sign = p.offsetHours < 0 ? '-' : '+';
    const offset = `${sign}${String(Math.abs(p.offsetHours)).padStart(2, '0')}:00`;
    const local = new Date(p.millis + p.offsetHours * 3_600_000).toISOString().slice(0, -1);
    return {
      type: 'ObjectEvent',
      eventTime: `${local}${offset}`,
      eventTimeZoneOffset: offset,
      epcList: p.serials.map((s) => `urn:epc:id:sgtin:6901234.012345.${s}`),
      action: p.action,
      bizStep: p.bizStep,
      readPoint: { id: 'urn:epc:id:sgln:6901234.00001.0' },
      sensorElementList: [{ sensorReport: [{ type: 'Temperature', value: p.temperature, uom: 'CEL' }] }],
      'ex:note': p.note,
    };
  };
  const context = { ex: 'https://ns.example.com/epcis/' };

  test('changing a value changes the hash', () => {
    fc.assert(
      fc.property(eventArb, eventArb, fc.integer({ min: 0, max: 6 }), (a, b, which) => {
        const keys = [
          'millis',
          'serials',
          'bizStep',
          'action',
          'note',
          'temperature',
          'offsetHours',
        ] as const;
        const key = keys[which] as (typeof keys)[number];
        const changed = { ...a, [key]: b[key] };
        const same =
          key === 'serials'
            ? [...a.serials].sort().join() === [...b.serials].sort().join()
            : key === 'note'
              ? canonicaliseValue(a.note) === canonicaliseValue(b.note)
              : key === 'temperature'
                ? a.temperature === b.temperature
                : a[key] === b[key];
        fc.pre(!same);
        assert.notEqual(eventHash(build(changed), { context }), eventHash(build(a), { context }), key);
      }),
      { numRuns: 500 },
    );
  });
});

describe('event hash robustness', () => {
  test('any JSON in extension fields hashes without error, deterministically', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (ext) => {
        const event = {
          type: 'ObjectEvent',
          action: 'OBSERVE',
          ...ext,
          eventTime: '2024-01-01T00:00:00Z',
        } as Json;
        const h = eventHash(event);
        assert.match(h, /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
        assert.equal(eventHash(JSON.parse(JSON.stringify(event))), h);
      }),
      { numRuns: 300 },
    );
  });
});
