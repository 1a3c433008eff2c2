/**
 * The EPCIS 2.0 REST binding on top of the `traceability` module (docs/traceability.md): capture
 * jobs (validated here, recorded on chain in txs the node signs with its key, so the node's
 * organization is the capturing organization), queries answered as EPCISQueryDocument, named
 * queries and per-event receipts. Capture jobs live in this process (bounded); events, named
 * queries and indexes live in the module's state on chain.
 */
import { canonicalJson, type JsonValue } from '@xinlian/codec';
import type { CryptoSuite, PrivateKey } from '@xinlian/crypto';
import {
  type CaptureResult,
  createEpcisValidator,
  type EpcisIssue,
  type EpcisValidator,
  type EventPage,
  type EventRecord,
  eventTexts,
  type IdentifierRole,
  type LineageGraph,
  locateEvents,
  MAX_EVENTS_PER_TX,
  TRACEABILITY_MODULE,
  traceLineage,
} from '@xinlian/module-traceability';
import type { Receipt } from '@xinlian/schemas';
import { buildTx } from '@xinlian/sdk';
import { XinlianError } from '@xinlian/utils';

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
/** Headers every EPCIS answer carries (EPCIS 2.0 REST binding). */
export const EPCIS_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'GS1-EPCIS-Version': '2.0.0',
  'GS1-CBV-Version': '2.0.0',
  'GS1-EPCIS-Capture-Limit': String(MAX_EVENTS_PER_TX),
});

export type CaptureErrorBehaviour = 'rollback' | 'proceed';

/** A capture job as the REST binding shows it (CaptureJob), plus the IDs and txs it produced. */
export interface CaptureJob {
  captureID: string;
  createdAt: string;
  finishedAt?: string;
  running: boolean;
  success: boolean;
  captureErrorBehaviour: CaptureErrorBehaviour;
  errors: { eventIndex?: number; code: string; message: string; field?: string }[];
  /** Xinlian: the CBV 2.0 hash IDs of the events recorded, in document order. */
  eventIDs: string[];
  /** Xinlian: the transactions that carried the events. */
  txIds: string[];
}

/** An event in a lineage graph: its hash ID, the event, and its on-chain record. */
export interface TracedEvent {
  readonly id: string;
  readonly event: Record<string, unknown>;
  readonly record: EventRecord;
}

/** Lineage's identifier roles → the module's index roles. */
const LINEAGE_ROLES: Readonly<Record<IdentifierRole, string>> = {
  epc: 'epc',
  parent: 'parent',
  child: 'child',
  input: 'input',
  output: 'output',
  quantity: 'epcClass',
  childQuantity: 'childEpcClass',
  inputQuantity: 'inputEpcClass',
  outputQuantity: 'outputEpcClass',
  transformationID: 'transformationID',
};

/** What the EPCIS service needs of the node. */
export interface EpcisServiceModules {
  readonly suite: CryptoSuite;
  /** The key the node signs capture txs with (its organization captures the events). */
  readonly key: PrivateKey;
  /** Current head height. */
  head(): number;
  /** Submits a signed tx and waits for its commit (NodeService.submit with wait). */
  submitAndWait(bytes: Uint8Array): Promise<{
    txId: string;
    height: number;
    result: { status: string; code: string; message: string; result: unknown };
  }>;
  /** Runs a traceability module query on committed state. */
  query(name: string, params: unknown): unknown;
  /** The offline-verifiable receipt of a recorded event. */
  receipt(record: EventRecord): Receipt;
  /** Wall clock (ms) for job timestamps. */
  now(): number;
  /** A fresh capture job ID. */
  newId(): string;
}

export interface EpcisServiceOptions {
  readonly chainId: string;
  readonly maxTxBytes: number;
  readonly maxTxLifetime: number;
  /** Capture jobs kept in memory (oldest finished ones are forgotten first). */
  readonly maxJobs?: number;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** TRACE_INVALID_EPCIS for a list of issues (the first names the field). */
function invalid(issues: readonly EpcisIssue[]): XinlianError {
  const first = issues[0]!;
  return new XinlianError(
    'TRACE_INVALID_EPCIS',
    `${first.pointer === '' ? '(document)' : first.pointer}: ${first.message}`,
    {
      field: first.pointer,
      errors: issues.slice(0, 20).map((i) => ({ field: i.pointer, message: i.message, rule: i.rule })),
    },
  );
}

export class EpcisService {
  readonly #o: EpcisServiceOptions;
  readonly #m: EpcisServiceModules;
  readonly #validator: EpcisValidator = createEpcisValidator();
  readonly #jobs = new Map<string, CaptureJob>();

  constructor(opts: EpcisServiceOptions, modules: EpcisServiceModules) {
    this.#o = opts;
    this.#m = modules;
  }

