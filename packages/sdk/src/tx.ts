import { canonicalJson, encodeSignedTx, encodeTxBody, type JsonValue, type SignedTx } from '@xinlian/codec';
import { type CryptoSuite, createSuite, type PrivateKey } from '@xinlian/crypto';
import { toHex } from '@xinlian/utils';

export interface BuildTxInput {
  readonly chainId: string;
  readonly module: string;
  readonly method: string;
  /** Module arguments; encoded as canonical JSON. */
  readonly args: JsonValue;
  /** The signer; its suite must be the chain's. */
  readonly key: PrivateKey;
  /** Replay guard; default: a random safe integer. */
  readonly nonce?: number;
  /** Last height at which the tx may be included (at most current height + maxTxLifetime). */
  readonly expiryHeight: number;
  /** The key's suite instance, to reuse one (default: a new one for key.suite). */
  readonly suite?: CryptoSuite;
}

export interface BuiltTx {
  /** Encoded SignedTx, as submitted to the node. */
  readonly bytes: Uint8Array;
  /** Lower-case hex of suite.hash(bodyBytes). */
  readonly txId: string;
  readonly signedTx: SignedTx;
}

/** A uniformly random integer in [0, 2^53): the default tx nonce. */
export function randomNonce(): number {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (words[0]! & 0x1fffff) * 0x1_0000_0000 + words[1]!;
}

/** Builds, signs and encodes a transaction. */
export function buildTx(input: BuildTxInput): BuiltTx {
  const suite = input.suite ?? createSuite(input.key.suite);
  const body = {
    chainId: input.chainId,
    signer: input.key.publicKey.bytes,
    nonce: input.nonce ?? randomNonce(),
    expiryHeight: input.expiryHeight,
    module: input.module,
    method: input.method,
    args: canonicalJson(input.args),
  };
  const bodyBytes = encodeTxBody(body);
  const signedTx: SignedTx = { body, bodyBytes, signature: suite.sign(input.key, bodyBytes) };
  return { bytes: encodeSignedTx(signedTx), txId: toHex(suite.hash(bodyBytes)), signedTx };
}
