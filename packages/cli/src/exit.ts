import { isXinlianError, type XinlianError } from '@xinlian/utils';

/** Process exit codes of the `xinlian` command (documented in packages/cli/README.md). */
export const EXIT_CODES = Object.freeze({
  ok: 0,
  /** Any failure not listed below. */
  generic: 1,
  /** Bad command line: unknown command/option, missing argument, invalid value, missing passphrase. */
  usage: 2,
  /** `evidence verify`: the receipt did not verify (or is not JSON). */
  verificationFailed: 3,
  /** The node could not be reached. */
  unreachable: 4,
});

/** Error codes that are reported with the usage exit code. */
const USAGE_CODES: ReadonlySet<string> = new Set(['CLI_USAGE', 'CLI_NO_PASSPHRASE']);

/** Maps an error to the exit code the command ends with. */
export function exitCodeFor(error: XinlianError | unknown): number {
  if (!isXinlianError(error)) return EXIT_CODES.generic;
  if (USAGE_CODES.has(error.code)) return EXIT_CODES.usage;
  if (error.code === 'CLI_BAD_RECEIPT') return EXIT_CODES.verificationFailed;
  if (error.code === 'SDK_UNREACHABLE') return EXIT_CODES.unreachable;
  return EXIT_CODES.generic;
}
