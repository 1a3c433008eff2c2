import type { SearchResponse, SearchResult } from '@xinlian/schemas';
import { isXinlianError } from '@xinlian/utils';
import type { NodeApi } from './routes.js';

/** The value of `f()`, or undefined when it throws API_NOT_FOUND. */
function unlessNotFound<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (isXinlianError(e) && e.code === 'API_NOT_FOUND') return undefined;
    throw e;
  }
}

/**
 * Explorer search (GET /v1/search): what a height, hash or address names on this chain. A decimal
 * names a block height; 64 hex digits a block hash, a transaction hash (also its evidence record's
 * ID) or an evidence digest, in the chain suite's algorithm first (`sm3:`/`sha256:` picks one); 40
 * hex digits an account address. Answers every match (empty: none), never 404, so a client can
 * probe without errors.
 */
export function searchChain(
  api: Pick<NodeApi, 'block' | 'tx' | 'evidenceByDigest'>,
  suite: 'gm' | 'intl',
  query: string,
): SearchResponse {
  let q = query.trim().toLowerCase();
  let only: 'sm3' | 'sha256' | undefined;
  const m = /^(sm3|sha256|sha-256):\s*(.*)$/.exec(q);
  if (m !== null) {
    only = m[1] === 'sm3' ? 'sm3' : 'sha256';
    q = m[2]!;
  }
  if (q.startsWith('0x')) q = q.slice(2);
  const results: SearchResult[] = [];
  if (only === undefined && /^[0-9]{1,16}$/.test(q) && Number.isSafeInteger(Number(q))) {
    const b = unlessNotFound(() => api.block(Number(q)));
    if (b !== undefined) results.push({ type: 'block', height: b.height, id: b.id });
  } else if (/^[0-9a-f]{64}$/.test(q)) {
    if (only === undefined) {
      const b = unlessNotFound(() => api.block(q));
      if (b !== undefined) results.push({ type: 'block', height: b.height, id: b.id });
      const tx = unlessNotFound(() => api.tx(q));
      if (tx !== undefined) results.push({ type: 'tx', txId: tx.txId, status: tx.status });
    }
    const suiteAlg = suite === 'gm' ? 'sm3' : 'sha256';
    const algorithms =
      only !== undefined ? [only] : ([suiteAlg, suiteAlg === 'sm3' ? 'sha256' : 'sm3'] as const);
    for (const algorithm of algorithms) {
      const hit = api.evidenceByDigest(algorithm, q);
      const recordId = hit.record?.id ?? hit.batch?.recordId;
      if (recordId !== undefined) {
        results.push({ type: 'evidence', algorithm, digest: q, recordId, batched: hit.record === null });
      }
    }
  } else if (only === undefined && /^[0-9a-f]{40}$/.test(q)) {
    results.push({ type: 'account', address: q });
  }
  return { query, results };
}
