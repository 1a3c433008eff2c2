/**
 * Issue 6 scenario: five organizations — farm, processor, inspection lab, logistics, retailer — on a
 * permissioned chain capture a realistic chain of EPCIS events, each signing its own transactions
 * (commissioning a harvest lot, inspection with sensor data and a certificate, transformation into
 * retail items, packing, shipping with temperature readings, receiving, unpacking, retail sale).
 * Identifier ranges hold: another organization cannot commission in the farm's or processor's
 * range. Then the retail item is traced back to the farm lot through the standard queries, every
 * event names the organization that captured it, and every event's receipt verifies offline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonValue } from '@xinlian/codec';
import type { PrivateKey } from '@xinlian/crypto';
import { createEpcisValidator, type EventRecord, eventHash } from '@xinlian/module-traceability';
import { buildTx, type Genesis, verifyReceipt, XinlianClient } from '@xinlian/sdk';
import { toHex, XinlianError } from '@xinlian/utils';
import type { RunningNode } from '../src/index.js';
import { generateKey, type TestHome, testHome } from './helpers.js';

const ORGS = ['farm', 'processor', 'lab', 'logistics', 'retailer'] as const;
type Org = (typeof ORGS)[number];
const CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { xl: 'https://xinlian.example/epcis/' },
];

const LOT = 'urn:epc:class:lgtin:6901234.000001.W2026-0421';
const ITEMS = ['urn:epc:id:sgtin:6905678.012345.1001', 'urn:epc:id:sgtin:6905678.012345.1002'];
const SSCC = 'urn:epc:id:sscc:6905678.0000000001';
const FARM_GLN = 'urn:epc:id:sgln:6901234.00001.0';
const PLANT_GLN = 'urn:epc:id:sgln:6905678.00001.0';
const STORE_GLN = 'urn:epc:id:sgln:6909999.00001.0';

const ev = (type: string, time: string, fields: Record<string, unknown>) => ({
  '@context': CONTEXT,
  type,
  eventTime: time,
  eventTimeZoneOffset: '+08:00',
  ...fields,
});

describe('traceability scenario: five organizations, farm to retail', { timeout: 120_000 }, () => {
  let home: TestHome;
  let node: RunningNode;
  let client: XinlianClient;
  let genesis: Genesis;
  const keys = Object.fromEntries(ORGS.map((o) => [o, generateKey('intl')])) as Record<Org, PrivateKey>;
  const captured = new Map<string, Org>();

  before(async () => {
    home = await testHome('xinlian-trace-scenario-', {
      genesis: (g, info) => {
        g.governance = {
          permissioned: true,
          organizations: [
            { id: 'operator', name: 'Chain operator' },
            ...ORGS.map((o) => ({ id: o, name: o })),
          ],
          members: [
            {
              org: 'operator',
              role: 'admin',
              publicKey: info.genesis.validators[0]!.publicKey,
              name: 'validator',
            },
            ...ORGS.map((o) => ({
              org: o,
              role: 'admin',
              publicKey: toHex(keys[o].publicKey.bytes),
              name: `${o}-admin`,
            })),
          ],
        };
      },
    });
    node = await home.start();
    client = new XinlianClient({ url: node.apiUrl });
    genesis = await client.genesis();
  });
  after(async () => {
    await node?.stop();
    await home?.remove();
  });

  /** Signs a traceability tx as `org` and waits for its commit; returns the result or throws its code. */
  async function send(org: Org, method: string, args: JsonValue): Promise<JsonValue> {
    const { height } = await client.status();
    const tx = buildTx({
      chainId: genesis.chainId,
      key: keys[org],
      module: 'traceability',
      method,
      args,
      expiryHeight: height + 100,
    });
    const out = await client.submitTx(tx, { wait: 'commit' });
    if (out.result.status !== 'ok') throw new XinlianError(out.result.code, out.result.message, {});
    return out.result.result as JsonValue;
  }
  async function capture(org: Org, ...events: Record<string, unknown>[]): Promise<string[]> {
    const r = (await send(org, 'capture', { events: events.map((e) => JSON.stringify(e)) })) as {
      captured: { eventId: string }[];
      org: string;
    };
    assert.equal(r.org, org);
    for (const c of r.captured) captured.set(c.eventId, org);
    return r.captured.map((c) => c.eventId);
  }

  it('each organization registers its GS1 company prefix; the farm authorizes nobody else', async () => {
    await send('farm', 'registerRange', { kind: 'gs1', prefix: '6901234' });
    await send('processor', 'registerRange', { kind: 'gs1', prefix: '6905678' });
    await send('retailer', 'registerRange', { kind: 'gs1', prefix: '6909999' });
    await assert.rejects(send('logistics', 'registerRange', { kind: 'gs1', prefix: '690123' }), {
      code: 'TRACE_RANGE_TAKEN',
    });
  });

  it('captures the chain of events, each organization signing its own', async () => {
    await capture(
      'farm',
      ev('ObjectEvent', '2026-04-21T07:30:00+08:00', {
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        quantityList: [{ epcClass: LOT, quantity: 1200.5, uom: 'KGM' }],
        readPoint: { id: FARM_GLN },
        ilmd: { 'cbvmda:harvestStartDate': '2026-04-20', 'xl:variety': '济麦22' },
      }),
    );
    await capture(
      'lab',
      ev('ObjectEvent', '2026-04-21T15:00:00+08:00', {
        action: 'OBSERVE',
        bizStep: 'inspecting',
        disposition: 'conformant',
        quantityList: [{ epcClass: LOT, quantity: 0.5, uom: 'KGM' }],
        readPoint: { id: 'urn:epc:id:sgln:6901234.00001.9' },
        certificationInfo: 'https://lab.example/certificates/GB2763-2026-0042',
        sensorElementList: [
          {
            sensorMetadata: { time: '2026-04-21T14:55:00+08:00', deviceID: 'urn:epc:id:giai:6901234.LAB7' },
            sensorReport: [
              { type: 'RelativeHumidity', value: 12.4, uom: 'P1' },
              { type: 'Temperature', value: 21.5, uom: 'CEL' },
            ],
          },
        ],
      }),
    );
    // The processor turns the lot into retail items in its own range; it may not commission in the farm's.
    await assert.rejects(
      capture(
        'processor',
        ev('ObjectEvent', '2026-04-22T08:00:00+08:00', {
          action: 'ADD',
          bizStep: 'commissioning',
          epcList: ['urn:epc:id:sgtin:6901234.012345.1'],
        }),
      ),
      { code: 'TRACE_NOT_AUTHORIZED' },
    );
    await capture(
      'processor',
      ev('TransformationEvent', '2026-04-22T09:00:00+08:00', {
        inputQuantityList: [{ epcClass: LOT, quantity: 1200.5, uom: 'KGM' }],
        outputEPCList: ITEMS,
        bizStep: 'commissioning',
        disposition: 'active',
        readPoint: { id: PLANT_GLN },
        ilmd: { 'cbvmda:bestBeforeDate': '2027-04-22', 'cbvmda:lotNumber': 'F2026-0422' },
      }),
      ev('AggregationEvent', '2026-04-22T10:00:00+08:00', {
        action: 'ADD',
        bizStep: 'packing',
        disposition: 'in_progress',
        parentID: SSCC,
        childEPCs: ITEMS,
        readPoint: { id: PLANT_GLN },
      }),
    );
    await capture(
      'logistics',
      ev('ObjectEvent', '2026-04-22T12:00:00+08:00', {
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        epcList: [SSCC],
        readPoint: { id: PLANT_GLN },
        sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:6905678.00000' }],
        destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:6909999.00000' }],
        sensorElementList: [
          {
            sensorReport: [{ type: 'Temperature', minValue: 2.1, maxValue: 7.8, meanValue: 4.4, uom: 'CEL' }],
          },
        ],
      }),
    );
    await capture(
      'retailer',
      ev('ObjectEvent', '2026-04-23T08:00:00+08:00', {
        action: 'OBSERVE',
        bizStep: 'receiving',
        disposition: 'in_progress',
        epcList: [SSCC],
        readPoint: { id: STORE_GLN },
      }),
      ev('AggregationEvent', '2026-04-23T08:30:00+08:00', {
        action: 'DELETE',
        bizStep: 'unpacking',
        parentID: SSCC,
        childEPCs: ITEMS,
        readPoint: { id: STORE_GLN },
      }),
      ev('ObjectEvent', '2026-04-25T18:12:00+08:00', {
        action: 'OBSERVE',
        bizStep: 'retail_selling',
        disposition: 'retail_sold',
        epcList: [ITEMS[0]],
        readPoint: { id: STORE_GLN },
      }),
    );
    assert.equal(captured.size, 8);
  });

  it('traces the retail item back to the farm lot, naming who captured each step; every receipt verifies', async () => {
    type Doc = { epcisBody: { queryResults: { resultsBody: { eventList: Record<string, unknown>[] } } } };
    const validator = createEpcisValidator();
    const q = async (params: Record<string, string | string[]>) => {
      const doc = await client.traceability.events<Doc>({ ...params, perPage: 100 });
      assert.deepEqual(validator.validate(doc), []);
      return doc.epcisBody.queryResults.resultsBody.eventList;
    };
    const steps = (list: Record<string, unknown>[]) => list.map((e) => e.bizStep);
    // The item as a Digital Link (what its QR code carries) finds its events captured as EPC URIs.
    const item = await client.traceability.epcEvents<Doc>('https://id.gs1.org/01/06905678123454/21/1001');
    const itemEvents = item.epcisBody.queryResults.resultsBody.eventList;
    assert.deepEqual(steps(itemEvents), ['commissioning', 'packing', 'unpacking', 'retail_selling']);
    // Up: the case it travelled in.
    assert.deepEqual(steps(await q({ MATCH_anyEPC: SSCC })), [
      'packing',
      'shipping',
      'receiving',
      'unpacking',
    ]);
    // Back: the transformation's input lot, to the farm and the lab.
    const transformation = itemEvents.find((e) => e.type === 'TransformationEvent')!;
    const lot = (transformation.inputQuantityList as { epcClass: string }[])[0]!.epcClass;
    const lotEvents = await q({ MATCH_anyEPCClass: lot });
    assert.deepEqual(steps(lotEvents), ['commissioning', 'inspecting', 'commissioning']);
    // Every event names its capturing organization, and its receipt verifies offline from the genesis.
    const all = [...itemEvents, ...(await q({ MATCH_anyEPC: SSCC })), ...lotEvents];
    const seen = new Set<string>();
    for (const e of all) {
      const id = eventHash(e);
      if (seen.has(id)) continue;
      seen.add(id);
      const record = await client.traceability.record<EventRecord>(id);
      assert.equal(record.org, captured.get(id), `${String(e.bizStep)} captured by ${captured.get(id)}`);
      const report = verifyReceipt(await client.traceability.receipt(id), {
        genesis,
        eventHash: (x) => eventHash(x),
      });
      assert.ok(report.ok, `${String(e.bizStep)}: ${JSON.stringify(report.steps.filter((s) => !s.ok))}`);
    }
    assert.equal(seen.size, 8);
    const byOrg = (org: string) => [...seen].filter((id) => captured.get(id) === org).length;
    assert.deepEqual(
      ORGS.map((o) => byOrg(o)),
      [1, 2, 1, 1, 3],
    );
    // The inspection result is attributable to the lab: its certificate and sensor data are in the lab's event.
    const inspection = lotEvents.find((e) => e.bizStep === 'inspecting')!;
    assert.equal(captured.get(eventHash(inspection)), 'lab');
    assert.equal(inspection.certificationInfo, 'https://lab.example/certificates/GB2763-2026-0042');
  });

  it('the QR code (GS1 Digital Link) opens the journey page, in Chinese and English', async () => {
    const zh = await fetch(`${node.apiUrl}/01/06905678123454/21/1001`);
    assert.equal(zh.status, 200);
    assert.match(zh.headers.get('content-type') ?? '', /^text\/html/);
    const page = await zh.text();
    for (const s of ['产品溯源', '赋码/生产', '检验检测', '加工', '装箱', '发货', '收货', '零售售出']) {
      assert.ok(page.includes(s), s);
    }
    for (const org of ORGS) assert.ok(page.includes(`: ${org}`), org);
    assert.ok(page.indexOf('检验检测') < page.indexOf('零售售出'), 'in time order');
    const en = await (await fetch(`${node.apiUrl}/01/06905678123454/21/1001?lang=en`)).text();
    for (const s of ['Product journey', 'Inspected', 'Shipped', 'Sold']) assert.ok(en.includes(s), s);
    const unknown = await (
      await fetch(`${node.apiUrl}/01/06905678123454/21/9999`, { headers: { 'accept-language': 'en-GB' } })
    ).text();
    assert.ok(unknown.includes('Nothing is recorded'));
  });

  it('GET /epcis/trace/{epc}: the lineage graph from the retail item back to the farm lot, every proof verifying', async () => {
    const res = await fetch(
      `${node.apiUrl}/epcis/trace/${encodeURIComponent('https://id.gs1.org/01/06905678123454/21/1001')}?proofs=inline`,
    );
    assert.equal(res.status, 200);
    const graph = (await res.json()) as {
      root: string;
      nodes: { id: string; relations: string[] }[];
      edges: { relation: string; from: string; to: string }[];
      events: { eventID: string; org: string; receipt: unknown; event: Record<string, unknown> }[];
      truncated: boolean;
    };
    assert.equal(graph.root, 'https://id.gs1.org/01/06905678123454/21/1001');
    assert.equal(graph.truncated, false);
    assert.equal(graph.events.length, 8, graph.events.map((e) => e.event.bizStep).join(','));
    const lotNode = graph.nodes.find((n) => n.id.includes('/10/W2026-0421'));
    assert.ok(lotNode?.relations.includes('ancestor'), JSON.stringify(graph.nodes));
    assert.ok(
      graph.nodes.find((n) => n.id.startsWith('https://id.gs1.org/00/'))?.relations.includes('container'),
    );
    assert.ok(graph.edges.some((e) => e.relation === 'transformation' && e.to === graph.root));
    for (const e of graph.events) {
      assert.equal(e.org, captured.get(e.eventID));
      const report = verifyReceipt(e.receipt, { genesis, eventHash: (x) => eventHash(x) });
      assert.ok(
        report.ok,
        `${String(e.event.bizStep)}: ${JSON.stringify(report.steps.filter((st) => !st.ok))}`,
      );
    }
    const up = (await (
      await fetch(`${node.apiUrl}/epcis/trace/${encodeURIComponent(ITEMS[0]!)}?direction=downstream`)
    ).json()) as {
      events: unknown[];
    };
    assert.ok(up.events.length < graph.events.length, 'downstream only leaves out the farm and the lab');
  });
});
