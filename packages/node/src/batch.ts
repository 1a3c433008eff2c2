import type { StateWrite } from '@xinlian/store';
import {
  compareBytes,
  concatBytes,
  fromUtf8,
  readU64be,
  toHex,
  u64be,
  utf8,
  XinlianError,
} from '@xinlian/utils';

/**
 * Node-local (aux) index of batch-anchored digests (spec/batch-index.md). Written atomically with
 * the block that anchors the batch, at a cost per batch rather than per digest:
 *
 *   ev/root/   ‖ root                          → recordId(32) ‖ u64be(size) ‖ u64be(height)
 *   ev/leaves/ ‖ root                          → leaf data, 32 bytes each, in order
 *   ev/run/    ‖ utf8(alg) ‖ 0x00 ‖ runId      → run summary (RUN_SUMMARY_BYTES)
 *   ev/rm/     ‖ runId                         → batch table ‖ chunk fences ‖ Bloom filter
 *   ev/rc/     ‖ runId ‖ u32be(chunk)          → up to CHUNK_RECORDS sorted records
 *
 * A *run* is a sorted, de-duplicated list of records `digest(32) ‖ u32be(batch) ‖ u32be(leafIndex)`
 * (batch: position in the run's batch table, which is sorted by (height, root), so a digest's first
 * record in a run names its earliest batch in that run); a Bloom filter over its digests lets a
 * lookup skip the runs that do not hold the digest without reading them. Each anchored batch writes one level-0
 * run in its block's transaction (its own digests, ~100 chunk entries per 100,000 digests instead
 * of 100,000 B-tree inserts). `compactRuns` later merges FAN_IN runs of one level into one run of
 * the next level in one transaction of its own (same content, fewer runs), so a lookup reads at
 * most ~FAN_IN runs per level: per run, a binary search over its fences (cached in memory) and one
 * chunk read.
 *
 * runId = u8(level) ‖ u64be(highest height) ‖ root(32) (the root of the run's first batch): unique,
 * because a root is indexed once and a merge deletes its inputs.
 *
 * Data directories from before this format hold `ev/digest/ ‖ alg ‖ 0x00 ‖ digest ‖ u64be(height)
 * ‖ root → u64be(leafIndex)` entries: they are still read (and never written), so an older
 * directory keeps answering for the batches it indexed that way.
 */
const ROOT = utf8('ev/root/');
const LEAVES = utf8('ev/leaves/');
const RUN = utf8('ev/run/');
const RUN_META = utf8('ev/rm/');
const RUN_CHUNK = utf8('ev/rc/');
const LEGACY_DIGEST = utf8('ev/digest/');

export const LEAF_BYTES = 32;
/** Bytes of one run record: digest ‖ u32be(batch) ‖ u32be(leafIndex). */
export const RECORD_BYTES = LEAF_BYTES + 8;
/** Records per chunk entry (10 KiB values: one lookup copies one chunk). */
export const CHUNK_RECORDS = 256;
/** Bloom filter of each run: bits per digest and probes (~0.8 % false positives). */
const BLOOM_BITS_PER_DIGEST = 10;
const BLOOM_PROBES = 7;
/** Runs of one level merged into one run of the next. */
export const FAN_IN = 8;
/**
 * Largest merge (records in all inputs): a merge runs on the main thread (≈ 0.3 µs per record),
 * so this bounds its pause (~0.3 s); runs too big to merge further stay as they are (a lookup
 * checks every run's Bloom filter in memory, so many runs cost little).
 */
const MAX_MERGE_RECORDS = 1_000_000;
const RUN_ID_BYTES = 1 + 8 + 32;
/** u8(version=1) ‖ u32be(records) ‖ u32be(batches) ‖ u32be(chunks) ‖ u32be(bloom bytes). */
const RUN_SUMMARY_BYTES = 17;
const BATCH_ENTRY_BYTES = 8 + 32;

export interface AuxReader {
  getAux(key: Uint8Array): Uint8Array | undefined;
  scanAux(
    prefix: Uint8Array,
    opts?: { readonly limit?: number },
  ): readonly { readonly key: Uint8Array; readonly value: Uint8Array }[];
}

