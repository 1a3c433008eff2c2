import { basename } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Output } from './io.js';

/** Reports hashing progress in bytes over a set of files. */
export interface Progress {
  /** Starts a file; returns the callback for its bytes done. */
  file(path: string): (bytesDone: number) => void;
  stop(): void;
}

const SILENT: Progress = { file: () => () => {}, stop: () => {} };

/** A cli-progress bar on stderr when stderr is a TTY and output is not --json; otherwise silent. */
export function createProgress(totalBytes: number, out: Output): Progress {
  if (out.json || out.io.stderr.isTTY !== true) return SILENT;
  const bar = new SingleBar({
    stream: out.io.stderr as NodeJS.WritableStream,
    format: 'hashing [{bar}] {percentage}% | {value}/{total} bytes | {file}',
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(totalBytes, 0, { file: '' });
  let before = 0;
  return {
    file(path) {
      const offset = before;
      bar.update(offset, { file: basename(path) });
      return (done) => {
        before = offset + done;
        bar.update(before);
      };
    },
    stop: () => bar.stop(),
  };
}
