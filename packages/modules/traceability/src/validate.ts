/**
 * EPCIS 2.0 validation: the GS1 EPCIS JSON schema (draft-07, compiled with ajv) plus the checks
 * the schema cannot express: CBV vocabulary values in any of their forms (cbv.ts), user extension
 * prefixes declared in `@context`, and identifier syntax (identifiers.ts). Every issue names the
 * offending value by JSON pointer (RFC 6901) into the submitted document.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import epcisSchema from '../schema/EPCIS-JSON-Schema.json' with { type: 'json' };
import { CBV_KINDS, type CbvKind, type CbvTerms, cbvTerm, cbvTermsOf } from './cbv.js';
import { traceError } from './errors.js';
import { parseIdentifier } from './identifiers.js';

/** One validation problem. */
export interface EpcisIssue {
  /** JSON pointer of the offending value in the submitted document ('' = the whole document). */
  readonly pointer: string;
  readonly message: string;
  /** `schema:<ajv keyword>`, `cbv`, `extension` or `identifier`. */
  readonly rule: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

/** The standard EPCIS event types (other types are user extension events, `prefix:Name`). */
export const EPCIS_EVENT_TYPES: readonly string[] = Object.freeze([
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
]);

/** Prefixes the standard EPCIS 2.0 JSON-LD context defines (epcis-context.jsonld). */
const STANDARD_PREFIXES: readonly string[] = [
  'epcis',
  'cbv',
  'cbvmda',
  'gs1',
  'rdfs',
  'owl',
  'xsd',
  'dcterms',
];

/** RFC 6901 escaping of one reference token. */
export const pointerToken = (key: string | number): string =>
  String(key).replaceAll('~', '~0').replaceAll('/', '~1');

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An event found in a document: where it is, and the `@context` it is read in. */
export interface LocatedEvent {
  readonly pointer: string;
  readonly event: Obj;
  /** The document's and the event's own `@context` entries, in order. */
  readonly context: readonly Json[];
}

const contextEntries = (c: Json | undefined): Json[] => (c === undefined ? [] : Array.isArray(c) ? c : [c]);

/**
 * The events of an EPCIS document (EPCISDocument, or the results of an EPCISQueryDocument), or
 * the value itself when it is a single event.
 */
export function locateEvents(doc: unknown): LocatedEvent[] {
  if (!isObj(doc)) return [];
  const docContext = contextEntries(doc['@context']);
  let list: Json | undefined;
  let base = '';
  if (doc.type === 'EPCISDocument') {
    list = isObj(doc.epcisBody) ? doc.epcisBody.eventList : undefined;
    base = '/epcisBody/eventList';
  } else if (doc.type === 'EPCISQueryDocument') {
    const results =
      isObj(doc.epcisBody) && isObj(doc.epcisBody.queryResults) ? doc.epcisBody.queryResults : undefined;
    list = results !== undefined && isObj(results.resultsBody) ? results.resultsBody.eventList : undefined;
    base = '/epcisBody/queryResults/resultsBody/eventList';
  } else {
    return [{ pointer: '', event: doc, context: docContext }];
  }
  if (!Array.isArray(list)) return [];
  const out: LocatedEvent[] = [];
  list.forEach((e, i) => {
    if (isObj(e)) {
      out.push({
        pointer: `${base}/${i}`,
        event: e,
        context: [...docContext, ...contextEntries(e['@context'])],
      });
    }
  });
  return out;
}

/** Prefixes declared by a context (term definitions whose IRI ends in / # : or with `@prefix`). */
function declaredPrefixes(context: readonly Json[]): Set<string> {
  const out = new Set(STANDARD_PREFIXES);
  for (const entry of context) {
    if (!isObj(entry)) continue;
    for (const [term, def] of Object.entries(entry)) {
      if (term.startsWith('@')) continue;
      if (
        typeof def === 'string' ||
        (isObj(def) && (typeof def['@id'] === 'string' || def['@prefix'] === true))
      ) {
        out.add(term);
      }
    }
  }
  return out;
}

/** Whether a key/value is an absolute IRI (`scheme://…` or `urn:…`) rather than a `prefix:name` CURIE. */
const absoluteIri = (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(s) || /^urn:/i.test(s);

/** Where CBV vocabulary values sit in an event: relative pointer steps and their vocabulary. */
const CBV_FIELDS: readonly { path: readonly (string | '*')[]; kind: CbvKind }[] = [
  { path: ['bizStep'], kind: 'bizStep' },
  { path: ['disposition'], kind: 'disposition' },
  { path: ['persistentDisposition', 'set', '*'], kind: 'disposition' },
  { path: ['persistentDisposition', 'unset', '*'], kind: 'disposition' },
  { path: ['bizTransactionList', '*', 'type'], kind: 'bizTransactionType' },
  { path: ['sourceList', '*', 'type'], kind: 'sourceDestType' },
  { path: ['destinationList', '*', 'type'], kind: 'sourceDestType' },
  { path: ['errorDeclaration', 'reason'], kind: 'errorReason' },
];

/** Where identifiers sit in an event. */
const ID_FIELDS: readonly (readonly (string | '*')[])[] = [
  ['epcList', '*'],
  ['childEPCs', '*'],
  ['inputEPCList', '*'],
  ['outputEPCList', '*'],
  ['parentID'],
  ['quantityList', '*', 'epcClass'],
  ['childQuantityList', '*', 'epcClass'],
  ['inputQuantityList', '*', 'epcClass'],
  ['outputQuantityList', '*', 'epcClass'],
  ['readPoint', 'id'],
  ['bizLocation', 'id'],
  ['sourceList', '*', 'source'],
  ['destinationList', '*', 'destination'],
];

/** Visits the values at `path` under `value`, with their pointers; `set` replaces one. */
function visit(
  value: Json,
  path: readonly (string | '*')[],
  pointer: string,
  fn: (v: Json, pointer: string, set: (nv: Json) => void) => void,
  set: (nv: Json) => void = () => {},
): void {
  if (path.length === 0) {
    fn(value, pointer, set);
    return;
  }
  const [step, ...rest] = path;
  if (step === '*') {
    if (!Array.isArray(value)) return;
    value.forEach((v, i) => {
      visit(v, rest, `${pointer}/${i}`, fn, (nv) => {
        value[i] = nv;
      });
    });
  } else if (isObj(value) && Object.hasOwn(value, step!)) {
    visit(value[step!]!, rest, `${pointer}/${pointerToken(step!)}`, fn, (nv) => {
      value[step!] = nv;
    });
  }
}

/** Checks every key (recursively) and an extension event type against the declared prefixes. */
function checkExtensions(
  event: Obj,
  pointer: string,
  prefixes: ReadonlySet<string>,
  issues: EpcisIssue[],
): void {
  const checkName = (name: string, at: string, what: string) => {
    const colon = name.indexOf(':');
    if (colon <= 0 || absoluteIri(name)) return;
    const prefix = name.slice(0, colon);
    if (!prefixes.has(prefix)) {
      issues.push({
        pointer: at,
        rule: 'extension',
        message: `${what} "${name}" uses the prefix "${prefix}", which no @context entry declares`,
      });
    }
  };
  if (typeof event.type === 'string' && !EPCIS_EVENT_TYPES.includes(event.type)) {
    checkName(event.type, `${pointer}/type`, 'event type');
  }
  const walk = (v: Json, at: string) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        walk(x, `${at}/${i}`);
      });
    } else if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k.startsWith('@')) continue;
        const child = `${at}/${pointerToken(k)}`;
        checkName(k, child, 'field');
        walk(x, child);
      }
    }
  };
  walk(event, pointer);
}

