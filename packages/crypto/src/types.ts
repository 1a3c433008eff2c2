/**
 * Public contract of @xinlian/crypto. Other packages code against these types only.
 *
 * A chain chooses one *suite* at genesis; every hash, signature and symmetric cipher on that
 * chain comes from it:
 *   gm   = SM2 signatures (GB/T 32918, Z over the signer's user ID, default 1234567812345678),
 *          SM3 hash, SM4-GCM (SM4-CTR + GHASH, RFC 8998 vectors)
 *   intl = Ed25519, SHA-256, AES-256-GCM
 */
export type SuiteId = 'gm' | 'intl';
export const SUITE_IDS: readonly SuiteId[] = ['gm', 'intl'];

/**
 * Raw public key bytes: gm = 65-byte uncompressed SM2 point (0x04‖X‖Y); intl = 32-byte Ed25519 key.
 * These raw bytes are what goes into transactions, validator sets and receipts.
 */
export interface PublicKey {
  readonly suite: SuiteId;
  readonly bytes: Uint8Array;
}

/** A private key; the key material stays inside (a Node KeyObject where available). */
export interface PrivateKey {
  readonly suite: SuiteId;
  readonly publicKey: PublicKey;
}

export interface SignOptions {
  /** SM2 signer user ID used in Z (gm only). Default: ASCII "1234567812345678". */
  readonly userId?: Uint8Array;
}

/** Output of an AEAD seal: 12-byte nonce, ciphertext with the 16-byte tag appended. */
export interface Sealed {
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
}

export interface CryptoSuite {
  readonly id: SuiteId;
  /** 'sm3' | 'sha256' */
  readonly hashAlgorithm: 'sm3' | 'sha256';
  /** 'sm2' | 'ed25519' */
  readonly signatureAlgorithm: 'sm2' | 'ed25519';
  /** 'sm4-gcm' | 'aes-256-gcm' */
  readonly cipherAlgorithm: 'sm4-gcm' | 'aes-256-gcm';
  /** Symmetric key length for seal/open in bytes (16 for SM4, 32 for AES-256). */
  readonly cipherKeyLength: number;
  readonly publicKeyLength: number;
  readonly signatureLength: number;

  /** The suite's 32-byte hash of the concatenation of the parts. */
  hash(...parts: readonly Uint8Array[]): Uint8Array;

  generateKey(): PrivateKey;
  /** Signature bytes: gm = 64-byte r‖s (big-endian, 32 bytes each); intl = 64-byte Ed25519 signature. */
  sign(key: PrivateKey, message: Uint8Array, opts?: SignOptions): Uint8Array;
  /**
   * true iff the signature is valid. A well-formed but wrong signature returns false; a
   * malformed public key throws CRYPTO_INVALID_KEY; a signature of the wrong length returns false.
   */
  verify(publicKey: PublicKey, message: Uint8Array, signature: Uint8Array, opts?: SignOptions): boolean;

  /** Validates and wraps raw public key bytes (point on curve etc). Throws CRYPTO_INVALID_KEY. */
  publicKeyFromBytes(bytes: Uint8Array): PublicKey;

  seal(key: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Sealed;
  /** Throws CRYPTO_DECRYPT_FAILED on a bad tag. */
  open(key: Uint8Array, sealed: Sealed, aad?: Uint8Array): Uint8Array;
}

/** The suites' hash algorithms. */
export type HashAlgorithm = 'sm3' | 'sha256';

/**
 * An incremental hash (update any number of times, then digest once). Plain data in, plain data
 * out: usable in a Web Worker to hash large files chunk by chunk.
 */
export interface Hasher {
  readonly algorithm: HashAlgorithm;
  /** Adds bytes; returns the hasher. Throws CRYPTO_INVALID_ARGUMENT after digest(). */
  update(data: Uint8Array): Hasher;
  /** The 32-byte digest of everything added; the hasher cannot be used afterwards. */
  digest(): Uint8Array;
}
