// The canonical pre-hash string of an EPCIS 2.0 event (CBV 2.0 "event hash" / the GS1 reference
// implementation RalphTro/epcis-event-hash-generator). See docs in ./index.ts and README.md.
import { XinlianError } from '@xinlian/utils';
import { canonicaliseValue, formatNumber, normaliseTimestamp } from './normalise.js';
import {
  BIZ_STEPS,
  BIZ_TRANSACTION_TYPES,
  COMPONENTS,
  DISPOSITIONS,
  MEASUREMENT_TYPES,
  SENSOR_EXCEPTIONS,
  SOURCE_DEST_TYPES,
  STANDARD_PREFIXES,
} from './vocab.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

/** A vocabulary: bare terms that expand to `base + term`. */
interface Vocabulary {
  readonly base: string;
  readonly terms: ReadonlySet<string>;
}
const vocab = (base: string, terms: readonly string[]): Vocabulary => ({ base, terms: new Set(terms) });
const CBV = 'https://ref.gs1.org/cbv/';
const GS1 = 'https://gs1.org/voc/';
const V_BIZ_STEP = vocab(`${CBV}BizStep-`, BIZ_STEPS);
const V_DISP = vocab(`${CBV}Disp-`, DISPOSITIONS);
const V_BTT = vocab(`${CBV}BTT-`, BIZ_TRANSACTION_TYPES);
const V_SDT = vocab(`${CBV}SDT-`, SOURCE_DEST_TYPES);
const V_MEASUREMENT = vocab(GS1, MEASUREMENT_TYPES);
const V_EXCEPTION = vocab(GS1, SENSOR_EXCEPTIONS);
const V_COMPONENT = vocab(`${CBV}Comp-`, COMPONENTS);

/**
 * How one property is written into the pre-hash string.
 * - `value`: `name=value` (a JSON array gives one `name=value` per element, sorted);
 * - `time`: like value, normalised as a timestamp;
 * - `list`: `name` then `item=value` per element, sorted (epcList → `epc=`);
 * - `object`: `name` then the object's properties in `fields` order, then its extensions;
 * - `objects`: `name` then per element `item` + the element's properties (sorted); without `item` each
 *   element is written as `name` + properties (sensorReport);
 * - `entries`: `name` then per element its `fields` without a wrapper name (bizTransactionList, …), sorted.
 */
type Spec =
  | { kind: 'value'; name: string; vocab?: Vocabulary }
  | { kind: 'time'; name: string }
  | { kind: 'list'; name: string; item: string; vocab?: Vocabulary }
  | { kind: 'object'; name: string; fields: readonly Spec[] }
  | { kind: 'objects'; name: string; item?: string; fields: readonly Spec[] }
  | { kind: 'entries'; name: string; fields: readonly Spec[] };

const v = (name: string, vocabulary?: Vocabulary): Spec =>
  vocabulary ? { kind: 'value', name, vocab: vocabulary } : { kind: 'value', name };
const t = (name: string): Spec => ({ kind: 'time', name });
const list = (name: string): Spec => ({ kind: 'list', name, item: 'epc' });
const QUANTITY: readonly Spec[] = [v('epcClass'), v('quantity'), v('uom')];
const quantities = (name: string): Spec => ({
  kind: 'objects',
  name,
  item: 'quantityElement',
  fields: QUANTITY,
});

const SENSOR_METADATA: readonly Spec[] = [
  t('time'),
  t('startTime'),
  t('endTime'),
  v('deviceID'),
  v('deviceMetadata'),
  v('rawData'),
  v('dataProcessingMethod'),
  v('bizRules'),
];
const SENSOR_REPORT: readonly Spec[] = [
  v('type', V_MEASUREMENT),
  v('exception', V_EXCEPTION),
  v('deviceID'),
  v('deviceMetadata'),
  v('rawData'),
  v('dataProcessingMethod'),
  t('time'),
  v('microorganism'),
  v('chemicalSubstance'),
  v('value'),
  v('component', V_COMPONENT),
  v('stringValue'),
  v('booleanValue'),
  v('hexBinaryValue'),
  v('uriValue'),
  v('minValue'),
  v('maxValue'),
  v('meanValue'),
  v('sDev'),
  v('percRank'),
  v('percValue'),
  v('uom'),
  v('coordinateReferenceSystem'),
];

/** The canonical property order (as the reference implementation applies it; see README.md). */
const EVENT_ORDER: readonly Spec[] = [
  t('eventTime'),
  v('eventTimeZoneOffset'),
  v('certificationInfo'),
  v('parentID'),
  list('epcList'),
  list('inputEPCList'),
  list('childEPCs'),
  quantities('quantityList'),
  quantities('childQuantityList'),
  quantities('inputQuantityList'),
  list('outputEPCList'),
  quantities('outputQuantityList'),
  v('action'),
  v('transformationID'),
  v('bizStep', V_BIZ_STEP),
  v('disposition', V_DISP),
  {
    kind: 'object',
    name: 'persistentDisposition',
    fields: [v('set', V_DISP), v('unset', V_DISP)],
  },
  { kind: 'object', name: 'readPoint', fields: [v('id')] },
  { kind: 'object', name: 'bizLocation', fields: [v('id')] },
  {
    kind: 'objects',
    name: 'sensorElementList',
    item: 'sensorElement',
    fields: [
      { kind: 'object', name: 'sensorMetadata', fields: SENSOR_METADATA },
      { kind: 'objects', name: 'sensorReport', fields: SENSOR_REPORT },
    ],
  },
];

