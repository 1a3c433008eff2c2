import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { argsValidator } from '@xinlian/execution';
import { badArgs } from './errors.js';

/** A compiled validator: returns the value typed, or throws GOV_BAD_ARGS for the first error. */
export function compileValidator<T extends TSchema>(schema: T): (value: unknown) => Static<T> {
  return argsValidator(TypeCompiler.Compile(schema), badArgs);
}
