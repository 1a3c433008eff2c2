// Value normalisation for the CBV 2.0 event hash: timestamps, numbers, legacy CBV URNs and GS1 identifiers
// (EPC URIs, EPC class / pattern URIs and GS1 Digital Link URIs all become one constrained canonical
// GS1 Digital Link URI on https://id.gs1.org). Pure functions, no I/O.

// ---------------------------------------------------------------------------------------------------------
// Timestamps

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * A timestamp in UTC at millisecond precision: `YYYY-MM-DDTHH:mm:ss.sssZ`. Sub-millisecond digits are
 * truncated to microseconds and then rounded half-to-even to milliseconds (the reference implementation's
 * rounding, so `.1415` → `.142`, `.1414` → `.141`, `.1425` → `.142`). A timestamp without a zone is read as
 * UTC (EPCIS requires a zone). Text that is not an ISO 8601 date-time is returned unchanged.
 */
export function normaliseTimestamp(text: string): string {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return text.trim();
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const micro = Number((frac ?? '').padEnd(6, '0').slice(0, 6));
  let ms = Math.floor(micro / 1000);
  const rest = micro % 1000;
  if (rest > 500 || (rest === 500 && ms % 2 === 1)) ms += 1;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? '0');
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) {
    return text.trim();
  }
  let t = Date.UTC(Number(y), month - 1, day, hour, minute, second, 0);
  // Date.UTC maps years 0..99 to 1900..1999; set the full year explicitly.
  const probe = new Date(t);
  probe.setUTCFullYear(Number(y));
  t = probe.getTime() + ms;
  if (sign !== undefined) {
    const offsetMin = (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1);
    t -= offsetMin * 60_000;
  }
  const iso = new Date(t).toISOString();
  return Number.isNaN(t) ? text.trim() : iso;
}

// ---------------------------------------------------------------------------------------------------------
// Numbers

// Python's float() grammar (digits may be separated by single underscores), which the reference follows.
const DIGITS = '\\d(?:_?\\d)*';
const PY_FLOAT = new RegExp(`^[+-]?(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`);

/** A finite number written the way the reference implementation (Python `str`) writes it. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return BigInt(x).toString();
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4) {
    const digits = String(Math.abs(e)).padStart(2, '0');
    return `${mantissa}e-${digits}`;
  }
  return String(x);
}

/**
 * Numeric text in canonical form: no leading `+`, no leading or trailing zeros, no trailing `.0`
 * (`"600.0"` → `"600"`, `"+0.50"` → `"0.5"`). Text that is not a finite number is returned unchanged.
 */
export function normaliseNumeric(text: string): string {
  if (!PY_FLOAT.test(text)) return text;
  const x = Number(text.replaceAll('_', ''));
  if (!Number.isFinite(x)) return text;
  return formatNumber(x);
}

// ---------------------------------------------------------------------------------------------------------
// Legacy CBV 1.x URNs → CBV 2.0 web vocabulary

const LEGACY_VOCAB: readonly (readonly [string, string])[] = [
  ['urn:epcglobal:cbv:bizstep:', 'https://ref.gs1.org/cbv/BizStep-'],
  ['urn:epcglobal:cbv:disp:', 'https://ref.gs1.org/cbv/Disp-'],
  ['urn:epcglobal:cbv:btt:', 'https://ref.gs1.org/cbv/BTT-'],
  ['urn:epcglobal:cbv:sdt:', 'https://ref.gs1.org/cbv/SDT-'],
  ['urn:epcglobal:cbv:er:', 'https://ref.gs1.org/cbv/ER-'],
];

/** `urn:epcglobal:cbv:bizstep:shipping` → `https://ref.gs1.org/cbv/BizStep-shipping`, and the like. */
export function normaliseLegacyVocabulary(text: string): string {
  for (const [urn, web] of LEGACY_VOCAB) if (text.startsWith(urn)) return web + text.slice(urn.length);
  return text;
}

// ---------------------------------------------------------------------------------------------------------
// GS1 identifiers

/** The GS1 mod-10 check digit of a numeric key written without its check digit. */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const weight = (digits.length - i) % 2 === 1 ? 3 : 1; // rightmost digit has weight 3
    sum += Number(digits[i]) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

