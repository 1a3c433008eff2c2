import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JsonValue } from '@xinlian/codec';
import { addressOf } from '@xinlian/crypto';
import { isXinlianError } from '@xinlian/utils';
import type { CaptureResult, EventPage, EventRecord, RangeRecord } from '../src/index.js';
import { event, idOf, objectEvent, TraceChain } from './harness.js';

describe('traceability.capture', () => {
  const chain = new TraceChain();
  const farm = chain.member('farm');
  const stranger = chain.member(undefined);

  test('records an event under its ID, naming the capturing organization, with recordTime = block time', () => {
    const text = objectEvent({ bizStep: 'commissioning', action: 'ADD', eventID: 'urn:uuid:0b4c6bd8-1' });
    const result = chain.ok({
      key: farm,
      method: 'capture',
      args: { events: [text] },
    }) as unknown as CaptureResult;
    assert.deepEqual(result, { captured: [{ index: 0, eventId: idOf(text) }], failed: [], org: 'farm' });
    const record = chain.query('event', { eventId: idOf(text) }) as unknown as EventRecord;
    assert.equal(record.org, 'farm');
    assert.equal(record.capturedBy, addressOf(chain.suite, farm.publicKey.bytes));
    assert.equal(record.event, text);
    assert.equal(record.type, 'ObjectEvent');
    assert.equal(record.recordTime, new Date(TraceChain.timeOf(chain.height)).toISOString());
    assert.equal(record.declaredEventId, 'urn:uuid:0b4c6bd8-1');
    assert.deepEqual(
      chain.query('event', { eventId: 'urn:uuid:0b4c6bd8-1' }),
      record,
      'found by its declared eventID',
    );
    assert.equal(chain.query('event', { eventId: 'urn:uuid:unknown' }), null);
  });

  test('a duplicate event ID is refused, in a later block and within one tx', () => {
    const text = objectEvent({ bizStep: 'inspecting' });
    chain.ok({ key: farm, method: 'capture', args: { events: [text] } });
    assert.equal(
      chain.fails({ key: farm, method: 'capture', args: { events: [text] } }).code,
      'TRACE_DUPLICATE_EVENT',
    );
    const other = objectEvent({ bizStep: 'storing' });
    assert.equal(
      chain.fails({ key: farm, method: 'capture', args: { events: [other, other] } }).code,
      'TRACE_DUPLICATE_EVENT',
      'rollback: nothing recorded',
    );
    assert.equal(chain.query('event', { eventId: idOf(other) }), null);
    const r = chain.ok({
      key: farm,
      method: 'capture',
      args: { events: [other, other], errorBehaviour: 'proceed' },
    }) as unknown as CaptureResult;
    assert.deepEqual(r.captured, [{ index: 0, eventId: idOf(other) }]);
    assert.equal(r.failed[0]!.index, 1);
    assert.equal(r.failed[0]!.code, 'TRACE_DUPLICATE_EVENT');
  });

  test('an invalid event: rollback refuses the tx at admission naming the field; proceed records the rest', () => {
    const bad = objectEvent({ bizStep: 'shiping' });
    const good = objectEvent({ bizStep: 'shipping' });
    assert.throws(
      () =>
        chain.executor.checkTx(chain.sign({ key: farm, method: 'capture', args: { events: [good, bad] } }), {
          height: chain.height + 1,
        }),
      (e: unknown) =>
        isXinlianError(e) && e.code === 'TRACE_INVALID_EPCIS' && e.details.field === '/events/1/bizStep',
    );
    const r = chain.ok({
      key: farm,
      method: 'capture',
      args: { events: [good, bad], errorBehaviour: 'proceed' },
    }) as unknown as CaptureResult;
    assert.deepEqual(r.captured, [{ index: 0, eventId: idOf(good) }]);
    assert.deepEqual(
      { ...r.failed[0], message: undefined },
      { index: 1, code: 'TRACE_INVALID_EPCIS', field: '/bizStep', message: undefined },
    );
    for (const events of [[], ['{'], [JSON.stringify({ type: 'EPCISDocument' })], [1]]) {
      assert.throws(
        () =>
          chain.executor.checkTx(
            chain.sign({ key: farm, method: 'capture', args: { events } as JsonValue }),
            { height: chain.height + 1 },
          ),
        (e: unknown) =>
          isXinlianError(e) && (e.code === 'TRACE_BAD_ARGS' || e.code === 'TRACE_INVALID_EPCIS'),
        JSON.stringify(events),
      );
    }
  });

  test('a signer that belongs to no organization cannot capture', () => {
    assert.equal(
      chain.fails({
        key: stranger,
        method: 'capture',
        args: { events: [objectEvent({ bizStep: 'holding' })] },
      }).code,
      'TRACE_NO_ORGANIZATION',
    );
  });

  test('the capture event names the event and its organization', () => {
    const text = objectEvent({ bizStep: 'loading' });
    const [r] = chain.block([{ key: farm, method: 'capture', args: { events: [text] } }]);
    assert.deepEqual(r!.receipt.events, [
      {
        type: 'traceability.captured',
        attributes: [
          { key: 'eventId', value: idOf(text) },
          { key: 'org', value: 'farm' },
          { key: 'type', value: 'ObjectEvent' },
        ],
      },
    ]);
  });
});

