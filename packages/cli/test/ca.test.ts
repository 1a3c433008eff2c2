/** `xinlian ca …` end to end: the built CLI in child processes, checked with our parser and the openssl CLI. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createSuite, type SuiteId } from '@xinlian/crypto';
import { parseCertificate, verifyCrl } from '@xinlian/pki';
import { toHex } from '@xinlian/utils';
import { json, type Result, cli as runCli } from './helpers.js';

/** Runs the CLI; the CA key passphrase is `ca-pass` unless `env` says otherwise. */
const cli = (
  args: readonly string[],
  env: Record<string, string | undefined> = { XINLIAN_PASSPHRASE: 'ca-pass' },
) => runCli(args, env);
const errorCode = (r: Result) => (json(r).error as { code: string }).code;

/** `xinlian ca issue --dir DIR --role ROLE --name NAME ...rest --json`. */
const caIssue = (dir: string, role: string, name: string, ...rest: readonly string[]) =>
  cli(['ca', 'issue', '--dir', dir, '--role', role, '--name', name, ...rest, '--json']);

function openssl(args: readonly string[]): string {
  return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).toString();
}

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'xinlian-ca-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

for (const id of ['gm', 'intl'] as SuiteId[]) {
  describe(`xinlian ca (${id})`, () => {
    const suite = createSuite(id);
    const vfy = id === 'gm' ? ['-vfyopt', 'distid:1234567812345678'] : [];
    let dir: string;
    before(() => {
      dir = join(tmp, `ca-${id}`);
    });

    test('init creates an encrypted CA key, a CA certificate and an empty CRL; refuses to overwrite', async () => {
      const r = await cli(['ca', 'init', '--org', 'acme', '--suite', id, '--dir', dir, '--json']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const doc = json(r);
      assert.equal(doc.ok, true);
      assert.equal(doc.suite, id);
      const cert = parseCertificate(await readFile(join(dir, 'ca.pem'), 'utf8'), suite);
      assert.equal(cert.isCa, true);
      assert.equal(cert.org, 'acme');
      assert.equal((doc.certificate as { serial: string }).serial, cert.serial);
      const key = JSON.parse(await readFile(join(dir, 'ca.key'), 'utf8')) as { format: string };
      assert.equal(key.format, 'xinlian-key/1');
      assert.equal(
        verifyCrl(await readFile(join(dir, 'crl.pem'), 'utf8'), { suite, ca: cert }).entries.length,
        0,
      );
      const again = await cli(['ca', 'init', '--org', 'acme', '--suite', id, '--dir', dir, '--json']);
      assert.equal(again.code, 1);
      assert.equal(errorCode(again), 'CLI_FILE_EXISTS');
    });

    test('issue with a generated key, with a PEM public key and with a key file', async () => {
      const gen = await caIssue(dir, 'validator', 'node-1', '--generate');
      assert.equal(gen.code, 0, gen.stdout + gen.stderr);
      const g = json(gen) as { certificate: { serial: string; role: string }; file: string; keyFile: string };
      assert.equal(g.certificate.role, 'validator');
      const keyDoc = JSON.parse(await readFile(g.keyFile, 'utf8')) as { publicKey: string };
      const cert = parseCertificate(await readFile(g.file, 'utf8'), suite);
      assert.equal(Buffer.from(cert.publicKey.bytes).toString('hex'), keyDoc.publicKey);
      assert.match(
        openssl(['verify', ...vfy, '-purpose', 'sslserver', '-CAfile', join(dir, 'ca.pem'), g.file]),
        /OK/,
      );

      const keyPem = join(tmp, `${id}-member.pem`);
      const pubPem = join(tmp, `${id}-member.pub.pem`);
      openssl([
        'genpkey',
        ...(id === 'gm'
          ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2']
          : ['-algorithm', 'ed25519']),
        '-out',
        keyPem,
      ]);
      openssl(['pkey', '-in', keyPem, '-pubout', '-out', pubPem]);
      const out = join(tmp, `${id}-alice.pem`);
      const pem = await caIssue(dir, 'client', 'alice', '--key', pubPem, '--out', out);
      assert.equal(pem.code, 0, pem.stdout + pem.stderr);
      assert.match(
        openssl(['verify', ...vfy, '-purpose', 'sslclient', '-CAfile', join(dir, 'ca.pem'), out]),
        /OK/,
      );
      const text = openssl(['x509', '-in', out, '-noout', '-subject', '-nameopt', 'sep_comma_plus']);
      assert.match(text, /O=acme,OU=client,CN=alice/);

      const keyFile = join(tmp, `${id}-bob.key`);
      assert.equal((await cli(['keys', 'new', '--suite', id, '--out', keyFile])).code, 0);
      const kf = await caIssue(dir, 'regulator', 'bob', '--key', keyFile);
      assert.equal(kf.code, 0, kf.stdout + kf.stderr);
    });

    test('issue --csr: an openssl PKCS#10 request (self-signature verified), role/name from its subject', async () => {
      // Its own CA (the other tests count this CA's certificates).
      const dir = join(tmp, `ca-${id}-csr`);
      const init = await cli(['ca', 'init', '--org', 'acme', '--suite', id, '--dir', dir, '--json']);
      assert.equal(init.code, 0, init.stdout + init.stderr);
      const keyPem = join(tmp, `${id}-csr-key.pem`);
      openssl([
        'genpkey',
        ...(id === 'gm' ? ['-algorithm', 'SM2'] : ['-algorithm', 'ed25519']),
        '-out',
        keyPem,
      ]);
      // gm: SM2 with SM3 and the GB/T default ID (OpenSSL 3 otherwise signs with an empty ID).
      const sig = id === 'gm' ? ['-sm3', '-sigopt', 'distid:1234567812345678'] : [];
      const csr = join(tmp, `${id}-carol.csr`);
      openssl(['req', '-new', '-key', keyPem, ...sig, '-subj', '/O=acme/OU=auditor/CN=carol', '-out', csr]);
      const out = join(tmp, `${id}-carol.pem`);
      const r = await cli(['ca', 'issue', '--dir', dir, '--csr', csr, '--out', out, '--json']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const doc = json(r) as { certificate: { role: string; name: string; publicKey: string } };
      assert.equal(doc.certificate.role, 'auditor');
      assert.equal(doc.certificate.name, 'carol');
      // The certified key is the CSR's key.
      const pub = openssl(['pkey', '-in', keyPem, '-pubout', '-outform', 'DER']);
      const cert = parseCertificate(await readFile(out, 'utf8'), suite);
      assert.equal(toHex(cert.publicKey.bytes), doc.certificate.publicKey);
      const spki = execFileSync('openssl', ['pkey', '-in', keyPem, '-pubout', '-outform', 'DER']);
      assert.ok(spki.length > 0 && pub.length > 0);
      assert.ok(Buffer.from(spki).includes(Buffer.from(cert.publicKey.bytes)), 'CSR key certified');
      assert.match(
        openssl(['verify', ...vfy, '-purpose', 'sslclient', '-CAfile', join(dir, 'ca.pem'), out]),
        /OK/,
      );
      // DER input, options override the subject.
      const der = join(tmp, `${id}-carol.der`);
      openssl(['req', '-in', csr, '-outform', 'DER', '-out', der]);
      const r2 = await cli([
        'ca',
        'issue',
        '--dir',
        dir,
        '--csr',
        der,
        '--role',
        'client',
        '--name',
        'carol-2',
        '--json',
      ]);
      assert.equal(r2.code, 0, r2.stdout + r2.stderr);
      assert.equal((json(r2) as { certificate: { role: string } }).certificate.role, 'client');

      // A tampered request: the self-signature no longer verifies.
      const bytes = await readFile(der);
      const at = bytes.indexOf(Buffer.from('carol'));
      bytes[at] = 'k'.charCodeAt(0);
      const bad = join(tmp, `${id}-tampered.der`);
      await writeFile(bad, bytes);
      const r3 = await cli(['ca', 'issue', '--dir', dir, '--csr', bad, '--json']);
      assert.equal(r3.code, 1);
      assert.equal(errorCode(r3), 'PKI_BAD_SIGNATURE');
      // Another organization's request is refused.
      const other = join(tmp, `${id}-other.csr`);
      openssl(['req', '-new', '-key', keyPem, ...sig, '-subj', '/O=other/OU=client/CN=x', '-out', other]);
      const r4 = await cli(['ca', 'issue', '--dir', dir, '--csr', other, '--json']);
      assert.equal(errorCode(r4), 'CLI_CSR_ORG_MISMATCH');
      // Without a role in the subject or --role: usage error.
      const norole = join(tmp, `${id}-norole.csr`);
      openssl(['req', '-new', '-key', keyPem, ...sig, '-subj', '/CN=y', '-out', norole]);
      const r5 = await cli(['ca', 'issue', '--dir', dir, '--csr', norole, '--json']);
      assert.equal(r5.code, 2);
      assert.equal(errorCode(r5), 'CLI_USAGE');
      if (id === 'gm') {
        // OpenSSL's default SM2 signature (empty ID) is not the GB/T default ID: refused, with the hint.
        const noid = join(tmp, 'gm-noid.csr');
        openssl(['req', '-new', '-key', keyPem, '-sm3', '-subj', '/O=acme/OU=client/CN=z', '-out', noid]);
        const r6 = await cli(['ca', 'issue', '--dir', dir, '--csr', noid, '--json']);
        assert.equal(errorCode(r6), 'PKI_BAD_SIGNATURE');
        assert.match((json(r6).error as { message: string }).message, /distid:1234567812345678/);
      }
    });

    test('list, verify, revoke (CRL re-signed), verify again', async () => {
      const list = json(await cli(['ca', 'list', '--dir', dir, '--json'])) as {
        certificates: { serial: string; role: string; name: string; status: string; file: string }[];
      };
      assert.deepEqual(
        list.certificates.map((c) => [c.role, c.name, c.status]),
        [
          ['validator', 'node-1', 'valid'],
          ['client', 'alice', 'valid'],
          ['regulator', 'bob', 'valid'],
        ],
      );
      const alice = list.certificates[1];
      const aliceFile = join(dir, alice.file);
      const ok = await cli(['ca', 'verify', aliceFile, '--dir', dir, '--json']);
      assert.equal(ok.code, 0, ok.stdout);
      assert.deepEqual((json(ok).identity as { role: string }).role, 'client');
      const wrongRole = await cli(['ca', 'verify', aliceFile, '--dir', dir, '--role', 'validator', '--json']);
      assert.equal(wrongRole.code, 3);
      assert.equal((json(wrongRole).error as { code: string }).code, 'PKI_ROLE_NOT_ALLOWED');

      // openssl-style serial (upper case with colons) is accepted
      const colon = alice.serial.toUpperCase().match(/../g)?.join(':') ?? '';
      const rev = await cli(['ca', 'revoke', colon, '--reason', 'keyCompromise', '--dir', dir, '--json']);
      assert.equal(rev.code, 0, rev.stdout + rev.stderr);
      assert.equal(json(rev).crlNumber, 2);
      const bad = await cli(['ca', 'verify', aliceFile, '--dir', dir, '--json']);
      assert.equal(bad.code, 3);
      assert.equal((json(bad).error as { code: string }).code, 'PKI_REVOKED');
      const human = await cli(['ca', 'verify', aliceFile, '--dir', dir]);
      assert.equal(human.code, 3);
      assert.match(human.stdout, /^INVALID {2}PKI_REVOKED/m);

      const ca = parseCertificate(await readFile(join(dir, 'ca.pem'), 'utf8'), suite);
      const crlPem = await readFile(join(dir, 'crl.pem'), 'utf8');
      const crl = verifyCrl(crlPem, { suite, ca });
      assert.deepEqual(
        crl.entries.map((e) => [e.serial, e.reason]),
        [[alice.serial, 'keyCompromise']],
      );
      assert.match(
        openssl(['crl', '-in', join(dir, 'crl.pem'), '-noout', '-text']),
        new RegExp(alice.serial.toUpperCase()),
      );
      if (id === 'intl') {
        const r = execFileSync('sh', [
          '-c',
          `openssl verify -crl_check -CRLfile '${join(dir, 'crl.pem')}' -CAfile '${join(dir, 'ca.pem')}' '${aliceFile}' 2>&1 || true`,
        ]).toString();
        assert.match(r, /certificate revoked/);
      }
      const revoked = json(await cli(['ca', 'list', '--dir', dir, '--status', 'revoked', '--json'])) as {
        certificates: { serial: string }[];
      };
      assert.deepEqual(
        revoked.certificates.map((c) => c.serial),
        [alice.serial],
      );

      const twice = await cli(['ca', 'revoke', alice.serial, '--dir', dir, '--json']);
      assert.equal(twice.code, 1);
      assert.equal(errorCode(twice), 'CLI_ALREADY_REVOKED');
      const unknown = await cli(['ca', 'revoke', 'abcdef', '--dir', dir, '--json']);
      assert.equal(unknown.code, 1);
      assert.equal(errorCode(unknown), 'CLI_UNKNOWN_SERIAL');
      const crlAgain = await cli(['ca', 'crl', '--dir', dir, '--json']);
      assert.equal(crlAgain.code, 0);
      assert.equal(json(crlAgain).crlNumber, 3);
    });
  });
}

describe('xinlian ca: errors and exit codes', () => {
  test('usage errors exit 2', async () => {
    const dir = join(tmp, 'usage');
    for (const args of [
      ['ca', 'init', '--dir', dir],
      ['ca', 'issue', '--dir', dir, '--role', 'root', '--name', 'x', '--generate'],
      ['ca', 'issue', '--dir', dir, '--role', 'client', '--generate'],
      ['ca', 'revoke', 'zz', '--dir', dir],
      ['ca', 'revoke', '01', '--reason', 'because', '--dir', dir],
    ]) {
      const r = await cli([...args, '--json']);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(errorCode(r), 'CLI_USAGE');
    }
    const noPass = await cli(['ca', 'init', '--org', 'x', '--dir', dir, '--json'], {});
    assert.equal(noPass.code, 2);
    assert.equal(errorCode(noPass), 'CLI_NO_PASSPHRASE');
  });

  test('a missing CA directory, a bad org name and a wrong passphrase exit 1 with their codes', async () => {
    const missing = await cli(['ca', 'list', '--dir', join(tmp, 'nothing'), '--json']);
    assert.equal(missing.code, 1);
    assert.equal(errorCode(missing), 'CLI_NO_CA_DIR');
    const badOrg = await cli(['ca', 'init', '--org', 'a b', '--dir', join(tmp, 'bad-org'), '--json']);
    assert.equal(badOrg.code, 1);
    assert.equal(errorCode(badOrg), 'PKI_INVALID_ARGUMENT');
    const dir = join(tmp, 'pass');
    assert.equal((await cli(['ca', 'init', '--org', 'p', '--suite', 'intl', '--dir', dir])).code, 0);
    const wrong = await cli(
      ['ca', 'issue', '--dir', dir, '--role', 'client', '--name', 'c', '--generate', '--json'],
      {
        XINLIAN_PASSPHRASE: 'not-it',
      },
    );
    assert.equal(wrong.code, 1);
    assert.equal(errorCode(wrong), 'CRYPTO_BAD_PASSPHRASE');
    const gmKey = join(tmp, 'gm.key');
    assert.equal((await cli(['keys', 'new', '--suite', 'gm', '--out', gmKey])).code, 0);
    const mismatch = await caIssue(dir, 'client', 'c', '--key', gmKey);
    assert.equal(mismatch.code, 1);
    assert.equal(errorCode(mismatch), 'CLI_WRONG_SUITE');
    const garbage = join(tmp, 'garbage.pem');
    await writeFile(garbage, 'not a certificate');
    const v = await cli(['ca', 'verify', garbage, '--dir', dir, '--json']);
    assert.equal(v.code, 3);
    assert.equal((json(v).error as { code: string }).code, 'PKI_MALFORMED');
  });
});
