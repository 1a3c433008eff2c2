import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromBase64, fromHex, readU64be, toBase64, toHex, u64be, XinlianError } from '../src/index.js';

test('hex round-trips any bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (b) => assert.deepEqual(fromHex(toHex(b)), b)));
});

test('hex rejects odd length and non-hex characters with BYTES_BAD_HEX', () => {
  for (const bad of ['abc', 'zz', '0x0g']) {
    assert.throws(
      () => fromHex(bad),
      (e: unknown) => e instanceof XinlianError && e.code === 'BYTES_BAD_HEX',
    );
  }
  assert.throws(
    () => fromHex('00', 2),
    (e: unknown) => e instanceof XinlianError && e.code === 'BYTES_BAD_LENGTH',
  );
});

test('base64 round-trips and rejects non-canonical text', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 256 }), (b) => assert.deepEqual(fromBase64(toBase64(b)), b)),
  );
  assert.throws(() => fromBase64('AB=='.replace('AB', 'AF')), /non-canonical/);
  assert.throws(
    () => fromBase64('A'),
    (e: unknown) => e instanceof XinlianError && e.code === 'BYTES_BAD_BASE64',
  );
});

test('u64be is order-preserving', () => {
  fc.assert(
    fc.property(fc.nat(), fc.nat(), (a, b) => {
      const c = Buffer.compare(Buffer.from(u64be(a)), Buffer.from(u64be(b)));
      assert.equal(Math.sign(c), Math.sign(a - b));
      assert.equal(readU64be(u64be(a)), a);
    }),
  );
});

test('the portable (browser) byte helpers agree with Node Buffer', async () => {
  const { portable } = await import('../src/bytes.js');
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
      const buf = Buffer.from(a);
      assert.equal(portable.toHex(a), buf.toString('hex'));
      assert.deepEqual(portable.hexToBytes(buf.toString('hex')), a);
      assert.deepEqual(portable.hexToBytes(buf.toString('hex').toUpperCase()), a);
      assert.equal(portable.toBase64(a), buf.toString('base64'));
      assert.deepEqual(portable.base64ToBytes(buf.toString('base64')), a);
      assert.equal(portable.compareBytes(a, b), Buffer.compare(buf, Buffer.from(b)));
      assert.equal(portable.compareBytes(a, a.slice()), 0);
    }),
    { numRuns: 500 },
  );
});