describe('identifier ranges', () => {
  const chain = new TraceChain();
  const farm = chain.member('farm');
  const processor = chain.member('processor');
  const lab = chain.member('lab');
  const commission = (epc: string) =>
    objectEvent({
      action: 'ADD',
      bizStep: 'commissioning',
      epcList: [epc],
    });

  test('an organization registers a GS1 company prefix; overlapping claims of others are refused', () => {
    const r = chain.ok({
      key: farm,
      method: 'registerRange',
      args: { kind: 'gs1', prefix: '0614141' },
    }) as unknown as RangeRecord;
    assert.equal(r.org, 'farm');
    assert.deepEqual(r.partners, []);
    for (const prefix of ['0614141', '06141412', '061414']) {
      const f = chain.fails({ key: processor, method: 'registerRange', args: { kind: 'gs1', prefix } });
      assert.ok(f.code === 'TRACE_RANGE_TAKEN' || f.code === 'TRACE_NOT_RANGE_OWNER', `${prefix}: ${f.code}`);
    }
    chain.ok({ key: processor, method: 'registerRange', args: { kind: 'gs1', prefix: '0952012' } });
    chain.ok({
      key: lab,
      method: 'registerRange',
      args: { kind: 'uri', prefix: 'https://lab.example/samples/' },
    });
    assert.equal(
      (chain.query('rangeOf', { identifier: 'urn:epc:id:sgtin:0614141.107346.9' }) as unknown as RangeRecord)
        .org,
      'farm',
    );
    assert.equal(
      (
        chain.query('rangeOf', {
          identifier: 'https://id.gs1.org/01/00614141107346/21/9',
        }) as unknown as RangeRecord
      ).org,
      'farm',
      'a Digital Link of the same GTIN is in the same range',
    );
    assert.equal(
      (chain.query('rangeOf', { identifier: 'https://lab.example/samples/7' }) as unknown as RangeRecord).org,
      'lab',
    );
    assert.equal(chain.query('rangeOf', { identifier: 'urn:epc:id:sgtin:4012345.011111.1' }), null);
    assert.equal((chain.query('ranges', { org: 'farm' }) as unknown[]).length, 1);
    assert.equal((chain.query('ranges', {}) as unknown[]).length, 3);
  });

  test('only the owner (or a partner it authorizes) may commission identifiers in its range', () => {
    chain.ok({
      key: farm,
      method: 'capture',
      args: { events: [commission('urn:epc:id:sgtin:0614141.107346.100')] },
    });
    const refused = chain.fails({
      key: processor,
      method: 'capture',
      args: { events: [commission('urn:epc:id:sgtin:0614141.107346.101')] },
    });
    assert.equal(refused.code, 'TRACE_NOT_AUTHORIZED');
    assert.equal(
      chain.fails({
        key: processor,
        method: 'capture',
        args: { events: [commission('https://id.gs1.org/01/00614141107346/21/102')] },
      }).code,
      'TRACE_NOT_AUTHORIZED',
      'also as a Digital Link',
    );
    // Observing (not commissioning) someone else's identifiers is fine.
    chain.ok({
      key: processor,
      method: 'capture',
      args: {
        events: [objectEvent({ epcList: ['urn:epc:id:sgtin:0614141.107346.100'], bizStep: 'receiving' })],
      },
    });
    // Transformation outputs are commissioned too.
    const transform = event('TransformationEvent', {
      inputEPCList: ['urn:epc:id:sgtin:0614141.107346.100'],
      outputEPCList: ['urn:epc:id:sgtin:0614141.107346.200'],
      bizStep: 'commissioning',
    });
    assert.equal(
      chain.fails({ key: processor, method: 'capture', args: { events: [transform] } }).code,
      'TRACE_NOT_AUTHORIZED',
    );
    // Unregistered ranges are open.
    chain.ok({
      key: processor,
      method: 'capture',
      args: { events: [commission('urn:epc:id:sgtin:4012345.011111.1')] },
    });
    // The owner authorizes the processor.
    assert.equal(
      chain.fails({
        key: processor,
        method: 'registerRange',
        args: { kind: 'gs1', prefix: '0614141', partners: ['processor'] },
      }).code,
      'TRACE_NOT_RANGE_OWNER',
    );
    chain.ok({
      key: farm,
      method: 'registerRange',
      args: { kind: 'gs1', prefix: '0614141', partners: ['processor'] },
    });
    chain.ok({
      key: processor,
      method: 'capture',
      args: { events: [commission('urn:epc:id:sgtin:0614141.107346.101')] },
    });
    chain.ok({ key: processor, method: 'capture', args: { events: [transform] } });
    assert.equal(
      chain.fails({
        key: lab,
        method: 'capture',
        args: { events: [commission('urn:epc:id:sgtin:0614141.107346.103')] },
      }).code,
      'TRACE_NOT_AUTHORIZED',
    );
    // Release.
    assert.equal(
      chain.fails({ key: processor, method: 'releaseRange', args: { kind: 'gs1', prefix: '0614141' } }).code,
      'TRACE_NOT_RANGE_OWNER',
    );
    chain.ok({ key: farm, method: 'releaseRange', args: { kind: 'gs1', prefix: '0614141' } });
    chain.ok({
      key: lab,
      method: 'capture',
      args: { events: [commission('urn:epc:id:sgtin:0614141.107346.103')] },
    });
  });

  test('bad range args name the field', () => {
    for (const [args, field] of [
      [{ kind: 'gs1', prefix: '12' }, 'prefix'],
      [{ kind: 'gs1', prefix: '0614141x' }, 'prefix'],
      [{ kind: 'isbn', prefix: '978' }, 'kind'],
      [{ kind: 'uri', prefix: 'not a uri' }, 'prefix'],
      [{ kind: 'gs1', prefix: '0614141', partners: ['ok', 'no spaces'] }, 'partners'],
      [{ kind: 'gs1', prefix: '0614141', extra: 1 }, 'extra'],
    ] as const) {
      assert.throws(
        () =>
          chain.executor.checkTx(
            chain.sign({ key: farm, method: 'registerRange', args: args as JsonValue }),
            { height: chain.height + 1 },
          ),
        (e: unknown) => isXinlianError(e) && e.code === 'TRACE_BAD_ARGS' && e.details.field === field,
        JSON.stringify(args),
      );
    }
  });
});

