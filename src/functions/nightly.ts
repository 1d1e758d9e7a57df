// The nightly revaluation (DESIGN §2.7): a timer enqueues one message per registered portfolio; a queue
// trigger starts its run with a deterministic instance id, so a re-delivered message starts nothing new.
import type { InvocationContext, Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { z } from 'zod';
import { nightlyJobId, runDateOf, startRevaluation } from '../jobs/revaluation.ts';
import type { AppServices } from '../services.ts';
import { logLine } from '../workflow.ts';

export const revaluationMessageSchema = z.strictObject({
  portfolioId: z.string().min(1),
  /** The run's date, yyyyMMdd (UTC), part of the instance id. */
  runDate: z.string().regex(/^\d{8}$/),
});

export async function enqueueNightlyRuns(
  services: AppServices,
  timer: Timer,
  context: InvocationContext,
): Promise<void> {
  const runDate = runDateOf(new Date());
  const portfolios = await services.storage.portfolios.listNightly();
  for (const portfolio of portfolios)
    await services.storage.queues.sendRevaluation({ portfolioId: portfolio.id, runDate });
  context.log(
    `nightly revaluation ${runDate}: ${portfolios.length} portfolio(s) enqueued${timer.isPastDue ? ' (timer was past due)' : ''}`,
  );
}

export async function startNightlyRun(
  services: AppServices,
  message: unknown,
  context: InvocationContext,
): Promise<void> {
  const parsed = revaluationMessageSchema.safeParse(message);
  if (!parsed.success) {
    // A malformed message would fail every retry; say so and let it go to the poison queue once.
    throw new Error(
      `invalid revaluation message: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const { portfolioId, runDate } = parsed.data;
  const portfolio = await services.storage.portfolios.get(portfolioId);
  if (!portfolio) {
    context.warn(`nightly run for unknown portfolio '${portfolioId}' skipped`);
    return;
  }
  const outcome = await startRevaluation(services, df.getClient(context), portfolio, runDate);
  context.log(
    logLine('jobPhase', {
      jobId: nightlyJobId(portfolioId, runDate),
      phase: 'submitted',
      outcome: outcome.kind,
      properties: portfolio.propertyCount,
      analysisType: portfolio.analysisType,
    }),
  );
}
