import type { GovernanceView, MemberView, RevocationView, ValidatorEntryView } from '../api/client.js';

/** A member's state: revoked (its certificate or its CA certificate is revoked), expired or active. */
export function memberState(
  m: MemberView,
  revocations: readonly RevocationView[],
  now: number,
): 'active' | 'revoked' | 'expired' {
  const revoked = revocations.some(
    (r) =>
      r.org === m.org &&
      ((m.serial !== null && r.serial === m.serial) || (m.caSerial !== null && r.serial === m.caSerial)),
  );
  if (revoked) return 'revoked';
  if (m.notAfter !== null && m.notAfter < now) return 'expired';
  return 'active';
}

/** The validator set deciding the next height: the last set that takes effect at or before it. */
export function currentValidators(
  g: GovernanceView,
  height: number,
): readonly ValidatorEntryView[] | undefined {
  return g.validatorSets.filter((v) => v.height <= height + 1).at(-1)?.validators;
}