describe('traceability.events query', () => {
  const chain = new TraceChain();
  const farm = chain.member('farm');
  const shipper = chain.member('logistics');
  const texts: string[] = [];
  const add = (key: typeof farm, text: string) => {
    texts.push(text);
    chain.ok({ key, method: 'capture', args: { events: [text] } });
  };
  add(
    farm,
    objectEvent({
      action: 'ADD',
      bizStep: 'commissioning',
      epcList: ['urn:epc:id:sgtin:0614141.107346.1', 'urn:epc:id:sgtin:0614141.107346.2'],
      eventTime: '2026-03-01T10:00:00Z',
      readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    }),
  );
  add(
    farm,
    event('AggregationEvent', {
      action: 'ADD',
      bizStep: 'packing',
      parentID: 'urn:epc:id:sscc:0614141.1234567890',
      childEPCs: ['urn:epc:id:sgtin:0614141.107346.1'],
      eventTime: '2026-03-01T09:00:00Z',
    }),
  );
  add(
    shipper,
    objectEvent({
      bizStep: 'urn:epcglobal:cbv:bizstep:shipping',
      disposition: 'in_transit',
      epcList: ['urn:epc:id:sscc:0614141.1234567890'],
      eventTime: '2026-03-02T10:00:00Z',
      bizLocation: { id: 'urn:epc:id:sgln:0614141.00002.0' },
    }),
  );
  add(
    shipper,
    event('TransformationEvent', {
      inputEPCList: ['urn:epc:id:sgtin:0614141.107346.2'],
      outputEPCList: ['urn:epc:id:sgtin:0614141.107346.3'],
      bizStep: 'https://ref.gs1.org/cbv/BizStep-commissioning',
      eventTime: '2026-03-03T10:00:00Z',
    }),
  );
  const ids = texts.map(idOf);
  const q = (params: Record<string, unknown>) => {
    const page = chain.query('events', params as JsonValue) as unknown as EventPage;
    return page.records.map((r) => ids.indexOf(r.eventId));
  };

  test('each parameter selects the right events (capture order by default)', () => {
    assert.deepEqual(q({}), [0, 1, 2, 3]);
    assert.deepEqual(q({ eventType: ['AggregationEvent', 'TransformationEvent'] }), [1, 3]);
    assert.deepEqual(q({ EQ_action: ['ADD'] }), [0, 1]);
    assert.deepEqual(q({ EQ_bizStep: ['shipping'] }), [2], 'URN form stored, bare asked');
    assert.deepEqual(
      q({ EQ_bizStep: ['urn:epcglobal:cbv:bizstep:commissioning'] }),
      [0, 3],
      'every form matches',
    );
    assert.deepEqual(q({ EQ_disposition: ['in_transit'] }), [2]);
    assert.deepEqual(q({ EQ_readPoint: ['urn:epc:id:sgln:0614141.00001.0'] }), [0]);
    assert.deepEqual(q({ EQ_bizLocation: ['urn:epc:id:sgln:0614141.00002.0'] }), [2]);
    assert.deepEqual(
      q({ MATCH_epc: ['urn:epc:id:sgtin:0614141.107346.1'] }),
      [0, 1],
      'epcList and childEPCs',
    );
    assert.deepEqual(q({ MATCH_epc: ['urn:epc:idpat:sgtin:0614141.107346.*'] }), [0, 1], 'pattern');
    assert.deepEqual(q({ MATCH_parentID: ['urn:epc:id:sscc:0614141.1234567890'] }), [1]);
    assert.deepEqual(
      q({ MATCH_epc: ['https://id.gs1.org/01/10614141073464/21/1'] }),
      [0, 1],
      'the Digital Link of an EPC URI matches it',
    );
    assert.deepEqual(
      q({ MATCH_anyEPC: ['https://example.com/00/106141412345678908'] }),
      [1, 2],
      'any resolver domain',
    );
    assert.deepEqual(q({ MATCH_inputEPC: ['urn:epc:id:sgtin:0614141.107346.2'] }), [3]);
    assert.deepEqual(q({ MATCH_outputEPC: ['urn:epc:id:sgtin:0614141.107346.3'] }), [3]);
    assert.deepEqual(q({ MATCH_anyEPC: ['urn:epc:id:sscc:0614141.1234567890'] }), [1, 2]);
    assert.deepEqual(q({ MATCH_anyEPC: ['urn:epc:id:sgtin:0614141.107346.2'] }), [0, 3]);
    assert.deepEqual(
      q({ GE_eventTime: '2026-03-01T10:00:00Z', LT_eventTime: '2026-03-03T00:00:00+00:00' }),
      [0, 2],
    );
    assert.deepEqual(
      q({
        GE_recordTime: new Date(TraceChain.timeOf(2)).toISOString(),
        LT_recordTime: new Date(TraceChain.timeOf(4)).toISOString(),
      }),
      [1, 2],
    );
    assert.deepEqual(q({ EQ_eventID: [ids[2], ids[0], 'urn:uuid:none'] }), [0, 2]);
    assert.deepEqual(q({ EQ_org: ['logistics'] }), [2, 3]);
    assert.deepEqual(
      q({ EQ_action: ['ADD'], MATCH_epc: ['urn:epc:id:sgtin:0614141.107346.1'], eventType: ['ObjectEvent'] }),
      [0],
      'AND',
    );
  });

  test('ordering, eventCountLimit and pages', () => {
    assert.deepEqual(q({ orderDirection: 'DESC' }), [3, 2, 1, 0]);
    assert.deepEqual(q({ orderBy: 'eventTime', orderDirection: 'ASC' }), [1, 0, 2, 3]);
    assert.deepEqual(q({ orderBy: 'eventTime' }), [3, 2, 0, 1], 'orderBy alone: descending');
    assert.deepEqual(q({ eventCountLimit: 2 }), [0, 1]);
    for (const params of [
      {},
      { orderDirection: 'DESC' },
      { orderBy: 'eventTime' },
      { MATCH_anyEPC: ['urn:epc:idpat:sgtin:0614141.*'] },
    ]) {
      const all = q(params);
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = chain.query('events', {
          ...params,
          limit: 1,
          ...(cursor === undefined ? {} : { cursor }),
        } as JsonValue) as unknown as EventPage;
        seen.push(...page.records.map((r) => ids.indexOf(r.eventId)));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      assert.deepEqual(seen, all, JSON.stringify(params));
    }
    const firstTwo: number[] = [];
    let page = chain.query('events', { limit: 1, eventCountLimit: 2 }) as unknown as EventPage;
    firstTwo.push(...page.records.map((r) => ids.indexOf(r.eventId)));
    page = chain.query('events', {
      limit: 1,
      eventCountLimit: 2,
      cursor: page.nextCursor!,
    }) as unknown as EventPage;
    firstTwo.push(...page.records.map((r) => ids.indexOf(r.eventId)));
    assert.deepEqual(firstTwo, [0, 1]);
    assert.equal(page.nextCursor, undefined, 'eventCountLimit ends the pages');
  });

  test('bad parameters name the parameter', () => {
    for (const [params, field] of [
      [{ GE_eventTime: 'yesterday' }, 'GE_eventTime'],
      [{ orderBy: 'bizStep' }, 'orderBy'],
      [{ orderDirection: 'UP' }, 'orderDirection'],
      [{ limit: 0 }, 'limit'],
      [{ eventCountLimit: -1 }, 'eventCountLimit'],
      [{ cursor: 'zz' }, 'cursor'],
      [{ EQ_bogus: ['x'] }, 'EQ_bogus'],
      [{ MATCH_epc: [] }, 'MATCH_epc'],
    ] as const) {
      assert.throws(
        () => chain.query('events', params as JsonValue),
        (e: unknown) => isXinlianError(e) && e.details.field === field,
        JSON.stringify(params),
      );
    }
  });
});

