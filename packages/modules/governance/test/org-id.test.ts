/** One organization ID rule: the PKI's O=, governance's schemas and @xinlian/utils agree on every string. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { checkOrg } from '@xinlian/pki';
import { isOrgId, ORG_ID_PATTERN_SOURCE } from '@xinlian/utils';
import fc from 'fast-check';
import { OrgId } from '../src/index.js';

const pkiAccepts = (s: string) => {
  try {
    checkOrg(s);
    return true;
  } catch {
    return false;
  }
};

describe('organization IDs', () => {
  it('governance uses the shared pattern', () => {
    assert.equal(OrgId.pattern, ORG_ID_PATTERN_SOURCE);
  });
  it('pki, governance and utils accept exactly the same strings', () => {
    const alphabet = fc.constantFrom(...'abcXYZ019-._ 中'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 70 })), (s) => {
        const u = isOrgId(s);
        assert.equal(pkiAccepts(s), u, s);
        assert.equal(Value.Check(OrgId, s), u, s);
      }),
      { numRuns: 2000 },
    );
    for (const ok of ['org1', 'a', 'acme-co', `a${'b'.repeat(62)}`])
      assert.ok(pkiAccepts(ok) && isOrgId(ok), ok);
    for (const bad of ['Org1', 'acme.co', 'acme_co', '-a', '', `a${'b'.repeat(63)}`]) {
      assert.ok(!pkiAccepts(bad) && !isOrgId(bad), bad);
    }
  });
});
