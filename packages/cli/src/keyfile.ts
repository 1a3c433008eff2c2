import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  addressOf,
  createSuite,
  decryptKeyFile,
  type PrivateKey,
  type PublicKey,
  SUITE_IDS,
  type SuiteId,
} from '@xinlian/crypto';
import { fromHex, XinlianError } from '@xinlian/utils';
import type { CliIO } from './io.js';
import { readText, resolvePassphrase } from './passphrase.js';

/** The public part of an encrypted key file (`xinlian-key/1`), readable without the passphrase. */
export interface KeyFileInfo {
  readonly file: string;
  readonly suite: SuiteId;
  readonly publicKey: PublicKey;
  readonly address: string;
}

/** Reads the public key of a key file. Throws CLI_FILE_NOT_FOUND or CLI_BAD_KEY_FILE. */
export async function readKeyFileInfo(file: string): Promise<KeyFileInfo & { readonly text: string }> {
  const text = await readText(file, 'key file');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new XinlianError(
      'CLI_BAD_KEY_FILE',
      `${file} is not a key file (not JSON)`,
      { path: file },
      { cause: e },
    );
  }
  if (
    typeof doc !== 'object' ||
    doc === null ||
    !('format' in doc) ||
    doc.format !== 'xinlian-key/1' ||
    !('suite' in doc) ||
    !SUITE_IDS.includes(doc.suite as SuiteId) ||
    !('publicKey' in doc) ||
    typeof doc.publicKey !== 'string'
  ) {
    throw new XinlianError('CLI_BAD_KEY_FILE', `${file} is not an xinlian-key/1 key file`, { path: file });
  }
  const suite = createSuite(doc.suite as SuiteId);
  const publicKey = suite.publicKeyFromBytes(fromHex(doc.publicKey));
  return { file, text, suite: suite.id, publicKey, address: addressOf(suite, publicKey.bytes) };
}

/** Loads and decrypts a key file, asking for its passphrase per the usual rules. */
export async function loadKey(
  file: string,
  opts: { passphraseFile?: string | undefined; devHome?: string | undefined },
  io: CliIO,
): Promise<{ key: PrivateKey; info: KeyFileInfo }> {
  const { text, ...info } = await readKeyFileInfo(file);
  const passphrase = await resolvePassphrase(
    { file: opts.passphraseFile, devHome: opts.devHome, purpose: `key file ${file}` },
    io,
  );
  return { key: decryptKeyFile(text, passphrase), info };
}

/** Writes a secret file with mode 0600, creating parent directories; refuses to overwrite unless `force`. */
export async function writeSecretFile(path: string, content: string, force: boolean): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, content, { mode: 0o600, flag: force ? 'w' : 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new XinlianError('CLI_FILE_EXISTS', `${path} already exists`, {
        path,
        hint: 'pass --force to overwrite it (the old key is lost)',
      });
    }
    throw e;
  }
}
