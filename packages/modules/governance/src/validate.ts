import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { badArgs } from './errors.js';

/** `/action/validators/0/power` → `action.validators[0].power`; the root is `(root)`. */
export function fieldName(pointer: string): string {
  const parts = pointer.split('/').slice(1);
  if (parts.length === 0) return '(root)';
  return parts
    .map((p, i) =>
      /^\d+$/.test(p) ? `[${p}]` : `${i === 0 ? '' : '.'}${p.replace(/~1/g, '/').replace(/~0/g, '~')}`,
    )
    .join('');
}

/** A compiled validator: returns the value typed, or throws GOV_BAD_ARGS for the first error. */
export function compileValidator<T extends TSchema>(schema: T): (value: unknown) => Static<T> {
  const compiled = TypeCompiler.Compile(schema);
  return (value) => {
    if (compiled.Check(value)) return value;
    const first = compiled.Errors(value).First();
    throw badArgs(fieldName(first?.path ?? ''), first?.message ?? 'invalid value');
  };
}
