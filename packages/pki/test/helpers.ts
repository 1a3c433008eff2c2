import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CryptoSuite, createSuite, type PrivateKey, type SuiteId } from '@xinlian/crypto';
import { isXinlianError } from '@xinlian/utils';
import {
  createCaCertificate,
  issueCertificate,
  type ParsedCertificate,
  type RandomSource,
  type Role,
} from '../src/index.js';

/** An assert.throws matcher for a XinlianError code. */
export function code(expected: string): (e: unknown) => boolean {
  return (e) => {
    if (!isXinlianError(e)) throw new Error(`expected XinlianError ${expected}, got ${String(e)}`);
    if (e.code !== expected) throw new Error(`expected code ${expected}, got ${e.code}: ${e.message}`);
    return true;
  };
}

/** A deterministic random source (SHA-256 in counter mode over a seed): reproducible serials in tests. */
export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 32) {
      const block = createHash('sha256').update(`${seed}/${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, n - off)), off);
    }
    return out;
  };
}

/** A temporary directory removed by `dispose()`. */
export function tempDir(): { path: string; file: (name: string) => string; dispose: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'xinlian-pki-'));
  return {
    path,
    file: (name) => join(path, name),
    dispose: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** Runs the openssl CLI and returns stdout+stderr text; throws on a non-zero exit. */
export function openssl(args: readonly string[]): string {
  return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).toString();
}

/** Runs openssl; returns its exit status and stdout+stderr (never throws on a non-zero exit). */
export function opensslRun(args: readonly string[]): { ok: boolean; output: string } {
  const r = spawnSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  return { ok: r.status === 0, output: `${r.stdout?.toString() ?? ''}${r.stderr?.toString() ?? ''}` };
}

export const T0 = new Date('2026-01-01T00:00:00Z');
export const DAY = 86_400_000;

export interface Org {
  readonly suite: CryptoSuite;
  readonly key: PrivateKey;
  readonly certificate: ParsedCertificate;
  issue(
    role: Role,
    name: string,
    opts?: { notBefore?: Date; notAfter?: Date },
  ): {
    cert: ParsedCertificate;
    key: PrivateKey;
  };
}

/** An organization CA valid from T0 for 10 years, with a seeded serial source. */
export function makeOrg(suiteId: SuiteId | CryptoSuite, org = 'acme', seed = org): Org {
  const suite = typeof suiteId === 'string' ? createSuite(suiteId) : suiteId;
  const random = seededRandom(seed);
  const key = suite.generateKey();
  const certificate = createCaCertificate({ suite, org, key, notBefore: T0, random });
  return {
    suite,
    key,
    certificate,
    issue(role, name, opts = {}) {
      const member = suite.generateKey();
      const cert = issueCertificate({
        suite,
        ca: { certificate, key },
        role,
        name,
        publicKey: member.publicKey,
        notBefore: opts.notBefore ?? T0,
        ...(opts.notAfter === undefined ? {} : { notAfter: opts.notAfter }),
        random,
      });
      return { cert, key: member };
    },
  };
}

/** Splits a DER SEQUENCE into the full TLV bytes of its children (for handing parts to openssl). */
export function derChildren(der: Uint8Array): Uint8Array[] {
  const header = (off: number): { start: number; end: number } => {
    let len = der[off + 1];
    let start = off + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + der[start + i];
      start += n;
    }
    return { start, end: start + len };
  };
  const outer = header(0);
  const out: Uint8Array[] = [];
  for (let off = outer.start; off < outer.end; ) {
    const h = header(off);
    out.push(der.subarray(off, h.end));
    off = h.end;
  }
  return out;
}

/** Runs `f` and returns the PKI_* code it threw, or undefined if it returned. Any other throw fails the test. */
export function pkiCode(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    assert.ok(isXinlianError(e), `a non-Xinlian error escaped: ${String(e)}`);
    assert.match(e.code, /^PKI_/);
    return e.code;
  }
}