const withCheck = (digits: string): string => digits + String(gs1CheckDigit(digits));

/** GS1 Digital Link requires these characters of a serial/lot/reference to be percent-encoded. */
function dlEncode(s: string): string {
  return s.replace(/[!()*+,:]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

// EPC URI component characters (GS1 AI encodable character set 82, with %-escapes for the rest).
const EPC_CHARS = /^(?:%[0-9A-Fa-f]{2}|[!'()*+,.0-9:;=A-Za-z_-])+$/;
const DIGITS_ONLY = /^\d+$/;

function cpRef(cp: string, ref: string, total: number): boolean {
  return (
    DIGITS_ONLY.test(cp) &&
    cp.length >= 6 &&
    cp.length <= 12 &&
    /^\d*$/.test(ref) &&
    cp.length + ref.length === total
  );
}

function gtinOf(cp: string, itemRef: string): string {
  return withCheck(itemRef.slice(0, 1) + cp + itemRef.slice(1));
}

const serialOk = (s: string | undefined, max: number): s is string =>
  s !== undefined && s.length >= 1 && s.length <= max && EPC_CHARS.test(s);

function epcIdToDl(scheme: string, parts: string[]): string | null {
  const [a = '', b = '', c, d, e] = parts;
  const id = 'https://id.gs1.org';
  switch (scheme) {
    case 'sgtin':
      if (parts.length === 3 && cpRef(a, b, 13) && serialOk(c, 20))
        return `${id}/01/${gtinOf(a, b)}/21/${dlEncode(c)}`;
      return null;
    case 'sscc':
      if (parts.length === 2 && cpRef(a, b, 17))
        return `${id}/00/${withCheck(b.slice(0, 1) + a + b.slice(1))}`;
      return null;
    case 'sgln':
      if (parts.length === 3 && cpRef(a, b, 12) && serialOk(c, 20)) {
        const gln = withCheck(a + b);
        return c === '0' ? `${id}/414/${gln}` : `${id}/414/${gln}/254/${dlEncode(c)}`;
      }
      return null;
    case 'grai':
      if (parts.length === 3 && cpRef(a, b, 12) && serialOk(c, 16))
        return `${id}/8003/${withCheck(`0${a}${b}`)}${dlEncode(c)}`;
      return null;
    case 'giai':
      if (parts.length === 2 && cpRef(a, '', a.length) && serialOk(b, 30 - a.length))
        return `${id}/8004/${a}${dlEncode(b)}`;
      return null;
    case 'gsrn':
      if (parts.length === 2 && cpRef(a, b, 17)) return `${id}/8018/${withCheck(a + b)}`;
      return null;
    case 'gsrnp':
      if (parts.length === 2 && cpRef(a, b, 17)) return `${id}/8017/${withCheck(a + b)}`;
      return null;
    case 'gdti':
      if (parts.length === 3 && cpRef(a, b, 12) && serialOk(c, 17))
        return `${id}/253/${withCheck(a + b)}${dlEncode(c)}`;
      return null;
    case 'cpi':
      if (
        parts.length === 3 &&
        cpRef(a, '', a.length) &&
        /^(?:%2[3dfDF]|[0-9A-Z-])+$/.test(b) &&
        /^\d{1,12}$/.test(c ?? '')
      )
        return `${id}/8010/${dlEncode(a + b)}/8011/${c}`;
      return null;
    case 'sgcn':
      if (parts.length === 3 && cpRef(a, b, 12) && /^\d{1,12}$/.test(c ?? ''))
        return `${id}/255/${withCheck(a + b)}${c}`;
      return null;
    case 'ginc':
      if (parts.length === 2 && cpRef(a, '', a.length) && serialOk(b, 30 - a.length))
        return `${id}/401/${a}${dlEncode(b)}`;
      return null;
    case 'gsin':
      if (parts.length === 2 && cpRef(a, b, 16)) return `${id}/402/${withCheck(a + b)}`;
      return null;
    case 'itip':
      if (
        parts.length === 5 &&
        cpRef(a, b, 13) &&
        /^\d{2}$/.test(c ?? '') &&
        /^\d{2}$/.test(d ?? '') &&
        serialOk(e, 20)
      )
        return `${id}/8006/${gtinOf(a, b)}${c}${d}/21/${dlEncode(e)}`;
      return null;
    case 'upui':
      if (parts.length === 3 && cpRef(a, b, 13) && serialOk(c, 28))
        return `${id}/01/${gtinOf(a, b)}/235/${dlEncode(c)}`;
      return null;
    case 'pgln':
      if (parts.length === 2 && cpRef(a, b, 12)) return `${id}/417/${withCheck(a + b)}`;
      return null;
    default:
      return null;
  }
}

function epcPatternToDl(scheme: string, parts: string[]): string | null {
  const [a = '', b = '', c, d, e] = parts;
  const id = 'https://id.gs1.org';
  const star = (x: string | undefined) => x === '*';
  switch (scheme) {
    case 'sgtin':
    case 'upui':
      return parts.length === 3 && cpRef(a, b, 13) && star(c) ? `${id}/01/${gtinOf(a, b)}` : null;
    case 'grai':
      return parts.length === 3 && cpRef(a, b, 12) && star(c) ? `${id}/8003/${withCheck(`0${a}${b}`)}` : null;
    case 'gdti':
      return parts.length === 3 && cpRef(a, b, 12) && star(c) ? `${id}/253/${withCheck(a + b)}` : null;
    case 'sgcn':
      return parts.length === 3 && cpRef(a, b, 12) && star(c) ? `${id}/255/${withCheck(a + b)}` : null;
    case 'cpi':
      return parts.length === 3 && cpRef(a, '', a.length) && /^(?:%2[3dfDF]|[0-9A-Z-])+$/.test(b) && star(c)
        ? `${id}/8010/${dlEncode(a + b)}`
        : null;
    case 'itip':
      return parts.length === 5 &&
        cpRef(a, b, 13) &&
        /^\d{2}$/.test(c ?? '') &&
        /^\d{2}$/.test(d ?? '') &&
        star(e)
        ? `${id}/8006/${gtinOf(a, b)}${c}${d}`
        : null;
    default:
      return null;
  }
}

/** Primary-key AIs (and their GS1 Digital Link short names) that identify something in EPCIS. */
const PRIMARY_KEYS: Readonly<Record<string, string>> = {
  '00': '00',
  sscc: '00',
  '01': '01',
  gtin: '01',
  '253': '253',
  gdti: '253',
  '255': '255',
  gcn: '255',
  '401': '401',
  ginc: '401',
  '402': '402',
  gsin: '402',
  '414': '414',
  gln: '414',
  '417': '417',
  party: '417',
  '8003': '8003',
  grai: '8003',
  '8004': '8004',
  giai: '8004',
  '8006': '8006',
  itip: '8006',
  '8010': '8010',
  cpid: '8010',
  '8017': '8017',
  gsrnp: '8017',
  '8018': '8018',
  gsrn: '8018',
};
const QUALIFIER_NAMES: Readonly<Record<string, string>> = { cpv: '22', lot: '10', ser: '21' };

// Characters GS1 Digital Link allows in a key or qualifier value once percent-decoding is not applied.
const DL_VALUE = /^(?:%[0-9A-Fa-f]{2}|[!"'()*+,.0-9:;<=>?A-Z_a-z-])+$/;
const KEY_SYNTAX: Readonly<Record<string, RegExp>> = {
  '00': /^\d{18}$/,
  '01': /^\d{14}$/,
  '253': /^\d{13}.{0,17}$/,
  '255': /^\d{13}\d{0,12}$/,
  '401': /^.{1,30}$/,
  '402': /^\d{17}$/,
  '414': /^\d{13}$/,
  '417': /^\d{13}$/,
  '8003': /^\d{14}.{0,16}$/,
  '8004': /^.{1,30}$/,
  '8006': /^\d{18}$/,
  '8010': /^(?:%23|%2[Ff]|[#/0-9A-Z-]){1,30}$/,
  '8017': /^\d{18}$/,
  '8018': /^\d{18}$/,
};
/** Qualifiers kept in the canonical form, per primary key (the most fine-grained level wins). */
const KEEP_QUALIFIERS: Readonly<Record<string, readonly string[]>> = {
  '01': ['21', '10', '235'],
  '8006': ['21', '10'],
  '414': ['254'],
  '8010': ['8011'],
};

function digitalLinkToCanonical(uri: string): string | null {
  const m = /^https?:\/\/[^/?#]+(\/[^?#]*)?(?:\?[^#]*)?(?:#.*)?$/.exec(uri);
  if (!m) return null;
  const segments = (m[1] ?? '').split('/').filter((s) => s !== '');
  // The primary key is the first segment naming one whose value starts with four digits (the GS1 company
  // prefix); anything before it is the resolver's own path and is dropped.
  let start = -1;
  for (let i = 0; i + 1 < segments.length; i++) {
    const seg = segments[i] as string;
    if (PRIMARY_KEYS[seg] !== undefined && /^\d{4}/.test(segments[i + 1] as string)) {
      start = i;
      break;
    }
  }
  if (start < 0) return null;
  const ai = PRIMARY_KEYS[segments[start] as string] as string;
  let key = segments[start + 1] as string;
  if (ai === '01' && /^\d+$/.test(key) && [8, 12, 13].includes(key.length)) key = key.padStart(14, '0');
  const keySyntax = KEY_SYNTAX[ai];
  if (!keySyntax?.test(key) || !DL_VALUE.test(key)) return null;
  const rest = segments.slice(start + 2);
  if (rest.length % 2 !== 0) return null;
  const qualifiers = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const name = rest[i] as string;
    const q = QUALIFIER_NAMES[name] ?? name;
    const value = rest[i + 1] as string;
    if (!DL_VALUE.test(value) || value.length > 28 || qualifiers.has(q)) return null;
    qualifiers.set(q, value);
  }
  const keep = KEEP_QUALIFIERS[ai] ?? [];
  for (const q of qualifiers.keys()) if (q !== '22' && !keep.includes(q)) return null;
  let out = `https://id.gs1.org/${ai}/${key}`;
  // Most fine-grained level only: a serial supersedes a lot; the CPV (22) is dropped.
  for (const q of keep) {
    const v = qualifiers.get(q);
    if (v !== undefined) {
      out += `/${q}/${v}`;
      break;
    }
  }
  return out;
}

/**
 * The canonical, constrained GS1 Digital Link URI of an EPC URI, EPC class URI, EPC pattern URI or
 * GS1 Digital Link URI (any resolver domain, short names, query string, CPV and lot-under-serial removed);
 * `null` when `uri` does not carry a GS1 key.
 */
export function toCanonicalDigitalLink(uri: string): string | null {
  if (uri.startsWith('urn:epc:id:')) {
    const [scheme = '', body = ''] = splitOnce(uri.slice('urn:epc:id:'.length), ':');
    return epcIdToDl(scheme, body.split('.'));
  }
  if (uri.startsWith('urn:epc:class:lgtin:')) {
    const parts = uri.slice('urn:epc:class:lgtin:'.length).split('.');
    const [a = '', b = '', c] = parts;
    if (parts.length === 3 && cpRef(a, b, 13) && serialOk(c, 20))
      return `https://id.gs1.org/01/${gtinOf(a, b)}/10/${dlEncode(c)}`;
    return null;
  }
  if (uri.startsWith('urn:epc:idpat:')) {
    const [scheme = '', body = ''] = splitOnce(uri.slice('urn:epc:idpat:'.length), ':');
    return epcPatternToDl(scheme, body.split('.'));
  }
  if (uri.startsWith('http://') || uri.startsWith('https://')) return digitalLinkToCanonical(uri);
  return null;
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

/** Every value (other than timestamps) goes through this: trim, legacy URNs, numbers, GS1 identifiers. */
export function canonicaliseValue(text: string): string {
  let t = text.trim();
  t = normaliseLegacyVocabulary(t);
  t = normaliseNumeric(t);
  return toCanonicalDigitalLink(t) ?? t;
}
