/**
 * GCM (NIST SP 800-38D) over a Node CTR-mode block cipher plus the shared tag code (./gcm-core.ts).
 * Node has SM4-CTR but no SM4-GCM; RFC 8998 §A.1 vectors check the result. 96-bit nonces only.
 */
import { createCipheriv, createDecipheriv, timingSafeEqual } from 'node:crypto';
import {
  type AeadAlgorithm,
  checkGcmParams,
  checkSealedLength,
  EMPTY,
  GCM_TAG_LENGTH,
  type GcmBlockCipher,
  gcmTag,
  joinCiphertextTag,
  tagMismatch,
} from './gcm-core.js';

export { type AeadAlgorithm, GCM_NONCE_LENGTH, GCM_TAG_LENGTH, type GcmBlockCipher } from './gcm-core.js';

const ZERO_BLOCK = new Uint8Array(16);

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
  return gcmTag(ecb.update(ZERO_BLOCK), mask, aad, ct);
}

/** GCM encryption: returns ciphertext‖16-byte tag. */
export function gcmEncrypt(
  cipher: GcmBlockCipher,
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  checkGcmParams(cipher, key, nonce);
  const { mask, out } = ctr(cipher, key, nonce, plaintext);
  return joinCiphertextTag(out, tag(cipher, key, mask, aad, out));
}

/** GCM decryption of ciphertext‖tag. Throws CRYPTO_DECRYPT_FAILED if the tag does not match. */
export function gcmDecrypt(
  cipher: GcmBlockCipher,
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  checkGcmParams(cipher, key, nonce);
  checkSealedLength(sealed);
  const ct = sealed.subarray(0, sealed.length - GCM_TAG_LENGTH);
  const { mask, out } = ctr(cipher, key, nonce, ct);
  const expected = tag(cipher, key, mask, aad, ct);
  if (!timingSafeEqual(expected, sealed.subarray(ct.length))) throw tagMismatch();
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** AEAD encryption with an explicit 12-byte nonce: returns ciphertext‖16-byte tag. */
export function aeadEncrypt(
  alg: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  if (alg === 'sm4-gcm') return gcmEncrypt('sm4', key, nonce, plaintext, aad);
  checkGcmParams('aes-256', key, nonce);
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
  checkGcmParams('aes-256', key, nonce);
  checkSealedLength(sealed);
  const ctLength = sealed.length - GCM_TAG_LENGTH;
  const d = createDecipheriv('aes-256-gcm', key, nonce).setAAD(aad).setAuthTag(sealed.subarray(ctLength));
  const out = d.update(sealed.subarray(0, ctLength));
  try {
    d.final();
  } catch (e) {
    throw tagMismatch(e);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
