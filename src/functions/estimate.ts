// POST /api/portfolio/estimate: the cost estimate and its breakdown, without starting anything.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { estimateCost } from '../domain/cost.ts';
import { estimateRequestSchema } from '../domain/schemas.ts';
import { parseJsonText, readText, validate } from '../api/request-parsing.ts';
import { json } from '../api/responses.ts';
import type { AppServices } from '../services.ts';

export async function estimatePortfolio({ settings }: AppServices, request: HttpRequest): Promise<HttpResponseInit> {
  const text = await readText(request, settings.pipeline.maxRequestMegabytes * 1024 * 1024);
  if (!text.ok) return text.response;
  const parsed = parseJsonText(text.value);
  if (!parsed.ok) return parsed.response;
  const valid = validate(estimateRequestSchema({ asOf: new Date() }), parsed.value);
  if (!valid.ok) return valid.response;
  const breakdown = estimateCost(valid.value.properties.length, valid.value.analysisType, settings.costRates);
  return json(200, { success: true, estimatedCost: breakdown.total, breakdown });
}
