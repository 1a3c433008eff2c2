/**
 * Organization identifiers, one rule for the whole chain (docs/pki.md, spec/governance.md §1):
 * 1–63 characters of a–z 0–9 and `-`, starting with a letter or digit. It is the `O=` of every
 * certificate an organization CA issues (@xinlian/pki), the organization ID in governance state
 * and in the genesis document (@xinlian/schemas), and part of state keys (`org/<id>`, `rev/<id>/…`).
 */
export const ORG_ID_PATTERN_SOURCE = '^[a-z0-9][a-z0-9-]{0,62}$';
/** {@link ORG_ID_PATTERN_SOURCE} as a RegExp (stateless: no `g` flag). */
export const ORG_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Whether `id` is a valid organization identifier. */
export function isOrgId(id: unknown): id is string {
  return typeof id === 'string' && ORG_ID_PATTERN.test(id);
}
