import { canonicalJson, type JsonValue, type ValidatorSet } from '@xinlian/codec';
import type { CryptoSuite, SuiteId } from '@xinlian/crypto';
import { fromHex, XinlianError } from '@xinlian/utils';

/**
 * The parts of a genesis document (`xinlian-genesis/1`, schema in @xinlian/schemas) that
 * consensus reads; any JSON genesis object with these fields fits.
 */
export type GenesisDocument = { readonly [k: string]: JsonValue } & {
  readonly chainId: string;
  readonly suite: SuiteId;
  readonly validators: readonly {
    readonly name: string;
    readonly publicKey: string;
    readonly power: number;
  }[];
};

/** The chain's identity: suite.hash(canonicalJson(genesis)). Throws CONSENSUS_BAD_GENESIS for another suite. */
export function genesisHash(suite: CryptoSuite, genesis: GenesisDocument): Uint8Array {
  if (genesis.suite !== suite.id) {
    throw new XinlianError('CONSENSUS_BAD_GENESIS', `genesis uses suite ${genesis.suite}, not ${suite.id}`, {
      expected: genesis.suite,
      actual: suite.id,
    });
  }
  return suite.hash(canonicalJson(genesis));
}

/** The validator set of height 1, in genesis order. Throws CONSENSUS_BAD_GENESIS for a key not in hex. */
export function genesisValidatorSet(genesis: GenesisDocument): ValidatorSet {
  return {
    validators: genesis.validators.map((v, index) => {
      try {
        return { name: v.name, publicKey: fromHex(v.publicKey), power: v.power };
      } catch (e) {
        throw new XinlianError(
          'CONSENSUS_BAD_GENESIS',
          `validator ${index} has a malformed public key`,
          {
            index,
          },
          { cause: e },
        );
      }
    }),
  };
}
