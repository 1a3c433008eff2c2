/**
 * The protobuf schema (parsed once from the embedded text of proto/xinlian.proto) and the
 * low-level helpers every message codec uses: strict field conversion and canonical checks.
 */
import { equalBytes, isXinlianError } from '@xinlian/utils';
import protobuf from 'protobufjs';

/** Node's Buffer, or undefined in browsers. */
const NodeBuffer: typeof Buffer | undefined = typeof Buffer === 'function' ? Buffer : undefined;

import { codecError } from './errors.js';
import { XINLIAN_PROTO } from './proto-text.js';

const root = protobuf.parse(XINLIAN_PROTO).root.resolveAll();
const type = (name: string): protobuf.Type => root.lookupType(`xinlian.v1.${name}`);

/** Reflected message types; an immutable table built once from the schema text. */
export const PB = Object.freeze({
  TxBody: type('TxBody'),
  SignedTx: type('SignedTx'),
  BlockHeader: type('BlockHeader'),
  CommitSignature: type('CommitSignature'),
  CommitCertificate: type('CommitCertificate'),
  Block: type('Block'),
  Vote: type('Vote'),
  Validator: type('Validator'),
  ValidatorSet: type('ValidatorSet'),
  EventAttribute: type('EventAttribute'),
  TxEvent: type('TxEvent'),
  TxReceipt: type('TxReceipt'),
  Proposal: type('Proposal'),
  ConsensusMessage: type('ConsensusMessage'),
  WalRecord: type('WalRecord'),
});

/** Enum numbers by name, read from the schema. */
export function enumValues(name: string): Readonly<Record<string, number>> {
  return Object.freeze({ ...root.lookupEnum(`xinlian.v1.${name}`).values });
}

/** A uint64 as protobufjs decodes it (a Long when `long` is installed, else a number). */
type PbU64 = number | { readonly low: number; readonly high: number };
/** A decoded protobufjs message: known fields by camelCase name, plus preserved unknown fields. */
export type PbMessage = { readonly [field: string]: unknown };

/** Encodes a plain field object with a reflected type into a fresh, exactly sized Uint8Array. */
export function encodeWith(t: protobuf.Type, fields: object): Uint8Array {
  const w = t.encode(fields);
  return w.finishInto(new Uint8Array(w.pos));
}

/** Wire-level decode; every failure (truncation, bad length, invalid UTF-8, ...) is CODEC_MALFORMED. */
export function decodeWith(t: protobuf.Type, bytes: Uint8Array): PbMessage {
  if (!(bytes instanceof Uint8Array)) {
    throw codecError('CODEC_MALFORMED', `expected bytes to decode ${t.name}`, { type: t.name });
  }
  try {
    // On Node a Buffer view makes protobufjs decode bytes fields as Buffers (as before); in browsers
    // there is no Buffer and the plain Uint8Array reader is used.
    const reader = protobuf.Reader.create(
      NodeBuffer === undefined ? bytes : NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    );
    reader.discardUnknown = false; // kept so that checkFields can tell unknown fields from wrong wire types
    return t.decode(reader) as unknown as PbMessage;
  } catch (e) {
    if (isXinlianError(e)) throw e;
    throw codecError(
      'CODEC_MALFORMED',
      `undecodable ${t.name}: ${(e as Error).message}`,
      { type: t.name },
      e,
    );
  }
}

/**
 * Rejects fields protobufjs could not place: a known field number with the wrong wire type is
 * CODEC_MALFORMED, an unknown field number CODEC_NON_CANONICAL.
 */
export function checkFields(t: protobuf.Type, m: PbMessage): void {
  const unknowns = m.$unknowns as readonly Uint8Array[] | undefined;
  if (unknowns === undefined || unknowns.length === 0) return;
  for (const raw of unknowns) {
    const field = protobuf.Reader.create(raw).uint32() >>> 3;
    if (t.fieldsById[field] !== undefined) {
      throw codecError('CODEC_MALFORMED', `${t.name} field ${field} has the wrong wire type`, {
        type: t.name,
        field: t.fieldsById[field].name,
      });
    }
  }
  throw codecError('CODEC_NON_CANONICAL', `${t.name} has unknown fields`, { type: t.name });
}

/** Throws CODEC_NON_CANONICAL unless `reencoded` equals the decoded input byte for byte. */
export function requireSame(typeName: string, input: Uint8Array, reencoded: Uint8Array): void {
  if (input.byteLength !== reencoded.byteLength || !equalBytes(input, reencoded)) {
    throw codecError('CODEC_NON_CANONICAL', `${typeName} bytes are not in canonical form`, {
      type: typeName,
    });
  }
}

// ---- decoded field → domain value ----

export function u64From(typeName: string, field: string, v: unknown): number {
  if (typeof v === 'number') return v;
  const { low, high } = v as Exclude<PbU64, number>;
  const hi = high >>> 0;
  if (hi > 0x1fffff) {
    throw codecError('CODEC_MALFORMED', `${typeName}.${field} exceeds Number.MAX_SAFE_INTEGER`, {
      type: typeName,
      field,
    });
  }
  return hi * 0x1_0000_0000 + (low >>> 0);
}

/** A Uint8Array view of a decoded bytes field (never the shared protobufjs default). */
export function bytesFrom(v: unknown): Uint8Array {
  const b = v as Uint8Array;
  return b.length === 0 ? new Uint8Array(0) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

// ---- domain value → field to encode (validated) ----

const LONE_SURROGATE = /\p{Cs}/u;

/** Validates a uint64 value: a non-negative safe integer. */
export function u64To(typeName: string, field: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) {
    throw codecError('CODEC_MALFORMED', `${typeName}.${field} must be a non-negative safe integer`, {
      type: typeName,
      field,
      value: String(v),
    });
  }
  return v;
}

/** Validates a string value: well-formed UTF-16 (so it has exactly one UTF-8 encoding). */
export function stringTo(typeName: string, field: string, v: string): string {
  if (typeof v !== 'string' || LONE_SURROGATE.test(v)) {
    throw codecError('CODEC_MALFORMED', `${typeName}.${field} must be a well-formed string`, {
      type: typeName,
      field,
    });
  }
  return v;
}

/** Validates a round number that may be -1 (none): an integer in [-1, 2^31 - 1] (a sint32). */
export function roundOrNoneTo(typeName: string, field: string, v: number): number {
  if (!Number.isInteger(v) || v < -1 || v > 0x7fff_ffff) {
    throw codecError('CODEC_MALFORMED', `${typeName}.${field} must be an integer from -1 to 2^31 - 1`, {
      type: typeName,
      field,
      value: String(v),
    });
  }
  return v;
}

export function bytesTo(typeName: string, field: string, v: Uint8Array): Uint8Array {
  if (!(v instanceof Uint8Array)) {
    throw codecError('CODEC_MALFORMED', `${typeName}.${field} must be a Uint8Array`, {
      type: typeName,
      field,
    });
  }
  return v;
}

export function listTo<T>(typeName: string, field: string, v: readonly T[]): readonly T[] {
  if (!Array.isArray(v)) {
    throw codecError('CODEC_MALFORMED', `${typeName}.${field} must be an array`, { type: typeName, field });
  }
  return v;
}
