/**
 * The evidence module (存证): evidence records, copyright registration (确权), licensing (授权),
 * infringement evidence (维权) and batch anchoring, per spec/evidence.md.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { canonicalJson, type JsonValue, parseCanonicalJson } from '@xinlian/codec';
import type {
  Module,
  ModuleMethod,
  ModuleQuery,
  ModuleQueryState,
  ModuleState,
  TxContext,
} from '@xinlian/execution';
import { compareBytes, concatBytes, fromHex, toHex, u64be, XinlianError } from '@xinlian/utils';
import {
  batchKey,
  digestKey,
  recordKey,
  recordKeyOf,
  SUBMITTER_SUFFIX_LENGTH,
  submitterKey,
  submitterPrefix,
  TIME_SUFFIX_LENGTH,
  timeKey,
  timePrefix,
  unversionedPrefixes,
} from './keys.js';
import {
  AnchorBatchArgs,
  ByDigestParams,
  BySubmitterParams,
  ByTimeParams,
  type Digest,
  type EvidenceRecord,
  GetParams,
  GrantLicenseArgs,
  HistoryParams,
  type RecordKind,
  type RecordPage,
  type RecordResult,
  type RecordVersion,
  RegisterCopyrightArgs,
  ReportInfringementArgs,
  SubmitArgs,
} from './schemas.js';
import { badArgs, compileValidator } from './validate.js';

/** The module name and state namespace. */
export const EVIDENCE_MODULE = 'evidence';

/** Error codes of the evidence module, with their meaning. */
export const EVIDENCE_ERROR_CODES = Object.freeze({
  EVIDENCE_BAD_ARGS: 'args or query parameters are invalid (details.field names the offending field)',
  EVIDENCE_NOT_FOUND: 'no record with this ID (e.g. an unknown registration)',
  EVIDENCE_NOT_OWNER: "only the registration's submitter may grant a license",
  EVIDENCE_KIND_MISMATCH: 'the referenced record is not a copyright registration',
} as const);

const DEFAULT_LIMIT = 50;

type Reader = Pick<ModuleQueryState, 'get'>;
type WithDigests = { readonly digests: readonly Digest[] };

function checkDistinctAlgorithms<T extends WithDigests>(args: T): T {
  const seen = new Set<string>();
  args.digests.forEach((d, i) => {
    if (seen.has(d.algorithm)) throw badArgs(`digests[${i}].algorithm`, 'duplicate digest algorithm');
    seen.add(d.algorithm);
  });
  return args;
}

function decodeRecord(bytes: Uint8Array): EvidenceRecord {
  return parseCanonicalJson(bytes) as unknown as EvidenceRecord;
}

function readRecord(state: Reader, id: string): EvidenceRecord | undefined {
  const bytes = state.get(recordKey(id));
  return bytes === undefined ? undefined : decodeRecord(bytes);
}

function mustRecord(state: Reader, id: string): EvidenceRecord {
  const record = readRecord(state, id);
  if (record === undefined) throw new XinlianError('EVIDENCE_NOT_FOUND', `no record ${id}`, { id });
  return record;
}

/** The copyright registration a license or infringement report refers to. */
function registration(state: Reader, id: string): EvidenceRecord {
  const record = readRecord(state, id);
  if (record === undefined) {
    throw new XinlianError('EVIDENCE_NOT_FOUND', `no registration ${id}`, { registration: id });
  }
  if (record.kind !== 'copyright') {
    throw new XinlianError(
      'EVIDENCE_KIND_MISMATCH',
      `record ${id} is a ${record.kind} record, not copyright`,
      {
        registration: id,
        kind: record.kind,
        expected: 'copyright',
      },
    );
  }
  return record;
}

/** A tx result, its keys in sorted order (canonicalJson then writes it without a sorted copy). */
const result = (recordId: string, existing: boolean): RecordResult => ({ existing, recordId });

function existingFor(state: Reader, key: Uint8Array): RecordResult | undefined {
  const id = state.get(key);
  return id === undefined ? undefined : result(toHex(id), true);
}

/**
 * `{ ...fields, ...own }` built with its keys in sorted order, so that canonicalJson writes it
 * without sorting a copy (the same bytes either way).
 */
