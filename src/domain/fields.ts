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

/** A finite, non-negative dollar amount. */
export const money = () =>
  z
    .number({ error: required('must be a finite number') })
    .min(0, 'must be >= 0')
    .max(MAX_MONEY, `must be <= ${MAX_MONEY}`);

/** A strictly positive dollar amount (an appraisal or a sale of $0 is a data error). */
export const positiveMoney = () => money().gt(0, 'must be > 0');

/** Trimmed, non-empty text without control characters, at most `max` characters. */
export const text = (max: number) =>
  z
    .string({ error: required('must be a string') })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');

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

/** True for a real calendar date written YYYY-MM-DD (rejects 2023-02-30). */
export function isCalendarDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * An ISO calendar date (YYYY-MM-DD) no later than `asOf`'s UTC day. The caller passes the clock,
 * so the schema stays pure and tests can pin "today".
 */
export const pastDate = (asOf: Date) => {
  const today = asOf.toISOString().slice(0, 10);
  return z
    .string({ error: required('must be a date string (YYYY-MM-DD)') })
    .refine(isCalendarDate, 'must be a valid date (YYYY-MM-DD)')
    .refine((s) => s <= today, `must not be in the future (after ${today})`)
    .refine((s) => s >= '1800-01-01', 'must be on or after 1800-01-01');
};

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
