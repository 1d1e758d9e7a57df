// The portfolio registry (DESIGN §5): register a portfolio for the nightly revaluation, read it back, read
// its trend (one point per analysis run), and run its revaluation on demand.
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { bodyText, parseJsonText, readBody, validate } from '../api/request-parsing.ts';
import { portfolioBodySchema, portfolioRouteSchema } from '../api/schemas.ts';
import type { PortfolioAnswer, RevalueAccepted, TrendAnswer } from '../api/answers.ts';
import { publicUrl } from '../api/public-url.ts';
import { json, notFound } from '../api/responses.ts';
import { runDateOf, startRevaluation } from '../jobs/revaluation.ts';
import type { AppServices } from '../services.ts';

export async function putPortfolio(services: AppServices, request: HttpRequest): Promise<HttpResponseInit> {
  const route = validate(portfolioRouteSchema, request.params, 'route');
  if (!route.ok) return route.response;
  const body = await readBody(request, services.settings.pipeline.maxRequestMegabytes * 1024 * 1024);
  if (!body.ok) return body.response;
  const textBody = bodyText(body.value);
  if (!textBody.ok) return textBody.response;
  const parsed = parseJsonText(textBody.value.text);
  if (!parsed.ok) return parsed.response;
  const valid = validate(portfolioBodySchema(new Date()), parsed.value);
  if (!valid.ok) return valid.response;
  const { portfolioId } = route.value;
  const blobName = await services.storage.staging.stagePortfolio(portfolioId, valid.value.properties);
  const registered = await services.storage.portfolios.put({
    id: portfolioId,
    ...(valid.value.name !== undefined && { name: valid.value.name }),
    analysisType: valid.value.analysisType,
    nightly: valid.value.nightly,
    source: { kind: 'blob', blobName },
    propertyCount: valid.value.properties.length,
    updatedAt: new Date().toISOString(),
  });
  return json(200, { success: true, portfolio: registered } satisfies PortfolioAnswer);
}

export async function getPortfolio(services: AppServices, request: HttpRequest): Promise<HttpResponseInit> {
  const route = validate(portfolioRouteSchema, request.params, 'route');
  if (!route.ok) return route.response;
  const portfolio = await services.storage.portfolios.get(route.value.portfolioId);
  if (!portfolio) return notFound(`No portfolio registered with id '${route.value.portfolioId}'.`);
  return json(200, { success: true, portfolio } satisfies PortfolioAnswer);
}

export async function getTrends(services: AppServices, request: HttpRequest): Promise<HttpResponseInit> {
  const route = validate(portfolioRouteSchema, request.params, 'route');
  if (!route.ok) return route.response;
  const points = await services.storage.trends.list(route.value.portfolioId);
  return json(200, { success: true, portfolioId: route.value.portfolioId, trend: points } satisfies TrendAnswer);
}

/**
 * POST /api/portfolios/{portfolioId}/revalue: the nightly revaluation, now. It runs under the day's
 * nightly instance id, so a second call the same (UTC) day, or the timer's run, answers the same job.
 */
export async function revaluePortfolio(
  services: AppServices,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const route = validate(portfolioRouteSchema, request.params, 'route');
  if (!route.ok) return route.response;
  const portfolio = await services.storage.portfolios.get(route.value.portfolioId);
  if (!portfolio)
    return notFound(
      `No portfolio registered with id '${route.value.portfolioId}'; register it with PUT /api/portfolios/${route.value.portfolioId} first.`,
    );
  const runDate = runDateOf(new Date());
  const outcome = await startRevaluation(services, df.getClient(context), portfolio, runDate);
  const statusUrl = publicUrl(services.settings.host.publicBaseUrl, `/api/portfolio/jobs/${outcome.jobId}`);
  return json(
    202,
    {
      success: true,
      jobId: outcome.jobId,
      portfolioId: portfolio.id,
      runDate,
      estimatedCost: outcome.estimatedCost,
      message:
        outcome.kind === 'existing'
          ? `Portfolio '${portfolio.id}' already has its revaluation of ${runDate} (UTC); returning it. The next can start tomorrow.`
          : `Revaluation of ${portfolio.propertyCount} properties started.`,
      statusUrl,
    } satisfies RevalueAccepted,
    { location: statusUrl },
  );
}