function withSortedKeys(fields: object, own: Readonly<Record<string, JsonValue>>): Record<string, unknown> {
  const values = fields as Readonly<Record<string, unknown>>;
  const keys = Object.keys(fields).filter((k) => !Object.hasOwn(own, k));
  keys.push(...Object.keys(own));
  keys.sort();
  // fromEntries defines data properties (a "__proto__" key stays an ordinary key, as with spread).
  return Object.fromEntries(keys.map((k) => [k, Object.hasOwn(own, k) ? own[k] : values[k]]));
}

/**
 * Stores a new record with its indexes and emits `evidence.recorded`. `firstAbsent`: the digest key
 * of `fields.digests[0]`, which the caller has just found unset (not looked up again).
 */
function store(
  ctx: TxContext,
  state: ModuleState,
  kind: RecordKind,
  fields: Omit<EvidenceRecord, 'id' | 'kind' | 'submitter' | 'height' | 'time' | 'txId'>,
  eventDigest: string | undefined,
  firstAbsent?: Uint8Array,
): RecordResult {
  const id = toHex(ctx.txId);
  const idBytes = ctx.txId;
  const record = withSortedKeys(fields, {
    height: ctx.height,
    id,
    kind,
    submitter: ctx.sender.address,
    time: ctx.blockTime,
    txId: id,
  }) as EvidenceRecord;
  state.set(recordKeyOf(idBytes), canonicalJson(record));
  state.set(submitterKey(ctx.sender.address, ctx.height, ctx.txIndex), idBytes);
  state.set(timeKey(ctx.blockTime, ctx.height, ctx.txIndex), idBytes);
  const digests = fields.digests ?? [];
  for (let i = 0; i < digests.length; i++) {
    const d = digests[i]!;
    if (i === 0 && firstAbsent !== undefined) {
      state.set(firstAbsent, idBytes);
      continue;
    }
    const key = digestKey(d.algorithm, d.value);
    if (state.get(key) === undefined) state.set(key, idBytes);
  }
  const attributes = [
    { key: 'id', value: id },
    { key: 'kind', value: kind },
  ];
  if (eventDigest !== undefined) attributes.push({ key: 'digest', value: eventDigest });
  state.emit({ type: 'evidence.recorded', attributes });
  return result(id, false);
}

/** The existing record of the first digest, else a new record (submit, registerCopyright, reportInfringement). */
function existingOrStore(
  ctx: TxContext,
  state: ModuleState,
  kind: RecordKind,
  args: Parameters<typeof store>[3] & WithDigests,
): RecordResult {
  const first = args.digests[0]!;
  const key = digestKey(first.algorithm, first.value);
  return existingFor(state, key) ?? store(ctx, state, kind, args, digestLabel(first), key);
}

const digestLabel = (d: Digest) => `${d.algorithm}:${d.value}`;

/** Roles that may write evidence by default (on a permissioned chain; spec/governance.md). */
export const EVIDENCE_DEFAULT_ROLES: readonly string[] = Object.freeze(['admin', 'client']);

function method<S extends TSchema, A>(
  schema: S,
  check: (args: Static<S>) => A,
  execute: (ctx: TxContext, state: ModuleState, args: A) => RecordResult,
  targets?: (args: A) => readonly string[],
): ModuleMethod<A> {
  const validate = compileValidator(schema);
  const m = {
    decodeArgs: (json: JsonValue) => check(validate(json)),
    execute,
    roles: EVIDENCE_DEFAULT_ROLES,
  };
  return targets === undefined ? m : { ...m, targets };
}

/** A license or infringement report refers to (changes the standing of) its registration. */
const registrationTarget = (args: { readonly registration: string }) => [args.registration];

function query<S extends TSchema, P, R extends JsonValue>(
  schema: S,
  check: (params: Static<S>) => P,
  run: (state: ModuleQueryState, params: P) => R,
): ModuleQuery<P, R> {
  const validate = compileValidator(schema);
  return { decodeParams: (json) => check(validate(json)), run };
}

function checkCursor(cursor: string | undefined, bytes: number): void {
  if (cursor !== undefined && cursor.length !== bytes * 2)
    throw badArgs('cursor', 'not a cursor of this query');
}

