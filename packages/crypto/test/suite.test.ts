import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isEd25519Point } from '../src/ed25519.js';
import {
  addressOf,
  createSuite,
  isSuiteId,
  type SuiteId,
  sm2SignatureFromDer,
  sm2SignatureToDer,
} from '../src/index.js';
import { LruCache } from '../src/lru.js';
import { SM2_N } from '../src/sm2.js';
import { ascii, code } from './helpers.js';

/** The 65-byte uncompressed point of a freshly generated key on another curve. */
function foreignPoint(namedCurve: string): Uint8Array {
  const der = generateKeyPairSync('ec', { namedCurve }).publicKey.export({ type: 'spki', format: 'der' });
  return new Uint8Array(der.subarray(der.length - 65));
}

describe('createSuite', () => {
  it('describes the two suites', () => {
    const gm = createSuite('gm');
    assert.deepEqual(
      [gm.hashAlgorithm, gm.signatureAlgorithm, gm.cipherAlgorithm, gm.cipherKeyLength, gm.publicKeyLength],
      ['sm3', 'sm2', 'sm4-gcm', 16, 65],
    );
    const intl = createSuite('intl');
    assert.deepEqual(
      [
        intl.hashAlgorithm,
        intl.signatureAlgorithm,
        intl.cipherAlgorithm,
        intl.cipherKeyLength,
        intl.publicKeyLength,
      ],
      ['sha256', 'ed25519', 'aes-256-gcm', 32, 32],
    );
  });

  it('rejects an unknown suite', () => {
    assert.throws(() => createSuite('rsa' as SuiteId), code('CRYPTO_UNKNOWN_SUITE'));
    assert.equal(isSuiteId('gm'), true);
    assert.equal(isSuiteId('GM'), false);
  });

  it('intl hash is SHA-256 of the concatenated parts', () => {
    const intl = createSuite('intl');
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 5 }), (parts) => {
        const expected = createHash('sha256').update(Buffer.concat(parts)).digest();
        assert.deepEqual(intl.hash(...parts), new Uint8Array(expected));
      }),
      { numRuns: 50 },
    );
  });
});

for (const id of ['gm', 'intl'] as SuiteId[]) {
  describe(`${id} signatures`, () => {
    const suite = createSuite(id);
    const keys = [suite.generateKey(), suite.generateKey()];

    it('sign/verify round-trips for random messages; other message or key fails', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 200 }),
          fc.uint8Array({ minLength: 1, maxLength: 20 }),
          (msg, extra) => {
            const sig = suite.sign(keys[0], msg);
            assert.equal(sig.length, suite.signatureLength);
            assert.equal(suite.verify(keys[0].publicKey, msg, sig), true);
            assert.equal(suite.verify(keys[1].publicKey, msg, sig), false);
            assert.equal(suite.verify(keys[0].publicKey, new Uint8Array([...msg, ...extra]), sig), false);
          },
        ),
        { numRuns: 30 },
      );
    });

    it('rejects tampered signatures and wrong signature lengths', () => {
      const msg = ascii('transfer 100');
      const sig = suite.sign(keys[0], msg);
      for (const i of [0, 31, 32, 63]) {
        const bad = new Uint8Array(sig);
        bad[i] ^= 0x01;
        assert.equal(suite.verify(keys[0].publicKey, msg, bad), false, `byte ${i}`);
      }
      assert.equal(suite.verify(keys[0].publicKey, msg, sig.subarray(0, 63)), false);
      assert.equal(suite.verify(keys[0].publicKey, msg, new Uint8Array([...sig, 0])), false);
      assert.equal(suite.verify(keys[0].publicKey, msg, new Uint8Array(0)), false);
      assert.equal(suite.verify(keys[0].publicKey, msg, new Uint8Array(64)), false);
    });

    it('refuses keys of the other suite', () => {
      const other = createSuite(id === 'gm' ? 'intl' : 'gm');
      const foreign = other.generateKey();
      assert.throws(() => suite.sign(foreign, ascii('x')), code('CRYPTO_WRONG_SUITE'));
      assert.throws(
        () => suite.verify(foreign.publicKey, ascii('x'), new Uint8Array(64)),
        code('CRYPTO_WRONG_SUITE'),
      );
      assert.throws(
        () => suite.sign({ suite: id, publicKey: keys[0].publicKey }, ascii('x')),
        code('CRYPTO_INVALID_KEY'),
      );
    });

    it('publicKeyFromBytes accepts generated keys and rejects wrong lengths', () => {
      assert.deepEqual(suite.publicKeyFromBytes(keys[0].publicKey.bytes), keys[0].publicKey);
      for (const len of [0, 31, 33, 64, 66]) {
        assert.throws(
          () => suite.publicKeyFromBytes(new Uint8Array(len)),
          code('CRYPTO_INVALID_KEY'),
          `length ${len}`,
        );
      }
      assert.throws(
        () => suite.verify({ suite: id, bytes: new Uint8Array(7) }, ascii('x'), new Uint8Array(64)),
        code('CRYPTO_INVALID_KEY'),
      );
    });

    it('addressOf is the first 20 bytes of the suite hash, in lower-case hex', () => {
      const address = addressOf(suite, keys[0].publicKey.bytes);
      assert.match(address, /^[0-9a-f]{40}$/);
      assert.equal(address, Buffer.from(suite.hash(keys[0].publicKey.bytes)).toString('hex').slice(0, 40));
      assert.notEqual(address, addressOf(suite, keys[1].publicKey.bytes));
    });

    it('verifies correctly while the key cache evicts', () => {
      const small = createSuite(id, { keyCacheSize: 2 });
      const many = Array.from({ length: 5 }, () => small.generateKey());
      const msg = ascii('cache');
      const sigs = many.map((k) => small.sign(k, msg));
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < many.length; i++) {
          assert.equal(small.verify(many[i].publicKey, msg, sigs[i]), true);
          assert.equal(small.verify(many[i].publicKey, msg, sigs[(i + 1) % many.length]), false);
        }
      }
    });
  });
}