  /**
   * POST /capture: validates the document now (refusing it whole on rollback if any event is
   * invalid), then records the events on chain in the background. Returns the new job.
   */
  capture(doc: unknown, behaviour: CaptureErrorBehaviour): CaptureJob {
    if (!isObj(doc) || (doc.type !== 'EPCISDocument' && doc.type !== 'EPCISQueryDocument')) {
      throw new XinlianError(
        'TRACE_INVALID_EPCIS',
        '/type: POST /capture takes an EPCISDocument or EPCISQueryDocument',
        {
          field: '/type',
        },
      );
    }
    const issues = this.#validator.validate(doc);
    const located = locateEvents(doc);
    const texts = eventTexts(doc);
    const eventOf = (pointer: string) =>
      located.findIndex((e) => pointer === e.pointer || pointer.startsWith(`${e.pointer}/`));
    const bad = new Map<number, EpcisIssue>();
    const outside: EpcisIssue[] = [];
    for (const i of issues) {
      const n = eventOf(i.pointer);
      if (n < 0) outside.push(i);
      else if (!bad.has(n)) bad.set(n, i);
    }
    if (outside.length > 0 || (behaviour === 'rollback' && issues.length > 0)) throw invalid(issues);
    const chunks = this.#chunks(
      texts.map((t, i) => ({ text: t, index: i })).filter((e) => !bad.has(e.index)),
      behaviour,
    );
    const job: CaptureJob = {
      captureID: this.#m.newId(),
      createdAt: new Date(this.#m.now()).toISOString(),
      running: true,
      success: bad.size === 0,
      captureErrorBehaviour: behaviour,
      errors: [...bad].map(([eventIndex, i]) => ({
        eventIndex,
        code: 'TRACE_INVALID_EPCIS',
        message: i.message,
        field: i.pointer,
      })),
      eventIDs: [],
      txIds: [],
    };
    this.#remember(job);
    void this.#run(job, chunks);
    return job;
  }

