import { resolve } from 'node:path';
import {
  addressOf,
  createSuite,
  encryptKeyFile,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  SUITE_IDS,
  type SuiteId,
} from '@xinlian/crypto';
import { toHex } from '@xinlian/utils';
import { type Command, Option } from 'commander';
import { loadKey, readKeyFileInfo, writeSecretFile } from '../keyfile.js';
import { resolvePassphrase } from '../passphrase.js';
import { clientKeyPath } from '../paths.js';
import type { CommandContext } from '../program.js';

/** `xinlian keys new|show|export-pem`: encrypted client key files. */
export function registerKeys(program: Command, ctx: CommandContext): void {
  const keys = program.command('keys').description('create and inspect encrypted key files (xinlian-key/1)');
  const { io, out } = ctx;

  keys
    .command('new')
    .description('generate a key pair into an encrypted key file')
    .addOption(
      new Option('--suite <suite>', 'crypto suite of the chain the key is for')
        .choices(SUITE_IDS)
        .default('gm'),
    )
    .option('--out <file>', 'key file to write (default: $XINLIAN_KEY or <home>/keys/client.key)')
    .option(
      '--home <dir>',
      'home whose keys/client.key is the default (default: $XINLIAN_HOME or .xinlian/dev)',
    )
    .option('--passphrase-file <file>', 'read the passphrase from the first line of this file')
    .option('--force', 'overwrite an existing file')
    .action(
      async (opts: {
        suite: SuiteId;
        out?: string;
        home?: string;
        passphraseFile?: string;
        force?: true;
      }) => {
        const file = clientKeyPath({ key: opts.out, home: opts.home }, io);
        const passphrase = await resolvePassphrase(
          { file: opts.passphraseFile, purpose: `the new key ${file}`, confirm: true },
          io,
        );
        const suite = createSuite(opts.suite);
        const key = suite.generateKey();
        await writeSecretFile(file, encryptKeyFile(key, passphrase), opts.force === true);
        const publicKey = toHex(key.publicKey.bytes);
        const address = addressOf(suite, key.publicKey.bytes);
        out.result({ ok: true, file, suite: suite.id, publicKey, address });
        out.line(`created ${file}`);
        out.line(`suite       ${suite.id}`);
        out.line(`public key  ${publicKey}`);
        out.line(`address     ${address}`);
      },
    );

  keys
    .command('show')
    .description('show the public key and address of a key file (no passphrase needed)')
    .argument('<file>', 'key file')
    .action(async (file: string) => {
      const info = await readKeyFileInfo(resolve(io.cwd, file));
      const publicKey = toHex(info.publicKey.bytes);
      const publicKeyPem = exportPublicKeyPem(info.publicKey);
      out.result({
        ok: true,
        file: info.file,
        suite: info.suite,
        publicKey,
        address: info.address,
        publicKeyPem,
      });
      out.line(`file        ${info.file}`);
      out.line(`suite       ${info.suite}`);
      out.line(`public key  ${publicKey}`);
      out.line(`address     ${info.address}`);
    });

  keys
    .command('export-pem')
    .description('print a key as PEM: PKCS#8 private key (asks for the passphrase) or, with --public, SPKI')
    .argument('<file>', 'key file')
    .option('--public', 'export the public key only (no passphrase needed)')
    .option('--out <file>', 'write the PEM to this file (mode 0600) instead of stdout')
    .option('--passphrase-file <file>', 'read the passphrase from the first line of this file')
    .option('--force', 'overwrite --out if it exists')
    .action(
      async (file: string, opts: { public?: true; out?: string; passphraseFile?: string; force?: true }) => {
        const path = resolve(io.cwd, file);
        const pem =
          opts.public === true
            ? exportPublicKeyPem((await readKeyFileInfo(path)).publicKey)
            : exportPrivateKeyPem((await loadKey(path, { passphraseFile: opts.passphraseFile }, io)).key);
        const kind = opts.public === true ? 'public' : 'private';
        if (opts.out !== undefined) {
          const target = resolve(io.cwd, opts.out);
          await writeSecretFile(target, pem, opts.force === true);
          out.result({ ok: true, file: path, kind, out: target });
          out.line(`wrote ${kind} key PEM to ${target}`);
          return;
        }
        out.result({ ok: true, file: path, kind, pem });
        if (!out.json) io.stdout.write(pem.endsWith('\n') ? pem : `${pem}\n`);
      },
    );
}
