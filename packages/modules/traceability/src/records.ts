/** What the traceability module stores and returns (canonical JSON; no floats: events are kept as JSON text). */

/** One captured event. */
export interface EventRecord {
  /** CBV 2.0 event hash: `ni:///sha-256;<hex>?ver=CBV2.0`. */
  readonly eventId: string;
  /** The `eventID` the capturer wrote in the event, if any (kept as written). */
  readonly declaredEventId?: string;
  /** EPCIS event type. */
  readonly type: string;
  /** The organization that captured (signed) it: the tx signer's organization. */
  readonly org: string;
  /** Address of the tx signer. */
  readonly capturedBy: string;
  readonly txId: string;
  readonly height: number;
  readonly txIndex: number;
  /** Position of the event in the tx's `events`. */
  readonly index: number;
  /** Block time, ms since epoch; `recordTime` is its ISO 8601 form (the EPCIS recordTime). */
  readonly blockTime: number;
  readonly recordTime: string;
  /** The event's JSON text exactly as captured (with the document's `@context` if it had none). */
  readonly event: string;
}

/** An identifier range registered by an organization. */
export interface RangeRecord {
  readonly kind: 'gs1' | 'uri';
  readonly prefix: string;
  readonly org: string;
  /** Organizations the owner authorizes to commission identifiers in the range (sorted). */
  readonly partners: readonly string[];
  readonly registeredBy: string;
  readonly height: number;
}

/** Result of `capture`: the events recorded and (with errorBehaviour proceed) the ones refused. */
export interface CaptureResult {
  /** The capturing organization (in the certified result, so receipts prove it). */
  readonly org: string;
  readonly captured: readonly { readonly index: number; readonly eventId: string }[];
  readonly failed: readonly {
    readonly index: number;
    readonly code: string;
    readonly message: string;
    readonly field?: string;
  }[];
}

/** A page of events (`events` query). */
export interface EventPage {
  readonly records: readonly EventRecord[];
  readonly nextCursor?: string;
}

/** An EPCIS named query (POST /queries): its parameters, and who defined it. */
export interface NamedQuery {
  readonly name: string;
  /** EPCIS query parameters (the `events` query's, without limit and cursor). */
  readonly query: Readonly<Record<string, unknown>>;
  readonly org: string;
  readonly definedBy: string;
  readonly height: number;
}