export interface AnchoredBatch {
  readonly height: number;
  readonly root: Uint8Array;
  readonly algorithm: string;
  /** Leaf data concatenated (32 bytes each). */
  readonly leaves: Uint8Array;
  readonly recordId: Uint8Array;
}

export interface BatchLocation {
  readonly root: string;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly recordId: string;
}

/** True if this root's leaves are already stored (a root anchored twice is indexed once). */
export function isBatchIndexed(aux: AuxReader, root: Uint8Array): boolean {
  return aux.getAux(concatBytes(ROOT, root)) !== undefined;
}

/** Aux writes indexing one anchored batch: its meta, its leaves and its level-0 run. */
export function batchAuxWrites(b: AnchoredBatch): StateWrite[] {
  const size = b.leaves.length / LEAF_BYTES;
  // Sorting the leaves themselves keeps equal digests in leaf order (the sort is stable), so each
  // digest's first record is its first position; records are built straight from the order.
  const leaves = aligned(b.leaves);
  const order = sortRecords(leaves, LEAF_BYTES);
  const src = new Uint32Array(leaves.buffer, leaves.byteOffset, leaves.length / 4);
  const out = new Uint32Array(size * (RECORD_BYTES / 4));
  let count = 0;
  let prev = -1;
  for (let j = 0; j < size; j++) {
    const i = order[j]!;
    const at = i * 8;
    if (prev >= 0 && sameWords(src, prev, at, 8)) continue;
    const o = count * 10;
    for (let w = 0; w < 8; w++) out[o + w] = src[at + w]!;
    out[o + 8] = 0; // batch 0
    out[o + 9] = BIG_ENDIAN ? i : swap32(i);
    count++;
    prev = at;
  }
  const records = new Uint8Array(out.buffer, 0, count * RECORD_BYTES);
  const run = {
    records,
    count,
    bloom: buildBloom(records, count),
    batches: [{ height: b.height, root: b.root }],
  };
  return [
    { key: concatBytes(ROOT, b.root), value: concatBytes(b.recordId, u64be(size), u64be(b.height)) },
    { key: concatBytes(LEAVES, b.root), value: b.leaves },
    ...runWrites(b.algorithm, runId(0, b.height, b.root), run),
  ];
}

const BIG_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 0;

function swap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

/** `bytes` itself if its offset allows a Uint32Array view, else an aligned copy. */
function aligned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset % 4 === 0 ? bytes : Uint8Array.from(bytes);
}

function sameWords(a: Uint32Array, x: number, y: number, words: number): boolean {
  for (let k = 0; k < words; k++) if (a[x + k] !== a[y + k]) return false;
  return true;
}

export interface BatchRef {
  readonly height: number;
  readonly root: Uint8Array;
}

/** A run's sorted content: what a merge computes (on a worker thread in the node). */
export interface SortedRun {
  /** Sorted, one record per digest (count × RECORD_BYTES). */
  readonly records: Uint8Array;
  readonly count: number;
  /** The run's Bloom filter. */
  readonly bloom: Uint8Array;
}

interface Run extends SortedRun {
  readonly batches: readonly BatchRef[];
}

/**
 * Sorts `records` (RECORD_BYTES each, batch numbers in batch order), keeps each digest's first
 * record and builds the Bloom filter. Pure: the node runs it on its tree worker thread.
 */
export function sortRun(records: Uint8Array): SortedRun {
  const n = records.length / RECORD_BYTES;
  const order = sortRecords(records, RECORD_BYTES);
  const words = RECORD_BYTES / 4;
  const src = new Uint32Array(records.buffer, records.byteOffset, n * words);
  const out = new Uint32Array(n * words);
  let count = 0;
  let prev = -1;
  for (let j = 0; j < n; j++) {
    const at = order[j]! * words;
    if (prev >= 0 && sameWords(src, prev, at, LEAF_BYTES / 4)) continue;
    const o = count * words;
    for (let w = 0; w < words; w++) out[o + w] = src[at + w]!;
    count++;
    prev = at;
  }
  const sorted = new Uint8Array(out.buffer, 0, count * RECORD_BYTES);
  return { records: sorted, count, bloom: buildBloom(sorted, count) };
}

