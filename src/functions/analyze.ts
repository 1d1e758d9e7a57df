// POST /api/portfolio/analyze: validate, estimate, refuse over budget, stage, start (DESIGN §2.1, §5).
// JSON body, or a CSV or Excel tape with the request fields as query parameters (src/api/portfolio-request.ts).
import { counted } from '../domain/plural.ts';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { validate } from '../api/request-parsing.ts';
import { readPortfolioRequest } from '../api/portfolio-request.ts';
import { idempotencyKeySchema } from '../api/schemas.ts';
import type { AnalyzeAccepted, IdempotencyKeyReusedAnswer, OverBudgetAnswer } from '../api/answers.ts';
import { publicUrl } from '../api/public-url.ts';
import { json } from '../api/responses.ts';
import { requestFingerprint } from '../jobs/request-fingerprint.ts';
import { submitJob } from '../jobs/submit-job.ts';
import { chaosAfterStep, durableStarter, jobStoreFor } from '../jobs/bindings.ts';
import type { AppServices } from '../services.ts';
import { logLine } from '../workflow.ts';

export async function analyzePortfolio(
  services: AppServices,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const { settings } = services;
  const asOf = new Date();
  const key = validate(
    idempotencyKeySchema,
    request.headers.get('idempotency-key') ?? undefined,
    'headers.Idempotency-Key',
  );
  if (!key.ok) return key.response;
  const valid = await readPortfolioRequest(request, settings, asOf);
  if (!valid.ok) return valid.response;
  const { request: req, dataQuality } = valid.value;

  const client = df.getClient(context);
  const outcome = await submitJob(
    {
      portfolioId: req.portfolioId,
      analysisType: req.analysisType,
      properties: req.properties,
      budget: req.budget,
      allowPartial: req.allowPartial,
      idempotencyKey: key.value,
      dataQuality,
      ...(key.value !== undefined && { requestFingerprint: requestFingerprint(req) }),
      asOf,
      stressScenarios: req.stressScenarios,
    },
    settings,
    jobStoreFor(services),
    durableStarter(client),
    chaosAfterStep(services),
  );
  if (outcome.kind === 'over_budget') {
    return json(422, {
      success: false,
      error: `The estimated cost $${outcome.estimatedCost.toFixed(2)} exceeds the budget $${outcome.budget.toFixed(2)}. Raise the budget, or set allowPartial to analyse until the budget is spent.`,
      estimatedCost: outcome.estimatedCost,
      budget: outcome.budget,
      breakdown: outcome.breakdown,
      dataQuality,
    } satisfies OverBudgetAnswer);
  }
  const statusUrl = publicUrl(settings.host.publicBaseUrl, `/api/portfolio/jobs/${outcome.jobId}`);
  if (outcome.kind === 'key_reused') {
    // IETF draft "The Idempotency-Key HTTP Header Field" §2.7: a key reused for a different request is a 422.
    return json(422, {
      success: false,
      error: `The Idempotency-Key '${key.value}' was already used for job ${outcome.jobId} (portfolio '${outcome.portfolioId}') with a different request. Send that request unchanged to get its job, or use a new key for this one.`,
      jobId: outcome.jobId,
      statusUrl,
    } satisfies IdempotencyKeyReusedAnswer);
  }
  context.log(
    logLine('jobPhase', {
      jobId: outcome.jobId,
      phase: 'submitted',
      outcome: outcome.kind,
      properties: req.properties.length,
      skippedRows: dataQuality.skipped,
      analysisType: req.analysisType,
      estimatedCents: Math.round(outcome.estimatedCost * 100),
    }),
  );
  const skipped =
    dataQuality.skipped > 0
      ? ` ${counted(dataQuality.skipped, 'invalid row was', 'invalid rows were')} left out (see dataQuality).`
      : '';
  return json(
    202,
    {
      success: true,
      jobId: outcome.jobId,
      estimatedCost: outcome.estimatedCost,
      breakdown: outcome.breakdown,
      message:
        outcome.kind === 'existing'
          ? 'A job with this Idempotency-Key already exists; returning it.'
          : `Analysis of ${counted(req.properties.length, 'property', 'properties')} started.${skipped}`,
      statusUrl,
      dataQuality,
      ...(settings.pipeline.handOutManagementUrls && managementUrls(client, outcome.jobId)),
    } satisfies AnalyzeAccepted,
    { location: statusUrl, 'retry-after': '5' },
  );
}

/**
 * The Durable management URLs whose use leaves the job consistent: the status query that portals poll,
 * terminate (the job's chunks stop buying and it ends cancelled with a partial report) and purge (the
 * job's document, results and report stay). The others are left out: restart would re-run the job, rewind
 * and raising events mean nothing to it, and suspending the root does not pause its run (use DELETE on
 * statusUrl to stop a job). In Azure each URL carries the task hub's system key: see the README.
 */
function managementUrls(client: df.DurableClient, jobId: string) {
  const { statusQueryGetUri, terminatePostUri, purgeHistoryDeleteUri } = client.createHttpManagementPayload(jobId);
  return { statusQueryGetUri, terminatePostUri, purgeHistoryDeleteUri };
}
