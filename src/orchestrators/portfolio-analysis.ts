// portfolioAnalysis: the root of a job (DESIGN §2). Initialises the job's jobProgress entity, runs the
// chunks in chunkBatch sub-orchestrations of at most `chunksPerBatch` chunks, a bounded number at a time,
// merges their summaries, and hands the merged summary to aggregateReport. Its history holds ids, counts
// and summaries only, never properties, so it stays small whatever the portfolio weighs.
import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { batchRanges } from '../domain/chunking.ts';
import type { JobStatus } from '../domain/job-status.ts';
import { mergeAllSummaries, type ChunkSummary } from '../domain/summary.ts';
import {
  ACTIVITIES,
  JOB_PROGRESS_ENTITY,
  logLine,
  ORCHESTRATIONS,
  type JobPhase,
  type AggregateReportInput,
  type ChunkBatchInput,
  type ChunkBatchOutput,
  type PortfolioAnalysisInput,
} from '../workflow.ts';

export const portfolioAnalysis: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<PortfolioAnalysisInput>();
  const startedAt = context.df.currentUtcDateTime.getTime();
  // One log line per phase, written once: a replay re-runs this code and must not log again.
  const logPhase = (phase: JobPhase, fields: Record<string, string | number | boolean>) => {
    if (!context.df.isReplaying)
      context.log(
        logLine('jobPhase', {
          jobId: input.jobId,
          phase,
          elapsedMs: context.df.currentUtcDateTime.getTime() - startedAt,
          ...fields,
        }),
      );
  };
  const progress = new df.EntityId(JOB_PROGRESS_ENTITY, input.jobId);
  yield context.df.callEntity(progress, 'init', {
    jobId: input.jobId,
    total: input.totalProperties,
    chunkCount: input.chunkCount,
    estimatedCents: input.estimatedCents,
    budgetCents: input.budgetCents,
    startTime: context.df.currentUtcDateTime.toISOString(),
  });

  const batches = batchRanges(input.chunkCount, input.chunksPerBatch);
  logPhase('started', {
    properties: input.totalProperties,
    chunks: input.chunkCount,
    batches: batches.length,
    estimatedCents: input.estimatedCents,
  });
  const summaries: ChunkSummary[] = [];
  // Running counts for the custom status; the merged summary gives the final ones.
  let processed = 0;
  let failedSoFar = 0;
  let stoppedBy: ChunkBatchOutput['stoppedBy'];
  let batchesDone = 0;
  context.df.setCustomStatus({
    phase: 'analyzing',
    batchesDone,
    batches: batches.length,
    processed: 0,
    total: input.totalProperties,
  });
  // Batches run in waves of maxConcurrentBatches (see chunk-batch.ts for why not a sliding window).
  for (let next = 0; next < batches.length && stoppedBy === undefined; next += input.maxConcurrentBatches) {
    const wave = batches.slice(next, next + input.maxConcurrentBatches).map((range) => {
      const batchInput: ChunkBatchInput = {
        jobId: input.jobId,
        analysisType: input.analysisType,
        firstChunk: range.firstChunk,
        chunkCount: range.chunkCount,
        maxConcurrentChunks: input.maxConcurrentChunks,
        chunkCostCents: input.chunkCostCents,
        asOf: input.asOf,
      };
      return context.df.callSubOrchestrator(
        ORCHESTRATIONS.chunkBatch,
        batchInput,
        `${input.jobId}:batch-${range.batchIndex}`,
      );
    });
    const outputs = (yield context.df.Task.all(wave)) as ChunkBatchOutput[];
    for (const output of outputs) {
      summaries.push(output.summary);
      processed += output.summary.counts.properties;
      failedSoFar += output.summary.counts.failed;
      stoppedBy ??= output.stoppedBy;
      batchesDone++;
    }
    context.df.setCustomStatus({
      phase: 'analyzing',
      batchesDone,
      batches: batches.length,
      processed,
      failed: failedSoFar,
      total: input.totalProperties,
    });
    logPhase('batches', { batchesDone, batches: batches.length, processed, failed: failedSoFar });
  }
  const summary = mergeAllSummaries(summaries);

  const { properties, failed } = summary.counts;
  const failureRate = properties === 0 ? 0 : failed / properties;
  const status: JobStatus = failureRate > input.maxFailureRate ? 'failed' : (stoppedBy ?? 'completed');
  context.df.setCustomStatus({ phase: 'reporting', processed: properties, failed, total: input.totalProperties });
  const report: AggregateReportInput = {
    jobId: input.jobId,
    portfolioId: input.portfolioId,
    analysisType: input.analysisType,
    status,
    summary,
    totalProperties: input.totalProperties,
    asOf: input.asOf,
    ...(input.stressScenarios !== undefined && { stressScenarios: input.stressScenarios }),
    ...(status === 'failed' && {
      error: `${failed} of ${properties} properties failed (${(failureRate * 100).toFixed(1)}%), above the limit of ${(input.maxFailureRate * 100).toFixed(1)}%`,
    }),
  };
  yield context.df.callActivity(ACTIVITIES.aggregateReport, report);
  context.df.setCustomStatus({ phase: 'done', status, processed: properties, failed, total: input.totalProperties });
  logPhase('finished', { status, processed: properties, failed, costCents: summary.costCents.total });
  return { status, processed: properties, failed };
};
