// The two outside services the analytics call: AVMs (automated valuation models) and an AI fraud
// reviewer. Interfaces only, so the in-process simulator and the HTTP clients are interchangeable.
import type { AiReview, AvmQuote, FraudFlag } from '../domain/results.ts';
import type { Property } from '../domain/schemas.ts';

/**
 * What an AVM needs to know about a property: its identity (street address, unit, ZIP: a condo unit is
 * valued as that unit, not as its building) and physical facts; no loans or appraisals.
 */
export type AvmSubject = Pick<
  Property,
  | 'propertyId'
  | 'address'
  | 'unit'
  | 'city'
  | 'state'
  | 'zip'
  | 'propertyType'
  | 'livingAreaSqft'
  | 'units'
  | 'yearBuilt'
>;

export interface CallOptions {
  /** Aborts the call (job cancelled, deadline passed). */
  signal?: AbortSignal;
}

export interface AvmProvider {
  readonly name: string;
  /** One valuation; rejects with a ProviderError when the provider cannot answer. */
  value(subject: AvmSubject, options?: CallOptions): Promise<AvmQuote>;
}

/** What the AI reviewer is shown: the rule-based result, never the borrower's personal data. */
export interface FraudReviewRequest {
  propertyId: string;
  state: Property['state'];
  zip: string;
  propertyType: Property['propertyType'];
  currentValue?: number;
  /** The 0-100 score of the rule-based checks. */
  rulesScore: number;
  flags: FraudFlag[];
}

export interface FraudReviewProvider {
  readonly name: string;
  review(request: FraudReviewRequest, options?: CallOptions): Promise<AiReview>;
}
