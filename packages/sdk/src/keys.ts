import { type CryptoSuite, createSuite, type PrivateKey, type SuiteId } from '@xinlian/crypto';

export {
  addressOf,
  CRYPTO_BACKEND,
  type CryptoSuite,
  createHasher,
  createSuite,
  decryptKeyFile,
  encryptKeyFile,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  type HashAlgorithm,
  type Hasher,
  importPrivateKeyPem,
  importPublicKeyPem,
  type PrivateKey,
  type PublicKey,
  privateKeyFromRaw,
  privateKeyToRaw,
  type SuiteId,
} from '@xinlian/crypto';

/** A new random key of the suite. */
export function generateKey(suite: SuiteId | CryptoSuite): PrivateKey {
  return (typeof suite === 'string' ? createSuite(suite) : suite).generateKey();
}
