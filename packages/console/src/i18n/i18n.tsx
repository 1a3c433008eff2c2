import { XinlianError } from '@xinlian/utils';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { en, type MessageKey, type Messages, zh } from './messages.js';

export type Lang = 'zh' | 'en';
export const LANG_STORAGE_KEY = 'xinlian.lang';
const CATALOG: Record<Lang, Messages> = { zh, en };

/** Fills `{name}` placeholders. */
export function format(template: string, vars: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export interface I18n {
  readonly lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, vars?: Readonly<Record<string, string | number>>): string;
  /** Date-time in the UI language (the viewer's time zone). */
  time(ms: number): string;
  number(n: number): string;
}

const I18nContext = createContext<I18n | undefined>(undefined);

function initialLang(): Lang {
  try {
    const saved = window.localStorage.getItem(LANG_STORAGE_KEY);
    if (saved === 'zh' || saved === 'en') return saved;
  } catch {
    // Storage can be disabled; Chinese is the default.
  }
  return 'zh';
}

export function I18nProvider({ children }: { readonly children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      window.localStorage.setItem(LANG_STORAGE_KEY, l);
    } catch {
      // Not persisted when storage is disabled; the switch still works for this page.
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = lang === 'zh' ? '信链 · 浏览器与控制台' : 'Xinlian · Explorer and console';
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
    const dt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
    const nf = new Intl.NumberFormat(locale);
    return {
      lang,
      setLang,
      t: (key, vars) => format(CATALOG[lang][key], vars),
      time: (ms) => dt.format(new Date(ms)),
      number: (n) => nf.format(n),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (v === undefined) throw new XinlianError('CONSOLE_NO_PROVIDER', 'useI18n outside I18nProvider', {});
  return v;
}
