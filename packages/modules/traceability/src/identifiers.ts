/**
 * Identifier syntax (GS1 EPC Tag Data Standard 2.0 pure-identity URIs and GS1 Digital Link 1.x
 * basics) and the company-prefix position of an identifier, used to decide which registered
 * identifier range (GS1 company prefix or URI prefix) an identifier falls into.
 *
 * Only identifiers that claim one of these syntaxes are checked (`urn:epc:…`, or an http(s) URI
 * whose path holds a GS1 primary-key application identifier); EPCIS allows any other URI.
 */

/** A parsed identifier: its syntax, scheme (EPC scheme or Digital Link AI) and company digits. */
export interface ParsedId {
  readonly syntax: 'epc' | 'dl';
  /** EPC scheme (`sgtin`, `lgtin`, …) or Digital Link primary AI (`01`, `00`, `414`, …). */
  readonly scheme: string;
  /**
   * The digits starting at the GS1 company prefix (indicator/extension digit removed), or
   * undefined when the identifier has no GS1 company prefix (e.g. `gid`).
   */
  readonly companyDigits: string | undefined;
}

export type IdResult =
  | { ok: true; id: ParsedId }
  | { ok: false; reason: string }
  | { ok: true; id: undefined };

/** GS1 mod-10 check digit of the digits before the last one is the last one. */
export function gs1CheckDigitOk(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  let sum = 0;
  const body = digits.length - 1;
  for (let i = 0; i < body; i++) {
    const d = digits.charCodeAt(body - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(body) - 48;
}

// GS1 AI encodable character set 82 (TDS §5), with %-escapes in URIs.
const CS82 = "(?:[A-Za-z0-9!'()*+,\\-.:;=_]|%[0-9A-Fa-f]{2})";
const serial = (max: number) => new RegExp(`^${CS82}{1,${max}}$`);
const serial0 = (max: number) => new RegExp(`^${CS82}{0,${max}}$`);

/**
 * GS1 EPC schemes: number of dot-separated parts, the total digits of the first two parts
 * (company prefix + reference), whether the reference starts with an indicator/extension digit,
 * and the pattern of the remaining parts.
 */
const EPC_SCHEMES: Readonly<
  Record<string, { parts: number; digits?: number; maxDigits?: number; indicator?: boolean; rest?: RegExp[] }>
> = {
  sgtin: { parts: 3, digits: 13, indicator: true, rest: [serial(20)] },
  sscc: { parts: 2, digits: 17, indicator: true },
  sgln: { parts: 3, digits: 12, rest: [serial(20)] },
  grai: { parts: 3, digits: 12, rest: [serial0(16)] },
  giai: { parts: 2, rest: [serial(30)] },
  gsrn: { parts: 2, digits: 17 },
  gsrnp: { parts: 2, digits: 17 },
  gdti: { parts: 3, digits: 12, rest: [serial0(17)] },
  cpi: { parts: 3, rest: [/^(?:[0-9A-Z\-#/]|%2[3dDfF])+$/, /^\d{1,12}$/] },
  sgcn: { parts: 3, digits: 12, rest: [/^\d{0,12}$/] },
  ginc: { parts: 2, rest: [serial(30)] },
  gsin: { parts: 2, digits: 16 },
  itip: { parts: 5, digits: 13, indicator: true, rest: [/^\d{2}$/, /^\d{2}$/, serial(20)] },
  upui: { parts: 3, digits: 13, indicator: true, rest: [serial(28)] },
  pgln: { parts: 2, digits: 12 },
};
/** EPC class URIs (urn:epc:class:…). */
const CLASS_SCHEMES: Readonly<Record<string, { parts: number; digits: number; indicator: boolean }>> = {
  lgtin: { parts: 3, digits: 13, indicator: true },
};
/** Non-GS1 EPC schemes: syntax checked loosely, no company prefix. */
const OTHER_EPC =
  /^(?:gid:\d+\.\d+\.\d+|usdod:[0-9A-Z ]+\.\d+|adi:[0-9A-Z]+\.[0-9A-Z]*\.[0-9A-Z#/-]+|bic:[A-Z]{3}[UJZ]\d{7}|imovn:\d{7})$/;

function parseGs1Epc(
  kind: 'id' | 'class' | 'idpat',
  scheme: string,
  body: string,
): { ok: true; id: ParsedId } | { ok: false; reason: string } {
  const rule = kind === 'class' ? CLASS_SCHEMES[scheme] : EPC_SCHEMES[scheme];
  if (rule === undefined) return { ok: false, reason: `unknown EPC ${kind} scheme "${scheme}"` };
  const parts = body.split('.');
  if (parts.length !== rule.parts) {
    return {
      ok: false,
      reason: `urn:epc:${kind}:${scheme} has ${rule.parts} dot-separated parts, not ${parts.length}`,
    };
  }
  const cp = parts[0]!;
  if (!/^\d{6,12}$/.test(cp)) return { ok: false, reason: 'the GS1 company prefix must be 6 to 12 digits' };
  const ref = parts[1]!;
  const numericRef = 'digits' in rule && rule.digits !== undefined;
  if (kind === 'idpat' && parts.slice(1).some((p) => p === '*')) {
    const firstStar = parts.indexOf('*');
    if (parts.slice(firstStar).some((p) => p !== '*'))
      return { ok: false, reason: 'a pattern has only trailing *' };
  } else if (numericRef) {
    if (!/^\d*$/.test(ref) || cp.length + ref.length !== rule.digits) {
      return {
        ok: false,
        reason: `company prefix and reference of ${scheme} must be ${rule.digits} digits together`,
      };
    }
    const rest = kind === 'class' ? [serial(20)] : ((rule as { rest?: RegExp[] }).rest ?? []);
    for (let i = 0; i < rest.length; i++) {
      const part = parts[2 + i]!;
      if (kind === 'idpat' && part === '*') continue;
      if (!rest[i]!.test(part))
        return { ok: false, reason: `part ${3 + i} of ${scheme} ("${part}") is invalid` };
    }
  } else {
    const rest = (rule as { rest?: RegExp[] }).rest ?? [];
    for (let i = 0; i < rest.length; i++) {
      const part = parts[1 + i]!;
      if (kind === 'idpat' && part === '*') continue;
      if (!rest[i]!.test(part))
        return { ok: false, reason: `part ${2 + i} of ${scheme} ("${part}") is invalid` };
    }
  }
  const indicator = 'indicator' in rule && rule.indicator === true;
  const refDigits = /^\d+$/.test(ref) ? ref : '';
  const companyDigits = cp + (indicator ? refDigits.slice(1) : refDigits);
  return { ok: true, id: { syntax: 'epc', scheme, companyDigits } };
}

/** Parses an EPC URI (`urn:epc:id:…`, `urn:epc:class:…`, `urn:epc:idpat:…`). */
export function parseEpcUri(uri: string): { ok: true; id: ParsedId } | { ok: false; reason: string } {
  const m = /^urn:epc:(id|class|idpat):([a-z]+):(.+)$/.exec(uri);
  if (m === null) return { ok: false, reason: 'not an EPC URI (urn:epc:id|class|idpat:<scheme>:<parts>)' };
  const [, kind, scheme, body] = m as unknown as [string, 'id' | 'class' | 'idpat', string, string];
  if (kind === 'id' && OTHER_EPC.test(`${scheme}:${body}`)) {
    return { ok: true, id: { syntax: 'epc', scheme, companyDigits: undefined } };
  }
  if (kind === 'id' && scheme in { gid: 1, usdod: 1, adi: 1, bic: 1, imovn: 1 }) {
    return { ok: false, reason: `invalid urn:epc:id:${scheme} syntax` };
  }
  return parseGs1Epc(kind, scheme, body);
}

/** Digital Link primary-key AIs: value pattern, whether it has a check digit, digits skipped before the company prefix. */
const DL_KEYS: Readonly<Record<string, { re: RegExp; check: boolean; skip: number }>> = {
  '01': { re: /^(?:\d{8}|\d{12}|\d{13}|\d{14})$/, check: true, skip: 1 },
  '00': { re: /^\d{18}$/, check: true, skip: 1 },
  '414': { re: /^\d{13}$/, check: true, skip: 0 },
  '417': { re: /^\d{13}$/, check: true, skip: 0 },
  '8003': { re: /^\d{14}/, check: true, skip: 1 },
  '8004': { re: new RegExp(`^\\d{4}${CS82}{0,26}$`), check: false, skip: 0 },
  '8006': { re: /^\d{18}$/, check: true, skip: 1 },
  '8010': { re: /^\d{4}(?:[0-9A-Z\-#/]|%2[3dDfF]){0,26}$/, check: false, skip: 0 },
  '8017': { re: /^\d{18}$/, check: true, skip: 0 },
  '8018': { re: /^\d{18}$/, check: true, skip: 0 },
  '253': { re: /^\d{13}/, check: true, skip: 0 },
  '255': { re: /^\d{13}\d{0,12}$/, check: true, skip: 0 },
  '401': { re: new RegExp(`^\\d{4}${CS82}{0,26}$`), check: false, skip: 0 },
  '402': { re: /^\d{17}$/, check: true, skip: 0 },
};
/** Digits of the check-digit-bearing part of a key value. */
const CHECKED_LENGTH: Readonly<Record<string, number>> = { '8003': 14, '253': 13, '255': 13 };

/**
 * Parses a GS1 Digital Link URI (any host; the first path segment pair naming a primary-key AI).
 * Returns `{ ok: true, id: undefined }` for an http(s) URI that is not a Digital Link.
 */
export function parseDigitalLink(uri: string): IdResult {
  const m = /^https?:\/\/[^/?#]+((?:\/[^?#]*)?)/.exec(uri);
  if (m === null) return { ok: true, id: undefined };
  const segments = (m[1] ?? '').split('/').filter((s) => s.length > 0);
  for (let i = 0; i + 1 < segments.length; i++) {
    const ai = segments[i]!;
    const rule = DL_KEYS[ai];
    if (rule === undefined) continue;
    const value = segments[i + 1]!;
    if (!rule.re.test(value))
      return { ok: false, reason: `Digital Link AI (${ai}) value "${value}" is malformed` };
    let digits = value;
    if (ai === '01') digits = value.padStart(14, '0');
    const checked = digits.slice(0, CHECKED_LENGTH[ai] ?? digits.length);
    if (rule.check && !gs1CheckDigitOk(checked)) {
      return { ok: false, reason: `Digital Link AI (${ai}) value "${value}" has a wrong check digit` };
    }
    const numeric = /^\d+/.exec(digits)?.[0] ?? '';
    return { ok: true, id: { syntax: 'dl', scheme: ai, companyDigits: numeric.slice(rule.skip) } };
  }
  return { ok: true, id: undefined };
}

/** Checks an identifier's syntax when it claims EPC URI or Digital Link syntax. */
export function parseIdentifier(uri: string): IdResult {
  if (uri.startsWith('urn:epc:')) return parseEpcUri(uri);
  if (uri.startsWith('http://') || uri.startsWith('https://')) return parseDigitalLink(uri);
  return { ok: true, id: undefined };
}

/** An identifier range an organization registers. */
export interface IdentifierRange {
  /** `gs1`: a GS1 company prefix (digits); `uri`: a URI prefix. */
  readonly kind: 'gs1' | 'uri';
  readonly prefix: string;
}

/** Whether an identifier falls into a range. */
export function inRange(range: IdentifierRange, uri: string): boolean {
  if (range.kind === 'uri') return uri.startsWith(range.prefix);
  const r = parseIdentifier(uri);
  return r.ok && r.id?.companyDigits?.startsWith(range.prefix) === true;
}
