/**
 * SM2 signatures (GB/T 32918.2) on @noble/curves: the sm2p256v1 curve is built with noble's
 * `weierstrass` (point arithmetic, validation) and `Field` (mod-n arithmetic); only the SM2
 * signing equation is here:
 *   e = SM3(Z‖M),  (x1, y1) = [k]G,  r = (e + x1) mod n,  s = ((1 + d)^-1 · (k − r·d)) mod n
 * and verification: t = (r + s) mod n ≠ 0, (x1', y1') = [s]G + [t]P, R = (e + x1') mod n = r.
 * k is drawn from crypto.getRandomValues (noble's randomBytes, reduced with mapHashToField).
 */
import { invert, mapHashToField } from '@noble/curves/abstract/modular.js';
import { type WeierstrassPoint, weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { concatBytes } from '@xinlian/utils';
import { SM2_DEFAULT_USER_ID, sm2ZInput } from '../sm2-params.js';
import { sm3 } from './sm3.js';

const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

/** The sm2p256v1 point constructor (GB/T 32918.5). */
export const Sm2Point = weierstrass({
  p: P,
  n: N,
  h: 1n,
  a: P - 3n,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
});
export type Sm2PointT = WeierstrassPoint<bigint>;

const mod = (a: bigint): bigint => {
  const r = a % N;
  return r < 0n ? r + N : r;
};

/** A uniformly random scalar in [1, max] (max ≤ n−1) from crypto.getRandomValues. */
function randomScalar(max: bigint): bigint {
  return bytesToNumberBE(mapHashToField(randomBytes(48), max + 1n));
}

/** A new random private scalar d in [1, n−2] (d + 1 must be invertible). */
export function sm2RandomPrivate(): bigint {
  return randomScalar(N - 2n);
}

/** The 65-byte uncompressed public point of d. */
export function sm2PublicOf(d: bigint): Uint8Array {
  return Sm2Point.BASE.multiply(d).toBytes(false);
}

/** Z of GB/T 32918.2 §5.5 for a 65-byte uncompressed public point and a user ID. */
export function sm2ZBrowser(publicKey: Uint8Array, userId: Uint8Array = SM2_DEFAULT_USER_ID): Uint8Array {
  return sm3(sm2ZInput(publicKey, userId));
}

/** e = SM3(Z‖M) as an integer. */
export function sm2E(z: Uint8Array, message: Uint8Array): bigint {
  return bytesToNumberBE(sm3.create().update(z).update(message).digest());
}

/**
 * The SM2 signature with an explicit k (for the GB/T vectors); undefined when this k must be
 * rejected (r = 0, r + k = n or s = 0). Returns r‖s, 32 bytes each.
 */
export function sm2SignWithK(d: bigint, e: bigint, k: bigint): Uint8Array | undefined {
  const x1 = Sm2Point.BASE.multiply(k).toAffine().x;
  const r = mod(e + x1);
  if (r === 0n || r + k === N) return undefined;
  const s = mod(invert(1n + d, N) * (k - r * d));
  if (s === 0n) return undefined;
  return concatBytes(numberToBytesBE(r, 32), numberToBytesBE(s, 32));
}

/** Signs e with a fresh random k. */
export function sm2Sign(d: bigint, e: bigint): Uint8Array {
  for (;;) {
    const sig = sm2SignWithK(d, e, randomScalar(N - 1n));
    if (sig !== undefined) return sig;
  }
}

/** true iff r‖s is a valid signature of e under the public point. */
export function sm2Verify(point: Sm2PointT, e: bigint, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  const r = bytesToNumberBE(signature.subarray(0, 32));
  const s = bytesToNumberBE(signature.subarray(32));
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const t = mod(r + s);
  if (t === 0n) return false;
  const X = Sm2Point.BASE.mulAddUnsafe(s, point, t);
  if (X.is0()) return false;
  return mod(e + X.toAffine().x) === r;
}

/** Parses and validates a 65-byte uncompressed point (on the curve, not infinity); undefined if invalid. */
export function sm2PointFromBytes(bytes: Uint8Array): Sm2PointT | undefined {
  if (bytes.length !== 65 || bytes[0] !== 0x04) return undefined;
  try {
    const p = Sm2Point.fromBytes(bytes);
    p.assertValidity();
    return p;
  } catch {
    return undefined;
  }
}

export const SM2_ORDER = N;
