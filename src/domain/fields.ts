// Field builders shared by every schema: each carries the short, portal-ready message
// ("must be >= 0") that `formatIssues` turns into `properties[12].loan.balance: must be >= 0`.
import { z } from 'zod';

/** Error callback for a wrong or missing value: "is required" when absent, else `expected`. */
export const required =
  (expected: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : expected;

/** Largest amount of money accepted anywhere: $10 billion, far above any single property or loan. */
export const MAX_MONEY = 10_000_000_000;

/** A finite, non-negative dollar amount. `x-unit: USD` marks it in the JSON Schema (and so for tape intake). */
export const money = () =>
  z
    .number({ error: required('must be a finite number') })
    .min(0, 'must be >= 0: write the amount in dollars without a minus sign (0 for none)')
    .max(MAX_MONEY, `must be <= ${MAX_MONEY}`)
    .meta({ 'x-unit': 'USD' });

/** A strictly positive dollar amount (an appraisal or a sale of $0 is a data error). */
export const positiveMoney = () => money().gt(0, 'must be > 0: write the amount in dollars');

/**
 * Control characters: C0 (U+0000-U+001F), DEL and C1 (U+0080-U+009F, e.g. U+0085 NEL, which some tools
 * treat as a line break). None belongs in an address or a name.
 */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Trimmed, non-empty text without control characters or U+FFFD, at most `max` characters. U+FFFD (the
 * replacement character, shown as �) only appears where a decoder met bytes it could not read: the text
 * was converted with the wrong encoding before it reached us, and an AVM would get a mangled address.
 */
export const text = (max: number) =>
  z
    .string({ error: required('must be a string') })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(
      (s) => !CONTROL_CHARACTER.test(s),
      'must not contain control characters (U+0000-U+001F, U+007F-U+009F): remove them',
    )
    .refine(
      (s) => !s.includes('\uFFFD'),
      "must not contain '\uFFFD' (a character lost to a wrong encoding upstream): re-export the file as UTF-8",
    );

/**
 * An identifier usable as a Cosmos DB document id and in URLs: letters, digits, '.', '_', '-', ':'.
 * No '/', '\\', '?', '#' (Cosmos rejects them) and nothing that needs escaping.
 */
export const identifier = (max = 64) =>
  z
    .string({ error: required('must be a string') })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._:-]*$/,
      "must contain only letters, digits, '.', '_', ':' and '-', starting with a letter or digit",
    );

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (rejects 2023-02-30). Arithmetic only: it runs per date. */
export function isCalendarDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}

/**
 * An ISO calendar date (YYYY-MM-DD) no later than `asOf`'s UTC day. The caller passes the clock,
 * so the schema stays pure and tests can pin "today".
 */
export const pastDate = (asOf: Date) => {
  const today = asOf.toISOString().slice(0, 10);
  return (
    z
      .string({ error: required('must be a date string (YYYY-MM-DD)') })
      .refine(isCalendarDate, 'must be a valid date (YYYY-MM-DD)')
      // Compared as text only once it is a real YYYY-MM-DD date: '3/15/2024' is not "in the future".
      .refine((s) => !isCalendarDate(s) || s <= today, `must not be in the future (after ${today})`)
      .refine((s) => !isCalendarDate(s) || s >= '1800-01-01', 'must be on or after 1800-01-01')
      .meta({ format: 'date' })
  );
};

/** A 5-digit county FIPS code: 2 digits of state, 3 of county (`48201` = Harris County, TX). */
export const countyFips = () =>
  z
    .string({ error: required('must be a string of 5 digits') })
    .regex(/^\d{5}$/, 'must be a 5-digit county FIPS code like 48201 (2 digits of state, 3 of county)');

/** An integer in [min, max]. */
export const int = (min: number, max: number) =>
  z
    .number({ error: required('must be a finite number') })
    .int('must be an integer')
    .min(min, `must be >= ${min}`)
    .max(max, `must be <= ${max}`);

/** A finite number in [min, max]. */
export const bounded = (min: number, max: number) =>
  z
    .number({ error: required('must be a finite number') })
    .min(min, `must be >= ${min}`)
    .max(max, `must be <= ${max}`);

/** A zod enum whose error lists the allowed values. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: required(`must be one of ${values.join(', ')}`) });
