/**
 * Thin, strict wrappers around @peculiar/asn1-schema: parse only canonical DER (the bytes must
 * re-encode to themselves), PEM armour, names, and serial numbers.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from '@peculiar/asn1-x509';
import { equalBytes, fromBase64, toBase64, toHex } from '@xinlian/utils';
import { type PkiErrorCode, pkiError } from './errors.js';
import { CA_OU, checkName, checkOrg, isRole, OID, type Role } from './profile.js';

/** Concrete view of an ArrayBuffer (or a view of one) as a Uint8Array copy. */
export function bytesOf(b: ArrayBuffer | ArrayBufferView): Uint8Array {
  return b instanceof ArrayBuffer
    ? new Uint8Array(b.slice(0))
    : new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** An exact ArrayBuffer holding `bytes` (the ASN.1 library stores ArrayBuffers). */
export function bufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** DER of an ASN.1 object. */
export function serialize(obj: unknown): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(obj));
}

/**
 * Parses DER into `type` and requires the bytes to be the canonical encoding of what was read
 * (so BER forms, trailing bytes and non-minimal encodings are refused). Throws PKI_MALFORMED.
 */
export function parseStrict<T>(der: Uint8Array, type: new () => T, what: string): T {
  let value: T;
  try {
    value = AsnConvert.parse(der, type);
  } catch (e) {
    throw pkiError('PKI_MALFORMED', `${what} is not valid DER`, { what }, e);
  }
  let again: Uint8Array;
  try {
    again = serialize(value);
  } catch (e) {
    throw pkiError('PKI_MALFORMED', `${what} cannot be re-encoded`, { what }, e);
  }
  if (!equalBytes(again, der)) {
    throw pkiError('PKI_MALFORMED', `${what} is not canonical DER`, { what });
  }
  return value;
}

const PEM_RE = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END \1-----/g;

/** PEM armour (64-character lines) of DER bytes. */
export function toPem(der: Uint8Array, label: string): string {
  const b64 = toBase64(der).replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

/** All PEM blocks with `label` in `text`, as DER. Throws PKI_MALFORMED if there is none. */
export function fromPemAll(text: string, label: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of text.matchAll(PEM_RE)) {
    if (m[1] !== label) continue;
    const b64 = m[2].replace(/\s+/g, '');
    const der = fromBase64(b64);
    if (toBase64(der) !== b64) throw pkiError('PKI_MALFORMED', `bad base64 in a ${label} PEM block`, {});
    out.push(der);
  }
  if (out.length === 0) throw pkiError('PKI_MALFORMED', `no ${label} PEM block found`, { label });
  return out;
}

/** The one PEM block with `label` in `text`. Throws PKI_MALFORMED if there is not exactly one. */
export function fromPem(text: string, label: string): Uint8Array {
  const all = fromPemAll(text, label);
  if (all.length !== 1)
    throw pkiError('PKI_MALFORMED', `expected one ${label} PEM block`, { count: all.length });
  return all[0];
}

/** DER bytes from DER or from PEM text (a string, or bytes that start with "-----BEGIN"). */
export function derOf(input: Uint8Array | string, label: string): Uint8Array {
  if (typeof input === 'string') return fromPem(input, label);
  const head = Buffer.from(input.subarray(0, 11)).toString('latin1');
  return head === '-----BEGIN ' ? fromPem(Buffer.from(input).toString('utf8'), label) : input;
}

/** The distinguished name of the profile: O=org, OU=unit (a role or "ca"), CN=name, each a UTF8String. */
export interface DistinguishedName {
  readonly org: string;
  readonly unit: Role | typeof CA_OU;
  readonly name: string;
}

/** The X.501 Name of a distinguished name, RDNs in the order O, OU, CN. */
export function encodeName(dn: DistinguishedName): Name {
  const rdn = (type: string, value: string) =>
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) }),
    ]);
  return new Name([
    rdn(OID.organizationName, dn.org),
    rdn(OID.organizationalUnitName, dn.unit),
    rdn(OID.commonName, dn.name),
  ]);
}

/** Reads a profile name strictly: exactly O, OU, CN in that order, single-valued, UTF8String. */
export function decodeName(name: Name, which: 'subject' | 'issuer'): DistinguishedName {
  const fail = (reason: string): never => {
    throw pkiError('PKI_PROFILE', `${which} name: ${reason}`, { field: which, reason });
  };
  const types = [OID.organizationName, OID.organizationalUnitName, OID.commonName];
  if (name.length !== 3) fail('must be exactly O, OU, CN');
  const values = name.map((rdn, i) => {
    if (rdn.length !== 1) fail('multi-valued RDN');
    const atv = rdn[0];
    if (atv.type !== types[i]) fail('must be exactly O, OU, CN in this order');
    const v = atv.value;
    if (v.utf8String === undefined) fail('attributes must be UTF8String');
    return v.utf8String as string;
  });
  const [org, unit, cn] = values;
  checkOrg(org, 'PKI_PROFILE');
  checkName(cn, 'PKI_PROFILE');
  if (unit !== CA_OU && !isRole(unit)) fail(`OU ${JSON.stringify(unit)} is not a role or "ca"`);
  return { org, unit: unit as Role | typeof CA_OU, name: cn };
}

/** true iff two distinguished names are equal. */
export function sameName(a: DistinguishedName, b: DistinguishedName): boolean {
  return a.org === b.org && a.unit === b.unit && a.name === b.name;
}

/** RFC 4514-style text of a profile name, e.g. "O=acme,OU=client,CN=alice" (for messages only). */
export function nameText(dn: DistinguishedName): string {
  return `O=${dn.org},OU=${dn.unit},CN=${dn.name}`;
}

/**
 * A serial number's canonical text: lower-case hex of the positive INTEGER value without leading
 * zero bytes. Accepts upper case, `0x`, colons (as `openssl x509 -serial` and `-text` print them)
 * and leading zeros. Throws `code` (default PKI_INVALID_ARGUMENT) on anything else.
 */
export function normalizeSerial(serial: string, code: PkiErrorCode = 'PKI_INVALID_ARGUMENT'): string {
  let s = serial.trim().toLowerCase().replace(/^0x/, '').replaceAll(':', '');
  if (!/^[0-9a-f]{1,42}$/.test(s)) throw pkiError(code, 'a serial number is hex', { serial });
  s = s.replace(/^0+/, '');
  if (s.length === 0) throw pkiError(code, 'a serial number is positive', { serial });
  if (s.length % 2 === 1) s = `0${s}`;
  if (s.length > 40) throw pkiError(code, 'a serial number has at most 20 octets', { serial });
  return s;
}

/** Serial text of an INTEGER's DER content octets; throws PKI_PROFILE unless positive and ≤ 20 octets. */
export function serialOf(content: Uint8Array): string {
  if (content.length === 0 || content.length > 21 || (content[0] & 0x80) !== 0) {
    throw pkiError('PKI_PROFILE', 'serial number must be a positive integer of at most 20 octets', {});
  }
  const hex = toHex(content).replace(/^(00)+/, '');
  if (hex.length === 0 || hex.length > 40) {
    throw pkiError('PKI_PROFILE', 'serial number must be a positive integer of at most 20 octets', {});
  }
  return hex;
}
