/**
 * The browser backend (@xinlian/crypto/browser) run in Node: every gm vector, the intl reference
 * vectors, and property tests that cross-check it against the Node/OpenSSL backend.
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as B from '../src/browser/index.js';
import * as N from '../src/index.js';
import { code, TESTDATA } from './helpers.js';
import { runVectors } from './vector-runner.js';

const gmRaw = JSON.parse(readFileSync(new URL('gm/vectors.json', TESTDATA), 'utf8')) as Record<
  string,
  unknown
>;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('browser backend: vectors', () => {
  it('passes every gm vector and the intl vectors (counted, none skipped)', () => {
    const run = runVectors(gmRaw);
    const failed = run.results.filter((r) => !r.ok);
    assert.deepEqual(failed, []);
    assert.ok(run.gmExpected >= 6);
    assert.equal(run.gmChecked, run.gmExpected, 'every gm vector was checked');
    assert.equal(run.intlChecked, 5);
  });

  it('the intl vectors agree with Node/OpenSSL too', () => {
    const intl = N.createSuite('intl');
    const key = N.privateKeyFromRaw(
      'intl',
      Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'),
    );
    assert.equal(
      hex(intl.sign(key, new Uint8Array(0))),
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    assert.equal(
      hex(N.aeadEncrypt('aes-256-gcm', new Uint8Array(32), new Uint8Array(12), new Uint8Array(16))),
      'cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919',
    );
  });
});

describe('browser backend vs Node backend (property tests)', () => {
  const bytes = (max: number) => fc.uint8Array({ maxLength: max });

  it('hashes are equal: one-shot, multi-part and incremental with any chunking (SM3, SHA-256)', () => {
    fc.assert(
      fc.property(
        bytes(600),
        fc.array(fc.nat(600), { maxLength: 6 }),
        fc.constantFrom('gm', 'intl'),
        (msg, cuts, id) => {
          const alg = id === 'gm' ? 'sm3' : 'sha256';
          const expected = createHash(alg).update(msg).digest('hex');
          const points = [...new Set(cuts.map((c) => c % (msg.length + 1)))].sort((a, b) => a - b);
          const parts: Uint8Array[] = [];
          let prev = 0;
          for (const p of [...points, msg.length]) {
            parts.push(msg.subarray(prev, p));
            prev = p;
          }
          assert.equal(hex(B.createSuite(id).hash(msg)), expected);
          assert.equal(hex(B.createSuite(id).hash(...parts)), expected);
          const h = B.createHasher(alg);
          for (const p of parts) h.update(p);
          assert.equal(hex(h.digest()), expected);
          const nh = N.createHasher(alg);
          for (const p of parts) nh.update(p);
          assert.equal(hex(nh.digest()), expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a digested hasher refuses more input', () => {
    for (const mk of [B.createHasher, N.createHasher]) {
      const h = mk('sm3');
      h.digest();
      assert.throws(() => h.update(new Uint8Array(1)), code('CRYPTO_INVALID_ARGUMENT'));
      assert.throws(() => mk('md5' as 'sm3'), code('CRYPTO_INVALID_ARGUMENT'));
    }
  });

  for (const id of ['gm', 'intl'] as const) {
    it(`${id}: signatures made by either backend verify in the other; wrong message or key fails in both`, () => {
      const bs = B.createSuite(id);
      const ns = N.createSuite(id);
      fc.assert(
        fc.property(
          bytes(200),
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          fc.uint8Array({ maxLength: 20 }),
          (msg, seed, uid) => {
            const raw = id === 'gm' ? Buffer.from(createHash('sha256').update(seed).digest()) : seed;
            raw[0] &= 0x7f; // below n-2 for SM2
            const bk = B.privateKeyFromRaw(id, raw);
            const nk = N.privateKeyFromRaw(id, raw);
            assert.equal(hex(bk.publicKey.bytes), hex(nk.publicKey.bytes));
            assert.equal(hex(B.privateKeyToRaw(bk)), hex(N.privateKeyToRaw(nk)));
            const opts = id === 'gm' && uid.length > 0 ? { userId: uid } : undefined;
            const bsig = bs.sign(bk, msg, opts);
            const nsig = ns.sign(nk, msg, opts);
            const npub = ns.publicKeyFromBytes(nk.publicKey.bytes);
            const bpub = bs.publicKeyFromBytes(bk.publicKey.bytes);
            assert.equal(ns.verify(npub, msg, bsig, opts), true, 'Node verifies browser signature');
            assert.equal(bs.verify(bpub, msg, nsig, opts), true, 'browser verifies Node signature');
            assert.equal(bs.verify(bpub, msg, bsig, opts), true);
            const other = Uint8Array.from([...msg, 1]);
            assert.equal(ns.verify(npub, other, bsig, opts), false);
            assert.equal(bs.verify(bpub, other, nsig, opts), false);
            const flipped = bsig.slice();
            flipped[5] ^= 1;
            assert.equal(bs.verify(bpub, msg, flipped, opts), ns.verify(npub, msg, flipped, opts));
            assert.equal(bs.verify(bpub, msg, flipped, opts), false);
            assert.equal(bs.verify(bpub, msg, bsig.subarray(1)), false);
            if (id === 'intl') assert.equal(hex(bsig), hex(nsig), 'Ed25519 is deterministic');
          },
        ),
        { numRuns: id === 'gm' ? 40 : 100 },
      );
    });

    it(`${id}: generated keys, PEM and key files move between the backends`, () => {
      const bs = B.createSuite(id);
      const ns = N.createSuite(id);
      for (let i = 0; i < 5; i++) {
        const bk = bs.generateKey();
        const nk = ns.generateKey();
        assert.equal(
          B.exportPrivateKeyPem(B.importPrivateKeyPem(N.exportPrivateKeyPem(nk), id)),
          N.exportPrivateKeyPem(nk),
        );
        assert.equal(
          N.exportPrivateKeyPem(N.importPrivateKeyPem(B.exportPrivateKeyPem(bk), id)),
          B.exportPrivateKeyPem(bk),
        );
        assert.equal(B.exportPublicKeyPem(nk.publicKey), N.exportPublicKeyPem(nk.publicKey));
        assert.deepEqual(B.importPublicKeyPem(N.exportPublicKeyPem(nk.publicKey), id), {
          suite: id,
          bytes: nk.publicKey.bytes,
        });
        assert.deepEqual(
          N.importPublicKeyPem(B.exportPublicKeyPem(bk.publicKey), id).bytes,
          bk.publicKey.bytes,
        );
        const file = N.encryptKeyFile(nk, 'pass 密码', { scryptN: 256 });
        assert.equal(hex(B.privateKeyToRaw(B.decryptKeyFile(file, 'pass 密码'))), hex(N.privateKeyToRaw(nk)));
        assert.throws(() => B.decryptKeyFile(file, 'wrong'), code('CRYPTO_BAD_PASSPHRASE'));
        const bfile = B.encryptKeyFile(bk, 'p', { scryptN: 256 });
        assert.equal(hex(N.privateKeyToRaw(N.decryptKeyFile(bfile, 'p'))), hex(B.privateKeyToRaw(bk)));
      }
    });

    it(`${id}: AEAD is byte-identical and round-trips across the backends; tampering fails in both`, () => {
      const alg = id === 'gm' ? 'sm4-gcm' : 'aes-256-gcm';
      const keyLen = id === 'gm' ? 16 : 32;
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: keyLen, maxLength: keyLen }),
          fc.uint8Array({ minLength: 12, maxLength: 12 }),
          bytes(300),
          bytes(40),
          fc.nat(),
          (key, nonce, pt, aad, pos) => {
            const b = B.aeadEncrypt(alg, key, nonce, pt, aad);
            const n = N.aeadEncrypt(alg, key, nonce, pt, aad);
            assert.equal(hex(b), hex(n));
            assert.equal(hex(B.aeadDecrypt(alg, key, nonce, n, aad)), hex(pt));
            const sealed = B.createSuite(id).seal(key, pt, aad);
            assert.equal(hex(N.createSuite(id).open(key, sealed, aad)), hex(pt));
            const bad = b.slice();
            bad[pos % bad.length] ^= 0x10;
            assert.throws(() => B.aeadDecrypt(alg, key, nonce, bad, aad), code('CRYPTO_DECRYPT_FAILED'));
            assert.throws(() => N.aeadDecrypt(alg, key, nonce, bad, aad), code('CRYPTO_DECRYPT_FAILED'));
          },
        ),
        { numRuns: 150 },
      );
    });

    it(`${id}: public key validation agrees with OpenSSL on random and edited keys`, () => {
      const len = id === 'gm' ? 65 : 32;
      const valid = N.createSuite(id).generateKey().publicKey.bytes;
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: len, maxLength: len }),
          fc.nat(len - 1),
          fc.boolean(),
          (rnd, pos, edit) => {
            const candidate = edit ? valid.slice() : rnd;
            if (edit) candidate[pos] ^= 1;
            if (id === 'gm' && !edit) candidate[0] = 4;
            const accepts = (s: N.CryptoSuite) => {
              try {
                s.publicKeyFromBytes(candidate);
                return true;
              } catch (e) {
                assert.equal((e as { code?: string }).code, 'CRYPTO_INVALID_KEY');
                return false;
              }
            };
            assert.equal(accepts(B.createSuite(id)), accepts(N.createSuite(id)), hex(candidate));
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('out-of-range signature scalars are refused by both (SM2 r, s ∉ [1, n-1]; Ed25519 S ≥ L)', () => {
    const n = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const be = (v: bigint) => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
    const le = (v: bigint) => be(v).reverse();
    const msg = new Uint8Array([1, 2, 3]);
    for (const id of ['gm', 'intl'] as const) {
      const raw = new Uint8Array(32).fill(9);
      const bk = B.privateKeyFromRaw(id, raw);
      const sig = B.createSuite(id).sign(bk, msg);
      const r = sig.subarray(0, 32);
      const bad: Uint8Array[] =
        id === 'gm'
          ? [
              Buffer.concat([be(0n), sig.subarray(32)]),
              Buffer.concat([r, be(0n)]),
              Buffer.concat([be(n), sig.subarray(32)]),
              Buffer.concat([r, be(n + 1n)]),
              new Uint8Array(64).fill(0xff),
            ]
          : [
              Buffer.concat([
                r,
                le(BigInt(`0x${Buffer.from(sig.subarray(32)).reverse().toString('hex')}`) + L),
              ]),
              new Uint8Array(64).fill(0xff),
            ];
      for (const s of bad) {
        assert.equal(s.length, 64);
        assert.equal(B.createSuite(id).verify(bk.publicKey, msg, s), false, `browser ${id} ${hex(s)}`);
        assert.equal(N.createSuite(id).verify(bk.publicKey, msg, s), false, `node ${id} ${hex(s)}`);
      }
      assert.equal(B.createSuite(id).verify(bk.publicKey, msg, sig), true);
    }
  });

  it('keys of other algorithms are refused with the same codes', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = p256.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const sec1 = p256.privateKey.export({ type: 'sec1', format: 'pem' }) as string;
    const spki = p256.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    for (const api of [B, N] as const) {
      assert.throws(() => api.importPrivateKeyPem(pem, 'gm'), code('CRYPTO_WRONG_SUITE'));
      assert.throws(() => api.importPrivateKeyPem(pem), code('CRYPTO_WRONG_SUITE'));
      assert.throws(() => api.importPrivateKeyPem(sec1, 'gm'), code('CRYPTO_WRONG_SUITE'));
      assert.throws(() => api.importPublicKeyPem(spki), code('CRYPTO_WRONG_SUITE'));
      assert.throws(() => api.importPrivateKeyPem('not pem'), code('CRYPTO_INVALID_KEY'));
      const gmPem = N.exportPrivateKeyPem(N.createSuite('gm').generateKey());
      assert.throws(() => api.importPrivateKeyPem(gmPem, 'intl'), code('CRYPTO_WRONG_SUITE'));
      assert.throws(
        () => api.createSuite('gm').sign(api.createSuite('intl').generateKey(), new Uint8Array(1)),
        code('CRYPTO_WRONG_SUITE'),
      );
    }
    // SEC1 SM2 keys (openssl ecparam -genkey style) import in both
    const sm2 = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const sm2Sec1 = sm2.privateKey.export({ type: 'sec1', format: 'pem' }) as string;
    assert.deepEqual(
      B.importPrivateKeyPem(sm2Sec1, 'gm').publicKey.bytes,
      N.importPrivateKeyPem(sm2Sec1, 'gm').publicKey.bytes,
    );
    // a key of the other backend is not usable directly (it must be moved as raw/PEM/key file)
    assert.throws(
      () => B.createSuite('gm').sign(N.createSuite('gm').generateKey(), randomBytes(4)),
      code('CRYPTO_INVALID_KEY'),
    );
  });

  it('exports the Node entry’s API except the worker-thread pool', () => {
    const node = Object.keys(N).sort();
    const browser = new Set(Object.keys(B));
    const missing = node.filter((k) => !browser.has(k));
    assert.deepEqual(missing, ['VerifierPool', 'measureVerifyRate']);
    assert.equal(B.CRYPTO_BACKEND, 'browser');
    assert.equal(N.CRYPTO_BACKEND, 'node');
  });
});
