// The SignedTx / TxBody / TxReceipt fast paths must agree with the reference decoders (decode, re-encode,
// compare) on every input: same value when it accepts, and it must never accept what they reject.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { TxReceipt } from '../src/index.js';
import {
  decodeSignedTxReference,
  decodeTxBodyReference,
  decodeTxReceipt,
  encodeSignedTx,
  encodeTxBody,
  encodeTxReceipt,
  encodeTxReceiptReference,
} from '../src/messages.js';
import { fastDecodeSignedTx, fastDecodeTxBody } from '../src/tx-wire.js';
import { receipt, signedTx, txBody } from './arbitraries.js';

function attempt<T>(fn: () => T): { ok: true; value: T } | { ok: false } {
  try {
    return { ok: true, value: fn() };
  } catch {
    return { ok: false };
  }
}

/** Fast result is undefined (fallback) or deep-equal to the reference's value, which must exist. */
function agrees<T>(fast: T | undefined, reference: () => T): void {
  const ref = attempt(reference);
  if (fast === undefined) return;
  assert.ok(ref.ok, 'the fast path accepted bytes the reference decoder rejects');
  assert.deepEqual(fast, ref.value);
}

/** Random edits of valid encodings: byte flips, insertions, deletions, truncation, extension. */
const mutated = (valid: fc.Arbitrary<Uint8Array>) =>
  fc
    .tuple(
      valid,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 3 })), {
        maxLength: 3,
      }),
    )
    .map(([bytes, edits]) => {
      let out = Array.from(bytes);
      for (const [pos, value, kind] of edits) {
        const at = out.length === 0 ? 0 : pos % (out.length + 1);
        if (kind === 0 && at < out.length) out[at] = value;
        else if (kind === 1) out.splice(at, 0, value);
        else if (kind === 2) out.splice(at, 1);
        else out = out.slice(0, at);
      }
      return Uint8Array.from(out);
    });

describe('SignedTx / TxBody fast decoding', () => {
  it('accepts every canonical encoding and returns the reference value', () => {
    fc.assert(
      fc.property(txBody, (body) => {
        const bytes = encodeTxBody(body);
        const fast = fastDecodeTxBody(bytes);
        assert.notEqual(fast, undefined);
        assert.deepEqual(fast, decodeTxBodyReference(bytes));
      }),
    );
    fc.assert(
      fc.property(signedTx, (tx) => {
        const bytes = encodeSignedTx(tx);
        const fast = fastDecodeSignedTx(bytes);
        assert.notEqual(fast, undefined);
        assert.deepEqual(fast, decodeSignedTxReference(bytes));
      }),
    );
  });

  it('never accepts what the reference rejects, and agrees on what both accept', () => {
    fc.assert(
      fc.property(mutated(txBody.map(encodeTxBody)), (bytes) => {
        agrees(fastDecodeTxBody(bytes), () => decodeTxBodyReference(bytes));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(mutated(signedTx.map(encodeSignedTx)), (bytes) => {
        agrees(fastDecodeSignedTx(bytes), () => decodeSignedTxReference(bytes));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        agrees(fastDecodeTxBody(bytes), () => decodeTxBodyReference(bytes));
        agrees(fastDecodeSignedTx(bytes), () => decodeSignedTxReference(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('falls back on non-minimal varints, repeated fields, default values and bad UTF-8', () => {
    const cases = [
      Uint8Array.of(0x18, 0x81, 0x00), // nonce 1 padded
      Uint8Array.of(0x18, 0x00), // nonce 0 written
      Uint8Array.of(0x0a, 0x00), // empty chainId written
      Uint8Array.of(0x0a, 0x01, 0x61, 0x0a, 0x01, 0x61), // chainId twice
      Uint8Array.of(0x20, 0x01, 0x18, 0x01), // fields out of order
      Uint8Array.of(0x0a, 0x02, 0xc0, 0x80), // overlong UTF-8
      Uint8Array.of(0x40, 0x01), // unknown field 8
    ];
    for (const bytes of cases) {
      assert.equal(fastDecodeTxBody(bytes), undefined);
      assert.throws(() => decodeTxBodyReference(bytes));
    }
    // A BOM is an ordinary character inside a string field: kept, as protobufjs keeps it.
    const bom = Uint8Array.of(0x0a, 0x04, 0xef, 0xbb, 0xbf, 0x61);
    assert.deepEqual(fastDecodeTxBody(bom), decodeTxBodyReference(bom));
    assert.equal(fastDecodeTxBody(bom)?.chainId, '\ufeffa');
  });
});

describe('TxReceipt fast encoding', () => {
  it('writes exactly the reference bytes, or leaves the input to the reference encoder', () => {
    let fast = 0;
    fc.assert(
      fc.property(receipt, (r) => {
        const ref = attempt(() => encodeTxReceiptReference(r));
        const out = attempt(() => encodeTxReceipt(r));
        assert.deepEqual(out, ref);
        if (ref.ok) {
          assert.deepEqual(decodeTxReceipt(ref.value), r);
          fast += 1;
        }
      }),
      { numRuns: 1000 },
    );
    assert.ok(fast > 100, 'most generated receipts are valid');
  });

  it('handles multi-byte lengths and non-ASCII text', () => {
    const r: TxReceipt = {
      txId: new Uint8Array(32).fill(7),
      status: 'failed',
      code: 'X_CODE',
      message: '证据 '.repeat(100),
      events: [
        { type: 'evidence.recorded', attributes: [{ key: 'id', value: 'é'.repeat(300) }] },
        { type: '', attributes: [] },
      ],
      result: new Uint8Array(20_000).fill(1),
    };
    assert.deepEqual(encodeTxReceipt(r), encodeTxReceiptReference(r));
    assert.deepEqual(decodeTxReceipt(encodeTxReceipt(r)), r);
    assert.throws(() => encodeTxReceipt({ ...r, status: 'bogus' as TxReceipt['status'] }));
    assert.throws(() => encodeTxReceipt({ ...r, code: '\ud800' }));
  });
});
