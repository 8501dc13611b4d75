// The chosen language (remembered, and mirrored in <html lang>), t() over the dictionaries of
// messages.ts (names of elections, lists and commissions come from the definition's own kk/ru/en
// names), and number/percent/time formatting: the API sends numbers, the page formats them here.
import { computed, effect, signal } from '@preact/signals';
import { DICTS, formatMessage, type Key, type Lang, LANGS, type MessageValues, type Shown } from './messages';

export { LANGS, type Key, type Lang } from './messages';

const STORAGE_KEY = 'tally.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && (LANGS as readonly string[]).includes(saved)) return saved as Lang;
  } catch {
    // Storage can be disabled (privacy settings): fall through to the browser's language.
  }
  const preferred = (navigator.languages ?? [navigator.language]).map((l) => l.slice(0, 2).toLowerCase());
  return (preferred.find((l) => (LANGS as readonly string[]).includes(l)) as Lang | undefined) ?? 'ru';
}

export const lang = signal<Lang>(initialLang());

effect(() => {
  document.documentElement.lang = lang.value;
  try {
    localStorage.setItem(STORAGE_KEY, lang.value);
  } catch {
    // Not remembered, still applied.
  }
});

/**
 * The UI string in the current language, filled (messages.ts: `{name}`, plural blocks). A number
 * is shown in the language's integer format and chooses the words that agree with it; pass
 * `shown(n, text)` for one shown otherwise (a decimal). Reading it subscribes the component.
 */
export function t(key: Key, values: MessageValues = {}): string {
  return formatMessage(DICTS[lang.value][key], values, formats.value.message);
}

/** A number a message shows as `text` (a decimal, say) and agrees with by its value. */
export const shown = (count: number, text: string): Shown => ({ count, shown: text });

export const languageNameOf = (l: Lang): string => DICTS[l].languageName;

/** A definition name ({kk, ru, en}) in the current language. */
export const nameOf = (name: { readonly kk: string; readonly ru: string; readonly en: string } | undefined): string => (name ? name[lang.value] : '');

// Some Chromium builds ship ICU without Kazakh data: 'kk' then formats like the root locale
// ("1,083.5", "2026 M11 23"). There, numbers follow Russian conventions (the same in Kazakhstan:
// "1 083,5") and dates are written numerically (23.11.2026), which reads the same in Kazakh.
const kkData = /[\u0400-\u04FF]/.test(new Intl.DateTimeFormat('kk', { month: 'long', timeZone: 'UTC' }).format(Date.UTC(2020, 0, 15)));
const numeric = (l: Lang): boolean => l === 'kk' && !kkData;
const locale = (l: Lang): string => (numeric(l) ? 'ru' : l);

const formats = computed(() => {
  const l = locale(lang.value);
  const numbers = {
    int: new Intl.NumberFormat(l),
    pct: new Intl.NumberFormat(l, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    pctShort: new Intl.NumberFormat(l, { style: 'percent', maximumFractionDigits: 2 }),
    dec: new Intl.NumberFormat(l, { maximumFractionDigits: 4 }),
    points: new Intl.NumberFormat(l, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  };
  const plural = new Intl.PluralRules(lang.value);
  return { ...numbers, message: { plural: (n: number) => plural.select(n), formatNumber: (n: number) => numbers.int.format(n) } };
});

export const fmtInt = (n: number): string => formats.value.int.format(n);

/** A quota, a remainder or a quotient as the API's decimal (already rounded from the exact ratio); null → a dash. */
export const fmtDec = (n: number | null): string => (n === null ? '—' : formats.value.dec.format(n));

/** The API's percent (0–100, already rounded to 2 decimals from the exact ratio); null → a dash. */
export const fmtPct = (percent: number | null | undefined): string => (percent === null || percent === undefined ? '—' : formats.value.pct.format(percent / 100));

/** Percentage points with their sign (−16.17 pp; 0.00 pp); null → a dash. */
export function fmtPoints(points: number | null | undefined): string {
  if (points === null || points === undefined) return '—';
  const sign = points > 0 ? '+' : points < 0 ? '−' : '';
  return `${sign}${formats.value.points.format(Math.abs(points))} ${t('pointsUnit')}`;
}

/** A signed whole number (+4, −4, 0); null → a dash. */
export const fmtSigned = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : `${n > 0 ? '+' : n < 0 ? '−' : ''}${fmtInt(Math.abs(n))}`);

/** Percent without trailing zeros, for axis ticks and the threshold (5 %, 7.5 %). */
export const fmtPctShort = (percent: number): string => formats.value.pctShort.format(percent / 100);

/**
 * An instant in `timeZone` (the election's; undefined: the reader's), always with its offset from
 * UTC ("GMT+5"): one page shows the election's clock and the reader's, and a time without its zone
 * reads as either.
 */
export function fmtDateTime(iso: string, timeZone: string | undefined): string {
  const options: Intl.DateTimeFormatOptions = numeric(lang.value)
    ? { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'shortOffset', timeZone }
    : { year: 'numeric', month: 'short', day: 'numeric', hour: lang.value === 'en' ? 'numeric' : '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'shortOffset', timeZone };
  try {
    return new Intl.DateTimeFormat(locale(lang.value), options).format(new Date(iso));
  } catch {
    return iso;
  }
}

export function fmtDate(isoDate: string): string {
  // A calendar date, not an instant: format it at noon UTC so no time zone moves the day.
  const options: Intl.DateTimeFormatOptions = numeric(lang.value) ? { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' } : { dateStyle: 'long', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(locale(lang.value), options).format(new Date(`${isoDate}T12:00:00Z`));
}
