import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isXinlianError } from '@xinlian/utils';

/** <repo>/../shared/testdata, resolved from packages/crypto/dist/test/. */
export const TESTDATA = new URL('../../../../../shared/testdata/', import.meta.url);

export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'ascii'));

/** An assert.throws matcher for a XinlianError code. */
export function code(expected: string): (e: unknown) => boolean {
  return (e) => {
    if (!isXinlianError(e)) throw new Error(`expected XinlianError ${expected}, got ${String(e)}`);
    if (e.code !== expected) throw new Error(`expected code ${expected}, got ${e.code}: ${e.message}`);
    return true;
  };
}

/** A temporary directory removed by `dispose()`. */
export function tempDir(): { path: string; file: (name: string) => string; dispose: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'xinlian-crypto-'));
  return {
    path,
    file: (name) => join(path, name),
    dispose: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** Runs the openssl CLI (OpenSSL 3) and returns stdout; throws on a non-zero exit. */
export function openssl(args: readonly string[]): Buffer {
  return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
}

/** Runs openssl and returns true iff it exited 0. */
export function opensslOk(args: readonly string[]): boolean {
  try {
    openssl(args);
    return true;
  } catch {
    return false;
  }
}
