// The AVM cascade of DESIGN §4: ask providers in order until one answers with an FSD at or under
// maxFsd. Each paid call is avoided once an acceptable quote is in hand; a failing provider is
// skipped, not fatal, as long as someone answers.
import type { AvmQuote, CascadeAttempt } from '../domain/results.ts';
import { chooseQuote } from '../domain/valuation.ts';
import type { QuoteChoice } from '../domain/valuation.ts';
import { ProviderError } from './errors.ts';

/** One provider's answer as the cascade received it: bought now (cents), or reused from the cache. */
export interface CascadeAnswer {
  quote: AvmQuote;
  /** What this job paid for the answer, in cents; absent when nothing was billed. */
  cents?: number;
  /** True when the answer was reused from the valuation cache. */
  cached?: boolean;
}

export interface CascadeOptions {
  maxFsd: number;
  /**
   * Gets one provider's answer: from what was already bought, from the cache, or by buying it (the caller
   * wraps rate limiting, retries and the durable record of the purchase around the call). Rejects when the
   * provider cannot answer.
   */
  obtain: (provider: string, signal: AbortSignal | undefined) => Promise<CascadeAnswer>;
  signal?: AbortSignal;
}

export interface CascadeOutcome {
  choice: QuoteChoice | undefined;
  /** Each provider asked, in order, with its FSD (or error) and who paid: the valuation result's `cascade`. */
  attempts: CascadeAttempt[];
}

/** No provider returned a quote; `attempts` says what each one did. */
export class CascadeError extends ProviderError {
  override readonly name: string = 'CascadeError';
  readonly attempts: readonly CascadeAttempt[];

  constructor(attempts: readonly CascadeAttempt[]) {
    const allNoValue = attempts.length > 0 && attempts.every((a) => a.error === 'no_value');
    super({
      provider: attempts.map((a) => a.provider).join(',') || 'cascade',
      // no_value only when every provider said so: then retrying the whole property later is pointless.
      kind: allNoValue ? 'no_value' : 'unavailable',
      message:
        attempts.length === 0
          ? 'no AVM provider configured'
          : `no AVM provider returned a quote (${attempts.map((a) => `${a.provider}: ${a.error ?? 'no answer'}`).join('; ')})`,
    });
    this.attempts = attempts;
  }
}

function describe(error: unknown): string {
  if (error instanceof ProviderError) return error.kind;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Asks `providers` in order until one answers within `maxFsd` (DESIGN §4); a provider that fails is
 * skipped and recorded. Throws CascadeError when nobody answered, and the signal's reason when aborted.
 */
export async function valueByCascade(providers: readonly string[], options: CascadeOptions): Promise<CascadeOutcome> {
  const { maxFsd, signal, obtain } = options;
  const quotes: AvmQuote[] = [];
  const attempts: CascadeAttempt[] = [];
  for (const provider of providers) {
    signal?.throwIfAborted();
    try {
      const { quote, cents, cached } = await obtain(provider, signal);
      quotes.push(quote);
      attempts.push({
        provider,
        fsd: quote.fsd,
        ...(cents !== undefined && { cents }),
        ...(cached === true && { cached }),
      });
      if (quote.fsd <= maxFsd) break;
    } catch (error) {
      // Cancellation stops the cascade; it says nothing about the provider.
      if (signal?.aborted) throw signal.reason;
      // A purchase that could not be recorded is not the provider's failure: it stops the chunk.
      if (!(error instanceof ProviderError)) throw error;
      attempts.push({ provider, error: describe(error) });
    }
  }
  if (quotes.length === 0) throw new CascadeError(attempts);
  return { choice: chooseQuote(quotes, maxFsd), attempts };
}
