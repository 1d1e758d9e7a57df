// The simulation formulas, pure: the same inputs always give the same quote or review. The
// in-process simulator and the sandbox HTTP server both use them, so a test against the sandbox can
// compare its answers with the simulator's.
import type { AiReview, AvmQuote, FraudFlag } from '../domain/results.ts';
import { referenceMarketValue, unitHash } from '../domain/price-levels.ts';
import type { AvmSubject, FraudReviewRequest } from './types.ts';

/** Each provider's model is a little off the "true" value, differently per property: within ±3%. */
const PROVIDER_BIAS = 0.03;
const MIN_FSD = 0.03;
const FSD_RANGE = 0.22;

/**
 * FSD from a unit number u: MIN_FSD + FSD_RANGE * u³. Cubing skews it towards confident answers, as
 * real AVMs are: about 23% exceed 0.13 (u > 0.77) and about 8% exceed 0.20 (u > 0.92), so cascades
 * sometimes need their second provider and sometimes get no acceptable answer at all.
 */
export function simulatedFsd(u: number): number {
  return Math.round((MIN_FSD + FSD_RANGE * u ** 3) * 10_000) / 10_000;
}

/** The quote provider `provider` gives for `subject`; `valuedAt` is passed in so this stays pure. */
export function simulateAvmQuote(provider: string, subject: AvmSubject, valuedAt: string): AvmQuote {
  const key = `${provider}|${subject.propertyId}`;
  const factor = 1 - PROVIDER_BIAS + 2 * PROVIDER_BIAS * unitHash(key);
  const estimatedValue = Math.max(100, Math.round((referenceMarketValue(subject) * factor) / 100) * 100);
  // A separate hash so a provider's confidence does not track its bias.
  const fsd = simulatedFsd(unitHash(`${key}|fsd`));
  return {
    provider,
    estimatedValue,
    fsd,
    lowValue: Math.round(estimatedValue * (1 - fsd)),
    highValue: Math.round(estimatedValue * (1 + fsd)),
    valuedAt,
  };
}

/** How far the simulated reviewer may disagree with the rules, either way. */
const REVIEW_SPREAD = 15;

export function verdictFor(riskScore: number): AiReview['verdict'] {
  if (riskScore >= 70) return 'refer';
  if (riskScore >= 40) return 'review';
  return 'clear';
}

function flagList(flags: readonly FraudFlag[]): string {
  return flags.length === 0 ? 'no rule flags' : `flags ${flags.map((f) => f.code).join(', ')}`;
}

/** The simulated AI review: the rules score moved by up to ±15 points, deterministically per property. */
export function simulateFraudReview(provider: string, request: FraudReviewRequest): AiReview {
  const shift = (unitHash(`${request.propertyId}|${request.rulesScore}|review`) * 2 - 1) * REVIEW_SPREAD;
  const riskScore = Math.min(100, Math.max(0, Math.round(request.rulesScore + shift)));
  const verdict = verdictFor(riskScore);
  return {
    provider,
    riskScore,
    verdict,
    summary: `Property ${request.propertyId} has rules score ${request.rulesScore} with ${flagList(request.flags)}; AI risk score ${riskScore} (${verdict}).`,
  };
}
