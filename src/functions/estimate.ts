// POST /api/portfolio/estimate: the cost estimate and its breakdown, without starting or writing anything.
// It takes every body /analyze takes (JSON, or CSV with the fields in the query string) and answers the same
// field errors, so a client can show them before anything is bought.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { estimateCost } from '../domain/cost.ts';
import { readAnalyzeRequest } from '../api/analyze-request.ts';
import { json } from '../api/responses.ts';
import type { AppServices } from '../services.ts';

export async function estimatePortfolio({ settings }: AppServices, request: HttpRequest): Promise<HttpResponseInit> {
  const valid = await readAnalyzeRequest(request, settings, new Date());
  if (!valid.ok) return valid.response;
  const breakdown = estimateCost(valid.value.properties.length, valid.value.analysisType, settings.costRates);
  return json(200, { success: true, estimatedCost: breakdown.total, breakdown });
}
