/**
 * The EPCIS 2.0 REST binding at a real node (/epcis/...): every example document captured,
 * invalid documents refused naming the field, single-event capture, the standard queries answered
 * as valid EPCISQueryDocuments with pages, EPC events, named queries and per-event receipts that
 * verify offline against the genesis.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createEpcisValidator, eventHash, eventTexts } from '@xinlian/module-traceability';
import { type Genesis, verifyReceipt, XinlianClient } from '@xinlian/sdk';
import type { RunningNode } from '../src/index.js';
import { type TestHome, testHome, until } from './helpers.js';

const EPCIS = fileURLToPath(new URL('../../../../../shared/testdata/epcis/', import.meta.url));

async function jsonldFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const n of (await readdir(dir)).sort()) {
    const p = join(dir, n);
    if ((await stat(p)).isDirectory()) out.push(...(await jsonldFiles(p)));
    else if (n.endsWith('.jsonld')) out.push(p);
  }
  return out;
}

async function req(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/ld+json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

type Job = {
  captureID: string;
  running: boolean;
  success: boolean;
  errors: { code: string }[];
  eventIDs: string[];
};
type QueryDoc = { epcisBody: { queryResults: { resultsBody: { eventList: Record<string, unknown>[] } } } };
const eventsOf = (body: unknown) => (body as QueryDoc).epcisBody.queryResults.resultsBody.eventList;

describe('EPCIS REST binding at the node', { timeout: 120_000 }, () => {
  let home: TestHome;
  let node: RunningNode;
  let api: string;
  let genesis: Genesis;
  const validator = createEpcisValidator();
  const all = new Set<string>();

  before(async () => {
    home = await testHome('xinlian-epcis-');
    genesis = home.info.genesis as Genesis;
    node = await home.start();
    api = `${node.apiUrl}/epcis`;
  });
  after(async () => {
    await node?.stop();
    await home?.remove();
  });

  const finished = (id: string) =>
    until(`capture job ${id}`, async () => {
      const r = await req(`${api}/capture/${id}`);
      const job = r.body as Job;
      return job.running ? undefined : job;
    });

  it('captures every example document (19, proceed): each event once, repeats refused as duplicates', async () => {
    const files = await jsonldFiles(join(EPCIS, 'examples'));
    assert.equal(files.length, 19);
    for (const f of files) {
      const doc = JSON.parse(await readFile(f, 'utf8'));
      const res = await req(`${api}/capture`, {
        body: doc,
        headers: { 'GS1-Capture-Error-Behaviour': 'proceed' },
      });
      assert.equal(res.status, 202, `${f}: ${JSON.stringify(res.body)}`);
      assert.equal(res.headers.get('gs1-epcis-version'), '2.0.0');
      const job = await finished((res.body as Job).captureID);
      assert.equal(res.headers.get('location'), `/epcis/capture/${job.captureID}`);
      const ids = eventTexts(doc).map((t) => eventHash(JSON.parse(t)));
      const fresh = ids.filter((id, i) => !all.has(id) && ids.indexOf(id) === i);
      assert.deepEqual(job.eventIDs, fresh, f);
      assert.equal(job.errors.length, ids.length - fresh.length, f);
      assert.ok(job.errors.every((e) => e.code === 'TRACE_DUPLICATE_EVENT'));
      assert.equal(job.success, job.errors.length === 0);
      for (const id of ids) all.add(id);
    }
    const list = await req(`${api}/capture?perPage=100`);
    assert.equal((list.body as Job[]).length, 19);
  });

  it('refuses an invalid document with 400 RFC 7807 naming the field; rollback records nothing', async () => {
    const doc = JSON.parse(
      await readFile(join(EPCIS, 'examples', 'Example_9.6.2-ObjectEvent.jsonld'), 'utf8'),
    );
    doc.epcisBody.eventList[0].bizStep = 'urn:epcglobal:cbv:bizstep:shiping';
    const res = await req(`${api}/capture`, { body: doc });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    const p = res.body as { code: string; details: { field: string } };
    assert.equal(p.code, 'TRACE_INVALID_EPCIS');
    assert.equal(p.details.field, '/epcisBody/eventList/0/bizStep');
    const bad = await req(`${api}/capture`, {
      body: doc,
      headers: { 'GS1-Capture-Error-Behaviour': 'maybe' },
    });
    assert.equal(bad.status, 400);
    const notDoc = await req(`${api}/capture`, { body: { type: 'ObjectEvent' } });
    assert.equal(notDoc.status, 400);
    assert.equal((notDoc.body as { details: { field: string } }).details.field, '/type');
  });

  let single: string;
  it('POST /events captures one event (201, Location); a duplicate is 409', async () => {
    const event = {
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'ObjectEvent',
      eventTime: '2026-03-05T10:00:00.000+08:00',
      eventTimeZoneOffset: '+08:00',
      action: 'OBSERVE',
      bizStep: 'retail_selling',
      disposition: 'retail_sold',
      epcList: ['https://id.gs1.org/01/09520123456788/21/A1'],
      readPoint: { id: 'https://id.gs1.org/414/9520123456788' },
    };
    const res = await req(`${api}/events`, { body: event });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    single = (res.body as { eventID: string }).eventID;
    assert.equal(single, eventHash(event));
    assert.equal(res.headers.get('location'), `/epcis/events/${encodeURIComponent(single)}`);
    const again = await req(`${api}/events`, { body: event });
    assert.equal(again.status, 409);
    assert.equal((again.body as { code: string }).code, 'TRACE_DUPLICATE_EVENT');
    const got = await req(`${node.apiUrl}${res.headers.get('location')}`);
    assert.equal(got.status, 200);
    const e = got.body as Record<string, unknown>;
    assert.equal(e.eventID, single);
    assert.equal(typeof e.recordTime, 'string');
    assert.equal(e.bizStep, 'retail_selling');
    const record = await req(`${api}/events/${encodeURIComponent(single)}/record`);
    assert.equal((record.body as { org: string }).org, 'dev', "the node's organization captured it");
    assert.equal(
      (await req(`${api}/events/${encodeURIComponent('ni:///sha-256;00?ver=CBV2.0')}`)).status,
      404,
    );
  });

  it('answers the standard query parameters with valid EPCISQueryDocuments', async () => {
    const q = async (qs: string) => {
      const res = await req(`${api}/events?${qs}`);
      assert.equal(res.status, 200, `${qs}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(validator.validate(res.body), [], qs);
      return eventsOf(res.body);
    };
    const everything = await q('perPage=1000');
    assert.equal(everything.length, all.size + 1);
    const shipping = await q('EQ_bizStep=shipping|receiving');
    assert.ok(shipping.length > 0);
    assert.ok(shipping.every((e) => e.bizStep === 'shipping' || e.bizStep === 'receiving'));
    const aggregations = await q('eventType=AggregationEvent');
    assert.ok(aggregations.length > 0 && aggregations.every((e) => e.type === 'AggregationEvent'));
    const adds = await q('EQ_action=ADD&eventType=ObjectEvent');
    assert.ok(adds.every((e) => e.action === 'ADD' && e.type === 'ObjectEvent'));
    const epc = await q(`MATCH_epc=${encodeURIComponent('urn:epc:id:sgtin:0614141.107346.2017')}`);
    assert.ok(epc.length > 0);
    assert.ok(epc.every((e) => JSON.stringify(e).includes('urn:epc:id:sgtin:0614141.107346.2017')));
    const pattern = await q(`MATCH_epc=${encodeURIComponent('urn:epc:idpat:sgtin:0614141.107346.*')}`);
    assert.ok(pattern.length >= epc.length);
    const timed = await q('GE_eventTime=2005-04-03T00:00:00Z&LT_eventTime=2005-04-05T00:00:00Z');
    assert.ok(timed.every((e) => Date.parse(String(e.eventTime)) >= Date.parse('2005-04-03T00:00:00Z')));
    const byId = await q(`EQ_eventID=${encodeURIComponent(single)}`);
    assert.deepEqual(
      byId.map((e) => e.eventID),
      [single],
    );
    const limited = await q('eventCountLimit=3');
    assert.equal(limited.length, 3);
    const desc = await q('orderBy=eventTime&orderDirection=DESC&perPage=1000');
    const times = desc.map((e) => Date.parse(String(e.eventTime)));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    const bad = await req(`${api}/events?GE_eventTime=tomorrow`);
    assert.equal(bad.status, 400);
    assert.equal((bad.body as { details: { field: string } }).details.field, 'GE_eventTime');
  });

  it('pages with perPage and the Link header until every event is seen once', async () => {
    const seen: unknown[] = [];
    let url: string | undefined = `${api}/events?perPage=7`;
    while (url !== undefined) {
      const res = await req(url);
      seen.push(...eventsOf(res.body).map((e) => e.eventID));
      const link = res.headers.get('link');
      url = link === null ? undefined : `${node.apiUrl}${/<([^>]+)>/.exec(link)![1]}`;
    }
    assert.equal(seen.length, all.size + 1);
    assert.equal(new Set(seen).size, seen.length);
  });

  it('/epcs/{epc}/events lists every event naming the EPC in any role', async () => {
    const sscc = 'urn:epc:id:sscc:0614141.1234567890';
    const res = await req(`${api}/epcs/${encodeURIComponent(sscc)}/events`);
    assert.equal(res.status, 200);
    const list = eventsOf(res.body);
    assert.ok(list.length > 0);
    assert.ok(list.every((e) => JSON.stringify(e).includes(sscc)));
  });

  it('named queries: POST /queries (201), GET /queries/{name}/events', async () => {
    const res = await req(`${api}/queries`, {
      body: { name: 'retail', query: { EQ_bizStep: ['retail_selling'] } },
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.headers.get('location'), '/epcis/queries/retail');
    const events = await req(`${api}/queries/retail/events`);
    assert.deepEqual(
      eventsOf(events.body).map((e) => e.eventID),
      [single],
    );
    assert.equal((await req(`${api}/queries`, { body: { name: 'retail', query: {} } })).status, 409);
    assert.equal((await req(`${api}/queries/nope/events`)).status, 404);
    const list = await req(`${api}/queries`);
    assert.equal((list.body as unknown[]).length, 1);
  });

  it("an event's receipt verifies offline against the genesis, and a flipped byte fails", async () => {
    const res = await req(`${api}/events/${encodeURIComponent(single)}/receipt`);
    assert.equal(res.status, 200);
    const report = verifyReceipt(res.body, { genesis, eventHash: (e) => eventHash(e) });
    assert.ok(report.ok, JSON.stringify(report.steps.filter((s) => !s.ok)));
    const receipt = res.body as { subject: { digest: { value: string } } };
    receipt.subject.digest.value = receipt.subject.digest.value.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    assert.equal(verifyReceipt(receipt, { genesis }).ok, false);
    const viaNode = await req(`${node.apiUrl}/v1/evidence/verify`, {
      body: { receipt: (await req(`${api}/events/${encodeURIComponent(single)}/receipt`)).body },
      headers: { 'content-type': 'application/json' },
    });
    assert.equal((viaNode.body as { ok: boolean }).ok, true, JSON.stringify(viaNode.body));
  });

  it('the SDK drives the same API: capture, wait, query, receipt', async () => {
    const client = new XinlianClient({ url: node.apiUrl });
    const doc = {
      '@context': [
        'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
        { acme: 'https://acme.example/' },
      ],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-03-06T00:00:00Z',
      epcisBody: {
        eventList: [
          {
            type: 'ObjectEvent',
            eventTime: '2026-03-06T09:00:00+08:00',
            eventTimeZoneOffset: '+08:00',
            action: 'OBSERVE',
            bizStep: 'inspecting',
            disposition: 'conformant',
            epcList: ['urn:epc:id:sgtin:9520123.045678.L7'],
            'acme:inspector': 'QA-7',
          },
        ],
      },
    };
    const job = await client.traceability.waitForCapture((await client.traceability.capture(doc)).captureID);
    assert.equal(job.success, true, JSON.stringify(job.errors));
    assert.equal(job.eventIDs.length, 1);
    const found = await client.traceability.events<QueryDoc>({
      EQ_bizStep: ['inspecting'],
      EQ_disposition: 'conformant',
    });
    assert.deepEqual(
      eventsOf(found).map((e) => e.eventID),
      job.eventIDs,
    );
    const byEpc = await client.traceability.epcEvents<QueryDoc>('https://id.gs1.org/01/09520123456788/21/L7');
    assert.deepEqual(
      eventsOf(byEpc).map((e) => e.eventID),
      job.eventIDs,
      'the Digital Link of the same item (GTIN 09520123456788, serial L7) finds the EPC URI event',
    );
    const other = await client.traceability.epcEvents<QueryDoc>('https://id.gs1.org/01/09520123456788/21/L8');
    assert.equal(eventsOf(other).length, 0, 'another serial');
    const receipt = await client.traceability.receipt(job.eventIDs[0]!);
    assert.ok(verifyReceipt(receipt, { genesis, eventHash: (e) => eventHash(e) }).ok);
    await assert.rejects(client.traceability.capture({ type: 'EPCISDocument' }), (e: unknown) => {
      const x = e as { code?: string; details?: { field?: string } };
      return x.code === 'TRACE_INVALID_EPCIS' && typeof x.details?.field === 'string';
    });
  });
});