/**
 * Standard properties that the reference writes after the ordered ones, sorted together with the user
 * extensions (so `bizTransactionList` < `destinationList` < `ilmd` < `sourceList` < `{namespace}…`).
 */
const TRAILING: ReadonlyMap<string, Spec> = new Map<string, Spec>([
  [
    'bizTransactionList',
    { kind: 'entries', name: 'bizTransactionList', fields: [v('type', V_BTT), v('bizTransaction')] },
  ],
  ['sourceList', { kind: 'entries', name: 'sourceList', fields: [v('type', V_SDT), v('source')] }],
  [
    'destinationList',
    { kind: 'entries', name: 'destinationList', fields: [v('type', V_SDT), v('destination')] },
  ],
]);

/** Never part of the hash: identifiers and bookkeeping added after the fact, and the error declaration. */
const IGNORED_TOP_LEVEL = new Set(['type', 'eventID', 'recordTime', 'errorDeclaration']);
const RDFS_COMMENT = 'http://www.w3.org/2000/01/rdf-schema#comment';

/** Namespace prefixes in scope for one event. */
export interface PrefixScope {
  /** Prefixes the document (or event) declares itself in its `@context`. */
  readonly declared: ReadonlyMap<string, string>;
  /** `declared` over the prefixes of the standard EPCIS 2.0 context. */
  readonly all: ReadonlyMap<string, string>;
}

/** Collects the prefix definitions from a JSON-LD `@context` value (remote context URLs are skipped). */
export function prefixScope(...contexts: unknown[]): PrefixScope {
  const declared = new Map<string, string>();
  const visit = (c: unknown): void => {
    if (Array.isArray(c)) for (const x of c) visit(x);
    else if (c !== null && typeof c === 'object') {
      for (const [k, val] of Object.entries(c as Record<string, unknown>)) {
        if (k.startsWith('@')) continue;
        if (typeof val === 'string') declared.set(k, val);
        else if (
          val !== null &&
          typeof val === 'object' &&
          typeof (val as { '@id'?: unknown })['@id'] === 'string'
        )
          declared.set(k, (val as { '@id': string })['@id']);
      }
    }
  };
  for (const c of contexts) visit(c);
  const all = new Map<string, string>(Object.entries(STANDARD_PREFIXES));
  for (const [k, val] of declared) all.set(k, val);
  return { declared, all };
}

