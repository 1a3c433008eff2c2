/**
 * CBV 2.0 vocabularies the EPCIS JSON schema lists (bizStep, disposition, bizTransaction type,
 * source/destination type, error reason) and their URI forms. EPCIS 2.0 JSON uses bare terms
 * (`shipping`); EPCIS 1.x XML and JSON-LD tools also write the URN (`urn:epcglobal:cbv:bizstep:shipping`)
 * or the GS1 Web Vocabulary URI (`https://ref.gs1.org/cbv/BizStep-shipping`, the older
 * `https://ns.gs1.org/cbv/…`, or the CURIE `cbv:BizStep-shipping`). The schema refuses the URN and
 * ns.gs1.org forms but lets any other URI through as a "user vocabulary", so a misspelt
 * `https://ref.gs1.org/cbv/BizStep-shiping` would pass it: `cbvTerm` closes that gap.
 */

export type CbvKind = 'bizStep' | 'disposition' | 'bizTransactionType' | 'sourceDestType' | 'errorReason';

/** Schema definition holding each vocabulary's enum, and the URN / web-vocabulary tags. */
export const CBV_KINDS: Readonly<
  Record<CbvKind, { definition: string; urn: string; web: string; label: string }>
> = Object.freeze({
  bizStep: { definition: 'bizStep', urn: 'bizstep', web: 'BizStep', label: 'business step' },
  disposition: { definition: 'disposition', urn: 'disp', web: 'Disp', label: 'disposition' },
  bizTransactionType: {
    definition: 'bizTransaction-type',
    urn: 'btt',
    web: 'BTT',
    label: 'business transaction type',
  },
  sourceDestType: {
    definition: 'source-dest-type',
    urn: 'sdt',
    web: 'SDT',
    label: 'source/destination type',
  },
  errorReason: { definition: 'error-reason', urn: 'er', web: 'ER', label: 'error reason' },
});

const WEB_PREFIXES = [
  'https://ref.gs1.org/cbv/',
  'https://ns.gs1.org/cbv/',
  'http://ns.gs1.org/cbv/',
  'cbv:',
];
const URN_PREFIX = 'urn:epcglobal:cbv:';

/** The terms of each vocabulary (from the schema's enums). */
export type CbvTerms = Readonly<Record<CbvKind, ReadonlySet<string>>>;

/** Reads the vocabularies from the EPCIS JSON schema (each definition is `anyOf: [uri, {enum}]`). */
export function cbvTermsOf(schema: { definitions: Record<string, unknown> }): CbvTerms {
  const out = {} as Record<CbvKind, ReadonlySet<string>>;
  for (const kind of Object.keys(CBV_KINDS) as CbvKind[]) {
    const def = schema.definitions[CBV_KINDS[kind].definition] as
      | { anyOf?: { enum?: string[] }[] }
      | undefined;
    const terms = def?.anyOf?.find((s) => Array.isArray(s.enum))?.enum ?? [];
    out[kind] = new Set(terms);
  }
  return out;
}

/**
 * What a vocabulary value is: `{ term }` for a CBV term (bare or in any URI form),
 * `{ unknown }` for a value in a CBV namespace (or a bare word) that is not a term of the
 * vocabulary, `{ user: true }` for a URI of another vocabulary (allowed by EPCIS).
 */
export function cbvTerm(
  terms: CbvTerms,
  kind: CbvKind,
  value: string,
): { term: string } | { unknown: string } | { user: true } {
  const set = terms[kind];
  const { urn, web } = CBV_KINDS[kind];
  if (set.has(value)) return { term: value };
  let candidate: string | undefined;
  if (value.startsWith(URN_PREFIX)) {
    const rest = value.slice(URN_PREFIX.length);
    candidate = rest.startsWith(`${urn}:`) ? rest.slice(urn.length + 1) : '';
  } else {
    const prefix = WEB_PREFIXES.find((p) => value.startsWith(p));
    if (prefix !== undefined) {
      const rest = value.slice(prefix.length);
      candidate = rest.startsWith(`${web}-`) ? rest.slice(web.length + 1) : '';
    } else if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) {
      return { unknown: value };
    }
  }
  if (candidate === undefined) return { user: true };
  return set.has(candidate) ? { term: candidate } : { unknown: value };
}
