// POST /api/portfolio/estimate: the cost estimate and its breakdown, without starting anything.
import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { estimateCost } from '../domain/cost.ts';
import { estimateRequestSchema } from '../domain/schemas.ts';
import { appServices } from '../app-services.ts';
import { parseJsonText, readText, validate } from '../api/request-parsing.ts';
import { json } from '../api/responses.ts';

export async function estimatePortfolio(request: HttpRequest): Promise<HttpResponseInit> {
  const { settings } = await appServices();
  const text = await readText(request, settings.pipeline.maxRequestMegabytes * 1024 * 1024);
  if (!text.ok) return text.response;
  const parsed = parseJsonText(text.value);
  if (!parsed.ok) return parsed.response;
  const valid = validate(estimateRequestSchema({ asOf: new Date() }), parsed.value);
  if (!valid.ok) return valid.response;
  const breakdown = estimateCost(valid.value.properties.length, valid.value.analysisType, settings.costRates);
  return json(200, { success: true, estimatedCost: breakdown.total, breakdown });
}

app.http('estimatePortfolio', {
  route: 'portfolio/estimate',
  methods: ['POST'],
  authLevel: 'function',
  handler: estimatePortfolio,
});