describe('named queries', () => {
  const chain = new TraceChain();
  const retailer = chain.member('retailer');
  test('defineQuery stores a validated definition; names are unique', () => {
    const r = chain.ok({
      key: retailer,
      method: 'defineQuery',
      args: { name: 'shipped', query: { eventType: ['ObjectEvent'], EQ_bizStep: ['shipping', 'receiving'] } },
    }) as unknown as { name: string; org: string };
    assert.equal(r.org, 'retailer');
    assert.deepEqual((chain.query('namedQuery', { name: 'shipped' }) as { query: unknown }).query, {
      eventType: ['ObjectEvent'],
      EQ_bizStep: ['shipping', 'receiving'],
    });
    assert.equal((chain.query('namedQueries', {}) as unknown[]).length, 1);
    assert.equal(chain.query('namedQuery', { name: 'nope' }), null);
    assert.equal(
      chain.fails({ key: retailer, method: 'defineQuery', args: { name: 'shipped', query: {} } }).code,
      'TRACE_QUERY_EXISTS',
    );
    assert.throws(
      () =>
        chain.executor.checkTx(
          chain.sign({
            key: retailer,
            method: 'defineQuery',
            args: { name: 'x', query: { GE_eventTime: 'soon' } },
          }),
          { height: chain.height + 1 },
        ),
      (e: unknown) =>
        isXinlianError(e) && e.code === 'TRACE_BAD_ARGS' && e.details.field === 'query/GE_eventTime',
    );
  });
});

