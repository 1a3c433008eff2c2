import { closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { decodeWalRecord, encodeWalRecord, type WalRecord } from '@xinlian/codec';
import { XinlianError } from '@xinlian/utils';

/** The WAL as the driver sees it: append durably, read back after a restart, compact. */
export interface ConsensusWal {
  /** Records in append order (a torn last record from a crash is dropped). */
  readonly records: readonly WalRecord[];
  /** Appends a record and returns only once it is on disk (fdatasync). */
  append(record: WalRecord): void;
  /** Appends records in order with one write and one fdatasync; returns once all are on disk. */
  appendAll(records: readonly WalRecord[]): void;
  /** Rewrites the file with only `keep` (atomically: temp file, fsync, rename). */
  compact(keep: readonly WalRecord[]): void;
  close(): void;
}

/**
 * File write-ahead log of the consensus messages this validator signed (spec/consensus.md §8).
 * Format: a sequence of `u32 big-endian length ‖ encoded WalRecord`. Appends are synchronous and
 * fdatasync'd, so when `append` returns the record survives a crash; the driver carries out no later
 * output before that. A record cut short by a crash (length or body incomplete, or not decoding) ends
 * the log: everything before it is kept, and the file is rewritten without it on open.
 */
export class FileWal implements ConsensusWal {
  readonly #path: string;
  #fd: number;
  #records: WalRecord[];

  constructor(path: string) {
    this.#path = path;
    mkdirSync(dirname(path), { recursive: true });
    const { records, validBytes, totalBytes } = readWal(path);
    this.#records = records;
    if (validBytes !== totalBytes) this.#rewrite(records);
    this.#fd = openSync(path, 'a');
  }

  get records(): readonly WalRecord[] {
    return this.#records;
  }

  append(record: WalRecord): void {
    this.appendAll([record]);
  }

  appendAll(records: readonly WalRecord[]): void {
    if (records.length === 0) return;
    const bodies = records.map((r) => encodeWalRecord(r));
    const frame = new Uint8Array(bodies.reduce((n, body) => n + 4 + body.length, 0));
    const view = new DataView(frame.buffer);
    let at = 0;
    for (const body of bodies) {
      view.setUint32(at, body.length);
      frame.set(body, at + 4);
      at += 4 + body.length;
    }
    let off = 0;
    while (off < frame.length) off += writeSync(this.#fd, frame, off, frame.length - off);
    fdatasyncSync(this.#fd);
    for (const r of records) this.#records.push(r);
  }

  compact(keep: readonly WalRecord[]): void {
    closeSync(this.#fd);
    this.#rewrite(keep);
    this.#records = [...keep];
    this.#fd = openSync(this.#path, 'a');
  }

  close(): void {
    closeSync(this.#fd);
  }

  #rewrite(records: readonly WalRecord[]): void {
    const tmp = `${this.#path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      for (const r of records) {
        const body = encodeWalRecord(r);
        const len = new Uint8Array(4);
        new DataView(len.buffer).setUint32(0, body.length);
        writeSync(fd, len);
        writeSync(fd, body);
      }
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.#path);
    const dir = openSync(dirname(this.#path), 'r');
    try {
      fdatasyncSync(dir);
    } catch {
      // Some file systems do not sync directories; the rename is still atomic.
    } finally {
      closeSync(dir);
    }
  }
}

/** Reads a WAL file; a missing file is an empty log. */
export function readWal(path: string): { records: WalRecord[]; validBytes: number; totalBytes: number } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return { records: [], validBytes: 0, totalBytes: 0 };
    throw new XinlianError(
      'NODE_WAL_UNREADABLE',
      `cannot read the consensus WAL ${path}`,
      { path },
      { cause: e },
    );
  }
  const records: WalRecord[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  while (off + 4 <= bytes.length) {
    const len = view.getUint32(off);
    if (off + 4 + len > bytes.length) break;
    try {
      records.push(decodeWalRecord(bytes.subarray(off + 4, off + 4 + len)));
    } catch {
      break;
    }
    off += 4 + len;
  }
  return { records, validBytes: off, totalBytes: bytes.length };
}