describe('SM2 specifics', () => {
  const gm = createSuite('gm');
  const key = gm.generateKey();
  const msg = ascii('message digest');

  it('binds the signer user ID (Z)', () => {
    const alice = ascii('alice@example.org');
    const sig = gm.sign(key, msg, { userId: alice });
    assert.equal(gm.verify(key.publicKey, msg, sig, { userId: alice }), true);
    assert.equal(gm.verify(key.publicKey, msg, sig), false);
    assert.equal(gm.verify(key.publicKey, msg, sig, { userId: ascii('bob@example.org') }), false);
    const plain = gm.sign(key, msg);
    assert.equal(gm.verify(key.publicKey, msg, plain, { userId: ascii('1234567812345678') }), true);
    assert.equal(gm.verify(key.publicKey, msg, plain, { userId: alice }), false);
    assert.throws(() => gm.sign(key, msg, { userId: new Uint8Array(8192) }), code('CRYPTO_INVALID_ARGUMENT'));
  });

  it('verify is false for r or s equal to 0 or >= n', () => {
    const sig = gm.sign(key, msg);
    const withR = (r: Uint8Array) => new Uint8Array([...r, ...sig.subarray(32)]);
    const withS = (s: Uint8Array) => new Uint8Array([...sig.subarray(0, 32), ...s]);
    for (const bad of [new Uint8Array(32), SM2_N, new Uint8Array(32).fill(0xff)]) {
      assert.equal(gm.verify(key.publicKey, msg, withR(bad)), false);
      assert.equal(gm.verify(key.publicKey, msg, withS(bad)), false);
    }
  });

  it('refuses points of other curves and points off the curve', () => {
    for (const curve of ['prime256v1', 'secp256k1']) {
      assert.throws(() => gm.publicKeyFromBytes(foreignPoint(curve)), code('CRYPTO_INVALID_KEY'), curve);
    }
    const offCurve = new Uint8Array(key.publicKey.bytes);
    offCurve[64] ^= 1;
    assert.throws(() => gm.publicKeyFromBytes(offCurve), code('CRYPTO_INVALID_KEY'));
    const compressed = new Uint8Array(key.publicKey.bytes.subarray(0, 33));
    compressed[0] = 2 + (key.publicKey.bytes[64] & 1);
    assert.throws(() => gm.publicKeyFromBytes(compressed), code('CRYPTO_INVALID_KEY'));
    const tag = new Uint8Array(key.publicKey.bytes);
    tag[0] = 0x06;
    assert.throws(() => gm.publicKeyFromBytes(tag), code('CRYPTO_INVALID_KEY'));
  });

  it('r‖s <-> DER conversion round-trips and is strict', () => {
    const scalar = fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .filter((b) => b.some((x) => x !== 0) && Buffer.compare(b, SM2_N) < 0);
    fc.assert(
      fc.property(scalar, scalar, (r, s) => {
        const rs = new Uint8Array([...r, ...s]);
        const der = sm2SignatureToDer(rs);
        assert.deepEqual(sm2SignatureFromDer(der), rs);
      }),
    );
    const der = Buffer.from(sm2SignatureToDer(gm.sign(key, msg)));
    const bad = code('CRYPTO_BAD_SIGNATURE_ENCODING');
    assert.throws(() => sm2SignatureFromDer(Buffer.concat([der, Buffer.from([0])])), bad, 'trailing byte');
    assert.throws(() => sm2SignatureFromDer(der.subarray(0, der.length - 1)), bad, 'truncated');
    // non-minimal INTEGER: an extra leading zero before a positive byte
    const nonMinimal = Buffer.from('3008020300017f020101', 'hex');
    assert.throws(() => sm2SignatureFromDer(nonMinimal), bad, 'non-minimal');
    assert.throws(() => sm2SignatureFromDer(Buffer.from('3006020180020101', 'hex')), bad, 'negative r');
    assert.throws(() => sm2SignatureFromDer(Buffer.from('3006020100020101', 'hex')), bad, 'r = 0');
    assert.throws(
      () => sm2SignatureFromDer(Buffer.from('308106020101020101', 'hex')),
      bad,
      'long-form length',
    );
    assert.deepEqual(sm2SignatureFromDer(Buffer.from('3006020101020102', 'hex'))[63], 2);
    assert.throws(() => sm2SignatureToDer(new Uint8Array(64)), bad);
    assert.throws(() => sm2SignatureToDer(new Uint8Array(63).fill(1)), bad);
  });
});

