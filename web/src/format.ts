// Number formats of the dashboard (en-US, as the API's figures are US dollars): money to the cent where the
// cents matter (cost), whole dollars for values and balances, fractions shown as percentages.

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const cents = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 });
const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  maximumFractionDigits: 1,
});

const DASH = '–';

/**
 * The street address with its unit: `100 Harbor Dr, Unit 4B` (a bare unit number gets `Unit`; `Apt 4B` or
 * `#4B` is shown as written), or a dash without an address.
 */
export const addressLine = (p: { address?: string | undefined; unit?: string | undefined }): string => {
  if (p.address === undefined) return DASH;
  if (p.unit === undefined) return p.address;
  return `${p.address}, ${/^[\p{L}#]/u.test(p.unit) && /[\s#.]/.test(p.unit) ? p.unit : `Unit ${p.unit}`}`;
};

/** Whole dollars: $1,234,567. */
export const money = (dollars: number | null | undefined): string =>
  dollars === null || dollars === undefined ? DASH : usd.format(dollars);

/** Dollars for chart axes: $493.2M, $1.2B. */
export const moneyCompact = (dollars: number): string => compact.format(dollars);

/** Dollars and cents: $12.34 (costs, budgets). */
export const moneyCents = (dollars: number | null | undefined): string =>
  dollars === null || dollars === undefined ? DASH : cents.format(dollars);

/** A whole number with thousands separators. */
export const count = (n: number | null | undefined): string => (n === null || n === undefined ? DASH : int.format(n));

/** A fraction as a percentage: 0.1234 -> 12.3%. */
export const pct = (fraction: number | null | undefined, digits = 1): string =>
  fraction === null || fraction === undefined ? DASH : `${(fraction * 100).toFixed(digits)}%`;

/** A signed fraction as a percentage: +4.2% / -3.0%. */
export const signedPct = (fraction: number | null | undefined, digits = 1): string =>
  fraction === null || fraction === undefined ? DASH : `${fraction > 0 ? '+' : ''}${(fraction * 100).toFixed(digits)}%`;

/** A signed whole number: +3 / -2 / 0. */
export const signed = (n: number | null | undefined): string =>
  n === null || n === undefined ? DASH : `${n > 0 ? '+' : ''}${int.format(n)}`;

/** An ISO date-time in the reader's time zone, to the minute. */
export const dateTime = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' }) : DASH;

/** A duration in seconds as 1 h 02 min, 4 min 05 s or 12 s. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Seconds between two ISO date-times (the second defaults to now). */
export const secondsBetween = (start: string, end?: string): number =>
  ((end ? Date.parse(end) : Date.now()) - Date.parse(start)) / 1000;

/** camelCase or snake_case to words: avmPerformance -> AVM performance, dataQuality -> Data quality. */
export function titleOf(key: string): string {
  const words = key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(' ')
    .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const ACRONYMS = new Set(['avm', 'ltv', 'cltv', 'hhi', 'fsd', 'upb', 'zip', 'ai', 'mdape', 'ppe10', 'ppe20', 'id']);
