/**
 * GCM (NIST SP 800-38D) over a Node CTR-mode block cipher plus GHASH from @noble/ciphers.
 * Node has SM4-CTR but no SM4-GCM; RFC 8998 §A.1 vectors check the result. 96-bit nonces only.
 */
import { createCipheriv, createDecipheriv, timingSafeEqual } from 'node:crypto';
import { ghash } from '@noble/ciphers/_polyval.js';
import { cryptoError } from './errors.js';

/** Block ciphers this construction is used with (AES-256 only to cross-check against Node's native GCM). */
export type GcmBlockCipher = 'sm4' | 'aes-256';

export const GCM_NONCE_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;
const KEY_LENGTH: Readonly<Record<GcmBlockCipher, number>> = Object.freeze({ sm4: 16, 'aes-256': 32 });
const ZERO_BLOCK = new Uint8Array(16);
const EMPTY = new Uint8Array(0);

function checkParams(cipher: GcmBlockCipher, key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== KEY_LENGTH[cipher]) {
    throw cryptoError('CRYPTO_INVALID_KEY', `${cipher}-gcm key must be ${KEY_LENGTH[cipher]} bytes`, {
      expected: KEY_LENGTH[cipher],
      actual: key.length,
    });
  }
  if (nonce.length !== GCM_NONCE_LENGTH) {
    throw cryptoError('CRYPTO_INVALID_ARGUMENT', `GCM nonce must be ${GCM_NONCE_LENGTH} bytes`, {
      actual: nonce.length,
    });
  }
}

/**
 * Runs CTR from J0 = nonce‖0^31‖1: returns E(K, J0) (the tag mask) and data XOR the keystream from inc32(J0).
 * Node's CTR increments all 128 bits; that equals inc32 here because a Buffer is far below 2^32 blocks.
 */
function ctr(cipher: GcmBlockCipher, key: Uint8Array, nonce: Uint8Array, data: Uint8Array) {
  const j0 = Buffer.alloc(16);
  j0.set(nonce);
  j0[15] = 1;
  const c = createCipheriv(`${cipher}-ctr`, key, j0);
  const mask = c.update(ZERO_BLOCK);
  const out = c.update(data);
  return { mask, out };
}

function tag(cipher: GcmBlockCipher, key: Uint8Array, mask: Uint8Array, aad: Uint8Array, ct: Uint8Array) {
  const ecb = createCipheriv(`${cipher}-ecb`, key, null).setAutoPadding(false);
  const h = ecb.update(ZERO_BLOCK);
  const lengths = Buffer.alloc(16);
  lengths.writeBigUInt64BE(BigInt(aad.length) * 8n, 0);
  lengths.writeBigUInt64BE(BigInt(ct.length) * 8n, 8);
  const s = ghash
    .create(h, aad.length + ct.length)
    .update(aad)
    .update(ct)
    .update(lengths)
    .digest();
  for (let i = 0; i < 16; i++) s[i] ^= mask[i];
  return s;
}

/** GCM encryption: returns ciphertext‖16-byte tag. */
export function gcmEncrypt(
  cipher: GcmBlockCipher,
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  checkParams(cipher, key, nonce);
  const { mask, out } = ctr(cipher, key, nonce, plaintext);
  const result = new Uint8Array(out.length + GCM_TAG_LENGTH);
  result.set(out);
  result.set(tag(cipher, key, mask, aad, out), out.length);
  return result;
}

/** GCM decryption of ciphertext‖tag. Throws CRYPTO_DECRYPT_FAILED if the tag does not match. */
export function gcmDecrypt(
  cipher: GcmBlockCipher,
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  checkParams(cipher, key, nonce);
  if (sealed.length < GCM_TAG_LENGTH) {
    throw cryptoError('CRYPTO_DECRYPT_FAILED', 'ciphertext shorter than the GCM tag', {
      length: sealed.length,
    });
  }
  const ct = sealed.subarray(0, sealed.length - GCM_TAG_LENGTH);
  const { mask, out } = ctr(cipher, key, nonce, ct);
  const expected = tag(cipher, key, mask, aad, ct);
  if (!timingSafeEqual(expected, sealed.subarray(ct.length))) {
    throw cryptoError('CRYPTO_DECRYPT_FAILED', 'authentication tag mismatch', {});
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** The suites' AEAD ciphers. */
export type AeadAlgorithm = 'sm4-gcm' | 'aes-256-gcm';

/** AEAD encryption with an explicit 12-byte nonce: returns ciphertext‖16-byte tag. */
export function aeadEncrypt(
  alg: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  if (alg === 'sm4-gcm') return gcmEncrypt('sm4', key, nonce, plaintext, aad);
  checkParams('aes-256', key, nonce);
  const c = createCipheriv('aes-256-gcm', key, nonce).setAAD(aad);
  return new Uint8Array(Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]));
}

/** AEAD decryption of ciphertext‖tag. Throws CRYPTO_DECRYPT_FAILED on a bad tag. */
export function aeadDecrypt(
  alg: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  if (alg === 'sm4-gcm') return gcmDecrypt('sm4', key, nonce, sealed, aad);
  checkParams('aes-256', key, nonce);
  if (sealed.length < GCM_TAG_LENGTH) {
    throw cryptoError('CRYPTO_DECRYPT_FAILED', 'ciphertext shorter than the GCM tag', {
      length: sealed.length,
    });
  }
  const ctLength = sealed.length - GCM_TAG_LENGTH;
  const d = createDecipheriv('aes-256-gcm', key, nonce).setAAD(aad).setAuthTag(sealed.subarray(ctLength));
  const out = d.update(sealed.subarray(0, ctLength));
  try {
    d.final();
  } catch (e) {
    throw cryptoError('CRYPTO_DECRYPT_FAILED', 'authentication tag mismatch', {}, e);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
