import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { type Dictionary, en } from './en';
import { ko } from './ko';

/** One dictionary per language; a new language is one file here and one line in this map. */
export const DICTIONARIES = { en, ko } satisfies Record<string, Dictionary>;
export type Locale = keyof typeof DICTIONARIES;

const CHOSEN_LOCALE_KEY = 'console.locale';

/** The user's own choice wins; else the first of the browser's languages the console speaks; else English. */
export function initialLocale(): Locale {
  const chosen = localStorage.getItem(CHOSEN_LOCALE_KEY);
  if (chosen && chosen in DICTIONARIES) return chosen as Locale;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (base in DICTIONARIES) return base as Locale;
  }
  return 'en';
}

interface I18n {
  locale: Locale;
  t: Dictionary;
  setLocale(locale: Locale): void;
  formatDateTime(iso: string): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = DICTIONARIES[locale].productName;
  }, [locale]);
  const value = useMemo<I18n>(() => {
    const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    return {
      locale,
      t: DICTIONARIES[locale],
      setLocale(next) {
        localStorage.setItem(CHOSEN_LOCALE_KEY, next);
        setLocaleState(next);
      },
      formatDateTime: (iso) => dateTime.format(new Date(iso)),
    };
  }, [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
