/** Shared by the CLI tests: the built CLI run in child processes. */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../src/bin.js', import.meta.url));
export const PASS = 'test-passphrase';
export const TIMEOUT_MS = 60_000;
/** The env for commands that open a key file encrypted with PASS. */
export const PASS_ENV = { XINLIAN_PASSPHRASE: PASS };
/** The CLI's environment variables, unset so the developer's own settings cannot leak into tests. */
export const CLEAN_ENV = {
  XINLIAN_PASSPHRASE: undefined,
  XINLIAN_NODE: undefined,
  XINLIAN_HOME: undefined,
  XINLIAN_KEY: undefined,
  XINLIAN_CA_DIR: undefined,
};

export interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI to completion (stdin is not a TTY) with CLEAN_ENV plus `env`. */
export function cli(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  cwd?: string,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        timeout: TIMEOUT_MS,
        env: { ...process.env, ...CLEAN_ENV, ...env },
        ...(cwd === undefined ? {} : { cwd }),
      },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') reject(error);
        else resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

/** Parses the one JSON document of a --json run. */
export function json(r: Result): Record<string, unknown> {
  try {
    return JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    assert.fail(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

export function errorCode(r: Result): string {
  return (json(r).error as { code: string }).code;
}

/** Starts a long-running CLI command (start/dev --json) and resolves once it printed its ready line. */
export function startCli(
  args: readonly string[],
  env: Record<string, string | undefined>,
): Promise<{ child: ChildProcess; ready: Record<string, unknown> }> {
  const child = spawn(process.execPath, [BIN, ...args, '--json'], {
    env: { ...process.env, ...CLEAN_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ready line in time; stderr: ${err}`));
    }, TIMEOUT_MS);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split('\n')) {
        if (!line.startsWith('{')) continue;
        const doc = JSON.parse(line) as Record<string, unknown>;
        if (doc.event === 'ready') {
          clearTimeout(timer);
          resolve({ child, ready: doc });
          return;
        }
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready; stderr: ${err}`));
    });
  });
}

/** Sends SIGTERM and resolves with the exit code. */
export function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** Runs a --json command with XINLIAN_PASSPHRASE=PASS and returns its document; asserts the exit code. */
export async function run(args: readonly string[], code = 0): Promise<Record<string, unknown>> {
  const r = await cli([...args, '--json'], PASS_ENV);
  assert.equal(r.code, code, `${args.join(' ')}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** `xinlian start --home HOME` on any API port (passphrase PASS); resolves with the child and its API URL. */
export async function startNodeCli(home: string): Promise<{ child: ChildProcess; url: string }> {
  const { child, ready } = await startCli(
    ['start', '--home', home, '--port', '0', '--log-level', 'warn'],
    PASS_ENV,
  );
  return { child, url: ready.apiUrl as string };
}