/**
 * The order of the `stride`-byte records of `buf` by their bytes: an LSD radix sort on the first
 * 4 bytes (two 16-bit passes, linear), then each group with equal first 4 bytes (rare for digests)
 * sorted by its whole record.
 */
export function sortRecords(buf: Uint8Array, stride: number): Uint32Array {
  const n = buf.length / stride;
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const at = i * stride;
    keys[i] = ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;
  }
  let src = new Uint32Array(n);
  let dst = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  const counts = new Uint32Array(65537);
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((keys[i]! >>> shift) & 0xffff) + 1]!++;
    for (let b = 1; b <= 65536; b++) counts[b]! += counts[b - 1]!;
    for (let j = 0; j < n; j++) {
      const i = src[j]!;
      dst[counts[(keys[i]! >>> shift) & 0xffff]!++] = i;
    }
    [src, dst] = [dst, src];
  }
  for (let j = 0; j < n; ) {
    let e = j + 1;
    while (e < n && keys[src[e]!] === keys[src[j]!]) e++;
    if (e - j > 1) {
      const group = Array.from(src.subarray(j, e));
      group.sort((a, b) =>
        compareBytes(buf.subarray(a * stride, (a + 1) * stride), buf.subarray(b * stride, (b + 1) * stride)),
      );
      src.set(group, j);
    }
    j = e;
  }
  return src;
}

function runId(level: number, height: number, root: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(level), u64be(height), root);
}

function runKey(algorithm: string, id: Uint8Array): Uint8Array {
  return concatBytes(RUN, utf8(algorithm), Uint8Array.of(0), id);
}

function chunkKey(id: Uint8Array, chunk: number): Uint8Array {
  const k = new Uint8Array(RUN_CHUNK.length + RUN_ID_BYTES + 4);
  k.set(RUN_CHUNK);
  k.set(id, RUN_CHUNK.length);
  new DataView(k.buffer).setUint32(RUN_CHUNK.length + RUN_ID_BYTES, chunk);
  return k;
}

/** The writes storing a run: summary, meta (batch table ‖ fences) and chunks. */
function runWrites(algorithm: string, id: Uint8Array, run: Run): StateWrite[] {
  const chunks = Math.ceil(run.count / CHUNK_RECORDS);
  const summary = new Uint8Array(RUN_SUMMARY_BYTES);
  const sv = new DataView(summary.buffer);
  summary[0] = 1;
  sv.setUint32(1, run.count);
  sv.setUint32(5, run.batches.length);
  sv.setUint32(9, chunks);
  const bloom = run.bloom;
  sv.setUint32(13, bloom.length);
  const meta = new Uint8Array(run.batches.length * BATCH_ENTRY_BYTES + chunks * LEAF_BYTES + bloom.length);
  meta.set(bloom, meta.length - bloom.length);
  run.batches.forEach((b, i) => {
    meta.set(u64be(b.height), i * BATCH_ENTRY_BYTES);
    meta.set(b.root, i * BATCH_ENTRY_BYTES + 8);
  });
  const fences = run.batches.length * BATCH_ENTRY_BYTES;
  const writes: StateWrite[] = [
    { key: runKey(algorithm, id), value: summary },
    { key: concatBytes(RUN_META, id), value: meta },
  ];
  for (let c = 0; c < chunks; c++) {
    const at = c * CHUNK_RECORDS * RECORD_BYTES;
    meta.set(run.records.subarray(at, at + LEAF_BYTES), fences + c * LEAF_BYTES);
    const end = Math.min(run.count, (c + 1) * CHUNK_RECORDS) * RECORD_BYTES;
    writes.push({ key: chunkKey(id, c), value: run.records.subarray(at, end) });
  }
  return writes;
}

/** A stored run as a lookup needs it (immutable: cached by runId). */
export interface RunInfo {
  readonly id: Uint8Array;
  readonly level: number;
  readonly count: number;
  readonly chunks: number;
  readonly batches: readonly BatchRef[];
  /** First digest of each chunk, concatenated. */
  readonly fences: Uint8Array;
  readonly bloom: Uint8Array;
}