  /** POST /events: one event, recorded before the answer (rollback semantics). */
  async captureEvent(event: unknown): Promise<{ eventID: string; txId: string; height: number }> {
    if (!isObj(event) || event.type === 'EPCISDocument' || event.type === 'EPCISQueryDocument') {
      throw new XinlianError('TRACE_INVALID_EPCIS', '(document): POST /events takes one EPCIS event', {
        field: '',
      });
    }
    const issues = this.#validator.validate(event);
    if (issues.length > 0) throw invalid(issues);
    const out = await this.#submit('capture', {
      events: [JSON.stringify(event)],
      errorBehaviour: 'rollback',
    });
    const result = out.result.result as CaptureResult;
    return { eventID: result.captured[0]!.eventId, txId: out.txId, height: out.height };
  }

  job(id: string): CaptureJob {
    const job = this.#jobs.get(id);
    if (job === undefined)
      throw new XinlianError('API_NOT_FOUND', `capture job ${id} not found`, { captureID: id });
    return job;
  }

  /** Capture jobs, newest first, a page at a time (the token is the index to continue from). */
  jobs(perPage: number, token: string | undefined): { jobs: CaptureJob[]; next?: string } {
    const all = [...this.#jobs.values()].reverse();
    const from = token === undefined ? 0 : Number.parseInt(token, 10) || 0;
    const jobs = all.slice(from, from + perPage);
    return from + perPage < all.length ? { jobs, next: String(from + perPage) } : { jobs };
  }

  /** The `events` query of the module: one page of records. */
  events(params: Record<string, unknown>): EventPage {
    return this.#m.query('events', params) as EventPage;
  }

  /** A recorded event by its hash ID or declared eventID (API_NOT_FOUND if none). */
  record(eventId: string): EventRecord {
    const r = this.#m.query('event', { eventId }) as EventRecord | null;
    if (r === null)
      throw new XinlianError('API_NOT_FOUND', `event ${eventId} not found`, { eventID: eventId });
    return r;
  }

  receipt(eventId: string): Receipt {
    return this.#m.receipt(this.record(eventId));
  }

  /** POST /queries: defines a named query on chain (signed by the node). */
  async defineQuery(name: unknown, query: unknown): Promise<void> {
    await this.#submit('defineQuery', { name, query } as JsonValue);
  }

  namedQuery(name: string): { name: string; query: Record<string, unknown> } {
    const q = this.#m.query('namedQuery', { name }) as {
      name: string;
      query: Record<string, unknown>;
    } | null;
    if (q === null) throw new XinlianError('API_NOT_FOUND', `query ${name} not found`, { queryName: name });
    return q;
  }

  namedQueries(): unknown[] {
    return this.#m.query('namedQueries', {}) as unknown[];
  }

  /**
   * The lineage graph of an identifier (GET /epcis/trace/{epc}): the module's lineage walk over the
   * on-chain identifier index; every event comes with its on-chain record (org, tx, height).
   */
  async trace(
    id: string,
    opts: { direction?: 'both' | 'upstream' | 'downstream'; maxEvents?: number } = {},
  ): Promise<LineageGraph<TracedEvent>> {
    const lookup = {
      eventsFor: (x: string, roles: readonly IdentifierRole[]): TracedEvent[] => {
        const mine = [...new Set(roles.map((r) => LINEAGE_ROLES[r]))];
        const records = this.#m.query('eventsFor', { id: x, roles: mine }) as EventRecord[];
        return records.map((record) => ({ id: record.eventId, event: JSON.parse(record.event), record }));
      },
    };
    return traceLineage(id, lookup, {
      ...(opts.direction === undefined ? {} : { direction: opts.direction }),
      maxEvents: opts.maxEvents ?? 2000,
    });
  }

  /** The records a consumer page shows for an item: every event of its lineage graph. */
  async journey(id: string): Promise<EventRecord[]> {
    return (await this.trace(id)).events.map((e) => e.record);
  }

  /** An EPCISQueryDocument of records (each event with its recordTime, and eventID if it had none). */
  queryDocument(records: readonly EventRecord[], queryName: string): Record<string, unknown> {
    return {
      '@context': [EPCIS_CONTEXT],
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      creationDate: new Date(this.#m.now()).toISOString(),
      epcisBody: {
        queryResults: {
          queryName,
          resultsBody: { eventList: records.map((r) => eventOf(r)) },
        },
      },
    };
  }

  #remember(job: CaptureJob): void {
    this.#jobs.set(job.captureID, job);
    const max = this.#o.maxJobs ?? 10_000;
    if (this.#jobs.size <= max) return;
    for (const [id, j] of this.#jobs) {
      if (!j.running) {
        this.#jobs.delete(id);
        if (this.#jobs.size <= max) return;
      }
    }
  }

  /** Splits events into tx-sized groups (one group for rollback, else API_PAYLOAD_TOO_LARGE). */
  #chunks(
    events: { text: string; index: number }[],
    behaviour: CaptureErrorBehaviour,
  ): { text: string; index: number }[][] {
    const budget = this.#o.maxTxBytes - 2048;
    const chunks: { text: string; index: number }[][] = [];
    let current: { text: string; index: number }[] = [];
    let size = 64;
    for (const e of events) {
      const bytes = canonicalJson(e.text).length + 1;
      if (bytes > budget) {
        throw new XinlianError(
          'API_PAYLOAD_TOO_LARGE',
          `event ${e.index} alone exceeds the transaction size limit`,
          {
            field: `/epcisBody/eventList/${e.index}`,
            limit: this.#o.maxTxBytes,
          },
        );
      }
      if (current.length > 0 && (size + bytes > budget || current.length >= MAX_EVENTS_PER_TX)) {
        chunks.push(current);
        current = [];
        size = 64;
      }
      current.push(e);
      size += bytes;
    }
    if (current.length > 0) chunks.push(current);
    if (behaviour === 'rollback' && chunks.length > 1) {
      throw new XinlianError(
        'API_PAYLOAD_TOO_LARGE',
        `the document needs ${chunks.length} transactions; rollback capture takes one (at most ${MAX_EVENTS_PER_TX} events, ${this.#o.maxTxBytes} bytes): split it or use proceed`,
        { limit: this.#o.maxTxBytes, events: MAX_EVENTS_PER_TX },
      );
    }
    return chunks;
  }

  async #run(job: CaptureJob, chunks: { text: string; index: number }[][]): Promise<void> {
    for (const chunk of chunks) {
      try {
        const out = await this.#submit('capture', {
          events: chunk.map((e) => e.text),
          errorBehaviour: job.captureErrorBehaviour,
        });
        job.txIds.push(out.txId);
        if (out.result.status !== 'ok') {
          job.success = false;
          job.errors.push({ code: out.result.code, message: out.result.message });
          continue;
        }
        const result = out.result.result as CaptureResult;
        for (const c of result.captured) job.eventIDs.push(c.eventId);
        for (const f of result.failed) {
          job.success = false;
          job.errors.push({
            eventIndex: chunk[f.index]!.index,
            code: f.code,
            message: f.message,
            ...(f.field === undefined ? {} : { field: f.field }),
          });
        }
      } catch (e) {
        job.success = false;
        const err = e instanceof XinlianError ? e : new XinlianError('NODE_CAPTURE_FAILED', String(e));
        const index = typeof err.details.index === 'number' ? chunk[err.details.index]?.index : undefined;
        job.errors.push({
          ...(index === undefined ? {} : { eventIndex: index }),
          code: err.code,
          message: err.message,
        });
      }
    }
    job.running = false;
    job.finishedAt = new Date(this.#m.now()).toISOString();
  }

  /** Signs a traceability tx with the node key, submits it and waits for the commit; failures throw. */
  async #submit(method: string, args: JsonValue) {
    const tx = buildTx({
      chainId: this.#o.chainId,
      module: TRACEABILITY_MODULE,
      method,
      args,
      key: this.#m.key,
      suite: this.#m.suite,
      expiryHeight: this.#m.head() + Math.min(this.#o.maxTxLifetime, 100),
    });
    const out = await this.#m.submitAndWait(tx.bytes);
    if (out.result.status !== 'ok') {
      throw new XinlianError(out.result.code, out.result.message, { txId: out.txId });
    }
    return out;
  }
}

/** The event of a record as a query answers it: recordTime set, eventID = the hash ID if it had none. */
export function eventOf(r: EventRecord): Record<string, unknown> {
  const event = JSON.parse(r.event) as Record<string, unknown>;
  return { ...event, eventID: event.eventID ?? r.eventId, recordTime: r.recordTime };
}
