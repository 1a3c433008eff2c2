import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isXinlianError } from '@xinlian/utils';
import {
  canonicalIdentifier,
  createMemoryLineageLookup,
  type LineageGraph,
  type LineageLookup,
  type StoredEvent,
  traceLineage,
} from '../../src/index.js';
import { ID, type ScenarioEvent, scenarioRecords } from './scenario.js';

const records = scenarioRecords();
const lookup = createMemoryLineageLookup(records);
const names = (g: LineageGraph<ScenarioEvent>) => new Set(g.events.map((e) => e.name));
const node = (g: LineageGraph, id: string) => g.nodes.find((n) => n.id === canonicalIdentifier(id));

/** Is `to` reachable from `from` following edges backwards (output → input, child → container)? */
function reaches(g: LineageGraph, from: string, to: string): boolean {
  const target = canonicalIdentifier(to);
  const seen = new Set([canonicalIdentifier(from)]);
  const queue = [...seen];
  while (queue.length) {
    const id = queue.shift() as string;
    if (id === target) return true;
    for (const e of g.edges) {
      const next =
        e.relation === 'transformation' ? (e.to === id ? e.from : null) : e.from === id ? e.to : null;
      if (next !== null && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

describe('lineage: farm → processor → lab → logistics → retailer', () => {
  test('the event IDs are distinct CBV 2.0 hashes', () => {
    assert.equal(new Set(records.map((r) => r.id)).size, records.length);
    for (const r of records) assert.match(r.id, /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
  });

  test('tracing a sold tin reaches the farm batch, with its journey and nothing unrelated', async () => {
    const g = await traceLineage(ID.tin(2), lookup);
    assert.equal(g.root, 'https://id.gs1.org/01/06902345543225/21/2');
    assert.equal(g.truncated, false);

    const farm = node(g, ID.farmLot);
    assert.ok(farm, 'farm batch in the graph');
    assert.equal(farm.kind, 'class');
    assert.deepEqual(farm.relations, ['ancestor']);
    assert.equal(farm.depth, 2);
    assert.ok(reaches(g, ID.tin(2), ID.farmLot), 'edge path tin → processed lot → farm batch');
    assert.ok(reaches(g, ID.tin(2), ID.crate), 'edge path tin → case → crate');

    const seen = names(g);
    for (const n of [
      'harvest',
      'farmShipping',
      'processorReceiving',
      'processing',
      'labInspection',
      'packagingInputs',
      'packagingOutputs',
      'packing',
      'loading',
      'shipping',
      'transporting',
      'retailReceiving',
      'unloading',
      'unpacking',
      'sale2',
    ]) {
      assert.ok(seen.has(n), `${n} in the trace`);
    }
    // Another tin's sale and the crate's other trips are not this tin's history.
    for (const n of [
      'sale3',
      'crateEarlierLoad',
      'crateEarlierTrip',
      'crateEarlierUnload',
      'crateLaterLoad',
    ]) {
      assert.ok(!seen.has(n), `${n} not in the trace`);
    }
    assert.equal(node(g, ID.tin(3)), undefined, 'sibling tins are not nodes');

    // Events come in time order; the tin's own history is commissioning, packing, unpacking, sale.
    const times = g.events.map((e) => Date.parse(e.event.eventTime as string));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    const byId = new Map(records.map((r) => [r.id, r.name]));
    assert.deepEqual(
      node(g, ID.tin(2))?.events.map((id) => byId.get(id)),
      ['packagingOutputs', 'packing', 'unpacking', 'sale2'],
    );
    // The crate's history is limited to the time the case was in it.
    assert.deepEqual(
      node(g, ID.crate)?.events.map((id) => byId.get(id)),
      ['loading', 'shipping', 'transporting', 'retailReceiving', 'unloading'],
    );
    assert.deepEqual(node(g, ID.crate)?.relations, ['container']);

    // The two packaging events share a transformationID: the edge names the input's event and the run.
    const edge = g.edges.find(
      (e) =>
        e.relation === 'transformation' && e.to === g.root && e.from === canonicalIdentifier(ID.processedLot),
    );
    assert.ok(edge);
    assert.equal(byId.get(edge.event), 'packagingInputs');
    assert.equal(edge.transformationID, canonicalIdentifier(ID.packagingRun));
    const packed = g.edges.find(
      (e) => e.relation === 'aggregation' && e.from === g.root && e.action === 'ADD',
    );
    assert.equal(packed?.to, canonicalIdentifier(ID.case));
  });

  test('the lab inspection with its sensor data is part of the trace', async () => {
    const g = await traceLineage(ID.tin(2), lookup);
    const lab = g.events.find((e) => e.name === 'labInspection');
    assert.equal(lab?.org, 'lab');
    assert.ok(Array.isArray(lab?.event.sensorElementList));
  });

  test('downstream from the farm batch: every tin and both sales (recall)', async () => {
    const g = await traceLineage(ID.farmLot, lookup, { direction: 'downstream' });
    for (const n of [1, 2, 3, 4]) assert.deepEqual(node(g, ID.tin(n))?.relations, ['descendant']);
    const seen = names(g);
    assert.ok(seen.has('sale2') && seen.has('sale3') && seen.has('shipping'));
    assert.ok(!seen.has('crateEarlierTrip') && !seen.has('crateLaterLoad'));
    assert.equal(node(g, ID.farmLot)?.relations[0], 'self');
  });

  test('upstream only does not follow outputs', async () => {
    const g = await traceLineage(ID.processedLot, lookup, { direction: 'upstream' });
    assert.ok(node(g, ID.farmLot));
    assert.equal(node(g, ID.tin(1)), undefined);
  });

  test('tracing a container lists its contents, and a GS1 Digital Link works as the start', async () => {
    const g = await traceLineage('https://example.cn/anything/00/069023450000001015', lookup);
    assert.equal(g.root, canonicalIdentifier(ID.case));
    for (const n of [1, 2, 3, 4]) assert.ok(node(g, ID.tin(n))?.relations.includes('content'));
    assert.ok(names(g).has('sale3'));
    assert.ok(node(g, ID.farmLot), 'contents lead back to the farm');
  });

  test('an unknown identifier gives a one-node graph', async () => {
    const g = await traceLineage('urn:epc:id:sgtin:6999999.000001.1', lookup);
    assert.equal(g.nodes.length, 1);
    assert.equal(g.events.length, 0);
    assert.equal(g.truncated, false);
  });

  test('an asynchronous lookup gives the same graph', async () => {
    const asyncLookup: LineageLookup<ScenarioEvent> = {
      eventsFor: async (id, roles) => lookup.eventsFor(id, roles),
    };
    assert.deepEqual(await traceLineage(ID.tin(2), asyncLookup), await traceLineage(ID.tin(2), lookup));
  });

  test('empty identifier is refused', async () => {
    await assert.rejects(
      traceLineage(' ', lookup),
      (e: unknown) => isXinlianError(e) && e.code === 'TRACE_INVALID_EPC',
    );
  });
});

describe('lineage bounds and cycles', () => {
  const item = (n: number) => `urn:epc:id:sgtin:6901234.012345.${n}`;
  const transform = (from: string, to: string, i: number): StoredEvent => ({
    id: `ev-${i}`,
    event: {
      type: 'TransformationEvent',
      eventTime: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
      inputEPCList: [from],
      outputEPCList: [to],
    },
  });

  test('transformation and aggregation cycles terminate', async () => {
    const cyclic = createMemoryLineageLookup([
      transform(item(1), item(2), 1),
      transform(item(2), item(1), 2),
      {
        id: 'agg-1',
        event: { type: 'AggregationEvent', action: 'ADD', parentID: item(1), childEPCs: [item(2)] },
      },
      {
        id: 'agg-2',
        event: { type: 'AggregationEvent', action: 'ADD', parentID: item(2), childEPCs: [item(1)] },
      },
    ]);
    const g = await traceLineage(item(1), cyclic);
    assert.deepEqual(
      g.nodes.map((n) => n.id).sort(),
      [canonicalIdentifier(item(1)), canonicalIdentifier(item(2))].sort(),
    );
    assert.equal(g.events.length, 4);
    assert.equal(g.truncated, false);
  });

  const chain = createMemoryLineageLookup(
    Array.from({ length: 60 }, (_, i) => transform(item(i), item(i + 1), i)),
  );

  test('a long chain is followed to its origin within the default bounds', async () => {
    const g = await traceLineage(item(60), chain, { maxDepth: 100 });
    assert.equal(g.truncated, false);
    assert.equal(node(g, item(0))?.depth, 60);
  });

  test('maxDepth stops the walk and says so', async () => {
    const g = await traceLineage(item(60), chain, { maxDepth: 10 });
    assert.equal(g.truncated, true);
    assert.deepEqual(g.limits, ['maxDepth']);
    assert.equal(Math.max(...g.nodes.map((n) => n.depth)), 10);
    assert.equal(node(g, item(0)), undefined);
  });

  test('maxEvents and maxNodes stop the walk and say so', async () => {
    const e = await traceLineage(item(60), chain, { maxEvents: 5 });
    assert.ok(e.truncated && e.limits.includes('maxEvents'));
    assert.ok(e.events.length <= 5);
    const n = await traceLineage(item(60), chain, { maxNodes: 7 });
    assert.ok(n.truncated && n.limits.includes('maxNodes'));
    assert.equal(n.nodes.length, 7);
  });
});
