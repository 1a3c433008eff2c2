import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { gcmDecrypt, gcmEncrypt } from '../src/gcm.js';
import { aeadDecrypt, aeadEncrypt, createSuite, type SuiteId } from '../src/index.js';
import { code, hex } from './helpers.js';

/** RFC 8998 Appendix A.1 (SM4-GCM test vector). */
const RFC8998_A1 = {
  key: '0123456789abcdeffedcba9876543210',
  iv: '00001234567800000000abcd',
  plaintext:
    'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd' +
    'eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa',
  aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
  ciphertext:
    '17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735' +
    'd82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d',
  tag: '83de3541e4c2b58177e065a9bf7b62ec',
};

describe('SM4-GCM', () => {
  it('matches RFC 8998 §A.1 (encrypt and decrypt)', () => {
    const v = RFC8998_A1;
    const sealed = aeadEncrypt('sm4-gcm', hex(v.key), hex(v.iv), hex(v.plaintext), hex(v.aad));
    assert.equal(Buffer.from(sealed).toString('hex'), v.ciphertext + v.tag);
    const opened = aeadDecrypt('sm4-gcm', hex(v.key), hex(v.iv), hex(v.ciphertext + v.tag), hex(v.aad));
    assert.equal(Buffer.from(opened).toString('hex'), v.plaintext);
    const badTag = hex(v.ciphertext + v.tag);
    badTag[badTag.length - 1] ^= 1;
    assert.throws(
      () => aeadDecrypt('sm4-gcm', hex(v.key), hex(v.iv), badTag, hex(v.aad)),
      code('CRYPTO_DECRYPT_FAILED'),
    );
  });

  it('the CTR+GHASH construction equals Node native GCM when run over AES-256', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 40 }),
        (key, nonce, plaintext, aad) => {
          const c = createCipheriv('aes-256-gcm', key, nonce).setAAD(aad);
          const native = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
          const ours = gcmEncrypt('aes-256', key, nonce, plaintext, aad);
          assert.equal(Buffer.from(ours).toString('hex'), native.toString('hex'));
          assert.deepEqual(gcmDecrypt('aes-256', key, nonce, ours, aad), new Uint8Array(plaintext));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects wrong key and nonce lengths', () => {
    assert.throws(
      () => aeadEncrypt('sm4-gcm', new Uint8Array(32), new Uint8Array(12), new Uint8Array(1)),
      code('CRYPTO_INVALID_KEY'),
    );
    assert.throws(
      () => aeadEncrypt('aes-256-gcm', new Uint8Array(16), new Uint8Array(12), new Uint8Array(1)),
      code('CRYPTO_INVALID_KEY'),
    );
    assert.throws(
      () => aeadEncrypt('sm4-gcm', new Uint8Array(16), new Uint8Array(16), new Uint8Array(1)),
      code('CRYPTO_INVALID_ARGUMENT'),
    );
    assert.throws(
      () => aeadDecrypt('sm4-gcm', new Uint8Array(16), new Uint8Array(12), new Uint8Array(15)),
      code('CRYPTO_DECRYPT_FAILED'),
    );
  });
});

for (const id of ['gm', 'intl'] as SuiteId[]) {
  describe(`${id} seal/open`, () => {
    const suite = createSuite(id);
    const keyArb = fc.uint8Array({ minLength: suite.cipherKeyLength, maxLength: suite.cipherKeyLength });

    it('round-trips; any flipped bit of ciphertext, nonce or aad fails', () => {
      fc.assert(
        fc.property(
          keyArb,
          fc.uint8Array({ maxLength: 80 }),
          fc.uint8Array({ minLength: 1, maxLength: 24 }),
          fc.nat(),
          fc.nat(7),
          (key, plaintext, aad, pick, bit) => {
            const sealed = suite.seal(key, plaintext, aad);
            assert.equal(sealed.nonce.length, 12);
            assert.equal(sealed.ciphertext.length, plaintext.length + 16);
            assert.deepEqual(suite.open(key, sealed, aad), new Uint8Array(plaintext));
            const flip = (b: Uint8Array) => {
              const c = new Uint8Array(b);
              c[pick % c.length] ^= 1 << bit;
              return c;
            };
            const fail = code('CRYPTO_DECRYPT_FAILED');
            assert.throws(
              () => suite.open(key, { nonce: sealed.nonce, ciphertext: flip(sealed.ciphertext) }, aad),
              fail,
            );
            assert.throws(
              () => suite.open(key, { nonce: flip(sealed.nonce), ciphertext: sealed.ciphertext }, aad),
              fail,
            );
            assert.throws(() => suite.open(key, sealed, flip(aad)), fail);
            assert.throws(() => suite.open(key, sealed), fail);
            assert.throws(() => suite.open(flip(key), sealed, aad), fail);
          },
        ),
        { numRuns: 100 },
      );
    });

    it('uses a fresh nonce per seal and rejects a truncated nonce', () => {
      const key = new Uint8Array(suite.cipherKeyLength);
      const a = suite.seal(key, new Uint8Array(8));
      const b = suite.seal(key, new Uint8Array(8));
      assert.notDeepEqual(a.nonce, b.nonce);
      assert.throws(
        () => suite.open(key, { nonce: a.nonce.subarray(1), ciphertext: a.ciphertext }),
        code('CRYPTO_DECRYPT_FAILED'),
      );
    });
  });
}
