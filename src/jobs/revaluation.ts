// A registered portfolio's revaluation (DESIGN §2.7): the nightly timer's queue message and
// POST /api/portfolios/{portfolioId}/revalue start the same run, under the instance id
// `nightly-{portfolioId}-{yyyyMMdd}`, so a portfolio is revalued at most once a (UTC) day however many
// times it is asked: a re-delivered message or a repeated request answers the day's existing job.
import type { DurableClient } from 'durable-functions';
import type { AppServices } from '../services.ts';
import type { PortfolioDocument } from '../storage/portfolios-repository.ts';
import { durableStarter, jobStoreFor } from './bindings.ts';
import { stageProperties } from './chunk-stager.ts';
import { submitJob, type SubmitOutcome } from './submit-job.ts';

/** The job id of a portfolio's revaluation on `runDate` (yyyyMMdd, UTC). */
export function nightlyJobId(portfolioId: string, runDate: string): string {
  return `nightly-${portfolioId}-${runDate}`;
}

/** The UTC day of `at` as yyyyMMdd, the run date of a revaluation started then. */
export function runDateOf(at: Date): string {
  return at.toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * Starts `portfolio`'s revaluation for `runDate` from its registered properties, or answers the day's
 * existing run (`existing`). Throws BlobNotFoundError when the registered properties are gone, and what
 * staging or the durable client throw.
 */
export async function startRevaluation(
  services: AppServices,
  client: DurableClient,
  portfolio: PortfolioDocument,
  runDate: string,
): Promise<Exclude<SubmitOutcome, { kind: 'over_budget' | 'key_reused' }>> {
  const { staging } = services.storage;
  const jobId = nightlyJobId(portfolio.id, runDate);
  const properties = await staging.readPortfolio(portfolio.source.blobName);
  const tape = await stageProperties(staging, jobId, properties, services.settings.chunking.chunkSize);
  const outcome = await submitJob(
    {
      portfolioId: portfolio.id,
      analysisType: portfolio.analysisType,
      tape,
      allowPartial: false,
      jobId,
      asOf: new Date(),
    },
    services.settings,
    jobStoreFor(services),
    durableStarter(client),
  );
  if (outcome.kind === 'over_budget' || outcome.kind === 'key_reused')
    throw new Error(`a revaluation has no budget and no Idempotency-Key, yet submission answered ${outcome.kind}`);
  return outcome;
}
