/**
 * The suites' AEAD ciphers without Node: AES-256-GCM from @noble/ciphers, and SM4-GCM built like the
 * Node backend (NIST SP 800-38D over a block cipher, the shared tag code in ../gcm-core.ts) with the
 * SM4 block cipher from sm-crypto-v2 (ECB over the counter blocks). 96-bit nonces only.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { sm4 } from 'sm-crypto-v2';
import {
  type AeadAlgorithm,
  blockCipherOf,
  checkGcmParams,
  checkSealedLength,
  EMPTY,
  GCM_TAG_LENGTH,
  gcmTag,
  joinCiphertextTag,
  tagMismatch,
} from '../gcm-core.js';

export { type AeadAlgorithm, GCM_NONCE_LENGTH } from '../gcm-core.js';

/** SM4 encryption of whole 16-byte blocks (ECB, no padding). */
function sm4Blocks(key: Uint8Array, blocks: Uint8Array): Uint8Array {
  return sm4.encrypt(blocks, key, { mode: 'ecb', padding: 'none', output: 'array' }) as Uint8Array;
}

/**
 * SM4-GCM core: returns data XOR keystream and the tag over (aad, ciphertext); the ciphertext is
 * the output when encrypting and the input when decrypting.
 */
function sm4Gcm(key: Uint8Array, nonce: Uint8Array, data: Uint8Array, aad: Uint8Array, encrypting: boolean) {
  const nBlocks = Math.ceil(data.length / 16);
  // Blocks to encrypt: 0^128 (→ H), J0 = nonce‖0^31‖1 (→ tag mask), then inc32(J0), inc32²(J0), ...
  const counters = new Uint8Array(16 * (2 + nBlocks));
  const view = new DataView(counters.buffer);
  for (let i = 0; i <= nBlocks; i++) {
    counters.set(nonce, 16 * (i + 1));
    view.setUint32(16 * (i + 1) + 12, (i + 1) >>> 0);
  }
  const enc = sm4Blocks(key, counters);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] ^ enc[32 + i];
  const tag = gcmTag(enc.subarray(0, 16), enc.subarray(16, 32), aad, encrypting ? out : data);
  return { out, tag };
}

/** AEAD encryption with an explicit 12-byte nonce: returns ciphertext‖16-byte tag. */
export function aeadEncrypt(
  alg: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  checkGcmParams(blockCipherOf(alg), key, nonce);
  if (alg === 'aes-256-gcm') return gcm(key, nonce, aad).encrypt(plaintext);
  const { out, tag } = sm4Gcm(key, nonce, plaintext, aad, true);
  return joinCiphertextTag(out, tag);
}

/** AEAD decryption of ciphertext‖tag. Throws CRYPTO_DECRYPT_FAILED on a bad tag. */
export function aeadDecrypt(
  alg: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  checkGcmParams(blockCipherOf(alg), key, nonce);
  checkSealedLength(sealed);
  if (alg === 'aes-256-gcm') {
    try {
      return gcm(key, nonce, aad).decrypt(sealed);
    } catch (e) {
      throw tagMismatch(e);
    }
  }
  const ct = sealed.subarray(0, sealed.length - GCM_TAG_LENGTH);
  const { out, tag } = sm4Gcm(key, nonce, ct, aad, false);
  if (!equalBytes(tag, sealed.subarray(ct.length))) throw tagMismatch();
  return out;
}

/** SM4 (GB/T 32907) encryption of one 16-byte block; for the vector tests. */
export function sm4EncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  return sm4Blocks(key, block);
}
