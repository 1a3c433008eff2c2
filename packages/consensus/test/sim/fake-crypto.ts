// Signature schemes for the simulator. FakePki is a fast stand-in for the chain's suite: a
// "signature" is a keyed hash of the message, and the verifier knows every member's
// secret by public key; only code holding the secret (the key's owner) makes signatures that
// verify, so a non-member, or a validator forging another's vote, is rejected. SuitePki uses a real crypto suite.
import { createHash } from 'node:crypto';
import type { CryptoSuite } from '@xinlian/crypto';
import { toHex } from '@xinlian/utils';
import { suiteSigner, suiteVerifier, type VoteSigner, type VoteVerifier } from '../../src/index.js';
import type { Prng } from './prng.js';

export interface SimKey {
  readonly publicKey: Uint8Array;
  readonly signer: VoteSigner;
}

/** Key issuance and verification for one simulated network. */
export interface Pki {
  readonly verifier: VoteVerifier;
  /** A validator key whose signatures the verifier accepts. */
  member(): SimKey;
  /** A key that belongs to no validator. */
  outsider(): SimKey;
}

/**
 * A keyed 128-bit hash (four multiply-xorshift lanes seeded by the secret). Not cryptographic:
 * nothing in the simulation searches for collisions; it only has to tell keys and messages apart.
 */
function keyedHash(secret: Uint8Array, message: Uint8Array): Uint8Array {
  const seed = new DataView(secret.buffer, secret.byteOffset, secret.byteLength);
  let a = seed.getUint32(0);
  let b = seed.getUint32(4);
  let c = seed.getUint32(8);
  let d = seed.getUint32(12);
  for (let i = 0; i < message.length; i++) {
    const x = message[i] as number;
    a = Math.imul(a ^ x, 0x9e3779b1);
    b = Math.imul(b ^ a, 0x85ebca77);
    c = Math.imul(c ^ (b >>> 13), 0xc2b2ae3d);
    d = Math.imul(d ^ (c >>> 16) ^ x, 0x27d4eb2f);
  }
  a ^= message.length;
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  for (const [i, lane] of [a, b, c, d].entries()) {
    let h = lane ^ (a >>> 15) ^ (d >>> 7);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    view.setUint32(4 * i, (h ^ (h >>> 16)) >>> 0);
  }
  return out;
}

export class FakePki implements Pki {
  private readonly secrets = new Map<string, Uint8Array>();
  readonly verifier: VoteVerifier = {
    verify: (publicKey, message, signature) => {
      const secret = this.secrets.get(toHex(publicKey));
      if (secret === undefined || signature.length !== 16) return false;
      const expected = keyedHash(secret, message);
      for (let i = 0; i < 16; i++) if (expected[i] !== signature[i]) return false;
      return true;
    },
  };

  constructor(private readonly prng: Prng) {}

  private make(): { key: SimKey; secret: Uint8Array } {
    const secret = this.prng.bytes(16);
    const publicKey = new Uint8Array(createHash('sha256').update('pk').update(secret).digest());
    return { key: { publicKey, signer: { sign: (m) => keyedHash(secret, m) } }, secret };
  }

  member(): SimKey {
    const { key, secret } = this.make();
    this.secrets.set(toHex(key.publicKey), secret);
    return key;
  }

  outsider(): SimKey {
    return this.make().key;
  }
}

/** Real signatures of a crypto suite (SM2 or Ed25519); outsiders are fresh keys outside the set. */
export class SuitePki implements Pki {
  readonly verifier: VoteVerifier;

  constructor(private readonly suite: CryptoSuite) {
    this.verifier = suiteVerifier(suite);
  }

  member(): SimKey {
    const key = this.suite.generateKey();
    return { publicKey: key.publicKey.bytes, signer: suiteSigner(this.suite, key) };
  }

  outsider(): SimKey {
    return this.member();
  }
}
