import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isXinlianError } from '@xinlian/utils';
import {
  eventHash,
  eventPreHash,
  gs1CheckDigit,
  hashPreHash,
  normaliseNumeric,
  normaliseTimestamp,
  toCanonicalDigitalLink,
} from '../../src/index.js';

const code = (expected: string) => (e: unknown) => isXinlianError(e) && e.code === expected;

const base = () => ({
  type: 'ObjectEvent',
  eventTime: '2024-05-01T08:00:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  epcList: ['urn:epc:id:sgtin:6901234.012345.1001', 'urn:epc:id:sgtin:6901234.012345.1002'],
  action: 'OBSERVE',
  bizStep: 'shipping',
  disposition: 'in_transit',
  readPoint: { id: 'urn:epc:id:sgln:6901234.00001.0' },
});

describe('timestamps', () => {
  test('UTC at millisecond precision, half-to-even rounding of the fourth decimal', () => {
    assert.equal(normaliseTimestamp('2023-02-02T11:04:03.1415Z'), '2023-02-02T11:04:03.142Z');
    assert.equal(normaliseTimestamp('2023-02-02T11:04:03.1414Z'), '2023-02-02T11:04:03.141Z');
    assert.equal(normaliseTimestamp('2023-02-02T11:04:03.1425Z'), '2023-02-02T11:04:03.142Z');
    assert.equal(normaliseTimestamp('2023-02-02T11:04:03.14250001Z'), '2023-02-02T11:04:03.142Z');
    assert.equal(normaliseTimestamp('2023-02-02T11:04:03.142501Z'), '2023-02-02T11:04:03.143Z');
    assert.equal(normaliseTimestamp('2005-04-03T20:33:31.116000-06:00'), '2005-04-04T02:33:31.116Z');
    assert.equal(normaliseTimestamp('2020-04-01T15:00:00+01:00'), '2020-04-01T14:00:00.000Z');
    assert.equal(normaliseTimestamp('2024-05-01T08:00+08:00'), '2024-05-01T00:00:00.000Z');
  });
  test('rounding carries into the next second, day and year', () => {
    assert.equal(normaliseTimestamp('2023-12-31T23:59:59.9996Z'), '2024-01-01T00:00:00.000Z');
  });
  test('a non-timestamp is left as it is', () => {
    assert.equal(normaliseTimestamp('yesterday'), 'yesterday');
    assert.equal(normaliseTimestamp('2023-13-01T00:00:00Z'), '2023-13-01T00:00:00Z');
  });
});

describe('numbers', () => {
  test('canonical numeric text', () => {
    assert.equal(normaliseNumeric('600.0'), '600');
    assert.equal(normaliseNumeric('+0.50'), '0.5');
    assert.equal(normaliseNumeric('007'), '7');
    assert.equal(normaliseNumeric('1e3'), '1000');
    assert.equal(normaliseNumeric('0.00001'), '1e-05');
    assert.equal(normaliseNumeric('-0'), '0');
    assert.equal(normaliseNumeric('12.1'), '12.1');
  });
  test('non-numbers unchanged', () => {
    for (const s of ['+01:00', 'KGM', '2019-10-21', 'inf', 'nan', '1e999', '1__0', '', '.']) {
      assert.equal(normaliseNumeric(s), s);
    }
  });
});

