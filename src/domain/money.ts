// Money as integer cents. Amounts arrive in dollars (JSON numbers, possibly with cents, which binary
// floating point cannot hold exactly: 0.1 + 0.2 !== 0.3); every sum the product reports is a sum of whole
// cents, exact below Number.MAX_SAFE_INTEGER cents (about $90 trillion, more than all US real estate).

/** Whole cents of a dollar amount, rounded half away from zero (123.455 -> 12346). */
export function toCents(dollars: number): number {
  const cents = Math.round(Math.abs(dollars) * 100);
  return dollars < 0 ? -cents : cents;
}

/** Dollars of a whole number of cents: 12345 -> 123.45 (the nearest double, which prints as written). */
export function centsToDollars(cents: number): number {
  return cents / 100;
}

/**
 * `cents` unchanged when it is exact (a safe integer); throws a RangeError naming `what` otherwise, so a sum
 * that left the exact range is refused instead of reported slightly wrong.
 */
export function exactCents(cents: number, what: string): number {
  if (!Number.isSafeInteger(cents))
    throw new RangeError(`${what}: ${cents} cents is beyond exact integer arithmetic (over $90 trillion)`);
  return cents;
}
