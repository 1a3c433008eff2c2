// Spec tests: every EPCIS 2.0 example document and schema test in ../shared/testdata/epcis is
// accepted; mutated documents are refused with the offending field's JSON pointer.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isXinlianError } from '@xinlian/utils';
import { Ajv } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { createEpcisValidator, eventHash, eventTexts, locateEvents } from '../src/index.js';
import { EPCIS_DIR, files, readJson } from './testdata.js';

const validator = createEpcisValidator();

describe('EPCIS test data is accepted', () => {
  const examples = files('examples', '.jsonld');
  test('examples/: 19 documents (count check)', () => assert.equal(examples.length, 19));
  for (const f of examples) {
    test(`examples/${f.name}`, () => {
      const doc = readJson(f.path);
      assert.deepEqual(validator.validate(doc), []);
      assert.ok(locateEvents(doc).length > 0 || (doc as { type: string }).type === 'EPCISQueryDocument');
    });
  }
  const events = files('schema-tests', '.json').filter((f) => !/^sch\d\.json$/.test(f.name));
  test('schema-tests/: 5 event documents + 2 $ref fixtures (count check)', () => {
    assert.equal(events.length, 5);
    assert.equal(files('schema-tests', '.json').length, 7);
  });
  for (const f of events) {
    test(`schema-tests/${f.name}`, () => assert.deepEqual(validator.validate(readJson(f.path)), []));
  }
  test('schema-tests/sch1.json + sch2.json: a $ref across schema files resolves (uri format)', () => {
    const sch1 = readJson(join(EPCIS_DIR, 'schema-tests', 'sch1.json')) as Record<string, unknown>;
    const sch2 = readJson(join(EPCIS_DIR, 'schema-tests', 'sch2.json')) as Record<string, unknown>;
    // Both files carry the same $id; sch2's "sch1.json#…" resolves against it to …/JSON-Schema/sch1.json.
    const ajv = new Ajv({ strict: false });
    (formatsPlugin as unknown as (a: Ajv) => void)(ajv);
    const { $id: _id1, ...body1 } = sch1;
    ajv.addSchema(body1, 'https://gs1.github.io/EPCIS/JSON-Schema/sch1.json');
    ajv.addSchema(sch2);
    const def3 = ajv.compile({ $ref: `${String(sch2.$id)}#/definitions/def3` });
    assert.equal(def3('urn:epc:id:sgtin:0614141.107346.2017'), true);
    assert.equal(def3('not a uri'), false);
    assert.equal(def3(42), false);
  });
  const hashDocs = files('event-hash', '.jsonld');
  test('event-hash/: 8 documents (count check)', () => assert.equal(hashDocs.length, 8));
  for (const f of hashDocs) {
    test(`event-hash/${f.name}`, () => assert.deepEqual(validator.validate(readJson(f.path)), []));
  }
  test('the packaged schema is the test data schema, byte for byte', () => {
    const packaged = readFileSync(new URL('../../schema/EPCIS-JSON-Schema.json', import.meta.url));
    assert.ok(packaged.equals(readFileSync(join(EPCIS_DIR, 'EPCIS-JSON-Schema.json'))));
  });
});

