/**
 * EPCIS 2.0 REST binding routes, mounted under /epcis (docs/traceability.md): capture, events,
 * EPC events, named queries, plus Xinlian's per-event receipts. Errors are RFC 7807 like every
 * other route (TRACE_* codes in errors.ts).
 */
import { Type } from '@sinclair/typebox';
import { EVENT_QUERY_LIST_PARAMS, type EventPage } from '@xinlian/module-traceability';
import { Problem, Receipt } from '@xinlian/schemas';
import { XinlianError } from '@xinlian/utils';
import type { FastifyReply } from 'fastify';
import { journeyPage, type Lang } from '../epcis/journey.js';
import { type CaptureErrorBehaviour, EPCIS_HEADERS, type EpcisService, eventOf } from '../epcis/service.js';
import { type ResponseSpec, type RouteSpec, route } from './route.js';

/** Mount point of the EPCIS REST binding. */
export const EPCIS_PREFIX = '/epcis';
/** Capture documents may be large (they are split into transactions). */
export const EPCIS_BODY_LIMIT = 16 * 1024 * 1024;

const problem = (description: string): ResponseSpec => ({ description, schema: Problem });
const ld = (description: string): ResponseSpec => ({ description, contentType: 'application/ld+json' });

/** Query parameters as sent: one string, or repeated. */
const RawQuery = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));
const LIST_PARAMS = new Set<string>(EVENT_QUERY_LIST_PARAMS);

/**
 * REST query parameters → the module's `events` params: list values are pipe-delimited
 * (`EQ_bizStep=shipping|receiving`) or repeated; perPage → limit, nextPageToken → cursor.
 */
export function eventParams(
  raw: Readonly<Record<string, string | readonly string[]>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const values = typeof v === 'string' ? [v] : [...v];
    const name = k === 'perPage' ? 'limit' : k === 'nextPageToken' ? 'cursor' : k;
    if (LIST_PARAMS.has(k)) out[name] = values.flatMap((s) => s.split('|')).filter((s) => s.length > 0);
    else if (values.length !== 1) {
      throw new XinlianError('TRACE_BAD_ARGS', `${k}: given more than once`, { field: k });
    } else out[name] = values[0];
  }
  return out;
}

function epcisHeaders(reply: FastifyReply): void {
  for (const [k, v] of Object.entries(EPCIS_HEADERS)) reply.header(k, v);
}

/** Sends a page of events as an EPCISQueryDocument with a Link to the next page. */
function sendPage(
  epcis: EpcisService,
  reply: FastifyReply,
  url: string,
  raw: Readonly<Record<string, string | readonly string[]>>,
  page: EventPage,
  queryName: string,
): unknown {
  epcisHeaders(reply);
  reply.type('application/ld+json');
  if (page.nextCursor !== undefined) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(raw)) {
      if (k === 'nextPageToken') continue;
      for (const s of typeof v === 'string' ? [v] : v) qs.append(k, s);
    }
    qs.set('nextPageToken', page.nextCursor);
    reply.header('link', `<${url.split('?')[0]}?${qs.toString()}>; rel="next"`);
  }
  return epcis.queryDocument(page.records, queryName);
}

