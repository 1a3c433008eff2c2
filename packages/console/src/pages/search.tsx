import type { SearchResult } from '@xinlian/schemas';
import { useEffect, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { useNode } from '../app/node-state.js';
import { PageTitle } from '../components/common.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';
import { shortHex } from '../lib/format.js';
import { classifySearch } from '../lib/search.js';

/** The console page of a search result. */
export function resultPath(r: SearchResult): string {
  switch (r.type) {
    case 'block':
      return `/blocks/${r.height}`;
    case 'tx':
      return `/txs/${r.txId}`;
    case 'account':
      return `/accounts/${r.address}`;
    case 'evidence':
      return `/records/${r.recordId}`;
  }
}

const TYPE_LABEL: Record<SearchResult['type'], MessageKey> = {
  block: 'tx.block',
  tx: 'tx.title',
  account: 'account.title',
  evidence: 'record.title',
};

type State =
  | { readonly s: 'searching' }
  | { readonly s: 'invalid' }
  | { readonly s: 'done'; readonly results: readonly SearchResult[] }
  | { readonly s: 'error'; readonly message: string };

/** Runs a search on the node: one match opens it, several are listed, none says so. */
export function Search() {
  const { t } = useI18n();
  const q = new URLSearchParams(useSearch()).get('q') ?? '';
  const { api, report } = useNode();
  const [, navigate] = useLocation();
  const [state, setState] = useState<State>({ s: 'searching' });
  useEffect(() => {
    if (classifySearch(q).kind === 'invalid') {
      setState({ s: 'invalid' });
      return;
    }
    let live = true;
    setState({ s: 'searching' });
    api.search(q).then(
      (res) => {
        if (!live) return;
        if (res.results.length === 1) navigate(resultPath(res.results[0]!), { replace: true });
        else setState({ s: 'done', results: res.results });
      },
      (e: unknown) => {
        report(e);
        if (live) setState({ s: 'error', message: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [api, q, navigate, report]);
  return (
    <>
      <PageTitle>{t('search.title')}</PageTitle>
      <p role="status" data-testid="search-result">
        {state.s === 'searching'
          ? t('search.searching')
          : state.s === 'invalid'
            ? t('search.invalid')
            : state.s === 'error'
              ? t('common.error', { detail: state.message })
              : state.results.length === 0
                ? t('search.none', { q })
                : q}
      </p>
      {state.s === 'done' && state.results.length > 1 ? (
        <ul className="list">
          {state.results.map((r) => (
            <li key={resultPath(r)}>
              <span className="muted">{t(TYPE_LABEL[r.type])}</span>
              <Link href={resultPath(r)}>{shortHex(resultPath(r).split('/').pop() ?? '')}</Link>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
