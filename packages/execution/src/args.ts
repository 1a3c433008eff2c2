/**
 * Generic validation of module args and query params, shared by the modules: the first schema
 * error, named by field, becomes the module's own *_BAD_ARGS error. Schema-library neutral (a
 * TypeBox TypeCheck fits SchemaCheck), pure, no I/O.
 */
import type { XinlianError } from '@xinlian/utils';

/** A compiled schema check (structurally, TypeBox's TypeCheck). */
export interface SchemaCheck<T> {
  Check(value: unknown): value is T;
  Errors(value: unknown): { First(): { readonly path: string; readonly message: string } | undefined };
}

/** `/action/validators/0/power` → `action.validators[0].power`; the root is `(root)`. */
export function argsFieldName(pointer: string): string {
  const parts = pointer.split('/').slice(1);
  if (parts.length === 0) return '(root)';
  return parts
    .map((p, i) =>
      /^\d+$/.test(p) ? `[${p}]` : `${i === 0 ? '' : '.'}${p.replace(/~1/g, '/').replace(/~0/g, '~')}`,
    )
    .join('');
}

/**
 * A validator over a compiled check: returns the value typed, or throws `badArgs(field, message)`
 * for the first error.
 */
export function argsValidator<T>(
  check: SchemaCheck<T>,
  badArgs: (field: string, message: string) => XinlianError,
): (value: unknown) => T {
  return (value) => {
    if (check.Check(value)) return value;
    const first = check.Errors(value).First();
    throw badArgs(argsFieldName(first?.path ?? ''), first?.message ?? 'invalid value');
  };
}
