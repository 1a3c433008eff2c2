import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  createSuite,
  decryptKeyFile,
  encryptKeyFile,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  importPrivateKeyPem,
  importPublicKeyPem,
  type KeyFile,
  privateKeyFromRaw,
  privateKeyToRaw,
  type SuiteId,
} from '../src/index.js';
import { SM2_N } from '../src/sm2.js';
import { ascii, code } from './helpers.js';

const pem = (o: { privateKey: { export(o: object): string | Buffer } }) =>
  o.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

describe('key encodings', () => {
  for (const id of ['gm', 'intl'] as SuiteId[]) {
    const suite = createSuite(id);

    it(`${id}: raw and PEM round-trips keep the key`, () => {
      const key = suite.generateKey();
      const raw = privateKeyToRaw(key);
      assert.equal(raw.length, 32);
      const fromRaw = privateKeyFromRaw(id, raw);
      assert.deepEqual(fromRaw.publicKey, key.publicKey);
      const text = exportPrivateKeyPem(key);
      assert.match(text, /^-----BEGIN PRIVATE KEY-----\n/);
      const fromPem = importPrivateKeyPem(text, id);
      assert.deepEqual(fromPem.publicKey, key.publicKey);
      assert.deepEqual(importPrivateKeyPem(text).publicKey, key.publicKey, 'suite detected without a hint');
      // the re-imported key signs for the original public key
      const msg = ascii('round trip');
      assert.equal(suite.verify(key.publicKey, msg, suite.sign(fromPem, msg)), true);
      assert.equal(suite.verify(key.publicKey, msg, suite.sign(fromRaw, msg)), true);
      const pubPem = exportPublicKeyPem(key.publicKey);
      assert.match(pubPem, /^-----BEGIN PUBLIC KEY-----\n/);
      assert.deepEqual(importPublicKeyPem(pubPem), key.publicKey);
      assert.deepEqual(importPublicKeyPem(pubPem, id), key.publicKey);
    });
  }

  it('a raw SM2 scalar must be in [1, n-2]', () => {
    const nMinus1 = new Uint8Array(SM2_N);
    nMinus1[31] -= 1;
    const nMinus2 = new Uint8Array(SM2_N);
    nMinus2[31] -= 2;
    assert.throws(() => privateKeyFromRaw('gm', new Uint8Array(32)), code('CRYPTO_INVALID_KEY'));
    assert.throws(() => privateKeyFromRaw('gm', nMinus1), code('CRYPTO_INVALID_KEY'));
    assert.throws(() => privateKeyFromRaw('gm', new Uint8Array(31).fill(1)), code('CRYPTO_INVALID_KEY'));
    assert.deepEqual(privateKeyToRaw(privateKeyFromRaw('gm', nMinus2)), nMinus2);
    assert.throws(() => privateKeyFromRaw('intl', new Uint8Array(33)), code('CRYPTO_INVALID_KEY'));
    assert.throws(
      () => privateKeyFromRaw('rsa' as SuiteId, new Uint8Array(32)),
      code('CRYPTO_UNKNOWN_SUITE'),
    );
  });

  it('keys from the wrong curve or suite are refused clearly', () => {
    const p256 = pem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }));
    const k1 = pem(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }));
    const rsa = pem(generateKeyPairSync('rsa', { modulusLength: 1024 }));
    for (const text of [p256, k1, rsa]) {
      assert.throws(() => importPrivateKeyPem(text, 'gm'), code('CRYPTO_WRONG_SUITE'));
      assert.throws(() => importPrivateKeyPem(text), code('CRYPTO_WRONG_SUITE'));
    }
    assert.throws(() => importPrivateKeyPem(p256, 'gm'), /prime256v1/);
    const gmPem = exportPrivateKeyPem(createSuite('gm').generateKey());
    const edPem = exportPrivateKeyPem(createSuite('intl').generateKey());
    assert.throws(() => importPrivateKeyPem(gmPem, 'intl'), code('CRYPTO_WRONG_SUITE'));
    assert.throws(() => importPrivateKeyPem(edPem, 'gm'), code('CRYPTO_WRONG_SUITE'));
    const p256Pub = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    }) as string;
    assert.throws(() => importPublicKeyPem(p256Pub), code('CRYPTO_WRONG_SUITE'));
  });

  it('garbage PEM is an invalid key', () => {
    for (const text of ['', 'hello', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n']) {
      assert.throws(() => importPrivateKeyPem(text), code('CRYPTO_INVALID_KEY'));
      assert.throws(() => importPublicKeyPem(text), code('CRYPTO_INVALID_KEY'));
    }
  });
});

