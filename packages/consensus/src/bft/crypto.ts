import type { CryptoSuite, PrivateKey, PublicKey } from '@xinlian/crypto';
import { toHex } from '@xinlian/utils';
import type { VoteSigner, VoteVerifier } from './types.js';

/** A signer for the core from a suite and this validator's private key. */
export function suiteSigner(suite: CryptoSuite, key: PrivateKey): VoteSigner {
  return { sign: (message) => suite.sign(key, message) };
}

/**
 * A verifier for the core from a suite. Imported validator keys are cached (importing costs
 * more than verifying); a malformed key verifies nothing.
 */
export function suiteVerifier(suite: CryptoSuite): VoteVerifier {
  const keys = new Map<string, PublicKey | null>();
  return {
    verify(publicKey, message, signature) {
      const hex = toHex(publicKey);
      let key = keys.get(hex);
      if (key === undefined) {
        try {
          key = suite.publicKeyFromBytes(publicKey);
        } catch {
          key = null;
        }
        keys.set(hex, key);
      }
      return key !== null && suite.verify(key, message, signature);
    },
  };
}
