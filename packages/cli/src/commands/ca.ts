import { randomBytes } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type CryptoSuite,
  createSuite,
  encryptKeyFile,
  importPublicKeyPem,
  type PublicKey,
  SUITE_IDS,
  type SuiteId,
} from '@xinlian/crypto';
import {
  createCaCertificate,
  createRevocationSet,
  fingerprint,
  isRevocationReason,
  isRole,
  issueCertificate,
  nameText,
  normalizeSerial,
  type ParsedCertificate,
  type ParsedCsr,
  parseCsr,
  REVOCATION_REASONS,
  type RevocationReason,
  ROLES,
  type Role,
  toPem,
  verifyMemberCertificate,
} from '@xinlian/pki';
import { isXinlianError, toHex, XinlianError } from '@xinlian/utils';
import { type Command, Option } from 'commander';
import {
  type CaDir,
  type CaIndex,
  type IndexEntry,
  loadCaKey,
  makeCaDirs,
  openCaDir,
  paths,
  writeAtomic,
  writeCrl,
  writeIndex,
} from '../ca-store.js';
import { readKeyFileInfo, writeSecretFile } from '../keyfile.js';
import { readText, resolvePassphrase } from '../passphrase.js';
import type { CommandContext } from '../program.js';
import { parsePositiveInt } from '../util.js';

/** Default CA directory (relative to the working directory) when neither --dir nor XINLIAN_CA_DIR is given. */
export const DEFAULT_CA_DIR = '.xinlian/ca';
const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const DAY_MS = 86_400_000;

function caDir(flag: string | undefined, ctx: CommandContext): string {
  return resolve(ctx.io.cwd, flag ?? ctx.io.env.XINLIAN_CA_DIR ?? DEFAULT_CA_DIR);
}

/** The JSON/human view of a certificate. */
function describe(suiteHash: (c: ParsedCertificate) => string, c: ParsedCertificate) {
  return {
    serial: c.serial,
    subject: nameText(c.subject),
    issuer: nameText(c.issuer),
    org: c.org,
    role: c.role,
    name: c.name,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    publicKey: toHex(c.publicKey.bytes),
    fingerprint: suiteHash(c),
  };
}

/** A member public key from --key: an SPKI PEM public key or an xinlian-key/1 key file (public part). */
async function readMemberKey(file: string, suite: SuiteId): Promise<PublicKey> {
  const text = await readText(file, 'public key');
  if (text.trimStart().startsWith('{')) {
    const info = await readKeyFileInfo(file);
    if (info.suite !== suite) {
      throw new XinlianError('CLI_WRONG_SUITE', `${file} holds a ${info.suite} key; this CA is ${suite}`, {
        path: file,
      });
    }
    return info.publicKey;
  }
  return importPublicKeyPem(text, suite);
}

/**
 * A PKCS#10 CSR from a file (PEM or DER) whose self-signature verifies with the CA's suite; its
 * subject O, when present, must be the CA's organization (CLI_CSR_ORG_MISMATCH).
 */
async function readCsr(file: string, suite: CryptoSuite, org: string): Promise<ParsedCsr> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new XinlianError(
      'CLI_FILE_NOT_FOUND',
      `cannot read the certificate request ${file}`,
      { path: file },
      { cause: e },
    );
  }
  const text = Buffer.from(bytes).toString('latin1');
  const csr = parseCsr(text.includes('-----BEGIN') ? text : bytes, suite);
  if (csr.subject.org !== undefined && csr.subject.org !== org) {
    throw new XinlianError(
      'CLI_CSR_ORG_MISMATCH',
      `the certificate request is for organization ${csr.subject.org}; this CA is ${org}`,
      { path: file, org, csrOrg: csr.subject.org },
    );
  }
  return csr;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** `xinlian ca init|issue|list|revoke|crl|verify`: an organization's certificate authority. */
