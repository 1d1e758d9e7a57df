// POST /api/portfolio/estimate: the cost estimate and its breakdown, without starting or writing anything.
// It reads every body /analyze reads and answers the same field errors, so a caller (or an upload page) can
// check a tape and its price before anything is bought; the estimate counts the properties that would be
// analysed (invalidRows=skip leaves the invalid ones out).
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { estimateCost } from '../domain/cost.ts';
import { readPortfolioRequest } from '../api/portfolio-request.ts';
import { DISCARD } from '../intake/sink.ts';
import type { EstimateAnswer } from '../api/answers.ts';
import { json } from '../api/responses.ts';
import { priceTableOf } from '../config.ts';
import type { AppServices } from '../services.ts';

export async function estimatePortfolio(
  { settings, storage }: AppServices,
  request: HttpRequest,
): Promise<HttpResponseInit> {
  const read = { settings, asOf: new Date(), sink: DISCARD, uploads: storage.uploads };
  const valid = await readPortfolioRequest(request, read);
  if (!valid.ok) return valid.response;
  const { fields, dataQuality } = valid.value;
  const breakdown = estimateCost(dataQuality.accepted, fields.analysisType, priceTableOf(settings));
  return json(200, { success: true, estimatedCost: breakdown.total, breakdown, dataQuality } satisfies EstimateAnswer);
}