/** A newest-first page of the index entries under prefix in [start, end). */
function page(
  state: ModuleQueryState,
  prefix: Uint8Array,
  range: { start?: Uint8Array; end?: Uint8Array },
  limit: number | undefined,
  cursor: string | undefined,
): RecordPage {
  let end = range.end;
  if (cursor !== undefined) {
    const after = concatBytes(prefix, fromHex(cursor));
    if (end === undefined || compareBytes(after, end) < 0) end = after;
  }
  const n = limit ?? DEFAULT_LIMIT;
  const opts = {
    limit: n + 1,
    reverse: true,
    ...(range.start ? { start: range.start } : {}),
    ...(end ? { end } : {}),
  };
  const entries = state.scan(prefix, opts);
  const records = entries.slice(0, n).map((kv) => mustRecord(state, toHex(kv.value)));
  if (entries.length <= n) return { records };
  return { records, nextCursor: toHex(entries[n - 1]!.key.subarray(prefix.length)) };
}

/** Creates the evidence module (validators are compiled per instance). */
export function createEvidenceModule(): Module {
  const methods = {
    submit: method(SubmitArgs, checkDistinctAlgorithms, (ctx, state, args: SubmitArgs) =>
      existingOrStore(ctx, state, 'evidence', args),
    ),
    registerCopyright: method(RegisterCopyrightArgs, checkDistinctAlgorithms, (ctx, state, args) =>
      existingOrStore(ctx, state, 'copyright', args),
    ),
    grantLicense: method(
      GrantLicenseArgs,
      (args) => {
        if (args.term.to <= args.term.from) throw badArgs('term.to', 'must be greater than term.from');
        return args;
      },
      (ctx, state, args) => {
        const reg = registration(state, args.registration);
        if (reg.submitter !== ctx.sender.address) {
          throw new XinlianError(
            'EVIDENCE_NOT_OWNER',
            'only the registration submitter may grant a license',
            {
              registration: args.registration,
              submitter: reg.submitter,
              sender: ctx.sender.address,
            },
          );
        }
        return store(ctx, state, 'license', { ...args, licensor: reg.owner! }, undefined);
      },
      registrationTarget,
    ),
    reportInfringement: method(
      ReportInfringementArgs,
      checkDistinctAlgorithms,
      (ctx, state, args) => {
        registration(state, args.registration);
        return existingOrStore(ctx, state, 'infringement', args);
      },
      registrationTarget,
    ),
    anchorBatch: method(
      AnchorBatchArgs,
      (args) => args,
      (ctx, state, args) => existingFor(state, batchKey(args.root)) ?? storeBatch(ctx, state, args),
    ),
  };
  const queries = {
    get: query(
      GetParams,
      (p) => p,
      (state, p) => mustRecord(state, p.id),
    ),
    byDigest: query(
      ByDigestParams,
      (p) => p,
      (state, p) => {
        const id = state.get(digestKey(p.algorithm, p.value));
        return id === undefined ? null : mustRecord(state, toHex(id));
      },
    ),
    bySubmitter: query(
      BySubmitterParams,
      (p) => {
        checkCursor(p.cursor, SUBMITTER_SUFFIX_LENGTH);
        return p;
      },
      (state, p) => page(state, submitterPrefix(p.address), {}, p.limit, p.cursor),
    ),
    byTime: query(
      ByTimeParams,
      (p) => {
        if (p.to < p.from) throw badArgs('to', 'must not be less than from');
        checkCursor(p.cursor, TIME_SUFFIX_LENGTH);
        return p;
      },
      (state, p) =>
        page(
          state,
          timePrefix(),
          {
            start: concatBytes(timePrefix(), u64be(p.from)),
            end: concatBytes(timePrefix(), u64be(p.to), new Uint8Array([0xff])),
          },
          p.limit,
          p.cursor,
        ),
    ),
    history: query(
      HistoryParams,
      (p) => p,
      (state, p): RecordVersion[] =>
        state
          .history(recordKey(p.id))
          .map((h) => ({ height: h.height, record: h.value === null ? null : decodeRecord(h.value) })),
    ),
  };
  return { name: EVIDENCE_MODULE, methods, queries, unversioned: unversionedPrefixes() };
}

function storeBatch(ctx: TxContext, state: ModuleState, args: AnchorBatchArgs): RecordResult {
  const stored = store(ctx, state, 'batch', args, `${args.algorithm}:${args.root}`);
  state.set(batchKey(args.root), ctx.txId);
  return stored;
}