describe('invalid documents are refused naming the offending field', () => {
  const base = readJson(join(EPCIS_DIR, 'examples', 'Example_9.6.1-ObjectEvent.jsonld'));
  const E = '/epcisBody/eventList/0';
  type Ev = Record<string, unknown> & { epcList: string[] };
  const cases: [string, (e: Ev, d: Record<string, unknown>) => void, string, string][] = [
    ['misspelt bare bizStep', (e) => (e.bizStep = 'shiping'), `${E}/bizStep`, 'cbv'],
    [
      'misspelt web-vocabulary bizStep',
      (e) => (e.bizStep = 'https://ref.gs1.org/cbv/BizStep-shiping'),
      `${E}/bizStep`,
      'cbv',
    ],
    ['misspelt CURIE bizStep', (e) => (e.bizStep = 'cbv:BizStep-shiping'), `${E}/bizStep`, 'cbv'],
    [
      'misspelt URN disposition',
      (e) => (e.disposition = 'urn:epcglobal:cbv:disp:in_transito'),
      `${E}/disposition`,
      'cbv',
    ],
    [
      'unknown bizTransaction type',
      (e) => (e.bizTransactionList = [{ type: 'urn:epcglobal:cbv:btt:purchase', bizTransaction: 'urn:x:1' }]),
      `${E}/bizTransactionList/0/type`,
      'cbv',
    ],
    [
      'unknown source type',
      (e) =>
        (e.sourceList = [
          { type: 'https://ref.gs1.org/cbv/SDT-owner', source: 'urn:epc:id:pgln:0614141.00001' },
        ]),
      `${E}/sourceList/0/type`,
      'cbv',
    ],
    [
      'sgtin with 12 digits',
      (e) => (e.epcList[0] = 'urn:epc:id:sgtin:0614141.10734.2017'),
      `${E}/epcList/0`,
      'identifier',
    ],
    [
      'unknown EPC scheme',
      (e) => (e.epcList[1] = 'urn:epc:id:sgtn:0614141.107346.2018'),
      `${E}/epcList/1`,
      'identifier',
    ],
    [
      'Digital Link GTIN with a wrong check digit',
      (e) => (e.epcList[0] = 'https://id.gs1.org/01/09520123456789/21/1'),
      `${E}/epcList/0`,
      'identifier',
    ],
    [
      'bad SGLN read point',
      (e) => (e.readPoint = { id: 'urn:epc:id:sgln:0614141.0734.1234' }),
      `${E}/readPoint/id`,
      'identifier',
    ],
    ['undeclared extension prefix', (e) => (e['acme:lot'] = 'L1'), `${E}/acme:lot`, 'extension'],
    ['unprefixed unknown field', (e) => (e.lot = 'L1'), `${E}/lot`, 'schema:enum'],
    ['missing eventTime', (e) => delete e.eventTime, `${E}/eventTime`, 'schema:required'],
    ['bad action', (e) => (e.action = 'MOVE'), `${E}/action`, 'schema:enum'],
    ['bad eventTime', (e) => (e.eventTime = 'yesterday'), `${E}/eventTime`, 'schema:format'],
    [
      'bad time zone offset',
      (e) => (e.eventTimeZoneOffset = '+25:00'),
      `${E}/eventTimeZoneOffset`,
      'schema:pattern',
    ],
    ['missing @context', (_e, d) => delete d['@context'], '/@context', 'schema:required'],
  ];
  for (const [name, mutate, pointer, rule] of cases) {
    test(name, () => {
      const doc = structuredClone(base) as Record<string, unknown> & { epcisBody: { eventList: Ev[] } };
      mutate(doc.epcisBody.eventList[0]!, doc);
      const issues = validator.validate(doc);
      assert.ok(issues.length > 0, 'refused');
      assert.equal(issues[0]!.pointer, pointer, JSON.stringify(issues));
      assert.equal(issues[0]!.rule, rule);
      assert.throws(
        () => validator.check(doc),
        (e: unknown) => isXinlianError(e) && e.code === 'TRACE_INVALID_EPCIS' && e.details.field === pointer,
      );
    });
  }
  test('CBV terms in URN, web-vocabulary and CURIE form are accepted as their bare term', () => {
    for (const bizStep of [
      'urn:epcglobal:cbv:bizstep:shipping',
      'https://ref.gs1.org/cbv/BizStep-shipping',
      'https://ns.gs1.org/cbv/BizStep-shipping',
      'cbv:BizStep-shipping',
      'https://example.com/vocab/washing',
    ]) {
      const doc = structuredClone(base) as { epcisBody: { eventList: Record<string, unknown>[] } };
      doc.epcisBody.eventList[0]!.bizStep = bizStep;
      doc.epcisBody.eventList[0]!.disposition = 'urn:epcglobal:cbv:disp:in_transit';
      assert.deepEqual(validator.validate(doc), [], bizStep);
      assert.equal(doc.epcisBody.eventList[0]!.bizStep, bizStep, 'the input is not modified');
    }
  });
  test('a prefix declared in the event’s own @context is accepted', () => {
    const doc = structuredClone(base) as { epcisBody: { eventList: Record<string, unknown>[] } };
    const e = doc.epcisBody.eventList[0]!;
    e['acme:lot'] = 'L1';
    e['@context'] = [{ acme: 'https://acme.example/epcis/' }];
    assert.deepEqual(validator.validate(doc), []);
  });
  test('a non-object is refused at the document pointer', () => {
    for (const v of [null, 1, 'x', []]) assert.equal(validator.validate(v)[0]!.pointer, '');
  });
});

describe('documents split into capture texts keep their CBV 2.0 hashes', () => {
  const docs = files('event-hash', '.jsonld');
  test('event-hash/: 8 documents (count check)', () => assert.equal(docs.length, 8));
  for (const f of docs) {
    test(`event-hash/${f.name}: eventHash(eventTexts(doc)[i]) = line i of .hashes`, () => {
      const want = readFileSync(f.path.replace(/\.jsonld$/, '.hashes'), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.length > 0);
      const texts = eventTexts(readJson(f.path));
      assert.equal(texts.length, want.length);
      assert.deepEqual(
        texts.map((t) => eventHash(JSON.parse(t))),
        want,
      );
    });
  }
});
