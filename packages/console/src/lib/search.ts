/** What a search box input can be (pure; the Search page resolves it against the node). */
export type SearchTarget =
  | { readonly kind: 'height'; readonly height: number }
  | { readonly kind: 'hash'; readonly hex: string; readonly algorithm?: 'sm3' | 'sha256' }
  | { readonly kind: 'address'; readonly hex: string }
  | { readonly kind: 'invalid' };

/**
 * Classifies a search input: a decimal height, a 64-hex hash (block hash, tx hash = record ID, or
 * evidence digest, optionally written `sm3:…`/`sha256:…`), or a 40-hex account address. `0x`
 * prefixes, surrounding spaces and upper case are accepted.
 */
export function classifySearch(input: string): SearchTarget {
  let q = input.trim().toLowerCase();
  let algorithm: 'sm3' | 'sha256' | undefined;
  const m = /^(sm3|sha256|sha-256):\s*(.*)$/.exec(q);
  if (m !== null) {
    algorithm = m[1] === 'sm3' ? 'sm3' : 'sha256';
    q = m[2]!;
  }
  if (q.startsWith('0x')) q = q.slice(2);
  if (algorithm === undefined && /^[0-9]{1,16}$/.test(q)) {
    const height = Number(q);
    if (Number.isSafeInteger(height)) return { kind: 'height', height };
  }
  if (/^[0-9a-f]{64}$/.test(q))
    return algorithm === undefined ? { kind: 'hash', hex: q } : { kind: 'hash', hex: q, algorithm };
  if (algorithm === undefined && /^[0-9a-f]{40}$/.test(q)) return { kind: 'address', hex: q };
  return { kind: 'invalid' };
}