describe('eventsFor (the lineage lookup)', () => {
  const chain = new TraceChain();
  const org = chain.member('processor');
  const input = 'urn:epc:id:sgtin:0614141.107346.7';
  const a = objectEvent({ epcList: [input], bizStep: 'receiving' });
  const t1 = event('TransformationEvent', {
    inputEPCList: [input],
    transformationID: 'urn:uuid:7e1d',
    eventTime: '2026-03-02T08:00:00Z',
  });
  const t2 = event('TransformationEvent', {
    outputEPCList: ['urn:epc:id:sgtin:0614141.107346.8'],
    transformationID: 'urn:uuid:7e1d',
    eventTime: '2026-03-02T09:00:00Z',
  });
  chain.ok({ key: org, method: 'capture', args: { events: [a, t1, t2] } });
  const ids = (params: Record<string, unknown>) =>
    (chain.query('eventsFor', params as JsonValue) as unknown as EventRecord[]).map((r) => r.eventId);

  test('by identifier (any syntax) and role, including transformationID', () => {
    assert.deepEqual(ids({ id: input }), [idOf(a), idOf(t1)]);
    assert.deepEqual(ids({ id: 'https://id.gs1.org/01/10614141073464/21/7', roles: ['input'] }), [idOf(t1)]);
    assert.deepEqual(ids({ id: input, roles: ['epc'] }), [idOf(a)]);
    assert.deepEqual(ids({ id: 'urn:uuid:7e1d', roles: ['transformationID'] }), [idOf(t1), idOf(t2)]);
    assert.deepEqual(ids({ id: input, limit: 1 }), [idOf(a)]);
    assert.throws(
      () => chain.query('eventsFor', { id: input, roles: ['nope'] }),
      (e: unknown) => isXinlianError(e),
    );
  });
});
