// @xinlian/module-traceability: product traceability (产品溯源) on GS1 EPCIS 2.0 / CBV 2.0.
// See README.md in this package and docs/traceability.md.
export { CBV_KINDS, type CbvKind, type CbvTerms, cbvTerm, cbvTermsOf } from './cbv.js';
export { badArgs, TRACE_ERROR_CODES, type TraceErrorCode, traceError } from './errors.js';
export {
  canonicaliseValue,
  documentEventHashes,
  documentEventPreHashes,
  documentEvents,
  type EventHashAlgorithm,
  type EventHashOptions,
  eventHash,
  eventPreHash,
  gs1CheckDigit,
  hashPreHash,
  normaliseNumeric,
  normaliseTimestamp,
  toCanonicalDigitalLink,
} from './hash/index.js';
export {
  gs1CheckDigitOk,
  type IdentifierRange,
  type IdResult,
  inRange,
  type ParsedId,
  parseDigitalLink,
  parseEpcUri,
  parseIdentifier,
} from './identifiers.js';
export {
  canonicalIdentifier,
  createMemoryLineageLookup,
  type EpcisEventLike,
  eventIdentifiers,
  IDENTIFIER_ROLES,
  type IdentifierRole,
  identifierKind,
  type LineageEdge,
  type LineageGraph,
  type LineageLookup,
  type LineageNode,
  type LineageOptions,
  type NodeRelation,
  type StoredEvent,
  traceLineage,
} from './lineage/index.js';
export {
  createTraceabilityModule,
  type ErrorBehaviour,
  MAX_EVENTS_PER_TX,
  MAX_SCAN,
  TRACEABILITY_CAPTURE_ROLES,
  TRACEABILITY_MODULE,
  TRACEABILITY_RANGE_ROLES,
  type TraceabilityOptions,
} from './module.js';
export {
  DEFAULT_PAGE,
  decodeEventQuery,
  type EventQuery,
  identifiersOf,
  LIST_PARAMS as EVENT_QUERY_LIST_PARAMS,
  MAX_PAGE,
  matcher,
} from './query.js';
export type { CaptureResult, EventPage, EventRecord, NamedQuery, RangeRecord } from './records.js';
export {
  createEpcisValidator,
  EPCIS_EVENT_TYPES,
  type EpcisIssue,
  type EpcisValidator,
  eventTexts,
  type LocatedEvent,
  locateEvents,
  pointerToken,
} from './validate.js';
