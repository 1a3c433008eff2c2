/**
 * The local database of an organization CA (`xinlian ca …`), one directory per organization:
 *
 *   <dir>/ca.key        the CA private key, xinlian-key/1 (passphrase-encrypted, mode 0600)
 *   <dir>/ca.pem        the CA certificate
 *   <dir>/index.json    xinlian-ca/1: every issued certificate and its status
 *   <dir>/certs/<serial>.pem   each issued certificate
 *   <dir>/crl.pem       the current CRL (re-signed on every revocation and by `ca crl`)
 *
 * index.json is rewritten atomically (temporary file + rename). One writer at a time is assumed.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CryptoSuite,
  createSuite,
  decryptKeyFile,
  type PrivateKey,
  type SuiteId,
} from '@xinlian/crypto';
import {
  createCrl,
  isRevocationReason,
  isRole,
  type ParsedCertificate,
  parseCertificate,
  type RevocationReason,
  type Role,
  toPem,
  verifyCaCertificate,
} from '@xinlian/pki';
import { XinlianError } from '@xinlian/utils';
import type { CliIO } from './io.js';
import { readText, resolvePassphrase } from './passphrase.js';

export const CA_INDEX_FORMAT = 'xinlian-ca/1';
/** Default validity of the CRL written by revoke/crl, in days. */
export const CRL_DAYS = 30;

/** One issued certificate in index.json. */
export interface IndexEntry {
  readonly serial: string;
  readonly role: Role;
  readonly name: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly file: string;
  readonly status: 'valid' | 'revoked';
  readonly revokedAt?: string;
  readonly reason?: RevocationReason;
}

/** index.json. */
export interface CaIndex {
  readonly format: typeof CA_INDEX_FORMAT;
  readonly org: string;
  readonly suite: SuiteId;
  readonly caSerial: string;
  /** Number of the last CRL written. */
  readonly crlNumber: number;
  readonly certificates: readonly IndexEntry[];
}

export const paths = (dir: string) => ({
  key: join(dir, 'ca.key'),
  cert: join(dir, 'ca.pem'),
  index: join(dir, 'index.json'),
  crl: join(dir, 'crl.pem'),
  certs: join(dir, 'certs'),
  keys: join(dir, 'keys'),
  certFile: (serial: string) => join('certs', `${serial}.pem`),
});

function badDb(dir: string, reason: string, cause?: unknown): never {
  throw new XinlianError(
    'CLI_BAD_CA_DIR',
    `${dir} is not a valid CA directory: ${reason}`,
    { path: dir, reason, hint: 'create one with xinlian ca init --org NAME --dir DIR' },
    cause === undefined ? undefined : { cause },
  );
}

function checkIndex(doc: unknown, dir: string): CaIndex {
  const d = doc as Record<string, unknown>;
  if (typeof d !== 'object' || d === null || d.format !== CA_INDEX_FORMAT)
    return badDb(dir, 'index.json format');
  if (d.suite !== 'gm' && d.suite !== 'intl') return badDb(dir, 'index.json suite');
  if (typeof d.org !== 'string' || typeof d.caSerial !== 'string')
    return badDb(dir, 'index.json org/caSerial');
  if (!Number.isSafeInteger(d.crlNumber) || (d.crlNumber as number) < 0)
    return badDb(dir, 'index.json crlNumber');
  if (!Array.isArray(d.certificates)) return badDb(dir, 'index.json certificates');
  for (const e of d.certificates as Record<string, unknown>[]) {
    const ok =
      typeof e === 'object' &&
      e !== null &&
      typeof e.serial === 'string' &&
      isRole(e.role) &&
      typeof e.name === 'string' &&
      typeof e.file === 'string' &&
      (e.status === 'valid' || (e.status === 'revoked' && isRevocationReason(e.reason)));
    if (!ok) return badDb(dir, 'index.json entry');
  }
  return d as unknown as CaIndex;
}

/** An opened CA directory: index and CA certificate (the key is decrypted on demand). */
export interface CaDir {
  readonly dir: string;
  readonly suite: CryptoSuite;
  readonly index: CaIndex;
  readonly certificate: ParsedCertificate;
}

/** Opens a CA directory. Throws CLI_NO_CA_DIR if it has no index, CLI_BAD_CA_DIR if it is inconsistent. */
export async function openCaDir(dir: string): Promise<CaDir> {
  const p = paths(dir);
  let text: string;
  try {
    text = await readText(p.index, 'CA index');
  } catch (e) {
    throw new XinlianError(
      'CLI_NO_CA_DIR',
      `${dir} has no CA (index.json missing)`,
      { path: dir, hint: 'create one with xinlian ca init --org NAME --dir DIR, or pass --dir' },
      { cause: e },
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return badDb(dir, 'index.json is not JSON', e);
  }
  const index = checkIndex(doc, dir);
  const suite = createSuite(index.suite);
  const certificate = verifyCaCertificate(await readText(p.cert, 'CA certificate'), { suite });
  if (certificate.serial !== index.caSerial || certificate.org !== index.org) {
    return badDb(dir, 'ca.pem does not match index.json');
  }
  return { dir, suite, index, certificate };
}

/** Decrypts the CA key (asking for the passphrase per the usual rules) and checks it matches ca.pem. */
export async function loadCaKey(
  ca: CaDir,
  opts: { passphraseFile?: string | undefined },
  io: CliIO,
): Promise<PrivateKey> {
  const file = paths(ca.dir).key;
  const text = await readText(file, 'CA key file');
  const passphrase = await resolvePassphrase({ file: opts.passphraseFile, purpose: `CA key ${file}` }, io);
  const key = decryptKeyFile(text, passphrase);
  if (
    key.suite !== ca.suite.id ||
    !Buffer.from(key.publicKey.bytes).equals(Buffer.from(ca.certificate.publicKey.bytes))
  ) {
    return badDb(ca.dir, 'ca.key does not belong to ca.pem');
  }
  return key;
}

/** Writes a file atomically (temporary file in the same directory, then rename). */
export async function writeAtomic(path: string, content: string, mode = 0o644): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode });
  await rename(tmp, path);
}

export async function writeIndex(dir: string, index: CaIndex): Promise<void> {
  await writeAtomic(paths(dir).index, `${JSON.stringify(index, null, 2)}\n`);
}

/** Signs and writes a new CRL of the index's revoked certificates; returns the index with the new CRL number. */
export async function writeCrl(
  ca: CaDir,
  index: CaIndex,
  key: PrivateKey,
  now: Date,
  days = CRL_DAYS,
): Promise<CaIndex> {
  const crlNumber = index.crlNumber + 1;
  const entries = index.certificates
    .filter((c) => c.status === 'revoked')
    .map((c) => ({
      serial: c.serial,
      revokedAt: new Date(c.revokedAt ?? now.toISOString()),
      reason: c.reason ?? ('unspecified' as const),
    }));
  const der = createCrl({
    suite: ca.suite,
    ca: { certificate: ca.certificate, key },
    entries,
    crlNumber,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + days * 86_400_000),
  });
  await writeAtomic(paths(ca.dir).crl, toPem(der, 'X509 CRL'));
  return { ...index, crlNumber };
}

/** Creates the directory skeleton. */
export async function makeCaDirs(dir: string): Promise<void> {
  await mkdir(paths(dir).certs, { recursive: true });
}

/** Reads and parses an issued certificate's file. */
export async function readIssued(ca: CaDir, entry: IndexEntry): Promise<ParsedCertificate> {
  return parseCertificate(await readText(join(ca.dir, entry.file), 'certificate'), ca.suite);
}
