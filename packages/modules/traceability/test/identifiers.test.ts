// Property tests of the identifier parsers (EPC URIs, GS1 Digital Link) and the CBV term mapping.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  CBV_KINDS,
  type CbvKind,
  cbvTerm,
  createEpcisValidator,
  gs1CheckDigitOk,
  inRange,
  parseDigitalLink,
  parseEpcUri,
  parseIdentifier,
} from '../src/index.js';

const digits = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((a) => a.join(''));
/** Appends the GS1 mod-10 check digit. */
function withCheck(body: string): string {
  for (let d = 0; d < 10; d++) if (gs1CheckDigitOk(body + d)) return body + d;
  throw new RangeError('unreachable');
}

describe('identifiers', () => {
  test('known check digits: GTIN 09521234543213, SSCC 106141411234567897, GLN 0614141000005', () => {
    assert.ok(gs1CheckDigitOk('09521234543213'));
    assert.ok(!gs1CheckDigitOk('09521234543214'));
    assert.ok(gs1CheckDigitOk('106141411234567897'));
    assert.ok(gs1CheckDigitOk('0614141000005'));
  });

  test('property: a well-formed SGTIN parses, with the company digits after the indicator', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 12 }),
        digits(13, 13),
        fc.stringMatching(/^[A-Za-z0-9]{1,20}$/),
        (cpLen, d, serial) => {
          const cp = d.slice(1, 1 + cpLen);
          const itemRef = d[0] + d.slice(1 + cpLen);
          const r = parseEpcUri(`urn:epc:id:sgtin:${cp}.${itemRef}.${serial}`);
          assert.ok(r.ok, JSON.stringify(r));
          assert.equal(r.id.companyDigits, cp + itemRef.slice(1));
          assert.ok(inRange({ kind: 'gs1', prefix: cp }, `urn:epc:id:sgtin:${cp}.${itemRef}.${serial}`));
        },
      ),
    );
  });

  test('property: the SGTIN and the Digital Link of one GTIN fall into the same company range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 6, max: 12 }), digits(13, 13), (cpLen, d) => {
        const cp = d.slice(1, 1 + cpLen);
        const gtin = withCheck(d[0] + d.slice(1));
        const dl = `https://id.gs1.org/01/${gtin}/21/X1`;
        const r = parseDigitalLink(dl);
        assert.ok(r.ok && r.id !== undefined);
        assert.ok(inRange({ kind: 'gs1', prefix: cp }, dl));
        assert.ok(
          inRange({ kind: 'gs1', prefix: cp }, `urn:epc:id:sgtin:${cp}.${d[0]}${d.slice(1 + cpLen)}.X1`),
        );
      }),
    );
  });

  test('property: changing a Digital Link GTIN check digit makes it invalid', () => {
    fc.assert(
      fc.property(digits(13, 13), fc.integer({ min: 1, max: 9 }), (body, delta) => {
        const gtin = withCheck(body);
        const bad = body + ((Number(gtin[13]) + delta) % 10);
        assert.equal(parseIdentifier(`https://example.com/01/${bad}`).ok, false);
        assert.equal(parseIdentifier(`https://example.com/01/${gtin}`).ok, true);
      }),
    );
  });

  test('property: the parsers never throw, on any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `urn:epc:id:${s}`),
          fc.webUrl(),
        ),
        (s) => {
          const r = parseIdentifier(s);
          assert.equal(typeof r.ok, 'boolean');
        },
      ),
    );
  });

  test('sgtin/sscc/sgln/grai/giai/lgtin/idpat examples', () => {
    for (const ok of [
      'urn:epc:id:sgtin:0614141.107346.2017',
      'urn:epc:id:sscc:0614141.1234567890',
      'urn:epc:id:sgln:0614141.07346.1234',
      'urn:epc:id:grai:0614141.12345.400',
      'urn:epc:id:giai:0614141.12345400',
      'urn:epc:class:lgtin:4012345.012345.998877',
      'urn:epc:idpat:sgtin:4012345.098765.*',
      'urn:epc:id:gid:95100000.12345.400',
      'urn:epc:id:pgln:0614141.00001',
    ]) {
      assert.ok(parseIdentifier(ok).ok, ok);
    }
    for (const bad of [
      'urn:epc:id:sgtin:0614141.107346',
      'urn:epc:id:sscc:0614141.123456789',
      'urn:epc:id:sgtin:06141.1073468.2017',
      'urn:epc:class:lgtin:4012345.01234.998877',
      'urn:epc:id:gid:abc',
    ]) {
      assert.equal(parseIdentifier(bad).ok, false, bad);
    }
    assert.ok(parseIdentifier('https://example.com/no-gs1-key').ok);
    assert.ok(inRange({ kind: 'uri', prefix: 'https://farm.example/lots/' }, 'https://farm.example/lots/7'));
  });
});

describe('CBV terms', () => {
  const { terms } = createEpcisValidator();
  test('property: every term maps to itself from its bare, URN, web and CURIE forms', () => {
    for (const kind of Object.keys(CBV_KINDS) as CbvKind[]) {
      const { urn, web } = CBV_KINDS[kind];
      assert.ok(terms[kind].size > 0, kind);
      for (const t of terms[kind]) {
        for (const form of [
          t,
          `urn:epcglobal:cbv:${urn}:${t}`,
          `https://ref.gs1.org/cbv/${web}-${t}`,
          `cbv:${web}-${t}`,
        ]) {
          assert.deepEqual(cbvTerm(terms, kind, form), { term: t }, form);
        }
      }
    }
  });
  test('property: a non-term in a CBV namespace is unknown; any other absolute URI is a user value', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z_]{1,12}$/), (w) => {
        fc.pre(!terms.bizStep.has(w));
        assert.deepEqual(cbvTerm(terms, 'bizStep', `urn:epcglobal:cbv:bizstep:${w}`), {
          unknown: `urn:epcglobal:cbv:bizstep:${w}`,
        });
        assert.ok('unknown' in cbvTerm(terms, 'bizStep', w));
        assert.deepEqual(cbvTerm(terms, 'bizStep', `https://example.org/steps/${w}`), { user: true });
      }),
    );
  });
});