describe('GS1 identifiers → canonical GS1 Digital Link', () => {
  test('check digits', () => {
    assert.equal(gs1CheckDigit('04012345111111111'), 0); // SSCC 040123451111111110 from the vectors
    assert.equal(gs1CheckDigit('401234500011'), 5);
    assert.equal(gs1CheckDigit('1061414107346'), 4);
  });
  const cases: [string, string | null][] = [
    ['urn:epc:id:sgtin:0614141.107346.2017', 'https://id.gs1.org/01/10614141073464/21/2017'],
    ['urn:epc:id:sgtin:0614141.107346.A!B', 'https://id.gs1.org/01/10614141073464/21/A%21B'],
    ['urn:epc:id:sscc:4012345.0000000333', 'https://id.gs1.org/00/040123450000003338'],
    ['urn:epc:id:sgln:4012345.00011.987', 'https://id.gs1.org/414/4012345000115/254/987'],
    ['urn:epc:id:sgln:4012345.00005.0', 'https://id.gs1.org/414/4012345000054'],
    ['urn:epc:id:pgln:4012345.00000', 'https://id.gs1.org/417/4012345000009'],
    ['urn:epc:id:giai:4000001.111', 'https://id.gs1.org/8004/4000001111'],
    ['urn:epc:id:gdti:4012345.55555.1234', 'https://id.gs1.org/253/40123455555541234'],
    ['urn:epc:id:grai:4012345.55555.1', 'https://id.gs1.org/8003/040123455555541'],
    ['urn:epc:id:gsrn:4012345.0000000001', 'https://id.gs1.org/8018/401234500000000012'],
    ['urn:epc:class:lgtin:4054739.099914.20160711', 'https://id.gs1.org/01/04054739999148/10/20160711'],
    ['urn:epc:idpat:sgtin:4012345.066666.*', 'https://id.gs1.org/01/04012345666663'],
    ['https://id.gs1.de/00/040123451111111110', 'https://id.gs1.org/00/040123451111111110'],
    [
      'https://example.com/some/path/gtin/9506000134352/ser/42?linkType=all',
      'https://id.gs1.org/01/09506000134352/21/42',
    ],
    ['https://id.gs1.org/01/09506000134352/10/L1/21/S1', 'https://id.gs1.org/01/09506000134352/21/S1'],
    ['https://id.gs1.org/01/09506000134352/22/2A/10/L1', 'https://id.gs1.org/01/09506000134352/10/L1'],
    ['http://id.gs1.org/414/4012345000115', 'https://id.gs1.org/414/4012345000115'],
    ['https://id.example.com/253/4012345000054987', 'https://id.gs1.org/253/4012345000054987'],
    ['urn:epc:id:sgtin:0614141.10734.2017', null], // company prefix + item reference must be 13 digits
    ['urn:epcglobal:cbv:bt:4012345000009:ASN1099', null],
    ['https://www.ncbi.nlm.nih.gov/taxonomy/1126011', null],
    ['http://www.opengis.net/def/crs/EPSG/0/27700', null],
    ['geo:47.506694,11.104301', null],
  ];
  for (const [input, expected] of cases) {
    test(input, () => assert.equal(toCanonicalDigitalLink(input), expected));
  }
});

