// POST /api/portfolio/analyze: validate, estimate, refuse over budget, stage, start (DESIGN §2.1, §5).
// JSON body, or text/csv with the request fields as query parameters.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { analyzeRequestSchema } from '../domain/schemas.ts';
import { appServices } from '../app-services.ts';
import { isCsv, parseCsvProperties, parseJsonText, queryObject, readText, validate } from '../api/request-parsing.ts';
import { csvRequestQuerySchema, idempotencyKeySchema } from '../api/schemas.ts';
import { json } from '../api/responses.ts';
import { submitJob } from '../jobs/submit-job.ts';
import { durableStarter, jobStoreFor } from '../jobs/bindings.ts';

export async function analyzePortfolio(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const services = await appServices();
  const { settings } = services;
  const asOf = new Date();
  const key = validate(idempotencyKeySchema, request.headers.get('idempotency-key') ?? undefined, 'headers.Idempotency-Key');
  if (!key.ok) return key.response;
  const text = await readText(request, settings.pipeline.maxRequestMegabytes * 1024 * 1024);
  if (!text.ok) return text.response;

  let body: unknown;
  if (isCsv(request)) {
    const query = validate(csvRequestQuerySchema, queryObject(request), 'query');
    if (!query.ok) return query.response;
    const properties = parseCsvProperties(text.value, asOf, settings.csvImport.maxRows);
    if (!properties.ok) return properties.response;
    body = { ...query.value, properties: properties.value };
  } else {
    const parsed = parseJsonText(text.value);
    if (!parsed.ok) return parsed.response;
    body = parsed.value;
  }
  const valid = validate(analyzeRequestSchema({ asOf }), body);
  if (!valid.ok) return valid.response;
  const req = valid.value;

  const client = df.getClient(context);
  const outcome = await submitJob(
    { portfolioId: req.portfolioId, analysisType: req.analysisType, properties: req.properties, budget: req.budget, allowPartial: req.allowPartial, idempotencyKey: key.value, asOf },
    settings,
    jobStoreFor(services),
    durableStarter(client),
  );
  if (outcome.kind === 'over_budget') {
    return json(422, {
      success: false,
      error: `The estimated cost $${outcome.estimatedCost.toFixed(2)} exceeds the budget $${outcome.budget.toFixed(2)}. Raise the budget, or set allowPartial to analyse until the budget is spent.`,
      estimatedCost: outcome.estimatedCost,
      budget: outcome.budget,
      breakdown: outcome.breakdown,
    });
  }
  const management = client.createHttpManagementPayload(outcome.jobId);
  const statusUrl = new URL(`/api/portfolio/jobs/${outcome.jobId}`, request.url).toString();
  context.log(`job ${outcome.jobId} ${outcome.kind}: ${req.properties.length} properties, ${req.analysisType}, estimated $${outcome.estimatedCost.toFixed(2)}`);
  return json(
    202,
    {
      success: true,
      jobId: outcome.jobId,
      estimatedCost: outcome.estimatedCost,
      breakdown: outcome.breakdown,
      message: outcome.kind === 'existing' ? 'A job with this Idempotency-Key already exists; returning it.' : `Analysis of ${req.properties.length} properties started.`,
      statusUrl,
      ...management,
    },
    { location: statusUrl, 'retry-after': '5' },
  );
}

app.http('analyzePortfolio', {
  route: 'portfolio/analyze',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: analyzePortfolio,
});
