import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
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
  /**
   * Appends records in order with one write now; the fdatasync runs off the main thread. Resolves
   * once these records and every record appended before them are on disk; rejects
   * (NODE_WAL_SYNC_FAILED) if that cannot be guaranteed.
   */
  appendAllDurable(records: readonly WalRecord[]): Promise<void>;
  /** True while an fdatasync of appendAllDurable is in flight (compact and close must wait). */
  readonly syncing: boolean;
  /** Resolves once every append issued so far is on disk (or rejects as appendAllDurable). */
  flush(): Promise<void>;
  /** Rewrites the file with only `keep` (atomically: temp file, fsync, rename). Not while syncing. */
  compact(keep: readonly WalRecord[]): void;
  close(): void;
}

/**
 * File write-ahead log of the consensus messages this validator signed (spec/consensus.md §8).
 * Format: a sequence of `u32 big-endian length ‖ encoded WalRecord`. `append`/`appendAll` write
 * and fdatasync synchronously, so when they return the records survive a crash;
 * `appendAllDurable` writes at once and fdatasyncs on the thread pool, and the driver carries out no
 * later externally visible output (a send, a commit) before its promise resolves. A record cut short by a crash (length or body incomplete, or not decoding) ends
 * the log: everything before it is kept, and the file is rewritten without it on open.
 */
export class FileWal implements ConsensusWal {
  readonly #path: string;
  #fd: number;
  #records: WalRecord[];
  /** fdatasyncs in flight (appendAllDurable). */
  #inFlight = 0;
  /** Resolves once every append issued so far is durable. */
  #durable: Promise<void> = Promise.resolve();

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
    this.#write(records);
    fdatasyncSync(this.#fd);
  }

  appendAllDurable(records: readonly WalRecord[]): Promise<void> {
    if (records.length === 0) return this.#durable;
    this.#write(records);
    this.#inFlight++;
    const fd = this.#fd;
    const path = this.#path;
    // An fdatasync covers everything written to the file before it was issued; the promise also
    // waits for the earlier ones (the thread pool may finish them in any order).
    const synced = new Promise<void>((resolve, reject) => {
      fdatasync(fd, (err) => {
        this.#inFlight--;
        if (err === null) resolve();
        else {
          reject(
            new XinlianError(
              'NODE_WAL_SYNC_FAILED',
              `cannot sync the consensus WAL ${path}`,
              { path },
              { cause: err },
            ),
          );
        }
      });
    });
    const durable = Promise.all([this.#durable, synced]).then(() => undefined);
    // Marked handled here; callers get the same promise and handle a failure themselves.
    durable.catch(() => undefined);
    this.#durable = durable;
    return durable;
  }

  get syncing(): boolean {
    return this.#inFlight > 0;
  }

  flush(): Promise<void> {
    return this.#durable;
  }

  /** Writes the records at the end of the file (page cache; not yet durable). */
  #write(records: readonly WalRecord[]): void {
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
    for (const r of records) this.#records.push(r);
  }

  compact(keep: readonly WalRecord[]): void {
    if (this.#inFlight > 0) {
      throw new XinlianError('NODE_WAL_BUSY', 'cannot compact the consensus WAL while it syncs', {
        path: this.#path,
      });
    }
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