describe('event hash semantics', () => {
  test('ni URI shape and algorithm option', () => {
    assert.match(eventHash(base()), /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    assert.match(
      eventHash(base(), { algorithm: 'sha-512' }),
      /^ni:\/\/\/sha-512;[0-9a-f]{128}\?ver=CBV2\.0$/,
    );
    assert.equal(hashPreHash('eventType=ObjectEvent').length, 'ni:///sha-256;?ver=CBV2.0'.length + 64);
  });

  test('the pre-hash follows the canonical order', () => {
    assert.equal(
      eventPreHash(base()),
      'eventType=ObjectEventeventTime=2024-05-01T00:00:00.000ZeventTimeZoneOffset=+08:00' +
        'epcListepc=https://id.gs1.org/01/06901234123456/21/1001epc=https://id.gs1.org/01/06901234123456/21/1002' +
        'action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-shipping' +
        'disposition=https://ref.gs1.org/cbv/Disp-in_transitreadPointid=https://id.gs1.org/414/6901234000016',
    );
  });

  test('eventID, recordTime, errorDeclaration and comments do not count', () => {
    const h = eventHash(base());
    assert.equal(
      eventHash({
        ...base(),
        eventID: 'ni:///sha-256;00?ver=CBV2.0',
        recordTime: '2024-05-02T00:00:00Z',
        errorDeclaration: { declarationTime: '2024-05-03T00:00:00Z', reason: 'incorrect_data' },
        'rdfs:comment': 'a note',
        comment: 'another note',
      }),
      h,
    );
  });

  test('equivalent spellings give the same hash', () => {
    const h = eventHash(base());
    const spellings = [
      { bizStep: 'urn:epcglobal:cbv:bizstep:shipping' },
      { bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping' },
      { bizStep: 'cbv:BizStep-shipping' },
      { disposition: 'urn:epcglobal:cbv:disp:in_transit' },
      { eventTime: '2024-05-01T00:00:00Z' },
      { eventTime: '2024-04-30T16:00:00.000-08:00' },
      { readPoint: { id: 'https://id.gs1.org/414/6901234000016' } },
      { readPoint: { id: 'https://resolver.example.cn/gln/6901234000016?x=1' } },
      { epcList: ['https://id.gs1.org/01/06901234123456/21/1002', 'urn:epc:id:sgtin:6901234.012345.1001'] },
      { epcList: [' urn:epc:id:sgtin:6901234.012345.1001 ', 'urn:epc:id:sgtin:6901234.012345.1002'] },
    ];
    for (const change of spellings)
      assert.equal(eventHash({ ...base(), ...change }), h, JSON.stringify(change));
  });

  test('extension names: CURIE with the document context, full IRI, redeclared standard prefix', () => {
    const context = [{ ex: 'https://ns.example.com/epcis/' }];
    const a = eventHash({ ...base(), 'ex:lot': { 'ex:grade': 'A' } }, { context });
    assert.equal(
      eventHash({
        ...base(),
        'https://ns.example.com/epcis/lot': { 'https://ns.example.com/epcis/grade': 'A' },
      }),
      a,
    );
    assert.equal(eventHash({ ...base(), '@context': context, 'ex:lot': { 'ex:grade': 'A' } }), a);
    assert.match(
      eventPreHash({ ...base(), 'ex:lot': 'x' }, { context }),
      /\{https:\/\/ns\.example\.com\/epcis\/\}lot=x$/,
    );
    // Without the context the prefix is unknown and the name is kept as written: a different event.
    assert.notEqual(eventHash({ ...base(), 'ex:lot': { 'ex:grade': 'A' } }), a);
  });

  test('user extensions are sorted after the standard fields; sensor data is ordered', () => {
    const pre = eventPreHash(
      {
        ...base(),
        'ex:z': '1',
        ilmd: { 'ex:batch': 'B1' },
        sensorElementList: [
          {
            sensorMetadata: { time: '2024-05-01T00:00:00Z', deviceID: 'urn:epc:id:giai:6901234.T1' },
            sensorReport: [
              { type: 'Temperature', value: 4.5, uom: 'CEL' },
              { type: 'RelativeHumidity', value: 60, uom: 'P1', 'ex:calibrated': true },
            ],
          },
        ],
        bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:6901234000016:PO1' }],
      },
      { context: { ex: 'https://ns.example.com/epcis/' } },
    );
    const tail = pre.slice(pre.indexOf('sensorElementList'));
    assert.equal(
      tail,
      'sensorElementListsensorElementsensorMetadatatime=2024-05-01T00:00:00.000Z' +
        'deviceID=https://id.gs1.org/8004/6901234T1' +
        'sensorReporttype=https://gs1.org/voc/RelativeHumidityvalue=60uom=P1{https://ns.example.com/epcis/}calibrated=true' +
        'sensorReporttype=https://gs1.org/voc/Temperaturevalue=4.5uom=CEL' +
        'bizTransactionListtype=https://ref.gs1.org/cbv/BTT-pobizTransaction=urn:epcglobal:cbv:bt:6901234000016:PO1' +
        'ilmd{https://ns.example.com/epcis/}batch=B1{https://ns.example.com/epcis/}z=1',
    );
  });

  test('not an event', () => {
    assert.throws(() => eventHash([1]), code('TRACE_HASH_INVALID_EVENT'));
    assert.throws(() => eventHash({ action: 'ADD' }), code('TRACE_HASH_INVALID_EVENT'));
    assert.throws(() => eventHash(null), code('TRACE_HASH_INVALID_EVENT'));
  });
});