describe('Ed25519 point check', () => {
  it('accepts generated keys', () => {
    const intl = createSuite('intl');
    for (let i = 0; i < 20; i++) assert.equal(isEd25519Point(intl.generateKey().publicKey.bytes), true);
  });

  it('rejects y >= p and x = 0 with the sign bit set', () => {
    const p = Buffer.from('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'hex'); // 2^255-19, LE
    assert.equal(isEd25519Point(p), false);
    const one = new Uint8Array(32);
    one[0] = 1; // y = 1: the neutral point, x = 0
    assert.equal(isEd25519Point(one), true);
    one[31] = 0x80;
    assert.equal(isEd25519Point(one), false);
    assert.throws(() => createSuite('intl').publicKeyFromBytes(p), code('CRYPTO_INVALID_KEY'));
  });

  it('accepts about half of all 32-byte strings (those whose y has a square root)', () => {
    let valid = 0;
    for (let i = 0; i < 256; i++) {
      if (isEd25519Point(createHash('sha256').update(`y${i}`).digest())) valid++;
    }
    assert.ok(valid > 77 && valid < 179, `valid ${valid} of 256`);
  });
});

describe('LruCache', () => {
  it('keeps at most maxEntries and evicts the least recently used', () => {
    const cache = new LruCache<number>(2);
    let computed = 0;
    const get = (k: string) => cache.getOrCreate(k, () => ++computed);
    get('a');
    get('b');
    get('a'); // a is now most recent
    get('c'); // evicts b
    assert.equal(cache.size, 2);
    assert.equal(computed, 3);
    get('a');
    assert.equal(computed, 3, 'a stayed cached');
    get('b');
    assert.equal(computed, 4, 'b was evicted');
    assert.throws(() =>
      cache.getOrCreate('x', () => {
        throw new Error('boom');
      }),
    );
    assert.equal(cache.size, 2);
  });
});
