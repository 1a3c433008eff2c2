import { useEffect, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { type ConsoleApi, type DigestAlgorithm, isNotFound } from '../api/client.js';
import { useNode } from '../app/node-state.js';
import { PageTitle } from '../components/common.js';
import { useI18n } from '../i18n/i18n.js';
import { classifySearch } from '../lib/search.js';

/** Swallows 404 (not this kind of object); anything else propagates. */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

/**
 * Where a search input leads: a block, a transaction, an account, an evidence record (by record
 * ID or digest, in the chain's algorithm first), or nowhere (null).
 */
export async function resolveSearch(
  api: ConsoleApi,
  input: string,
  suite: 'gm' | 'intl' | undefined,
): Promise<string | null | 'invalid'> {
  const target = classifySearch(input);
  switch (target.kind) {
    case 'invalid':
      return 'invalid';
    case 'height':
      return (await orNull(api.block(target.height))) === null ? null : `/blocks/${target.height}`;
    case 'address':
      return `/accounts/${target.hex}`;
    case 'hash': {
      const first: DigestAlgorithm = target.algorithm ?? (suite === 'intl' ? 'sha256' : 'sm3');
      const algorithms: DigestAlgorithm[] =
        target.algorithm !== undefined ? [first] : [first, first === 'sm3' ? 'sha256' : 'sm3'];
      for (const alg of algorithms) {
        const hit = await api.evidenceByDigest(alg, target.hex);
        if (hit.record !== null) return `/records/${hit.record.id}?digest=${alg}:${target.hex}`;
        if (hit.batch !== null) return `/records/${hit.batch.recordId}?digest=${alg}:${target.hex}`;
      }
      if (target.algorithm !== undefined) return null;
      if ((await orNull(api.block(target.hex))) !== null) return `/blocks/${target.hex}`;
      if ((await orNull(api.tx(target.hex))) !== null) return `/txs/${target.hex}`;
      return null;
    }
  }
}

export function Search() {
  const { t } = useI18n();
  const q = new URLSearchParams(useSearch()).get('q') ?? '';
  const { api, status, report } = useNode();
  const [, navigate] = useLocation();
  const [state, setState] = useState<'searching' | 'none' | 'invalid' | { error: string }>('searching');
  const suite = status?.suite;
  useEffect(() => {
    let live = true;
    setState('searching');
    resolveSearch(api, q, suite).then(
      (to) => {
        if (!live) return;
        if (to === null || to === 'invalid') setState(to === null ? 'none' : 'invalid');
        else navigate(to, { replace: true });
      },
      (e: unknown) => {
        report(e);
        if (live) setState({ error: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [api, q, suite, navigate, report]);
  return (
    <>
      <PageTitle>{t('search.title')}</PageTitle>
      <p role="status" data-testid="search-result">
        {state === 'searching'
          ? t('search.searching')
          : state === 'none'
            ? t('search.none', { q })
            : state === 'invalid'
              ? t('search.invalid')
              : t('common.error', { detail: state.error })}
      </p>
    </>
  );
}