describe('key files', () => {
  const N = 16; // tiny scrypt cost keeps the tests fast

  for (const id of ['gm', 'intl'] as SuiteId[]) {
    const suite = createSuite(id);

    it(`${id}: round-trips for random passphrases`, () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 30 }), (passphrase) => {
          const key = suite.generateKey();
          const text = encryptKeyFile(key, passphrase, { scryptN: N });
          const back = decryptKeyFile(text, passphrase);
          assert.deepEqual(back.publicKey, key.publicKey);
          assert.deepEqual(privateKeyToRaw(back), privateKeyToRaw(key));
        }),
        { numRuns: 10 },
      );
    });

    it(`${id}: has the documented format and the suite's own cipher`, () => {
      const key = suite.generateKey();
      const file = JSON.parse(encryptKeyFile(key, 'pw', { scryptN: N })) as KeyFile;
      assert.equal(file.format, 'xinlian-key/1');
      assert.equal(file.suite, id);
      assert.equal(file.publicKey, Buffer.from(key.publicKey.bytes).toString('hex'));
      assert.deepEqual(
        { ...file.kdf, salt: typeof file.kdf.salt },
        { name: 'scrypt', N, r: 8, p: 1, salt: 'string' },
      );
      assert.equal(file.cipher.name, suite.cipherAlgorithm);
      assert.match(file.cipher.nonce, /^[0-9a-f]{24}$/);
      assert.match(file.ciphertext, /^[0-9a-f]+$/);
    });

    it(`${id}: wrong passphrase, altered ciphertext, mismatched publicKey, malformed files`, () => {
      const key = suite.generateKey();
      const text = encryptKeyFile(key, 'correct horse', { scryptN: N });
      assert.throws(() => decryptKeyFile(text, 'correct hors'), code('CRYPTO_BAD_PASSPHRASE'));
      const file = JSON.parse(text) as KeyFile;
      /** The file with the field at `path` set to `value` (deleted when undefined). */
      const edit = (path: readonly string[], value: unknown): string => {
        const f = structuredClone(file) as unknown as Record<string, unknown>;
        let target = f;
        for (const k of path.slice(0, -1)) target = target[k] as Record<string, unknown>;
        const last = path[path.length - 1];
        if (value === undefined) delete target[last];
        else target[last] = value;
        return JSON.stringify(f);
      };
      const flipped = `${file.ciphertext.slice(0, -1)}${file.ciphertext.endsWith('0') ? '1' : '0'}`;
      assert.throws(
        () => decryptKeyFile(edit(['ciphertext'], flipped), 'correct horse'),
        code('CRYPTO_BAD_PASSPHRASE'),
      );
      const otherPub = Buffer.from(suite.generateKey().publicKey.bytes).toString('hex');
      assert.throws(
        () => decryptKeyFile(edit(['publicKey'], otherPub), 'correct horse'),
        code('CRYPTO_BAD_KEY_FILE'),
      );
      const bad = code('CRYPTO_BAD_KEY_FILE');
      const malformed = [
        'not json',
        '[]',
        edit(['format'], 'xinlian-key/2'),
        edit(['suite'], 'rsa'),
        edit(['suite'], id === 'gm' ? 'intl' : 'gm'),
        edit(['kdf'], undefined),
        edit(['kdf', 'name'], 'pbkdf2'),
        edit(['kdf', 'N'], 1000),
        edit(['kdf', 'N'], 2 ** 24),
        edit(['kdf', 'r'], 0),
        edit(['kdf', 'salt'], 'zz'),
        edit(['cipher', 'nonce'], '00'),
        edit(['ciphertext'], 'abc'),
        edit(['publicKey'], 42),
      ];
      for (const [i, m] of malformed.entries())
        assert.throws(() => decryptKeyFile(m, 'correct horse'), bad, `case ${i}`);
    });
  }

  it('rejects an invalid scrypt cost and uses 2^15 by default', () => {
    const key = createSuite('intl').generateKey();
    assert.throws(() => encryptKeyFile(key, 'pw', { scryptN: 1000 }), code('CRYPTO_INVALID_ARGUMENT'));
    const file = JSON.parse(encryptKeyFile(key, 'pw')) as KeyFile;
    assert.equal(file.kdf.N, 2 ** 15);
    assert.deepEqual(decryptKeyFile(JSON.stringify(file), 'pw').publicKey, key.publicKey);
  });
});