/** Code-point order (the reference sorts Python strings; JS `<` compares UTF-16 code units). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const cx = x.value.codePointAt(0) as number;
    const cy = y.value.codePointAt(0) as number;
    if (cx !== cy) return cx - cy;
  }
}
const sorted = (xs: string[]): string[] => xs.sort(compareCodePoints);

class PreHasher {
  constructor(private readonly scope: PrefixScope) {}

  /** `prefix:rest` → `{namespace}rest`; an absolute IRI key → `{namespace}local`; other keys unchanged. */
  key(k: string): string {
    const i = k.indexOf(':');
    if (i > 0) {
      const ns = this.scope.all.get(k.slice(0, i));
      if (ns !== undefined && !k.startsWith('//', i + 1)) return `{${ns}}${k.slice(i + 1)}`;
      const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:.*[/#])([^/#]+)$/.exec(k);
      if (m) return `{${m[1]}}${m[2]}`;
    }
    return k;
  }

  isComment(k: string): boolean {
    if (k === 'comment') return true;
    const expanded = this.key(k);
    return expanded === `{${RDFS_COMMENT.slice(0, -'comment'.length)}}comment`;
  }

  /** A scalar as text, before canonicalisation (`null` means absent). */
  scalar(x: Json): string | null {
    if (x === null) return null;
    if (typeof x === 'string') return x;
    if (typeof x === 'number') return Number.isFinite(x) ? formatNumber(x) : null;
    if (typeof x === 'boolean') return x ? 'true' : 'false';
    return null;
  }

  /** Expands a prefixed value the document declared (`example:x` → `https://ns.example.com/epcis/x`). */
  expandDeclared(text: string): string {
    const i = text.indexOf(':');
    if (i <= 0 || text.startsWith('//', i + 1)) return text;
    const ns = this.scope.declared.get(text.slice(0, i));
    return ns === undefined ? text : ns + text.slice(i + 1);
  }

  /** A vocabulary value: bare CBV term or compact IRI → full IRI. */
  expandVocab(text: string, vocabulary: Vocabulary): string {
    const trimmed = text.trim();
    if (vocabulary.terms.has(trimmed)) return vocabulary.base + trimmed;
    const i = trimmed.indexOf(':');
    if (i > 0 && !trimmed.startsWith('//', i + 1)) {
      const ns = this.scope.all.get(trimmed.slice(0, i));
      if (ns !== undefined) return ns + trimmed.slice(i + 1);
    }
    return trimmed;
  }

  value(x: Json, vocabulary: Vocabulary | undefined, time: boolean): string {
    const s = this.scalar(x);
    if (s === null) return '';
    if (time) return normaliseTimestamp(s);
    const expanded = vocabulary ? this.expandVocab(s, vocabulary) : this.expandDeclared(s);
    return canonicaliseValue(expanded);
  }

  /** All pre-hash pieces one spec contributes for the value `x` (several for JSON arrays). */
  pieces(spec: Spec, x: Json | undefined): string[] {
    if (x === undefined || x === null) return [];
    switch (spec.kind) {
      case 'value':
      case 'time': {
        const out: string[] = [];
        for (const el of Array.isArray(x) ? x : [x]) {
          if (typeof el === 'object' && el !== null) continue;
          const text = this.value(el, spec.kind === 'value' ? spec.vocab : undefined, spec.kind === 'time');
          if (text !== '') out.push(`${spec.name}=${text}`);
        }
        return sorted(out);
      }
      case 'list': {
        const items: string[] = [];
        for (const el of Array.isArray(x) ? x : [x]) {
          if (typeof el === 'object' && el !== null) continue;
          const text = this.value(el, spec.vocab, false);
          if (text !== '') items.push(`${spec.item}=${text}`);
        }
        return items.length ? [spec.name + sorted(items).join('')] : [];
      }
      case 'object': {
        const out: string[] = [];
        for (const el of Array.isArray(x) ? x : [x]) {
          if (!isObject(el)) continue;
          const body = this.body(el, spec.fields);
          if (body !== '') out.push(spec.name + body);
        }
        return sorted(out);
      }
      case 'objects': {
        const items: string[] = [];
        for (const el of Array.isArray(x) ? x : [x]) {
          if (!isObject(el)) continue;
          const body = this.body(el, spec.fields);
          if (body !== '') items.push((spec.item ?? spec.name) + body);
        }
        if (items.length === 0) return [];
        return spec.item === undefined ? sorted(items) : [spec.name + sorted(items).join('')];
      }
      case 'entries': {
        const items: string[] = [];
        for (const el of Array.isArray(x) ? x : [x]) {
          if (!isObject(el)) continue;
          const body = this.body(el, spec.fields);
          if (body !== '') items.push(body);
        }
        return items.length ? [spec.name + sorted(items).join('')] : [];
      }
    }
  }

  /** An object's properties in `fields` order, then everything else (extensions) sorted. */
  body(obj: JsonObject, fields: readonly Spec[]): string {
    const known = new Set(fields.map((f) => f.name));
    let out = '';
    for (const f of fields) out += this.pieces(f, obj[f.name]).join('');
    const rest: string[] = [];
    for (const [k, val] of Object.entries(obj)) {
      if (known.has(k) || k.startsWith('@') || this.isComment(k)) continue;
      rest.push(...this.generic(this.key(k), val));
    }
    return out + sorted(rest).join('');
  }

  /** A property outside the canonical order: `name[=value]` + its children, all sorted. */
  generic(name: string, x: Json): string[] {
    if (x === null) return [];
    if (Array.isArray(x)) return x.flatMap((el) => this.generic(name, el));
    if (isObject(x)) {
      const children: string[] = [];
      for (const [k, val] of Object.entries(x)) {
        if (k.startsWith('@') || this.isComment(k)) continue;
        children.push(...this.generic(this.key(k), val));
      }
      return [name + sorted(children).join('')];
    }
    const text = this.value(x, undefined, false);
    return [text === '' ? name : `${name}=${text}`];
  }

  event(event: JsonObject): string {
    const type = event.type;
    if (typeof type !== 'string' || type === '') {
      throw new XinlianError('TRACE_HASH_INVALID_EVENT', 'event has no type', { field: 'type' });
    }
    let out = `eventType=${type}`;
    for (const spec of EVENT_ORDER) out += this.pieces(spec, event[spec.name]).join('');
    const ordered = new Set(EVENT_ORDER.map((s) => s.name));
    const rest: string[] = [];
    for (const [k, val] of Object.entries(event)) {
      if (ordered.has(k) || IGNORED_TOP_LEVEL.has(k) || k.startsWith('@') || this.isComment(k)) continue;
      const trailing = TRAILING.get(k);
      rest.push(...(trailing ? this.pieces(trailing, val) : this.generic(this.key(k), val)));
    }
    return out + sorted(rest).join('');
  }
}

function isObject(x: Json | undefined): x is JsonObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The pre-hash string of one event given the prefixes in scope. */
export function preHashOf(event: unknown, scope: PrefixScope): string {
  if (!isObject(event as Json)) {
    throw new XinlianError('TRACE_HASH_INVALID_EVENT', 'an EPCIS event must be a JSON object', {
      field: '(root)',
    });
  }
  return new PreHasher(scope).event(event as JsonObject);
}
