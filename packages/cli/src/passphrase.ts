import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XinlianError } from '@xinlian/utils';
import type { CliIO } from './io.js';

/** The passphrase `xinlian dev` uses for its throw-away home. Never use it for anything real. */
export const DEV_PASSPHRASE = 'dev-only-passphrase';
/** Marker file written by `xinlian dev` into its home; it holds the dev passphrase. */
export const DEV_MARKER = 'dev.json';

export interface PassphraseOptions {
  /** `--passphrase-file`: the first line of this file. */
  readonly file?: string | undefined;
  /** A home directory; if it holds a dev marker, its passphrase is used when nothing else is given. */
  readonly devHome?: string | undefined;
  /** What the passphrase unlocks (for the prompt). */
  readonly purpose: string;
  /** Ask twice on a TTY (when creating keys). */
  readonly confirm?: boolean;
}

/**
 * Finds the passphrase: `--passphrase-file`, else env XINLIAN_PASSPHRASE, else a dev home's marker,
 * else an interactive prompt without echo when stdin is a TTY. Throws CLI_NO_PASSPHRASE otherwise.
 */
export async function resolvePassphrase(opts: PassphraseOptions, io: CliIO): Promise<string> {
  if (opts.file !== undefined) {
    const text = await readText(opts.file, 'passphrase file');
    return nonEmpty(text.split(/\r?\n/)[0] ?? '', `passphrase file ${opts.file}`);
  }
  const env = io.env.XINLIAN_PASSPHRASE;
  if (env !== undefined && env !== '') return env;
  if (opts.devHome !== undefined) {
    const dev = await readDevMarker(opts.devHome);
    if (dev !== undefined) return dev;
  }
  if (io.stdin.isTTY === true) {
    const first = nonEmpty(await readHidden(`Passphrase for ${opts.purpose}: `, io), 'the prompt');
    if (opts.confirm === true && (await readHidden('Repeat passphrase: ', io)) !== first) {
      throw new XinlianError('CLI_USAGE', 'the passphrases do not match', {});
    }
    return first;
  }
  throw new XinlianError('CLI_NO_PASSPHRASE', `no passphrase for ${opts.purpose}`, {
    hint: 'set XINLIAN_PASSPHRASE or pass --passphrase-file FILE (stdin is not a terminal, so no prompt)',
  });
}

/** The dev passphrase recorded in `<home>/dev.json`, or undefined if the home is not a dev home. */
export async function readDevMarker(home: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(join(home, DEV_MARKER), 'utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed === 'object' && parsed !== null && 'passphrase' in parsed) {
    const p = parsed.passphrase;
    if (typeof p === 'string' && p !== '') return p;
  }
  return undefined;
}

/** Reads a UTF-8 file; a missing or unreadable file is CLI_FILE_NOT_FOUND naming what it was. */
export async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new XinlianError('CLI_FILE_NOT_FOUND', `cannot read ${what} ${path}`, { path }, { cause: e });
  }
}

function nonEmpty(p: string, source: string): string {
  if (p === '') throw new XinlianError('CLI_NO_PASSPHRASE', `empty passphrase from ${source}`, {});
  return p;
}

/** Reads one line from the TTY without echoing it. Ctrl-C aborts with CLI_ABORTED. */
function readHidden(prompt: string, io: CliIO): Promise<string> {
  const { stdin, stderr } = io;
  stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let chars: string[] = [];
    const finish = (error?: XinlianError) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (error === undefined) resolve(chars.join(''));
      else reject(error);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003')
          return finish(new XinlianError('CLI_ABORTED', 'aborted at the passphrase prompt', {}));
        if (ch === '\u007f' || ch === '\b') chars = chars.slice(0, -1);
        else chars.push(ch);
      }
    };
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
