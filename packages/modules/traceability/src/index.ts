// @xinlian/module-traceability: product traceability (产品溯源) on GS1 EPCIS 2.0 / CBV 2.0.
// See README.md in this package and spec/traceability.md.
export const TRACEABILITY_MODULE = 'traceability';
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
