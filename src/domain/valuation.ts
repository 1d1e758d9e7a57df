// Valuation: which AVM answer to trust, and what the value says against the last appraisal.
import type { AvmQuote } from './results.ts';

export interface QuoteChoice {
  quote: AvmQuote;
  /** True when the chosen quote's FSD is at or under maxFsd. */
  withinMaxFsd: boolean;
}

/**
 * The cascade rule of DESIGN §4: take the first quote (in cascade order) whose FSD is at or under
 * `maxFsd`; when none qualifies, keep the most confident one (lowest FSD, earliest on ties).
 * Returns undefined for an empty list.
 */
export function chooseQuote(quotes: readonly AvmQuote[], maxFsd: number): QuoteChoice | undefined {
  const accepted = quotes.find((q) => q.fsd <= maxFsd);
  if (accepted) return { quote: accepted, withinMaxFsd: true };
  let best: AvmQuote | undefined;
  for (const q of quotes) if (best === undefined || q.fsd < best.fsd) best = q;
  return best && { quote: best, withinMaxFsd: false };
}
