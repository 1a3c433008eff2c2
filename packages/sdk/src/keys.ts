import { type CryptoSuite, createSuite, type PrivateKey, type SuiteId } from '@xinlian/crypto';

export {
  addressOf,
  type CryptoSuite,
  createSuite,
  decryptKeyFile,
  encryptKeyFile,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  importPrivateKeyPem,
  importPublicKeyPem,
  type PrivateKey,
  type PublicKey,
  type SuiteId,
} from '@xinlian/crypto';

/** A new random key of the suite. */
export function generateKey(suite: SuiteId | CryptoSuite): PrivateKey {
  return (typeof suite === 'string' ? createSuite(suite) : suite).generateKey();
}
