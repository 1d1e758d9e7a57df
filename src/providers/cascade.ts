// The AVM cascade of DESIGN §4: ask providers in order until one answers with an FSD at or under
// maxFsd. Each paid call is avoided once an acceptable quote is in hand; a failing provider is
// skipped, not fatal, as long as someone answers.
import type { AvmQuote } from '../domain/results.ts';
import { chooseQuote } from '../domain/valuation.ts';
import type { QuoteChoice } from '../domain/valuation.ts';
import { ProviderError } from './errors.ts';
import type { AvmProvider, AvmSubject } from './types.ts';

/** What one provider answered, for the valuation result's `cascade` list. */
export interface CascadeAttempt {
  provider: string;
  fsd?: number;
  /** The ProviderError kind, or the message of any other error. */
  error?: string;
}

export interface CascadeOptions {
  maxFsd: number;
  /**
   * How to ask one provider; the caller wraps rate limiting and retries around it here.
   * Defaults to `provider.value(subject, { signal })`.
   */
  call?: (provider: AvmProvider, signal: AbortSignal | undefined) => Promise<AvmQuote>;
  signal?: AbortSignal;
}

export interface CascadeOutcome {
  choice: QuoteChoice | undefined;
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

export async function valueByCascade(
  providers: readonly AvmProvider[],
  subject: AvmSubject,
  options: CascadeOptions,
): Promise<CascadeOutcome> {
  const { maxFsd, signal } = options;
  const call = options.call ?? ((provider, s) => provider.value(subject, s === undefined ? {} : { signal: s }));
  const quotes: AvmQuote[] = [];
  const attempts: CascadeAttempt[] = [];
  for (const provider of providers) {
    signal?.throwIfAborted();
    try {
      const quote = await call(provider, signal);
      quotes.push(quote);
      attempts.push({ provider: provider.name, fsd: quote.fsd });
      if (quote.fsd <= maxFsd) break;
    } catch (error) {
      // Cancellation stops the cascade; it says nothing about the provider.
      if (signal?.aborted) throw signal.reason;
      attempts.push({ provider: provider.name, error: describe(error) });
    }
  }
  if (quotes.length === 0) throw new CascadeError(attempts);
  return { choice: chooseQuote(quotes, maxFsd), attempts };
}
