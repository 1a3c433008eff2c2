/**
 * Spec test over every vector in shared/testdata/gm/vectors.json (GB/T 32905 SM3, GB/T 32907 SM4,
 * GB/T 32918 / GM/T 0003.5 SM2 signature and encryption).
 */
import assert from 'node:assert/strict';
import { createCipheriv, createECDH, createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { createSuite, exportPrivateKeyPem, privateKeyFromRaw } from '../src/index.js';
import { sm2SignatureToDer, sm2Z } from '../src/sm2.js';
import { ascii, hex, openssl, TESTDATA, tempDir } from './helpers.js';
import type { GmVectors } from './vector-runner.js';

const raw = JSON.parse(readFileSync(new URL('gm/vectors.json', TESTDATA), 'utf8')) as Record<string, unknown>;
const vectors = raw as unknown as GmVectors;
/** Every top-level entry except "_source" is a vector or an array of vectors. */
const expectedCount = Object.entries(raw)
  .filter(([k]) => !k.startsWith('_'))
  .reduce((n, [, v]) => n + (Array.isArray(v) ? v.length : 1), 0);

const gm = createSuite('gm');
let checked = 0;
const tmp = tempDir();
after(() => tmp.dispose());

describe('gm vectors (shared/testdata/gm/vectors.json)', () => {
  it('covers only known vector kinds', () => {
    assert.deepEqual(
      Object.keys(raw)
        .filter((k) => !k.startsWith('_'))
        .sort(),
      ['sm2_encrypt', 'sm2_sign', 'sm3', 'sm4'],
    );
  });

  for (const [i, v] of vectors.sm3.entries()) {
    it(`SM3 #${i}`, () => {
      const msg =
        v.msg_ascii !== undefined
          ? ascii(v.msg_ascii)
          : ascii(v.msg_ascii_repeat!.unit.repeat(v.msg_ascii_repeat!.times));
      assert.equal(Buffer.from(gm.hash(msg)).toString('hex'), v.digest);
      // hash(...parts) must equal the hash of the concatenation
      assert.equal(Buffer.from(gm.hash(msg.subarray(0, 1), msg.subarray(1))).toString('hex'), v.digest);
      checked++;
    });
  }

  for (const [i, v] of vectors.sm4.entries()) {
    it(`SM4 #${i} (${v.mode})`, () => {
      const c = createCipheriv('sm4-ecb', hex(v.key), null).setAutoPadding(false);
      let block: Uint8Array = hex(v.plaintext);
      for (let n = 0; n < (v.iterations ?? 1); n++) block = c.update(block);
      assert.equal(Buffer.from(block).toString('hex'), v.ciphertext);
      checked++;
    });
  }

  it('SM2 signature (GM/T 0003.5 Annex A)', () => {
    const v = vectors.sm2_sign;
    assert.equal(v.curve, 'sm2p256v1');
    assert.equal(v.entl_bits, ascii(v.user_id_ascii).length * 8);
    const key = privateKeyFromRaw('gm', hex(v.private_key));
    const pub = hex(`04${v.public_key_x}${v.public_key_y}`);
    assert.deepEqual(key.publicKey.bytes, pub);
    const z = sm2Z(pub, ascii(v.user_id_ascii));
    assert.equal(z.toString('hex'), v.Z);
    const e = createHash('sm3').update(z).update(v.msg_ascii).digest('hex');
    assert.equal(e, v.e);
    // k is fixed in the vector; OpenSSL draws k itself, so check the vector's (r, s) with our verify
    const signature = hex(v.r + v.s);
    const msg = ascii(v.msg_ascii);
    const pk = gm.publicKeyFromBytes(pub);
    assert.equal(gm.verify(pk, msg, signature, { userId: ascii(v.user_id_ascii) }), true);
    assert.equal(gm.verify(pk, msg, signature), true, 'default user ID is 1234567812345678');
    assert.equal(gm.verify(pk, ascii('message digesT'), signature), false);
    // and our own signatures with this key verify, also in OpenSSL
    const ours = gm.sign(key, msg);
    assert.equal(gm.verify(pk, msg, ours), true);
    assert.notDeepEqual(ours, signature, 'a fresh k gives a different signature');
    writeFileSync(tmp.file('vec.pem'), exportPrivateKeyPem(key));
    writeFileSync(tmp.file('vec.msg'), msg);
    writeFileSync(tmp.file('vec.sig'), sm2SignatureToDer(signature));
    const out = openssl([
      'pkeyutl',
      '-verify',
      '-rawin',
      '-digest',
      'sm3',
      '-pkeyopt',
      'distid:1234567812345678',
      '-inkey',
      tmp.file('vec.pem'),
      '-sigfile',
      tmp.file('vec.sig'),
      '-in',
      tmp.file('vec.msg'),
    ]);
    assert.match(out.toString(), /Signature Verified Successfully/);
    checked++;
  });

  it('SM2 encryption (GB/T 32918.4 Annex C) decrypts with OpenSSL', () => {
    const v = vectors.sm2_encrypt;
    // C1 = [k]G: Node's SM2 curve arithmetic reproduces it
    const c1 = createECDH('SM2');
    c1.setPrivateKey(hex(v.k));
    assert.equal(c1.getPublicKey('hex'), `04${v.C1_x}${v.C1_y}`);
    // Node's privateDecrypt cannot do SM2, so decrypt with the OpenSSL CLI, which reads the
    // GM/T 0009 ASN.1 form SEQUENCE { x INTEGER, y INTEGER, C3 OCTET STRING, C2 OCTET STRING }
    const int = (b: Uint8Array) => Buffer.from(sm2IntegerDer(b));
    const oct = (b: Uint8Array) => Buffer.concat([Buffer.from([0x04, b.length]), b]);
    const body = Buffer.concat([int(hex(v.C1_x)), int(hex(v.C1_y)), oct(hex(v.C3)), oct(hex(v.C2))]);
    writeFileSync(tmp.file('enc.der'), Buffer.concat([Buffer.from([0x30, body.length]), body]));
    writeFileSync(tmp.file('enc.pem'), exportPrivateKeyPem(privateKeyFromRaw('gm', hex(v.private_key))));
    const plain = openssl(['pkeyutl', '-decrypt', '-inkey', tmp.file('enc.pem'), '-in', tmp.file('enc.der')]);
    assert.equal(plain.toString('ascii'), v.msg_ascii);
    checked++;
  });

  it('checked every vector in the file', () => {
    assert.ok(expectedCount >= 6);
    assert.equal(checked, expectedCount);
  });
});

/** DER INTEGER of an unsigned 32-byte value (leading 0x00 when the top bit is set). */
function sm2IntegerDer(b: Uint8Array): Uint8Array {
  const v = b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : Buffer.from(b);
  return Buffer.concat([Buffer.from([0x02, v.length]), v]);
}