/**
 * Bloom filter of a run: a power-of-two number of bits (10–20 per digest), BLOOM_PROBES probes
 * `(h1 + j·h2) mod bits` (double hashing) with h1 = u32be(digest[4..8]), h2 = u32be(digest[8..12])
 * | 1 — digests are already hashes; bytes 0–3 order the runs, so they are not reused here.
 */
function bloomH1(d: Uint8Array, at: number): number {
  return ((d[at + 4]! << 24) | (d[at + 5]! << 16) | (d[at + 6]! << 8) | d[at + 7]!) >>> 0;
}

function bloomH2(d: Uint8Array, at: number): number {
  return ((d[at + 8]! << 24) | (d[at + 9]! << 16) | (d[at + 10]! << 8) | d[at + 11]! | 1) >>> 0;
}

/** Bit index of probe j: one expression shared by building and checking the filter. */
function bloomBit(h1: number, h2: number, j: number, mask: number): number {
  return (h1 + Math.imul(j, h2)) & mask;
}

function buildBloom(d: Uint8Array, count: number): Uint8Array {
  let bytes = 8;
  while (bytes * 8 < count * BLOOM_BITS_PER_DIGEST) bytes *= 2;
  const bloom = new Uint8Array(bytes);
  const mask = bytes * 8 - 1;
  for (let r = 0; r < count; r++) {
    const at = r * RECORD_BYTES;
    const h1 = bloomH1(d, at);
    const h2 = bloomH2(d, at);
    for (let j = 0; j < BLOOM_PROBES; j++) {
      const b = bloomBit(h1, h2, j, mask);
      bloom[b >>> 3]! |= 1 << (b & 7);
    }
  }
  return bloom;
}

function mayContain(bloom: Uint8Array, digest: Uint8Array): boolean {
  const mask = bloom.length * 8 - 1;
  const h1 = bloomH1(digest, 0);
  const h2 = bloomH2(digest, 0);
  for (let j = 0; j < BLOOM_PROBES; j++) {
    const b = bloomBit(h1, h2, j, mask);
    if ((bloom[b >>> 3]! & (1 << (b & 7))) === 0) return false;
  }
  return true;
}

function corrupt(message: string, details: Record<string, unknown>): XinlianError {
  return new XinlianError('STORE_CORRUPT', message, details);
}

function readRun(aux: AuxReader, id: Uint8Array, summary: Uint8Array): RunInfo {
  if (summary.length !== RUN_SUMMARY_BYTES || summary[0] !== 1)
    throw corrupt('bad digest-index run summary', { run: toHex(id) });
  const sv = new DataView(summary.buffer, summary.byteOffset, summary.length);
  const count = sv.getUint32(1);
  const batchCount = sv.getUint32(5);
  const chunks = sv.getUint32(9);
  const bloomBytes = sv.getUint32(13);
  const meta = aux.getAux(concatBytes(RUN_META, id));
  const fencesAt = batchCount * BATCH_ENTRY_BYTES;
  const bloomAt = fencesAt + chunks * LEAF_BYTES;
  if (
    meta === undefined ||
    meta.length !== bloomAt + bloomBytes ||
    bloomBytes < 8 ||
    (bloomBytes & (bloomBytes - 1)) !== 0
  )
    throw corrupt('digest-index run meta missing or malformed', { run: toHex(id) });
  const batches: BatchRef[] = [];
  for (let i = 0; i < batchCount; i++) {
    const at = i * BATCH_ENTRY_BYTES;
    batches.push({ height: readU64be(meta, at), root: meta.slice(at + 8, at + BATCH_ENTRY_BYTES) });
  }
  return {
    id,
    level: id[0]!,
    count,
    chunks,
    batches,
    fences: meta.slice(fencesAt, bloomAt),
    bloom: meta.slice(bloomAt),
  };
}

