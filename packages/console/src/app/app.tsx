import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { PageTitle } from '../components/common.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';
import { Block, Blocks } from '../pages/blocks.js';
import { Evidence } from '../pages/evidence.js';
import { Overview } from '../pages/overview.js';
import { Account, Members, Record } from '../pages/records.js';
import { Search } from '../pages/search.js';
import { Tx } from '../pages/tx.js';
import { Verify } from '../pages/verify.js';
import { useNode } from './node-state.js';

const NAV: readonly (readonly [string, MessageKey])[] = [
  ['/', 'nav.overview'],
  ['/blocks', 'nav.blocks'],
  ['/evidence', 'nav.evidence'],
  ['/verify', 'nav.verify'],
  ['/members', 'nav.members'],
];

function NavLink({ href, children }: { readonly href: string; readonly children: ReactNode }) {
  const [location] = useLocation();
  const active = href === '/' ? location === '/' : location === href || location.startsWith(`${href}/`);
  return (
    <Link href={href} aria-current={active ? 'page' : undefined} className={active ? 'active' : undefined}>
      {children}
    </Link>
  );
}

function SearchBox() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const [q, setQ] = useState('');
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = q.trim();
    if (v !== '') navigate(`/search?q=${encodeURIComponent(v)}`);
  };
  return (
    <search className="search">
      <form onSubmit={submit}>
        <label htmlFor={id} className="sr-only">
          {t('search.label')}
        </label>
        <input
          id={id}
          type="search"
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          placeholder={t('search.placeholder')}
          spellCheck={false}
          autoComplete="off"
          data-testid="search-input"
        />
        <button type="submit">{t('search.submit')}</button>
      </form>
    </search>
  );
}

function Unreachable() {
  const { t } = useI18n();
  const { reachable, unreachableDetail, retry, retrying } = useNode();
  if (reachable) return null;
  return (
    <div className="banner" role="alert" data-testid="unreachable">
      <div>
        <strong>{t('conn.unreachable')}</strong>
        <p>{t('conn.unreachableHelp', { detail: unreachableDetail })}</p>
      </div>
      <button type="button" onClick={retry} disabled={retrying}>
        {retrying ? t('conn.retrying') : t('conn.retry')}
      </button>
    </div>
  );
}

function NotFound() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('notFound.title')}</PageTitle>
      <Link href="/">{t('notFound.home')}</Link>
    </>
  );
}

/** Moves focus to the page title after client-side navigation (screen readers announce the page). */
function useFocusOnNavigate(): void {
  const [location] = useLocation();
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each location change.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const h1 = document.querySelector<HTMLElement>('main h1');
    h1?.focus({ preventScroll: false });
  }, [location]);
}

export function App() {
  const { t, lang, setLang } = useI18n();
  const { stream, reachable } = useNode();
  useFocusOnNavigate();
  const streamState = !reachable ? 'offline' : stream;
  return (
    <div className="app">
      <a className="skip" href="#main">
        {t('nav.skip')}
      </a>
      <header className="top">
        <div className="brand-row">
          <Link href="/" className="brand">
            <span className="logo" aria-hidden="true">
              信
            </span>
            <span>
              <strong>{t('app.title')}</strong>
              <small>{t('app.subtitle')}</small>
            </span>
          </Link>
          <span className={`stream ${streamState}`} data-testid="stream-state">
            <span className="dot" aria-hidden="true" />
            {t(
              streamState === 'live'
                ? 'conn.live'
                : streamState === 'connecting'
                  ? 'conn.connecting'
                  : 'conn.offline',
            )}
          </span>
          <button
            type="button"
            className="lang"
            onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
            title={t('lang.switchLabel')}
            lang={lang === 'zh' ? 'en' : 'zh-CN'}
            data-testid="lang-switch"
          >
            {t('lang.switch')}
          </button>
        </div>
        <nav aria-label={t('nav.main')} className="nav">
          {NAV.map(([href, key]) => (
            <NavLink key={href} href={href}>
              {t(key)}
            </NavLink>
          ))}
        </nav>
        <SearchBox />
      </header>
      <Unreachable />
      <main id="main">
        <Switch>
          <Route path="/" component={Overview} />
          <Route path="/blocks" component={Blocks} />
          <Route path="/blocks/:id" component={Block} />
          <Route path="/txs/:id" component={Tx} />
          <Route path="/accounts/:address" component={Account} />
          <Route path="/records/:id" component={Record} />
          <Route path="/members" component={Members} />
          <Route path="/search" component={Search} />
          <Route path="/evidence" component={Evidence} />
          <Route path="/verify" component={Verify} />
          <Route component={NotFound} />
        </Switch>
      </main>
      <footer className="foot muted small">
        信链 Xinlian · API <a href="/v1/openapi.json">/v1/openapi.json</a>
      </footer>
    </div>
  );
}
