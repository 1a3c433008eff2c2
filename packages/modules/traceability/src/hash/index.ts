// CBV 2.0 event hash (EPCIS event identifier `ni:///sha-256;<hex>?ver=CBV2.0`).
//
// The pre-hash string of an event is `eventType=<type>` followed by its properties in the canonical property
// order, each written `name=value` (or `name` followed by its children), with no separators:
// eventTime, eventTimeZoneOffset, certificationInfo, parentID, epcList, inputEPCList, childEPCs, quantityList,
// childQuantityList, inputQuantityList, outputEPCList, outputQuantityList, action, transformationID, bizStep,
// disposition, persistentDisposition, readPoint, bizLocation, sensorElementList; then bizTransactionList,
// sourceList, destinationList, ilmd and the user extensions, sorted. Lists are sorted; values are normalised
// (timestamps to UTC milliseconds, numbers, CBV terms and CURIEs to full IRIs, EPC URIs and Digital Link URIs to
// canonical GS1 Digital Link URIs); eventID, recordTime, errorDeclaration and comments are left out. See
// README.md ("Event hash") for the rules and where this follows the reference implementation.
import { createHash } from 'node:crypto';
import { XinlianError } from '@xinlian/utils';
import { prefixScope, preHashOf } from './prehash.js';

export {
  canonicaliseValue,
  gs1CheckDigit,
  normaliseNumeric,
  normaliseTimestamp,
  toCanonicalDigitalLink,
} from './normalise.js';

/** Digest algorithms allowed in the `ni:` URI (RFC 6920 names). */
export type EventHashAlgorithm = 'sha-256' | 'sha-384' | 'sha-512';
const NODE_NAME: Record<EventHashAlgorithm, string> = {
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

export interface EventHashOptions {
  /**
   * The `@context` of the EPCIS document the event came from (its namespace prefixes expand CURIEs in
   * extension names and values). An `@context` on the event itself is applied on top of it.
   */
  readonly context?: unknown;
  /** Digest algorithm; default `sha-256`. */
  readonly algorithm?: EventHashAlgorithm;
}

/** The canonical pre-hash string of an EPCIS 2.0 JSON(-LD) event. */
export function eventPreHash(event: unknown, opts: EventHashOptions = {}): string {
  const own =
    event !== null && typeof event === 'object' && !Array.isArray(event)
      ? (event as Record<string, unknown>)['@context']
      : undefined;
  return preHashOf(event, prefixScope(opts.context, own));
}

/** The event's CBV 2.0 hash ID, e.g. `ni:///sha-256;6ae9…39d7?ver=CBV2.0`. */
export function eventHash(event: unknown, opts: EventHashOptions = {}): string {
  return hashPreHash(eventPreHash(event, opts), opts.algorithm ?? 'sha-256');
}

/** Hashes a pre-hash string (UTF-8) into the `ni:` URI form. */
export function hashPreHash(preHash: string, algorithm: EventHashAlgorithm = 'sha-256'): string {
  const name = NODE_NAME[algorithm];
  if (name === undefined) {
    throw new XinlianError('TRACE_HASH_ALGORITHM', `unsupported event hash algorithm ${String(algorithm)}`, {
      algorithm: String(algorithm),
    });
  }
  const hex = createHash(name).update(preHash, 'utf8').digest('hex');
  return `ni:///${algorithm};${hex}?ver=CBV2.0`;
}

/** The events of an EPCIS document (`epcisBody.eventList`, or `epcisBody.event`), or of a query document. */
export function documentEvents(doc: unknown): unknown[] {
  const body = (doc as { epcisBody?: Record<string, unknown> } | null)?.epcisBody;
  if (body === undefined || body === null || typeof body !== 'object') {
    throw new XinlianError('TRACE_HASH_INVALID_DOCUMENT', 'EPCIS document has no epcisBody', {
      field: 'epcisBody',
    });
  }
  if (Array.isArray(body.eventList)) return body.eventList;
  if (body.event !== undefined) return [body.event];
  const results = (body.queryResults as { resultsBody?: { eventList?: unknown } } | undefined)?.resultsBody;
  if (Array.isArray(results?.eventList)) return results.eventList;
  return [];
}

/** The hash ID of every event in an EPCIS document, in document order. */
export function documentEventHashes(doc: unknown, opts: Omit<EventHashOptions, 'context'> = {}): string[] {
  const context = (doc as { '@context'?: unknown } | null)?.['@context'];
  return documentEvents(doc).map((e) => eventHash(e, { ...opts, context }));
}

/** The pre-hash string of every event in an EPCIS document, in document order. */
export function documentEventPreHashes(doc: unknown): string[] {
  const context = (doc as { '@context'?: unknown } | null)?.['@context'];
  return documentEvents(doc).map((e) => eventPreHash(e, { context }));
}
