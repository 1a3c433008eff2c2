/**
 * Backend-independent GCM (NIST SP 800-38D) pieces shared by the Node and browser backends (no
 * Node imports): parameter checks, the tag (GHASH from @noble/ciphers, masked with E(K, J0)) and
 * the ciphertext‖tag layout. The block cipher itself comes from the backend. 96-bit nonces only.
 */
import { ghash } from '@noble/ciphers/_polyval.js';
import { cryptoError } from './errors.js';

/** The suites' AEAD ciphers. */
export type AeadAlgorithm = 'sm4-gcm' | 'aes-256-gcm';
/** Block ciphers GCM is built around (AES-256 also to cross-check against a native GCM). */
export type GcmBlockCipher = 'sm4' | 'aes-256';

export const GCM_NONCE_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;
export const EMPTY = new Uint8Array(0);
const KEY_LENGTH: Readonly<Record<GcmBlockCipher, number>> = Object.freeze({ sm4: 16, 'aes-256': 32 });

/** The block cipher of an AEAD algorithm. */
export function blockCipherOf(alg: AeadAlgorithm): GcmBlockCipher {
  return alg === 'sm4-gcm' ? 'sm4' : 'aes-256';
}

/** Throws CRYPTO_INVALID_KEY for a key of the wrong length, CRYPTO_INVALID_ARGUMENT for a bad nonce. */
export function checkGcmParams(cipher: GcmBlockCipher, key: Uint8Array, nonce: Uint8Array): void {
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

/** Throws CRYPTO_DECRYPT_FAILED if `sealed` is shorter than the tag. */
export function checkSealedLength(sealed: Uint8Array): void {
  if (sealed.length < GCM_TAG_LENGTH) {
    throw cryptoError('CRYPTO_DECRYPT_FAILED', 'ciphertext shorter than the GCM tag', {
      length: sealed.length,
    });
  }
}

/** CRYPTO_DECRYPT_FAILED for a tag that does not match. */
export function tagMismatch(cause?: unknown) {
  return cryptoError('CRYPTO_DECRYPT_FAILED', 'authentication tag mismatch', {}, cause);
}

/** The GCM tag: GHASH_H(aad, ct, lengths) XOR mask, with H = E(K, 0^128) and mask = E(K, J0). */
export function gcmTag(h: Uint8Array, mask: Uint8Array, aad: Uint8Array, ct: Uint8Array): Uint8Array {
  const lengths = new Uint8Array(16);
  const lv = new DataView(lengths.buffer);
  lv.setBigUint64(0, BigInt(aad.length) * 8n);
  lv.setBigUint64(8, BigInt(ct.length) * 8n);
  const s = ghash
    .create(h, aad.length + ct.length)
    .update(aad)
    .update(ct)
    .update(lengths)
    .digest();
  for (let i = 0; i < 16; i++) s[i] ^= mask[i];
  return s;
}

/** ciphertext‖tag. */
export function joinCiphertextTag(ct: Uint8Array, tag: Uint8Array): Uint8Array {
  const result = new Uint8Array(ct.length + tag.length);
  result.set(ct);
  result.set(tag, ct.length);
  return result;
}
