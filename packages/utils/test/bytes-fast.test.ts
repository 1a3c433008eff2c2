// The fast paths of toHex, utf8 and compareBytes equal Node's own encoders and comparison.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { compareBytes, fromBase64, toHex, utf8 } from '../src/index.js';

it('toHex equals Buffer hex, also for views into larger buffers', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(10), (b, cut) => {
      const view = b.subarray(Math.min(cut, b.length));
      assert.equal(toHex(view), Buffer.from(view).toString('hex'));
    }),
  );
});

it('utf8 equals TextEncoder for every string, short or long, ASCII or not', () => {
  const enc = new TextEncoder();
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 })), (s) => {
      assert.deepEqual(utf8(s), enc.encode(s));
    }),
  );
});

it('compareBytes orders like Buffer.compare, short and long', () => {
  const arr = fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ minLength: 120, maxLength: 200 }));
  fc.assert(
    fc.property(arr, arr, fc.boolean(), (a, b, samePrefix) => {
      const y = samePrefix ? Uint8Array.from([...a, ...b]) : b;
      assert.equal(compareBytes(a, y), Buffer.compare(Buffer.from(a), Buffer.from(y)));
      assert.equal(compareBytes(y, a), Buffer.compare(Buffer.from(y), Buffer.from(a)));
      assert.equal(compareBytes(a, a.slice()), 0);
    }),
  );
});

it('fromBase64 accepts exactly the canonical base64 strings (the re-encoding rule)', () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const b64 = fc
    .tuple(fc.array(fc.constantFrom(...alphabet), { maxLength: 14 }), fc.constantFrom('', '=', '=='))
    .map(([chars, pad]) => chars.join('') + pad);
  fc.assert(
    fc.property(b64, (s) => {
      const canonical = s.length % 4 === 0 && Buffer.from(Buffer.from(s, 'base64')).toString('base64') === s;
      let accepted: Uint8Array | undefined;
      try {
        accepted = fromBase64(s);
      } catch {
        accepted = undefined;
      }
      assert.equal(accepted !== undefined, canonical, s);
      if (accepted !== undefined) assert.deepEqual(Buffer.from(accepted), Buffer.from(s, 'base64'));
    }),
    { numRuns: 3000 },
  );
});