export function registerCa(program: Command, ctx: CommandContext): void {
  const { io, out } = ctx;
  const ca = program
    .command('ca')
    .description(
      "an organization's certificate authority: member certificates for nodes, admins, clients, regulators, auditors",
    );
  const dirOption = () =>
    new Option('--dir <dir>', `CA directory (default: $XINLIAN_CA_DIR or ${DEFAULT_CA_DIR})`);
  const passOption = () =>
    new Option('--passphrase-file <file>', 'read the CA key passphrase from the first line of this file');

  ca.command('init')
    .description('create an organization CA: an encrypted CA key and a self-signed CA certificate')
    .requiredOption(
      '--org <name>',
      'organization identifier (letters, digits, . _ -; becomes O= of every certificate)',
    )
    .addOption(new Option('--suite <suite>', 'crypto suite of the chain').choices(SUITE_IDS).default('gm'))
    .addOption(dirOption())
    .option('--name <cn>', 'CA common name (default: "<org> CA")')
    .option('--days <n>', 'validity in days', parsePositiveInt, 3650)
    .addOption(passOption())
    .option('--force', 'replace an existing CA in the directory (its key and records are lost)')
    .action(
      async (opts: {
        org: string;
        suite: SuiteId;
        dir?: string;
        name?: string;
        days: number;
        passphraseFile?: string;
        force?: true;
      }) => {
        const dir = caDir(opts.dir, ctx);
        const p = paths(dir);
        if (opts.force !== true && (await exists(p.index))) {
          throw new XinlianError('CLI_FILE_EXISTS', `${dir} already holds a CA`, {
            path: dir,
            hint: 'use another --dir, or --force to replace it (the old CA key is lost)',
          });
        }
        const suite = createSuite(opts.suite);
        const passphrase = await resolvePassphrase(
          { file: opts.passphraseFile, purpose: `the new CA key ${p.key}`, confirm: true },
          io,
        );
        const key = suite.generateKey();
        const now = new Date();
        const certificate = createCaCertificate({
          suite,
          org: opts.org,
          ...(opts.name === undefined ? {} : { name: opts.name }),
          key,
          notBefore: now,
          notAfter: new Date(now.getTime() + opts.days * DAY_MS),
          random,
        });
        await makeCaDirs(dir);
        await writeSecretFile(p.key, encryptKeyFile(key, passphrase), true);
        await writeAtomic(p.cert, toPem(certificate.der, 'CERTIFICATE'));
        const opened: CaDir = {
          dir,
          suite,
          certificate,
          index: {
            format: 'xinlian-ca/1',
            org: certificate.org,
            suite: suite.id,
            caSerial: certificate.serial,
            crlNumber: 0,
            certificates: [],
          },
        };
        const index = await writeCrl(opened, opened.index, key, now);
        await writeIndex(dir, index);
        const view = describe((c) => fingerprint(suite, c), certificate);
        out.result({
          ok: true,
          dir,
          suite: suite.id,
          certificate: view,
          files: { key: p.key, cert: p.cert, crl: p.crl, index: p.index },
        });
        out.line(`created CA ${view.subject} (${suite.id}) in ${dir}`);
        out.line(`  certificate ${p.cert}`);
        out.line(`  key         ${p.key} (encrypted)`);
        out.line(`  serial      ${view.serial}`);
        out.line(`  valid       ${view.notBefore} … ${view.notAfter}`);
        out.line(`inspect: openssl x509 -in ${p.cert} -noout -text`);
      },
    );

  ca.command('issue')
    .description("issue a member certificate signed by the organization's CA")
    .addOption(
      new Option('--role <role>', 'member role (with --csr: default the CSR subject OU)').choices(ROLES),
    )
    .option('--name <name>', 'member name (CN; with --csr: default the CSR subject CN)')
    .option('--key <file>', "the member's public key: SPKI PEM, or an xinlian-key/1 key file")
    .option(
      '--csr <file>',
      'a PKCS#10 certificate request (PEM or DER, e.g. from openssl req): its self-signature is verified and its key certified',
    )
    .option('--generate', 'generate a new key pair for the member (written encrypted to --key-out)')
    .option('--key-out <file>', 'where --generate writes the key (default: <dir>/keys/<serial>.key)')
    .option('--key-passphrase-file <file>', 'passphrase for the generated key (default: the CA passphrase)')
    .option('--days <n>', 'validity in days (at most up to the CA certificate end)', parsePositiveInt, 365)
    .option('--out <file>', 'also write the certificate PEM here')
    .addOption(dirOption())
    .addOption(passOption())
    .action(
      async (opts: {
        role?: Role;
        name?: string;
        key?: string;
        csr?: string;
        generate?: true;
        keyOut?: string;
        keyPassphraseFile?: string;
        days: number;
        out?: string;
        dir?: string;
        passphraseFile?: string;
      }) => {
        const sources = [opts.key, opts.generate, opts.csr].filter((x) => x !== undefined).length;
        if (sources !== 1) {
          throw new XinlianError('CLI_USAGE', 'pass exactly one of --key FILE, --csr FILE or --generate', {});
        }
        if (opts.csr === undefined && (opts.role === undefined || opts.name === undefined)) {
          throw new XinlianError('CLI_USAGE', 'pass --role and --name', {});
        }
        const ca = await openCaDir(caDir(opts.dir, ctx));
        const { suite } = ca;
        const member = opts.generate === true ? suite.generateKey() : undefined;
        const csr =
          opts.csr === undefined
            ? undefined
            : await readCsr(resolve(io.cwd, opts.csr), suite, ca.certificate.org);
        const role =
          opts.role ?? (csr !== undefined && isRole(csr.subject.unit) ? csr.subject.unit : undefined);
        const name = opts.name ?? csr?.subject.name;
        if (role === undefined || name === undefined) {
          throw new XinlianError(
            'CLI_USAGE',
            csr === undefined
              ? 'pass --role and --name'
              : 'pass --role and --name (the CSR subject has no role OU or no CN to default them from)',
            {},
          );
        }
        const publicKey =
          member?.publicKey ??
          csr?.publicKey ??
          (await readMemberKey(resolve(io.cwd, opts.key as string), suite.id));
        const caKey = await loadCaKey(ca, { passphraseFile: opts.passphraseFile }, io);
        const now = new Date();
        const notAfter = new Date(
          Math.min(now.getTime() + opts.days * DAY_MS, ca.certificate.notAfter.getTime()),
        );
        const cert = issueCertificate({
          suite,
          ca: { certificate: ca.certificate, key: caKey },
          role,
          name,
          publicKey,
          notBefore: now,
          notAfter,
          random,
        });
        const p = paths(ca.dir);
        let keyFile: string | undefined;
        if (member !== undefined) {
          keyFile = resolve(io.cwd, opts.keyOut ?? join(p.keys, `${cert.serial}.key`));
          const passphrase =
            opts.keyPassphraseFile === undefined
              ? await resolvePassphrase({ file: opts.passphraseFile, purpose: 'the member key' }, io)
              : await resolvePassphrase({ file: opts.keyPassphraseFile, purpose: 'the member key' }, io);
          await writeSecretFile(keyFile, encryptKeyFile(member, passphrase), false);
        }
        const pem = toPem(cert.der, 'CERTIFICATE');
        await writeAtomic(join(ca.dir, p.certFile(cert.serial)), pem);
        const entry: IndexEntry = {
          serial: cert.serial,
          role,
          name: cert.name,
          notBefore: cert.notBefore.toISOString(),
          notAfter: cert.notAfter.toISOString(),
          file: p.certFile(cert.serial),
          status: 'valid',
        };
        await writeIndex(ca.dir, { ...ca.index, certificates: [...ca.index.certificates, entry] });
        const outFile = opts.out === undefined ? undefined : resolve(io.cwd, opts.out);
        if (outFile !== undefined) await writeAtomic(outFile, pem);
        const certFile = join(ca.dir, entry.file);
        out.result({
          ok: true,
          certificate: describe((c) => fingerprint(suite, c), cert),
          file: certFile,
          ...(outFile === undefined ? {} : { out: outFile }),
          ...(keyFile === undefined ? {} : { keyFile }),
          ...(csr === undefined ? {} : { csr: { subject: csr.subject } }),
        });
        out.line(`issued ${nameText(cert.subject)}`);
        out.line(`  serial      ${cert.serial}`);
        out.line(`  certificate ${certFile}${outFile === undefined ? '' : ` (copy: ${outFile})`}`);
        if (keyFile !== undefined) out.line(`  key         ${keyFile} (encrypted)`);
        out.line(`  valid       ${entry.notBefore} … ${entry.notAfter}`);
      },
    );

  ca.command('list')
    .description('list the certificates this CA issued')
    .addOption(new Option('--status <status>', 'only these').choices(['valid', 'revoked', 'expired']))
    .addOption(dirOption())
    .action(async (opts: { status?: 'valid' | 'revoked' | 'expired'; dir?: string }) => {
      const ca = await openCaDir(caDir(opts.dir, ctx));
      const now = Date.now();
      const rows = ca.index.certificates
        .map((c) => ({
          ...c,
          status: c.status === 'valid' && Date.parse(c.notAfter) < now ? ('expired' as const) : c.status,
        }))
        .filter((c) => opts.status === undefined || c.status === opts.status);
      out.result({
        ok: true,
        dir: ca.dir,
        org: ca.index.org,
        suite: ca.index.suite,
        ca: describe((c) => fingerprint(ca.suite, c), ca.certificate),
        certificates: rows,
      });
      out.line(`CA ${nameText(ca.certificate.subject)} (${ca.index.suite}), serial ${ca.certificate.serial}`);
      if (rows.length === 0) out.line('no certificates');
      for (const r of rows) {
        const extra =
          r.status === 'revoked' ? ` (${r.reason ?? 'unspecified'} at ${r.revokedAt ?? '?'})` : '';
        out.line(
          `${r.serial}  ${r.status.padEnd(7)}  ${r.role.padEnd(9)}  ${r.name}  until ${r.notAfter}${extra}`,
        );
      }
    });

  ca.command('revoke')
    .description('revoke a certificate this CA issued and re-sign the CRL (crl.pem)')
    .argument('<serial>', 'serial number (hex, as `ca list` or `openssl x509 -serial` print it)')
    .addOption(
      new Option('--reason <reason>', 'RFC 5280 reason')
        .choices(Object.keys(REVOCATION_REASONS))
        .default('unspecified'),
    )
    .addOption(dirOption())
    .addOption(passOption())
    .action(
      async (
        serialArg: string,
        opts: { reason: RevocationReason; dir?: string; passphraseFile?: string },
      ) => {
        if (!isRevocationReason(opts.reason)) throw new XinlianError('CLI_USAGE', 'unknown reason', {});
        let serial: string;
        try {
          serial = normalizeSerial(serialArg);
        } catch (e) {
          throw new XinlianError('CLI_USAGE', `${serialArg} is not a serial number`, {}, { cause: e });
        }
        const ca = await openCaDir(caDir(opts.dir, ctx));
        const entry = ca.index.certificates.find((c) => c.serial === serial);
        if (entry === undefined) {
          throw new XinlianError('CLI_UNKNOWN_SERIAL', `this CA issued no certificate ${serial}`, {
            serial,
            hint: 'see xinlian ca list',
          });
        }
        if (entry.status === 'revoked') {
          throw new XinlianError('CLI_ALREADY_REVOKED', `certificate ${serial} is already revoked`, {
            serial,
            revokedAt: entry.revokedAt,
            reason: entry.reason,
          });
        }
        const key = await loadCaKey(ca, { passphraseFile: opts.passphraseFile }, io);
        const now = new Date();
        const revoked: IndexEntry = {
          ...entry,
          status: 'revoked',
          revokedAt: now.toISOString(),
          reason: opts.reason,
        };
        let index: CaIndex = {
          ...ca.index,
          certificates: ca.index.certificates.map((c) => (c.serial === serial ? revoked : c)),
        };
        index = await writeCrl(ca, index, key, now);
        await writeIndex(ca.dir, index);
        const crl = paths(ca.dir).crl;
        out.result({ ok: true, certificate: revoked, crl, crlNumber: index.crlNumber });
        out.line(`revoked ${serial} (${revoked.role} ${revoked.name}), reason ${opts.reason}`);
        out.line(`  CRL #${index.crlNumber} written to ${crl}`);
      },
    );

  ca.command('crl')
    .description('re-sign the CRL (crl.pem) with a new validity window')
    .option('--days <n>', 'days until nextUpdate', parsePositiveInt, 30)
    .addOption(dirOption())
    .addOption(passOption())
    .action(async (opts: { days: number; dir?: string; passphraseFile?: string }) => {
      const ca = await openCaDir(caDir(opts.dir, ctx));
      const key = await loadCaKey(ca, { passphraseFile: opts.passphraseFile }, io);
      const index = await writeCrl(ca, ca.index, key, new Date(), opts.days);
      await writeIndex(ca.dir, index);
      const crl = paths(ca.dir).crl;
      const revoked = index.certificates.filter((c) => c.status === 'revoked').length;
      out.result({ ok: true, crl, crlNumber: index.crlNumber, revoked });
      out.line(`CRL #${index.crlNumber} (${revoked} revoked) written to ${crl}`);
    });

  ca.command('verify')
    .description('check a member certificate against this CA and its revocations now; exit 3 if it fails')
    .argument('<cert>', 'certificate file (PEM or DER)')
    .addOption(new Option('--role <role>', 'also require this role').choices(ROLES))
    .addOption(dirOption())
    .action(async (file: string, opts: { role?: Role; dir?: string }) => {
      const ca = await openCaDir(caDir(opts.dir, ctx));
      const path = resolve(io.cwd, file);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(path));
      } catch (e) {
        throw new XinlianError(
          'CLI_FILE_NOT_FOUND',
          `cannot read certificate ${path}`,
          { path },
          { cause: e },
        );
      }
      const revoked = createRevocationSet(
        ca.index.certificates
          .filter((c) => c.status === 'revoked')
          .map((c) => ({ org: ca.index.org, serial: c.serial })),
      );
      try {
        const id = verifyMemberCertificate(bytes, {
          suite: ca.suite,
          trustedCas: [ca.certificate],
          at: new Date(),
          revoked,
          ...(opts.role === undefined ? {} : { roles: [opts.role] }),
        });
        const identity = {
          ...id,
          publicKey: toHex(id.publicKey.bytes),
          notBefore: id.notBefore.toISOString(),
          notAfter: id.notAfter.toISOString(),
        };
        out.result({ ok: true, file: path, identity });
        out.line(
          `VALID  O=${id.org},OU=${id.role},CN=${id.name}  serial ${id.serial}  until ${identity.notAfter}`,
        );
      } catch (e) {
        if (!isXinlianError(e) || !e.code.startsWith('PKI_')) throw e;
        out.result({ ok: false, file: path, error: e.toJSON() });
        out.line(`INVALID  ${e.code}: ${e.message}`);
        ctx.exitCode = 3;
      }
    });
}
