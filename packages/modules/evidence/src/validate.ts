import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { argsValidator } from '@xinlian/execution';
import { XinlianError } from '@xinlian/utils';

/** EVIDENCE_BAD_ARGS naming the offending field. */
export function badArgs(field: string, message: string): XinlianError {
  return new XinlianError('EVIDENCE_BAD_ARGS', `${field}: ${message}`, { field });
}

/** A compiled validator: returns the value typed, or throws EVIDENCE_BAD_ARGS for the first error. */
export function compileValidator<T extends TSchema>(schema: T): (value: unknown) => Static<T> {
  return argsValidator(TypeCompiler.Compile(schema), badArgs);
}