function compareAt(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number): number {
  for (let k = 0; k < LEAF_BYTES; k++) {
    const d = a[aAt + k]! - b[bAt + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** Batch order: (height, root). */
function compareBatch(a: BatchRef, b: BatchRef): number {
  return a.height !== b.height ? a.height - b.height : compareBytes(a.root, b.root);
}

interface Hit {
  readonly batch: BatchRef;
  readonly leafIndex: number;
}

/**
 * Reads the digest index: lookups (with the runs' meta cached in memory; runs are immutable) and
 * compaction. One per node; the store is the only state, so it can be re-created at any time.
 */
export class DigestIndex {
  readonly #aux: AuxReader;
  readonly #cache = new Map<string, RunInfo>();
  /** Whether the store holds pre-run `ev/digest/` entries (checked once: they are never written now). */
  #legacy: boolean | undefined;

  constructor(modules: { readonly aux: AuxReader }) {
    this.#aux = modules.aux;
  }

  /** The earliest batch containing a digest (lowest height, then root bytes), or null. */
  find(algorithm: string, digest: Uint8Array): BatchLocation | null {
    if (digest.length !== LEAF_BYTES) return null;
    let best: Hit | undefined;
    for (const run of this.#runs(algorithm)) {
      const hit = this.#findInRun(run, digest);
      if (hit !== undefined && (best === undefined || compareBatch(hit.batch, best.batch) < 0)) best = hit;
    }
    this.#legacy ??= this.#aux.scanAux(LEGACY_DIGEST, { limit: 1 }).length > 0;
    const legacy = this.#legacy ? findLegacy(this.#aux, algorithm, digest) : undefined;
    if (legacy !== undefined && (best === undefined || compareBatch(legacy.batch, best.batch) < 0))
      best = legacy;
    if (best === undefined) return null;
    const meta = this.#aux.getAux(concatBytes(ROOT, best.batch.root));
    if (meta === undefined) return null;
    return {
      root: toHex(best.batch.root),
      leafIndex: best.leafIndex,
      treeSize: readU64be(meta, 32),
      recordId: toHex(meta.subarray(0, 32)),
    };
  }

  /** The runs of an algorithm's index (runs no longer stored are dropped from the cache). */
  #runs(algorithm: string): RunInfo[] {
    const prefix = concatBytes(RUN, utf8(algorithm), Uint8Array.of(0));
    const out: RunInfo[] = [];
    for (const { key, value } of this.#aux.scanAux(prefix)) {
      const id = key.slice(prefix.length);
      const hex = toHex(id);
      let run = this.#cache.get(hex);
      if (run === undefined) {
        run = readRun(this.#aux, id, value);
        this.#cache.set(hex, run);
      }
      out.push(run);
    }
    if (this.#cache.size > 4 * out.length + 64) {
      const live = new Set(out.map((r) => toHex(r.id)));
      for (const k of this.#cache.keys()) if (!live.has(k)) this.#cache.delete(k);
    }
    return out;
  }

  #findInRun(run: RunInfo, digest: Uint8Array): Hit | undefined {
    if (!mayContain(run.bloom, digest)) return undefined;
    // The last chunk whose first digest is ≤ digest.
    let lo = 0;
    let hi = run.chunks - 1;
    let chunk = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (compareAt(run.fences, mid * LEAF_BYTES, digest, 0) <= 0) {
        chunk = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (chunk < 0) return undefined;
    const records = this.#aux.getAux(chunkKey(run.id, chunk));
    if (records === undefined) throw corrupt('digest-index chunk missing', { run: toHex(run.id), chunk });
    lo = 0;
    hi = records.length / RECORD_BYTES - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareAt(records, mid * RECORD_BYTES, digest, 0);
      if (c === 0) {
        const v = new DataView(records.buffer, records.byteOffset + mid * RECORD_BYTES + LEAF_BYTES, 8);
        const batch = run.batches[v.getUint32(0)];
        if (batch === undefined) throw corrupt('digest-index record names no batch', { run: toHex(run.id) });
        return { batch, leafIndex: v.getUint32(4) };
      }
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /**
   * One compaction step: if some level holds FAN_IN runs (of one algorithm) small enough to merge,
   * the writes replacing them by one merged run of the next level (apply them in one
   * transaction); else undefined. Call again until undefined. (The compactor does the same with
   * the sort on a worker: planCompaction, sortRun, completeCompaction.)
   */
  compactionStep(): CompactionStep | undefined {
    const plan = this.planCompaction();
    return plan === undefined ? undefined : this.completeCompaction(plan, sortRun(plan.records));
  }

  /** The next merge (its inputs read and re-numbered into one batch table), or undefined. */
  planCompaction(): CompactionPlan | undefined {
    const algorithms = new Set<string>();
    for (const { key } of this.#aux.scanAux(RUN)) {
      const rest = key.subarray(RUN.length);
      const zero = rest.indexOf(0);
      if (zero > 0) algorithms.add(fromUtf8(rest.subarray(0, zero)));
    }
    for (const algorithm of algorithms) {
      const byLevel = new Map<number, RunInfo[]>();
      for (const run of this.#runs(algorithm)) {
        if (run.count > MAX_MERGE_RECORDS / FAN_IN) continue;
        const list = byLevel.get(run.level) ?? [];
        list.push(run);
        byLevel.set(run.level, list);
      }
      for (const [level, runs] of [...byLevel].sort((a, b) => a[0] - b[0])) {
        if (runs.length < FAN_IN || level >= 255) continue;
        // runIds sort by (level, highest height): merge the oldest FAN_IN.
        return this.#plan(algorithm, level + 1, runs.slice(0, FAN_IN));
      }
    }
    return undefined;
  }

  /** The writes of a planned merge, given `sortRun(plan.records)` (computed anywhere). */
  completeCompaction(plan: CompactionPlan, sorted: SortedRun): CompactionStep {
    const { inputs } = plan;
    const highest = Math.max(...inputs.map((r) => readU64be(r.id, 1)));
    const id = runId(plan.level, highest, inputs[0]!.id.subarray(9));
    const run: Run = { ...sorted, batches: plan.batches };
    return {
      writes: [...plan.deletes, ...runWrites(plan.algorithm, id, run)],
      merged: inputs.length,
      records: sorted.count,
    };
  }

  #plan(algorithm: string, level: number, inputs: readonly RunInfo[]): CompactionPlan {
    const batches = inputs.flatMap((r) => r.batches).sort(compareBatch);
    const position = new Map(batches.map((b, i) => [toHex(b.root), i]));
    const total = inputs.reduce((n, r) => n + r.count, 0);
    const records = new Uint8Array(total * RECORD_BYTES);
    const words = new Uint32Array(records.buffer);
    const deletes: StateWrite[] = [];
    let at = 0;
    for (const run of inputs) {
      const remap = run.batches.map((b) => position.get(toHex(b.root))!);
      for (let c = 0; c < run.chunks; c++) {
        const chunk = this.#aux.getAux(chunkKey(run.id, c));
        if (chunk === undefined)
          throw corrupt('digest-index chunk missing', { run: toHex(run.id), chunk: c });
        records.set(chunk, at);
        // The batch number (big-endian u32, word 8 of each record) renumbered into the merged table.
        for (let w = at / 4 + 8; w < (at + chunk.length) / 4; w += RECORD_BYTES / 4) {
          const old = BIG_ENDIAN ? words[w]! : swap32(words[w]!);
          const now = remap[old];
          if (now === undefined) throw corrupt('digest-index record names no batch', { run: toHex(run.id) });
          words[w] = BIG_ENDIAN ? now : swap32(now);
        }
        at += chunk.length;
        deletes.push({ key: chunkKey(run.id, c), value: null });
      }
      deletes.push({ key: runKey(algorithm, run.id), value: null });
      deletes.push({ key: concatBytes(RUN_META, run.id), value: null });
    }
    if (at !== records.length)
      throw corrupt('digest-index run size mismatch', { expected: total, actual: at });
    return { algorithm, level, inputs, batches, records, deletes };
  }
}

/** A merge prepared by DigestIndex.planCompaction. */
export interface CompactionPlan {
  readonly algorithm: string;
  readonly level: number;
  readonly inputs: readonly RunInfo[];
  readonly batches: readonly BatchRef[];
  /** The inputs' records, re-numbered into `batches` (may be transferred to a worker). */
  readonly records: Uint8Array;
  /** Removal of the inputs. */
  readonly deletes: readonly StateWrite[];
}

export interface CompactionStep {
  readonly writes: StateWrite[];
  /** Runs merged. */
  readonly merged: number;
  /** Records in the merged run. */
  readonly records: number;
}

/** A digest's entry in the pre-run index format (`ev/digest/`, read only). */
function findLegacy(aux: AuxReader, algorithm: string, digest: Uint8Array): Hit | undefined {
  const prefix = concatBytes(LEGACY_DIGEST, utf8(algorithm), Uint8Array.of(0), digest);
  const hit = aux.scanAux(prefix, { limit: 1 })[0];
  if (hit === undefined) return undefined;
  return {
    batch: { height: readU64be(hit.key, prefix.length), root: hit.key.slice(prefix.length + 8) },
    leafIndex: readU64be(hit.value),
  };
}

/** The earliest batch containing a digest, or null (without a cache: tests and one-off reads). */
export function findBatch(aux: AuxReader, algorithm: string, digest: Uint8Array): BatchLocation | null {
  return new DigestIndex({ aux }).find(algorithm, digest);
}

/** The leaf data of a stored batch, or undefined. */
export function batchLeaves(aux: AuxReader, root: Uint8Array): Uint8Array[] | undefined {
  const blob = aux.getAux(concatBytes(LEAVES, root));
  if (blob === undefined) return undefined;
  const out: Uint8Array[] = [];
  for (let off = 0; off < blob.length; off += LEAF_BYTES) out.push(blob.subarray(off, off + LEAF_BYTES));
  return out;
}

export interface DigestIndexCompactorModules {
  readonly index: DigestIndex;
  /** sortRun off the main thread (the node's TreeBuilder); absent: inline. */
  readonly sortRun?: (records: Uint8Array) => Promise<SortedRun>;
  readonly store: { commitAux(writes: readonly StateWrite[]): Promise<void> };
  /** Counts merge steps and their time (the node's metrics). */
  readonly metrics?: {
    readonly digestIndexMerges: { inc(): void };
    readonly digestIndexMergeSeconds: { observe(seconds: number): void };
  };
  /** pino fits. */
  readonly logger: {
    info(obj: Record<string, unknown>, msg: string): void;
    error(obj: Record<string, unknown>, msg: string): void;
  };
}

/**
 * Runs DigestIndex compaction in the background: `schedule()` (after a block that anchored a
 * batch, and at start) starts a loop of compaction steps unless one is running; each step is
 * one atomic, durable aux transaction, so a kill at any point leaves either the inputs or the
 * merged run. Each step yields to the event loop first.
 */
export class DigestIndexCompactor {
  readonly #m: DigestIndexCompactorModules;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(modules: DigestIndexCompactorModules) {
    this.#m = modules;
  }

  schedule(): void {
    if (this.#closed) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
      if (this.#again && !this.#closed) {
        this.#again = false;
        this.schedule();
      }
    });
  }

  /** Resolves when no compaction is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  /** Stops after the step in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.idle();
  }

  async #loop(): Promise<void> {
    try {
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve));
        if (this.#closed) return;
        const started = performance.now();
        const { index, sortRun: offThread } = this.#m;
        const plan = index.planCompaction();
        if (plan === undefined) return;
        const sorted = offThread === undefined ? sortRun(plan.records) : await offThread(plan.records);
        if (this.#closed) return;
        const step = index.completeCompaction(plan, sorted);
        await this.#m.store.commitAux(step.writes);
        this.#m.metrics?.digestIndexMerges.inc();
        this.#m.metrics?.digestIndexMergeSeconds.observe((performance.now() - started) / 1000);
        this.#m.logger.info(
          { runs: step.merged, records: step.records, ms: Math.round(performance.now() - started) },
          'digest index runs merged',
        );
      }
    } catch (err) {
      if (!this.#closed) this.#m.logger.error({ err }, 'digest index compaction failed');
    }
  }
}
