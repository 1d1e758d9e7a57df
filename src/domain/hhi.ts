// The Herfindahl-Hirschman Index, exactly. HHI = Σ (100 × vᵢ / T)² = 10,000 × Σ vᵢ² / T², from 0 to 10,000.
// With group values in whole cents the index is a ratio of two integers, held as BigInts, so the bands
// (above 1,000 moderate, above 1,800 high) and the change rule (ΔHHI above 100) are decided exactly: ten
// equal groups are 1,000 and unconcentrated, never 1000.0000000000001 and moderate.
// Source: U.S. Department of Justice and Federal Trade Commission, Merger Guidelines (December 18, 2023),
// §2.1 Guideline 1: markets with an HHI above 1,800 are highly concentrated, and a change of more than 100
// points is a significant increase.

/** An HHI as the exact fraction numerator / denominator (denominator > 0). */
export interface ExactHhi {
  numerator: bigint;
  denominator: bigint;
}

const TEN_THOUSAND = 10_000n;

/**
 * The exact HHI of group values in whole, non-negative units (cents). No groups, or no value at all, is 0.
 * Throws a RangeError for a value that is not a non-negative safe integer.
 */
export function exactHhi(values: Iterable<number>): ExactHhi {
  let total = 0n;
  let squares = 0n;
  for (const v of values) {
    if (!Number.isSafeInteger(v) || v < 0)
      throw new RangeError(`hhi: values must be whole non-negative amounts (cents), got ${v}`);
    const b = BigInt(v);
    total += b;
    squares += b * b;
  }
  if (total === 0n) return { numerator: 0n, denominator: 1n };
  return { numerator: TEN_THOUSAND * squares, denominator: total * total };
}

/** a - b as an exact fraction. */
export function hhiDifference(a: ExactHhi, b: ExactHhi): ExactHhi {
  return {
    numerator: a.numerator * b.denominator - b.numerator * a.denominator,
    denominator: a.denominator * b.denominator,
  };
}

/** True when the exact HHI is strictly above `threshold` (an integer number of HHI points). */
export function hhiAbove(index: ExactHhi, threshold: number): boolean {
  if (!Number.isInteger(threshold)) throw new RangeError(`hhi: thresholds are whole points, got ${threshold}`);
  return index.numerator > BigInt(threshold) * index.denominator;
}

/**
 * The HHI as a number for display, within 1e-9 of the exact value and exactly an integer when the exact
 * value is one (the integer part is divided exactly, only the fraction is rounded).
 */
export function hhiValue(index: ExactHhi): number {
  const whole = index.numerator / index.denominator;
  const rest = index.numerator % index.denominator;
  return Number(whole) + Number((rest * 1_000_000_000_000n) / index.denominator) / 1e12;
}

/**
 * An HHI (as hhiValue gives it) for a reader: thousands separators and up to two decimals, and as many as it
 * takes (up to 12) when two would round a fractional index to a whole number, so that an index just above or
 * below a band boundary never reads as the boundary: 1,000.4 (moderate), 1,800.004, 999.999 — never "1,000".
 */
export function hhiText(hhi: number): string {
  const digits = !Number.isInteger(hhi) && Number.isInteger(Number(hhi.toFixed(2))) ? 12 : 2;
  return hhi.toLocaleString('en-US', { maximumFractionDigits: digits });
}
