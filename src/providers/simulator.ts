// In-process providers for development, tests and the default deployment: no network, no cost,
// deterministic answers (see simulated-quotes.ts for the formulas).
import { simulateAvmQuote, simulateFraudReview } from './simulated-quotes.ts';
import type { AvmProvider, FraudReviewProvider } from './types.ts';

export interface SimulatedAvmOptions {
  /** The clock stamped on quotes; tests pass a fixed one. */
  valuedAt?: () => string;
}

export function createSimulatedAvm(name: string, options: SimulatedAvmOptions = {}): AvmProvider {
  const valuedAt = options.valuedAt ?? (() => new Date().toISOString());
  return {
    name,
    // async so an aborted signal rejects the promise rather than throwing synchronously.
    value: async (subject, callOptions) => {
      callOptions?.signal?.throwIfAborted();
      return simulateAvmQuote(name, subject, valuedAt());
    },
  };
}

export const SIMULATED_FRAUD_REVIEW_NAME = 'simulated-fraud-review';

export function createSimulatedFraudReview(name: string = SIMULATED_FRAUD_REVIEW_NAME): FraudReviewProvider {
  return {
    name,
    review: async (request, callOptions) => {
      callOptions?.signal?.throwIfAborted();
      return simulateFraudReview(name, request);
    },
  };
}
