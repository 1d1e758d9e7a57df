// chunkBatch: analyses up to `chunksPerBatch` chunks, `maxConcurrentChunks` analyzeChunk activities at a
// time. Before a wave of chunks it reserves their maximum cost with the job's jobProgress entity; a refusal
// (cancelled, or the budget would be passed) stops scheduling, and the chunks already running finish.
// After each chunk it signals the actual counts and cost. Deterministic: no I/O, no clock, no randomness.
// A chunk whose activity fails every attempt (storage down; a bad property never fails a chunk) fails the
// batch, and with it the job.
import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import type { Reservation, WaveAnswer } from '../domain/job-progress.ts';
import { mergeAllSummaries, type ChunkSummary } from '../domain/summary.ts';
import {
  ACTIVITIES,
  JOB_PROGRESS_ENTITY,
  type AnalyzeChunkOutput,
  type ChunkBatchInput,
  type ChunkBatchOutput,
} from '../workflow.ts';

// Chunks run in waves: reserve a wave (one entity call), run it with Task.all, report, repeat. A sliding
// window would re-yield running tasks in a new Task.any, which the Durable JS protocol cannot express: the
// host schedules those tasks again (Azure/azure-functions-durable-js#574).
export const chunkBatch: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<ChunkBatchInput>();
  const progress = new df.EntityId(JOB_PROGRESS_ENTITY, input.jobId);
  const retry = new df.RetryOptions(2_000, 3);
  retry.backoffCoefficient = 2;

  // Summaries are merged once, at the end: every episode replays the loop, so merging as results arrive
  // would redo every earlier merge on every replay.
  const summaries: ChunkSummary[] = [];
  let stoppedBy: ChunkBatchOutput['stoppedBy'];
  let chunksRun = 0;
  const end = input.firstChunk + input.chunkCount;
  for (let next = input.firstChunk; next < end && stoppedBy === undefined;) {
    const wave = Array.from({ length: Math.min(input.maxConcurrentChunks, end - next) }, (_, i) => next + i);
    const reservations: Reservation[] = wave.map((chunkIndex) => ({
      chunkIndex,
      cents: input.chunkCostCents[chunkIndex] ?? 0,
    }));
    const answer = (yield context.df.callEntity(progress, 'reserve', reservations)) as WaveAnswer;
    stoppedBy = answer.refusal;
    const granted = wave.slice(0, answer.granted);
    if (granted.length === 0) break;
    next += granted.length;
    const outputs = (yield context.df.Task.all(
      granted.map((chunkIndex) =>
        context.df.callActivityWithRetry(ACTIVITIES.analyzeChunk, retry, {
          jobId: input.jobId,
          chunkIndex,
          analysisType: input.analysisType,
          asOf: input.asOf,
        }),
      ),
    )) as AnalyzeChunkOutput[];
    for (const output of outputs) {
      summaries.push(output.summary);
      chunksRun++;
      context.df.signalEntity(progress, 'chunkCompleted', {
        chunkIndex: output.chunkIndex,
        processed: output.processed,
        failed: output.failed,
        cached: output.cached,
        actualCents: output.actualCents,
        at: context.df.currentUtcDateTime.toISOString(),
      });
    }
    context.df.setCustomStatus({ chunksRun, chunks: input.chunkCount });
  }
  const result: ChunkBatchOutput = {
    summary: mergeAllSummaries(summaries),
    chunksRun,
    ...(stoppedBy && { stoppedBy }),
  };
  return result;
};
