import { toXinlianError } from '@xinlian/utils';

/** A writable text stream as the CLI uses it (process.stdout/stderr or a test double). */
export interface TextOut {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** Everything the CLI touches outside its arguments; injected so that `run()` is testable in-process. */
export interface CliIO {
  readonly stdout: TextOut;
  readonly stderr: TextOut;
  readonly stdin: NodeJS.ReadStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Resolves with the signal name when the process is asked to stop (SIGINT/SIGTERM). */
  untilSignal(): Promise<string>;
}

/** The real process. */
export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    untilSignal: () =>
      new Promise((resolve) => {
        const on = (signal: string) => {
          process.off('SIGINT', on);
          process.off('SIGTERM', on);
          resolve(signal);
        };
        process.on('SIGINT', on);
        process.on('SIGTERM', on);
      }),
  };
}

/**
 * Output of one command run: in `--json` mode exactly one JSON document goes to stdout; otherwise
 * human text goes to stdout and notes/warnings to stderr.
 */
export class Output {
  readonly json: boolean;
  readonly io: CliIO;

  constructor(opts: { json: boolean }, modules: { io: CliIO }) {
    this.json = opts.json;
    this.io = modules.io;
  }

  /** Prints a human line (ignored in --json mode). */
  line(text = ''): void {
    if (!this.json) this.io.stdout.write(`${text}\n`);
  }

  /** Prints a note or warning on stderr (ignored in --json mode). */
  note(text: string): void {
    if (!this.json) this.io.stderr.write(`${text}\n`);
  }

  /** Prints the command's JSON document (only in --json mode). */
  result(doc: unknown): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  }

  /** Reports an error: `error <CODE>: message` on stderr, or `{ ok: false, error }` on stdout with --json. */
  error(e: unknown): void {
    const err = toXinlianError(e, 'CLI_INTERNAL');
    if (this.json) {
      this.io.stdout.write(`${JSON.stringify({ ok: false, error: err.toJSON() }, null, 2)}\n`);
      return;
    }
    this.io.stderr.write(`error ${err.code}: ${err.message}\n`);
    const hint = err.details.hint;
    if (typeof hint === 'string') this.io.stderr.write(`hint: ${hint}\n`);
  }
}
