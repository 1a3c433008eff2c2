import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { XinlianError } from '@xinlian/utils';
import { argsFieldName, argsValidator, type SchemaCheck } from '../src/index.js';

describe('module args validation', () => {
  test('argsFieldName turns a JSON pointer into a field path', () => {
    assert.equal(argsFieldName(''), '(root)');
    assert.equal(argsFieldName('/action/validators/0/power'), 'action.validators[0].power');
    assert.equal(argsFieldName('/a~1b/c~0d'), 'a/b.c~d');
  });

  test('argsValidator returns valid values and throws the module error for the first failure', () => {
    const isNumber: SchemaCheck<number> = {
      Check: (v): v is number => typeof v === 'number',
      Errors: () => ({ First: () => ({ path: '/digests/0/value', message: 'expected number' }) }),
    };
    const badArgs = (field: string, message: string) =>
      new XinlianError('TEST_BAD_ARGS', `${field}: ${message}`, { field });
    const validate = argsValidator(isNumber, badArgs);
    assert.equal(validate(7), 7);
    assert.throws(
      () => validate('x'),
      (e: unknown) =>
        e instanceof XinlianError &&
        e.code === 'TEST_BAD_ARGS' &&
        e.message === 'digests[0].value: expected number' &&
        (e.details as { field?: string }).field === 'digests[0].value',
    );
    const noErrors = argsValidator<number>(
      { ...isNumber, Errors: () => ({ First: () => undefined }) },
      badArgs,
    );
    assert.throws(() => noErrors('x'), /\(root\): invalid value/);
  });
});
