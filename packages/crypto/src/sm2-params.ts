/**
 * SM2 (GB/T 32918) parameters shared by the Node and browser backends (no Node imports): curve
 * constants, key DER prefixes, the input of the signer digest prefix Z, and conversion between the
 * wire signature form r‖s and the DER form.
 */
import { compareBytes, concatBytes, fromHex as hex } from '@xinlian/utils';
import { derUnsignedInteger, parseUnsignedInteger, readChildren, readTlv, tlv } from './der.js';
import { cryptoError } from './errors.js';

/** Order n of the sm2p256v1 base point, big-endian. */
export const SM2_N = hex('fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123');

const SM2_N_MINUS_1 = (() => {
  const out = SM2_N.slice();
  out[31] -= 1;
  return out;
})();
/** n-2, the largest valid SM2 private key (d+1 must be invertible mod n). */
export const SM2_N_MINUS_2 = (() => {
  const out = SM2_N.slice();
  out[31] -= 2;
  return out;
})();

/** a‖b‖Gx‖Gy of sm2p256v1 (GB/T 32918.5), the curve part of Z. */
export const SM2_CURVE_PART = hex(
  [
    'fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc', // a
    '28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93', // b
    '32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7', // Gx
    'bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0', // Gy
  ].join(''),
);

/** The default signer ID of GB/T 32918 / GM/T 0009: ASCII "1234567812345678". */
export const SM2_DEFAULT_USER_ID: Uint8Array = new TextEncoder().encode('1234567812345678');

/** DER prefix of an SPKI for an uncompressed SM2 point (id-ecPublicKey with the SM2 curve OID 1.2.156.10197.1.301). */
export const SM2_SPKI_PREFIX = hex('3059301306072a8648ce3d020106082a811ccf5501822d034200');
/** DER prefix of a PKCS#8 SM2 key up to the 32-byte private scalar. */
export const SM2_PKCS8_PREFIX = hex(
  '308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420',
);
/** DER between the private scalar and the 65-byte public point in SM2_PKCS8_PREFIX's structure. */
export const SM2_PKCS8_MIDDLE = hex('a144034200');

/** true iff the 32-byte big-endian value v satisfies 1 <= v <= max (max = n-1 by default). */
export function inScalarRange(v: Uint8Array, max: Uint8Array = SM2_N_MINUS_1): boolean {
  if (v.length !== 32) return false;
  let nonZero = false;
  for (const b of v) if (b !== 0) nonZero = true;
  return nonZero && compareBytes(v, max) <= 0;
}

/**
 * The SM3 input of Z = SM3(ENTL‖ID‖a‖b‖Gx‖Gy‖xA‖yA) (GB/T 32918.2 §5.5) for a 65-byte
 * uncompressed public point. Throws CRYPTO_INVALID_ARGUMENT if the ID is 8192 bytes or longer
 * (ENTL is 16 bits).
 */
export function sm2ZInput(publicKey: Uint8Array, userId: Uint8Array = SM2_DEFAULT_USER_ID): Uint8Array {
  const bits = userId.length * 8;
  if (bits > 0xffff) {
    throw cryptoError('CRYPTO_INVALID_ARGUMENT', 'SM2 user ID must be shorter than 8192 bytes', {
      length: userId.length,
    });
  }
  return concatBytes(Uint8Array.of(bits >> 8, bits & 0xff), userId, SM2_CURVE_PART, publicKey.subarray(1));
}

/**
 * Converts a 64-byte r‖s SM2 signature to DER (SEQUENCE of two INTEGERs), as OpenSSL reads it.
 * Throws CRYPTO_BAD_SIGNATURE_ENCODING if the length is wrong or r or s is not in [1, n-1].
 */
export function sm2SignatureToDer(rs: Uint8Array): Uint8Array {
  const r = rs.subarray(0, 32);
  const s = rs.subarray(32);
  if (rs.length !== 64 || !inScalarRange(r) || !inScalarRange(s)) {
    throw cryptoError('CRYPTO_BAD_SIGNATURE_ENCODING', 'SM2 signature must be r‖s with r, s in [1, n-1]', {
      length: rs.length,
    });
  }
  const body = concatBytes(derUnsignedInteger(r), derUnsignedInteger(s));
  return tlv(0x30, body);
}

/**
 * Converts a strict DER SM2 signature to 64-byte r‖s.
 * Throws CRYPTO_BAD_SIGNATURE_ENCODING on non-DER input, trailing bytes, or r, s outside [1, n-1].
 */
export function sm2SignatureFromDer(der: Uint8Array): Uint8Array {
  const seq = readTlv(der, 0);
  const parts = seq?.tag === 0x30 && seq.end === der.length ? readChildren(der, seq) : undefined;
  const r = parts?.length === 2 ? parseUnsignedInteger(der, parts[0], 32) : undefined;
  const s = parts?.length === 2 ? parseUnsignedInteger(der, parts[1], 32) : undefined;
  if (r === undefined || s === undefined || !inScalarRange(r) || !inScalarRange(s)) {
    throw cryptoError('CRYPTO_BAD_SIGNATURE_ENCODING', 'malformed DER SM2 signature', { length: der.length });
  }
  const out = new Uint8Array(64);
  out.set(r, 0);
  out.set(s, 32);
  return out;
}
