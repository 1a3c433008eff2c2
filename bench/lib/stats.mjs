// Small statistics helpers.

/** The q-quantile (0..1) of sorted numbers, nearest-rank method. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Rounds to `digits` decimals (for printing and JSON). */
export const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** "12,345" */
export const fmt = (x) => Math.round(x).toLocaleString('en-US');