/** The page language: ?lang=en|zh, else Accept-Language (Chinese unless English comes first). */
function langOf(query: { lang?: string }, accept: string | undefined): Lang {
  if (query.lang === 'en' || query.lang === 'zh') return query.lang;
  const first = (accept ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}

/**
 * GS1 Digital Link resolver paths (what a product's QR code carries, on this node's host): the
 * consumer page of the item (`/01/{gtin}/21/{serial}`), lot (`/01/{gtin}/10/{lot}`) or product.
 */
export function digitalLinkRoutes(epcis: EpcisService): RouteSpec[] {
  const page = async (id: string, lang: Lang, url: string, reply: FastifyReply) => {
    const records = await epcis.journey(id);
    reply.type('text/html; charset=utf-8');
    return journeyPage(id, records, lang, url.split('?')[0]!);
  };
  const Lang = Type.Object({ lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')])) });
  const html = { 200: { description: 'HTML page (zh or en)', contentType: 'text/html' } };
  return [
    route({
      method: 'GET',
      url: '/01/:gtin/21/:serial',
      tag: 'epcis',
      summary: 'GS1 Digital Link of an item: its journey in plain language (consumer page)',
      params: Type.Object({
        gtin: Type.String({ pattern: '^\\d{8,14}$' }),
        serial: Type.String({ minLength: 1, maxLength: 20 }),
      }),
      query: Lang,
      responses: html,
      handle: ({ params, query, request, reply }) =>
        page(
          `https://id.gs1.org/01/${params.gtin.padStart(14, '0')}/21/${encodeURIComponent(params.serial)}`,
          langOf(query, request.headers['accept-language']),
          request.url,
          reply,
        ),
    }),
    route({
      method: 'GET',
      url: '/01/:gtin/10/:lot',
      tag: 'epcis',
      summary: 'GS1 Digital Link of a lot: its journey in plain language (consumer page)',
      params: Type.Object({
        gtin: Type.String({ pattern: '^\\d{8,14}$' }),
        lot: Type.String({ minLength: 1, maxLength: 20 }),
      }),
      query: Lang,
      responses: html,
      handle: ({ params, query, request, reply }) =>
        page(
          `https://id.gs1.org/01/${params.gtin.padStart(14, '0')}/10/${encodeURIComponent(params.lot)}`,
          langOf(query, request.headers['accept-language']),
          request.url,
          reply,
        ),
    }),
  ];
}

/** Every route of the EPCIS REST binding. */
export function epcisRoutes(epcis: EpcisService): RouteSpec[] {
  const P = EPCIS_PREFIX;
  return [
    route({
      method: 'POST',
      url: `${P}/capture`,
      tag: 'epcis',
      summary:
        'EPCIS capture: an EPCISDocument (or EPCISQueryDocument), recorded asynchronously as a capture job',
      body: Type.Unknown({ description: 'EPCISDocument (application/json or application/ld+json)' }),
      bodyLimit: EPCIS_BODY_LIMIT,
      responses: {
        202: { description: 'capture job created; Location: /epcis/capture/{captureID}' },
        400: problem('TRACE_INVALID_EPCIS (details.field = JSON pointer; details.errors), API_BAD_REQUEST'),
        413: problem('API_PAYLOAD_TOO_LARGE: rollback capture larger than one transaction'),
      },
      handle: ({ body, request, reply }) => {
        const header = request.headers['gs1-capture-error-behaviour'];
        const value = (Array.isArray(header) ? header[0] : header) ?? 'rollback';
        if (value !== 'rollback' && value !== 'proceed') {
          throw new XinlianError(
            'API_BAD_REQUEST',
            'GS1-Capture-Error-Behaviour must be rollback or proceed',
            {
              in: 'header',
              field: 'GS1-Capture-Error-Behaviour',
            },
          );
        }
        const job = epcis.capture(body, value as CaptureErrorBehaviour);
        epcisHeaders(reply);
        reply.header('location', `${P}/capture/${job.captureID}`);
        reply.code(202);
        return job;
      },
    }),
    route({
      method: 'GET',
      url: `${P}/capture`,
      tag: 'epcis',
      summary: 'Capture jobs of this node, newest first',
      query: Type.Object({
        perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        nextPageToken: Type.Optional(Type.String({ pattern: '^\\d{1,9}$' })),
      }),
      responses: { 200: { description: 'CaptureJob[]' } },
      handle: ({ query, reply, request }) => {
        const page = epcis.jobs(query.perPage ?? 30, query.nextPageToken);
        epcisHeaders(reply);
        if (page.next !== undefined) {
          reply.header(
            'link',
            `<${request.url.split('?')[0]}?perPage=${query.perPage ?? 30}&nextPageToken=${page.next}>; rel="next"`,
          );
        }
        return page.jobs;
      },
    }),
    route({
      method: 'GET',
      url: `${P}/capture/:captureID`,
      tag: 'epcis',
      summary: 'A capture job',
      params: Type.Object({ captureID: Type.String({ maxLength: 64 }) }),
      responses: { 200: { description: 'CaptureJob' }, 404: problem('API_NOT_FOUND') },
      handle: ({ params, reply }) => {
        epcisHeaders(reply);
        return epcis.job(params.captureID);
      },
    }),
    route({
      method: 'POST',
      url: `${P}/events`,
      tag: 'epcis',
      summary: 'Capture one EPCIS event (answers after it is committed)',
      body: Type.Unknown({ description: 'one EPCIS event with its @context' }),
      responses: {
        201: { description: '{ eventID, txId, height }; Location: /epcis/events/{eventID}' },
        400: problem('TRACE_INVALID_EPCIS (details.field = JSON pointer)'),
        403: problem('TRACE_NOT_AUTHORIZED, TRACE_NO_ORGANIZATION'),
        409: problem('TRACE_DUPLICATE_EVENT'),
      },
      handle: async ({ body, reply }) => {
        const out = await epcis.captureEvent(body);
        epcisHeaders(reply);
        reply.header('location', `${P}/events/${encodeURIComponent(out.eventID)}`);
        reply.code(201);
        return out;
      },
    }),
    route({
      method: 'GET',
      url: `${P}/events`,
      tag: 'epcis',
      summary:
        'EPCIS events query (eventType, GE_/LT_eventTime, GE_/LT_recordTime, EQ_action, EQ_bizStep, EQ_disposition, EQ_readPoint, EQ_bizLocation, MATCH_epc, MATCH_anyEPC, MATCH_parentID, MATCH_inputEPC, MATCH_outputEPC, EQ_eventID, orderBy, orderDirection, eventCountLimit, perPage, nextPageToken)',
      query: RawQuery,
      responses: {
        200: ld('EPCISQueryDocument; Link rel="next" when more pages'),
        400: problem('TRACE_BAD_ARGS'),
      },
      handle: ({ query, reply, request }) =>
        sendPage(epcis, reply, request.url, query, epcis.events(eventParams(query)), 'SimpleEventQuery'),
    }),
    route({
      method: 'GET',
      url: `${P}/events/:eventID`,
      tag: 'epcis',
      summary: 'One event by its CBV 2.0 hash ID or declared eventID (URL-encoded)',
      params: Type.Object({ eventID: Type.String({ minLength: 1, maxLength: 2048 }) }),
      responses: { 200: ld('the event'), 404: problem('API_NOT_FOUND') },
      handle: ({ params, reply }) => {
        epcisHeaders(reply);
        reply.type('application/ld+json');
        return eventOf(epcis.record(params.eventID));
      },
    }),
    route({
      method: 'GET',
      url: `${P}/events/:eventID/record`,
      tag: 'epcis',
      summary:
        'Xinlian: the on-chain record of an event (capturing organization, signer, tx, height, recordTime)',
      params: Type.Object({ eventID: Type.String({ minLength: 1, maxLength: 2048 }) }),
      responses: { 200: { description: 'EventRecord' }, 404: problem('API_NOT_FOUND') },
      handle: ({ params }) => epcis.record(params.eventID),
    }),
    route({
      method: 'GET',
      url: `${P}/events/:eventID/receipt`,
      tag: 'epcis',
      summary:
        'Xinlian: offline-verifiable receipt (xinlian-receipt/1) of an event; subject = sha256 of its CBV 2.0 hash',
      params: Type.Object({ eventID: Type.String({ minLength: 1, maxLength: 2048 }) }),
      responses: { 200: { description: 'receipt', schema: Receipt }, 404: problem('API_NOT_FOUND') },
      handle: ({ params }) => epcis.receipt(params.eventID),
    }),
    route({
      method: 'GET',
      url: `${P}/epcs/:epc/events`,
      tag: 'epcis',
      summary: 'Events naming an EPC in any role (MATCH_anyEPC), with the other query parameters',
      params: Type.Object({ epc: Type.String({ minLength: 1, maxLength: 2048 }) }),
      query: RawQuery,
      responses: { 200: ld('EPCISQueryDocument'), 400: problem('TRACE_BAD_ARGS') },
      handle: ({ params, query, reply, request }) =>
        sendPage(
          epcis,
          reply,
          request.url,
          query,
          epcis.events({ ...eventParams(query), MATCH_anyEPC: [params.epc] }),
          'SimpleEventQuery',
        ),
    }),
    route({
      method: 'GET',
      url: `${P}/trace/:epc`,
      tag: 'epcis',
      summary:
        'Lineage of an item (EPC URI, class or Digital Link): upstream and downstream across aggregation and transformation, each event with its on-chain record and receipt',
      params: Type.Object({ epc: Type.String({ minLength: 1, maxLength: 2048 }) }),
      query: Type.Object({
        direction: Type.Optional(
          Type.Union([Type.Literal('both'), Type.Literal('upstream'), Type.Literal('downstream')]),
        ),
        maxEvents: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000 })),
        proofs: Type.Optional(Type.Union([Type.Literal('links'), Type.Literal('inline')])),
      }),
      responses: {
        200: { description: 'LineageGraph: root, nodes, edges, events (each with record and receipt)' },
      },
      handle: async ({ params, query, reply }) => {
        const graph = await epcis.trace(params.epc, {
          ...(query.direction === undefined ? {} : { direction: query.direction }),
          ...(query.maxEvents === undefined ? {} : { maxEvents: query.maxEvents }),
        });
        epcisHeaders(reply);
        return {
          ...graph,
          events: graph.events.map((e) => ({
            eventID: e.id,
            event: eventOf(e.record),
            org: e.record.org,
            capturedBy: e.record.capturedBy,
            txId: e.record.txId,
            height: e.record.height,
            recordTime: e.record.recordTime,
            receipt:
              query.proofs === 'inline'
                ? epcis.receipt(e.id)
                : `${P}/events/${encodeURIComponent(e.id)}/receipt`,
          })),
        };
      },
    }),
    route({
      method: 'POST',
      url: `${P}/queries`,
      tag: 'epcis',
      summary: 'Define a named query { name, query } (recorded on chain, shared by every node)',
      body: Type.Object({ name: Type.String(), query: Type.Record(Type.String(), Type.Unknown()) }),
      responses: {
        201: { description: 'created; Location: /epcis/queries/{name}' },
        400: problem('TRACE_BAD_ARGS (details.field)'),
        409: problem('TRACE_QUERY_EXISTS'),
      },
      handle: async ({ body, reply }) => {
        await epcis.defineQuery(body.name, body.query);
        epcisHeaders(reply);
        reply.header('location', `${P}/queries/${encodeURIComponent(body.name)}`);
        reply.code(201);
        return { name: body.name, query: body.query };
      },
    }),
    route({
      method: 'GET',
      url: `${P}/queries`,
      tag: 'epcis',
      summary: 'Named queries',
      responses: { 200: { description: 'NamedQuery[]' } },
      handle: ({ reply }) => {
        epcisHeaders(reply);
        return epcis.namedQueries();
      },
    }),
    route({
      method: 'GET',
      url: `${P}/queries/:queryName`,
      tag: 'epcis',
      summary: 'A named query definition',
      params: Type.Object({ queryName: Type.String({ maxLength: 64 }) }),
      responses: { 200: { description: 'NamedQuery' }, 404: problem('API_NOT_FOUND') },
      handle: ({ params, reply }) => {
        epcisHeaders(reply);
        return epcis.namedQuery(params.queryName);
      },
    }),
    route({
      method: 'GET',
      url: `${P}/queries/:queryName/events`,
      tag: 'epcis',
      summary: "A named query's events (perPage, nextPageToken)",
      params: Type.Object({ queryName: Type.String({ maxLength: 64 }) }),
      query: RawQuery,
      responses: { 200: ld('EPCISQueryDocument'), 404: problem('API_NOT_FOUND') },
      handle: ({ params, query, reply, request }) => {
        const def = epcis.namedQuery(params.queryName);
        const paging = eventParams(query);
        for (const k of Object.keys(paging)) {
          if (k !== 'limit' && k !== 'cursor') {
            throw new XinlianError(
              'TRACE_BAD_ARGS',
              `${k}: a named query takes only perPage and nextPageToken`,
              { field: k },
            );
          }
        }
        return sendPage(
          epcis,
          reply,
          request.url,
          query,
          epcis.events({ ...def.query, ...paging }),
          params.queryName,
        );
      },
    }),
  ];
}
