// Calendar arithmetic on ISO dates (YYYY-MM-DD) in UTC. Rules speak in months ("resold within 12
// months"), and a month is a calendar month, not 30 days: 2024-01-31 plus one month is 2024-02-29.
const DAY_MS = 86_400_000;

function parse(date: string): Date {
  return new Date(`${date.slice(0, 10)}T00:00:00Z`);
}

/** `date` moved by `months` calendar months, clamped to the last day of the target month. */
export function addMonths(date: string, months: number): string {
  const d = parse(date);
  const day = d.getUTCDate();
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/** True when `later` is no more than `months` calendar months after `earlier` (and not before it). */
export function isWithinMonths(earlier: string, later: string, months: number): boolean {
  return later.slice(0, 10) >= earlier.slice(0, 10) && later.slice(0, 10) <= addMonths(earlier, months);
}

/** Whole days from `earlier` to `later` (ISO dates or date-times; negative when `later` is earlier). */
export function daysBetween(earlier: string, later: string): number {
  return Math.floor((parse(later).getTime() - parse(earlier).getTime()) / DAY_MS);
}

/** The UTC calendar day of a clock reading. */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