/** The EPCIS validator: compile once (ajv), use for many documents. */
export interface EpcisValidator {
  /** Every issue of a document (EPCISDocument, EPCISQueryDocument) or single event; [] = valid. */
  validate(value: unknown): EpcisIssue[];
  /** Throws TRACE_INVALID_EPCIS (details.field = pointer of the first issue, details.errors = all). */
  check(value: unknown): void;
  /** The CBV vocabularies the validator knows. */
  readonly terms: CbvTerms;
}

/** Depth of a pointer (number of tokens). */
const depth = (p: string) => (p === '' ? 0 : p.split('/').length - 1);

/** Keeps ajv's specific errors: drops the if/then, allOf and anyOf wrappers when something more precise exists. */
function schemaIssues(errors: readonly ErrorObject[]): EpcisIssue[] {
  const wrappers = new Set(['if', 'anyOf', 'allOf', 'oneOf', 'not']);
  const precise = errors.filter((e) => !wrappers.has(e.keyword));
  const chosen = precise.length > 0 ? precise : errors;
  const seen = new Set<string>();
  const out: EpcisIssue[] = [];
  for (const e of chosen) {
    const params = e.params as { additionalProperty?: string; missingProperty?: string };
    const name = (e as ErrorObject & { propertyName?: string }).propertyName;
    let pointer = e.instancePath;
    let message = e.message ?? 'invalid';
    if (e.keyword === 'additionalProperties' && params.additionalProperty !== undefined) {
      pointer = `${e.instancePath}/${pointerToken(params.additionalProperty)}`;
      message = `unknown field "${params.additionalProperty}"`;
    } else if (e.keyword === 'required' && params.missingProperty !== undefined) {
      pointer = `${e.instancePath}/${pointerToken(params.missingProperty)}`;
      message = `required field "${params.missingProperty}" is missing`;
    } else if (name !== undefined) {
      pointer = `${e.instancePath}/${pointerToken(name)}`;
      message = `unknown field "${name}" (neither an EPCIS field nor a prefix:name extension)`;
    }
    // One issue per pointer (the first, most specific one ajv reports).
    if (seen.has(pointer)) continue;
    seen.add(pointer);
    out.push({ pointer, message, rule: `schema:${e.keyword}` });
  }
  return out.sort((a, b) => depth(b.pointer) - depth(a.pointer));
}

