import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addressOf, type SuiteId } from '@xinlian/crypto';
import { concatBytes, equalBytes, utf8, XinlianError } from '@xinlian/utils';
import { TX_ERROR_CODES } from '../src/index.js';
import { PARAMS, TestChain } from './helpers.js';

function rejects(fn: () => unknown, code: string, seen?: Set<string>): XinlianError {
  let caught: unknown;
  assert.throws(fn, (e: unknown) => {
    caught = e;
    return e instanceof XinlianError && e.code === code && e.message.length > 0;
  });
  seen?.add(code);
  return caught as XinlianError;
}

for (const suiteId of ['intl', 'gm'] as SuiteId[]) {
  describe(`checkTx (${suiteId})`, () => {
    const chain = new TestChain(suiteId);
    const next = { height: 1 };

    test('accepts a valid tx and returns its id, bytes and sender', () => {
      const fx = chain.tx();
      const checked = chain.executor.checkTx(fx.bytes, next);
      assert.ok(equalBytes(checked.txId, chain.suite.hash(fx.bodyBytes)));
      assert.ok(equalBytes(checked.bytes, fx.bytes));
      assert.ok(equalBytes(checked.tx.signature, fx.signature));
      assert.deepEqual(checked.tx.body, fx.body);
      assert.ok(equalBytes(checked.sender.publicKey, chain.key.publicKey.bytes));
      assert.equal(checked.sender.address, addressOf(chain.suite, chain.key.publicKey.bytes));
      assert.match(checked.sender.address, /^[0-9a-f]{40}$/);
      assert.ok(Object.isFrozen(checked) && Object.isFrozen(checked.tx) && Object.isFrozen(checked.tx.body));
    });

    test('every TX_* rejection code, with a real signed tx', () => {
      const seen = new Set<string>();
      const e = chain.executor;
      rejects(
        () => e.checkTx(chain.tx({ args: { key: 'k', value: 'x'.repeat(PARAMS.maxTxBytes) } }).bytes, next),
        'TX_TOO_LARGE',
        seen,
      );
      const garbage = rejects(
        () => e.checkTx(new Uint8Array([0xff, 0xff, 0xff]), next),
        'TX_MALFORMED',
        seen,
      );
      assert.equal(garbage.details.reason, 'CODEC_MALFORMED');
      // A valid tx followed by an unknown field (field 15, varint 1): decodable but not canonical.
      const extended = concatBytes(chain.tx().bytes, new Uint8Array([0x78, 0x01]));
      const nonCanonical = rejects(() => e.checkTx(extended, next), 'TX_MALFORMED');
      assert.match(String(nonCanonical.details.reason), /^CODEC_/);
      rejects(() => e.checkTx(chain.tx({ chainId: 'other-chain' }).bytes, next), 'TX_WRONG_CHAIN', seen);
      const badKey =
        suiteId === 'gm' ? concatBytes(new Uint8Array([4]), new Uint8Array(64).fill(7)) : new Uint8Array(33);
      rejects(() => e.checkTx(chain.tx({ signer: badKey }).bytes, next), 'TX_BAD_SIGNER', seen);
      const otherKey = chain.suite.generateKey();
      rejects(
        () => e.checkTx(chain.tx({ signer: otherKey.publicKey.bytes }).bytes, next),
        'TX_BAD_SIGNATURE',
        seen,
      );
      rejects(() => e.checkTx(chain.tx({ expiryHeight: 0 }).bytes, next), 'TX_EXPIRED', seen);
      rejects(
        () => e.checkTx(chain.tx({ expiryHeight: 1 + PARAMS.maxTxLifetime + 1 }).bytes, next),
        'TX_EXPIRY_TOO_FAR',
        seen,
      );
      rejects(() => e.checkTx(chain.tx({ module: 'nope' }).bytes, next), 'TX_UNKNOWN_MODULE', seen);
      rejects(() => e.checkTx(chain.tx({ method: 'nope' }).bytes, next), 'TX_UNKNOWN_METHOD', seen);
      rejects(() => e.checkTx(chain.tx({ method: 'toString' }).bytes, next), 'TX_UNKNOWN_METHOD');
      const ws = rejects(
        () => e.checkTx(chain.tx({ argsBytes: utf8('{ "key":"a"}') }).bytes, next),
        'TX_BAD_ARGS',
        seen,
      );
      assert.match(String(ws.details.reason), /^CODEC_/);
      rejects(
        () => e.checkTx(chain.tx({ argsBytes: utf8('{"value":"1","key":"a"}') }).bytes, next),
        'TX_BAD_ARGS',
      );
      // The module's own args code and details pass through.
      const own = rejects(() => e.checkTx(chain.tx({ args: { key: 5 } }).bytes, next), 'KV_BAD_ARGS');
      assert.equal(own.details.field, 'key');
      // Replay: commit a tx, then check it again.
      const fx = chain.tx();
      chain.block([e.checkTx(fx.bytes, next)]);
      rejects(() => e.checkTx(fx.bytes, { height: 2 }), 'TX_DUPLICATE', seen);
      chain.height = 0;
      assert.deepEqual([...seen].sort(), Object.keys(TX_ERROR_CODES).sort());
    });

    test('expiry bounds are inclusive', () => {
      const h = 5;
      assert.ok(chain.executor.checkTx(chain.tx({ expiryHeight: h }).bytes, { height: h }));
      assert.ok(
        chain.executor.checkTx(chain.tx({ expiryHeight: h + PARAMS.maxTxLifetime }).bytes, { height: h }),
      );
      rejects(
        () => chain.executor.checkTx(chain.tx({ expiryHeight: h - 1 }).bytes, { height: h }),
        'TX_EXPIRED',
      );
    });

    test('a tx of exactly maxTxBytes is accepted, one byte more is not', () => {
      // Shrink the value until the encoded tx fits exactly (length prefixes vary by a byte).
      let value = 'v'.repeat(PARAMS.maxTxBytes);
      // A fixed nonce: a random one would change the varint length between the txs built here.
      const nonce = 1;
      let fx = chain.tx({ nonce, args: { key: 'k', value } });
      while (fx.bytes.length > PARAMS.maxTxBytes) {
        value = value.slice(1);
        fx = chain.tx({ nonce, args: { key: 'k', value } });
      }
      assert.equal(fx.bytes.length, PARAMS.maxTxBytes);
      assert.ok(chain.executor.checkTx(fx.bytes, next));
      const over = chain.tx({ nonce, args: { key: 'k', value: `${value}v` } });
      assert.equal(over.bytes.length, PARAMS.maxTxBytes + 1);
      const err = rejects(() => chain.executor.checkTx(over.bytes, next), 'TX_TOO_LARGE');
      assert.equal(err.details.limit, PARAMS.maxTxBytes);
    });

    test('skipSignature admits a tx whose signature the caller vouches for', () => {
      const fx = chain.tx();
      const forged = new Uint8Array(fx.bytes);
      forged[forged.length - 1]! ^= 1; // last byte is inside the signature
      rejects(() => chain.executor.checkTx(forged, next), 'TX_BAD_SIGNATURE');
      const checked = chain.executor.checkTx(forged, next, { skipSignature: true });
      assert.ok(equalBytes(checked.bytes, forged));
    });
  });
}
