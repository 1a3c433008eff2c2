/**
 * Signed read requests for nodes with `api.readAccess: "members"` (docs/governance.md §7): the
 * `authorization: Xinlian key=…, time=…, sig=…` header over
 * `xinlian-read/v1\n<chainId>\n<METHOD>\n<path and query>\n<time>`, signed with a member's key.
 */
import { type CryptoSuite, createSuite, type PrivateKey } from '@xinlian/crypto';
import { toHex, utf8 } from '@xinlian/utils';

export interface ReadAuthorizerInput {
  readonly key: PrivateKey;
  readonly chainId: string;
  readonly suite?: CryptoSuite;
  /** Clock (ms since epoch); default Date.now. */
  readonly now?: () => number;
}

/** The `authorization` header value of one read request. */
export function readAuthorization(input: ReadAuthorizerInput, method: string, pathAndQuery: string): string {
  const suite = input.suite ?? createSuite(input.key.suite);
  const time = (input.now ?? Date.now)();
  const message = utf8(
    `xinlian-read/v1\n${input.chainId}\n${method.toUpperCase()}\n${pathAndQuery}\n${time}`,
  );
  const sig = suite.sign(input.key, message);
  return `Xinlian key=${toHex(input.key.publicKey.bytes)}, time=${time}, sig=${toHex(sig)}`;
}

/** A `ClientOptions.authorize` hook that signs every request with `key`. */
export function readAuthorizer(
  input: ReadAuthorizerInput,
): (method: string, pathAndQuery: string) => Record<string, string> {
  const withSuite = { ...input, suite: input.suite ?? createSuite(input.key.suite) };
  return (method, pathAndQuery) => ({ authorization: readAuthorization(withSuite, method, pathAndQuery) });
}