/** Creates a validator (compiles the EPCIS JSON schema once per instance). */
export function createEpcisValidator(): EpcisValidator {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  (formatsPlugin as unknown as (a: Ajv) => void)(ajv);
  const schemaValidate: ValidateFunction = ajv.compile(epcisSchema);
  const terms = cbvTermsOf(epcisSchema as unknown as { definitions: Record<string, unknown> });

  const validate = (value: unknown): EpcisIssue[] => {
    if (!isObj(value)) return [{ pointer: '', rule: 'schema:type', message: 'must be a JSON object' }];
    // The schema sees a copy with CBV URIs replaced by their bare terms (EPCIS 2.0 JSON form).
    const copy = structuredClone(value) as Obj;
    const own: EpcisIssue[] = [];
    for (const { pointer, event, context } of locateEvents(copy)) {
      for (const { path, kind } of CBV_FIELDS) {
        visit(event, path, pointer, (v, at, set) => {
          if (typeof v !== 'string') return;
          const r = cbvTerm(terms, kind, v);
          if ('term' in r) set(r.term);
          else if ('unknown' in r) {
            own.push({
              pointer: at,
              rule: 'cbv',
              message: `"${v}" is not a CBV 2.0 ${CBV_KINDS[kind].label}`,
            });
            set(`urn:x-invalid:${encodeURIComponent(v)}`);
          }
        });
      }
      for (const path of ID_FIELDS) {
        visit(event, path, pointer, (v, at) => {
          if (typeof v !== 'string') return;
          const r = parseIdentifier(v);
          if (!r.ok) own.push({ pointer: at, rule: 'identifier', message: `"${v}": ${r.reason}` });
        });
      }
      // Without any @context the schema refuses the document; prefixes are then not reported.
      if (context.length > 0) checkExtensions(event, pointer, declaredPrefixes(context), own);
    }
    const schema = schemaValidate(copy) ? [] : schemaIssues(schemaValidate.errors ?? []);
    // One issue per pointer: ours (more specific) before the schema's.
    const mine = new Set(own.map((i) => i.pointer));
    return [...own, ...schema.filter((i) => !mine.has(i.pointer))];
  };

  return {
    terms,
    validate,
    check(value) {
      const issues = validate(value);
      if (issues.length === 0) return;
      const first = issues[0]!;
      throw traceError(
        'TRACE_INVALID_EPCIS',
        `${first.pointer === '' ? '(document)' : first.pointer}: ${first.message}`,
        {
          field: first.pointer,
          errors: issues.slice(0, 20).map((i) => ({ field: i.pointer, message: i.message, rule: i.rule })),
        },
      );
    },
  };
}

/**
 * The events of a document as self-contained JSON texts, ready for `traceability.capture`: each
 * carries the document's `@context` entries followed by its own, so its prefixes (and its CBV 2.0
 * hash) are those it has in the document.
 */
export function eventTexts(doc: unknown): string[] {
  const docContext = isObj(doc) ? contextEntries(doc['@context']) : [];
  return locateEvents(doc).map(({ event }) => {
    const own = contextEntries(event['@context']);
    const context = [
      ...docContext,
      ...own.filter((c) => !docContext.some((d) => JSON.stringify(d) === JSON.stringify(c))),
    ];
    const { '@context': _drop, ...rest } = event;
    return JSON.stringify(context.length === 0 ? rest : { '@context': context, ...rest });
  });
}
